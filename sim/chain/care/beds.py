"""Follow-up bed pools: short-stay (ELV), geriatric rehabilitation (GRZ) and crisis beds.

A bed is taken only while its pool's admission window is open. Each pool
starts at its planned occupancy, with equilibrium remaining stays, because
stays of weeks would take months of warm-up to build up from empty beds.
"""

from __future__ import annotations

from sim.chain.context import Context, Flow
from sim.chain.patient import Patient
from sim.config.constants import FOLLOWUP_BED_KINDS, MIN_PER_HOUR
from sim.config.schema import BedCare
from sim.engine.rng import residual_stays
from sim.resources import CapacityPool


class FollowUpBeds:
    """The follow-up bed pools of the region, with their stays, transfer lags and admission windows."""

    def __init__(self, ctx: Context, care: dict[str, BedCare], capacity: dict[str, int]) -> None:
        st = ctx.streams
        self.ctx = ctx
        self.care = care
        self.pools: dict[str, CapacityPool] = {k: ctx.pool(k, capacity[k]) for k in FOLLOWUP_BED_KINDS}
        self.t_los = {k: st.sampler(f"care.{k}.los", care[k].los) for k in FOLLOWUP_BED_KINDS}
        self.t_transfer = {k: st.sampler(f"care.{k}.transfer_lag", care[k].transfer_lag) for k in FOLLOWUP_BED_KINDS}
        self.max_wait_home = {k: care[k].max_wait_at_home_hours.value * MIN_PER_HOUR for k in FOLLOWUP_BED_KINDS}
        # Hour of week -> admissions allowed, per pool (applied by the model's hourly clock).
        self.gates = [(self.pools[k], [v > 0 for v in care[k].admission_hours.values]) for k in FOLLOWUP_BED_KINDS]

    def prefill(self) -> None:
        """Occupy each pool at its planned occupancy; the occupants leave after their remaining stay."""
        for kind, pool in self.pools.items():
            n = int(round(self.care[kind].initial_occupancy.value * pool.capacity))
            rng = self.ctx.streams.generator(f"prefill.{kind}")
            for stay in residual_stays(rng, self.care[kind].los, n).tolist():
                pool.try_now()
                pool.release_after(stay)

    def admit(self, p: Patient, kind: str, pool: CapacityPool, asked: float, travel: float = 0.0) -> Flow:
        """A bed of ``pool`` is the patient's: transfer, then the bed is held for the stay."""
        ctx = self.ctx
        ctx.record.placement_time(ctx.env.now - asked)
        ctx.record.care(p, "gp")
        yield ctx.env.timeout(self.t_transfer[kind]() + travel)
        pool.release_after(self.t_los[kind]())
        ctx.record.bed_admission(kind)
        ctx.record.end(p, kind)

    def wait_and_admit(self, p: Patient, kind: str, patience: float | None, asked: float) -> Flow:
        """Queue for a bed of ``kind`` (at most ``patience`` minutes); True once admitted."""
        pool = self.pools[kind]
        got = yield pool.request(self.ctx.priorities.followup_bed, patience)
        if not got:
            return False
        yield from self.admit(p, kind, pool, asked)
        return True
