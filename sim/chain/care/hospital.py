"""The hospital stay after the SEH, and the discharge that may have to wait for a follow-up place.

A patient ready to leave who needs a follow-up bed keeps the hospital bed
meanwhile (a verkeerde bed), as does one waiting for a long-term care place
(Wlz) that has no pool in the model.
"""

from __future__ import annotations

from sim.chain.care.beds import FollowUpBeds
from sim.chain.care.handoffs import Handoffs, Unbound
from sim.chain.context import Context, Flow
from sim.chain.patient import Patient
from sim.config.constants import HOSPITAL, INITIAL_OCCUPANT
from sim.config.schema import BedCare, LongTermCare, Routing
from sim.engine.rng import residual_stays
from sim.resources import CapacityPool


class Hospital:
    """Hospital beds, length of stay and what happens at discharge."""

    def __init__(self, ctx: Context, care: BedCare, long_term_care: LongTermCare, routing: Routing,
                 beds: int, followup: FollowUpBeds) -> None:
        st = ctx.streams
        self.ctx = ctx
        self.care = care
        self.beds: CapacityPool = ctx.pool(HOSPITAL, beds)
        self.followup = followup
        self.handoffs: Handoffs = Unbound()
        self.t_los = st.sampler("care.hospital.los", care.los)
        self.t_long_term_care_wait = st.sampler("care.long_term_care.wait", long_term_care.wait)
        self.u_discharge = st.uniform("routing.hospital_followup")
        self.route_followup = st.chooser("routing.followup", routing.followup_mix)
        self.followup_share = routing.hospital_followup.value
        self.long_term_care_share = routing.hospital_long_term_care.value
        self._initial_stays: list[float] = []

    # ---------------------------------------------------------- start of run
    def prefill(self) -> None:
        """Occupy the planned share of beds; these occupants are patients with remaining stays."""
        n = int(round(self.care.initial_occupancy.value * self.beds.capacity))
        rng = self.ctx.streams.generator(f"prefill.{HOSPITAL}")
        for stay in residual_stays(rng, self.care.los, n).tolist():
            self.beds.try_now()
            self._initial_stays.append(stay)

    def start_initial_occupants(self) -> None:
        """Occupants present at the start: at discharge some need follow-up care, as later patients do."""
        ctx = self.ctx
        for stay in self._initial_stays:
            p = ctx.new_patient(INITIAL_OCCUPANT, 0, "", "somatic", 0.0)
            ctx.record.arrived(p, HOSPITAL, counted=False)
            ctx.start(self.stay(p, stay))

    # --------------------------------------------------------------- flows
    def admit_from_seh(self, p: Patient, dept: CapacityPool, arrived: float) -> Flow:
        """Wait in the SEH for a hospital bed (boarding), then stay."""
        ctx = self.ctx
        yield self.beds.request(ctx.priority(p.urgency))
        dept.release()
        ctx.record.seh_departure("admitted", ctx.env.now - arrived)
        ctx.record.hospital_admission()
        ctx.record.log(p, "admitted", HOSPITAL)
        yield from self.stay(p, self.t_los())

    def stay(self, p: Patient, stay: float) -> Flow:
        """In a hospital bed for ``stay`` minutes; then home, waiting for follow-up care, or for a Wlz place."""
        yield self.ctx.env.timeout(stay)
        u = self.u_discharge()
        if u < self.followup_share:
            yield from self.discharge_with_followup(p, self.route_followup())
        elif u < self.followup_share + self.long_term_care_share:
            yield from self.wait_for_long_term_care(p)
        else:
            self.beds.release()
            self.ctx.record.end(p, "hospital_home")

    def followup_from_seh(self, p: Patient, dept: CapacityPool) -> Flow:
        """SEH patient who cannot go home: a bed now, or admission to hospital to wait there."""
        ctx = self.ctx
        kind = self.route_followup()
        placed = yield from self.handoffs.find_bed(p, kind, 0.0)
        if placed:
            dept.release()
            return
        yield self.beds.request(ctx.priorities.hospital_bed_waiting_for_followup)
        dept.release()
        ctx.record.hospital_admission(waiting_for_followup=True)
        yield from self.discharge_with_followup(p, kind, ask=False)

    def discharge_with_followup(self, p: Patient, kind: str, ask: bool = True) -> Flow:
        """Ready to leave hospital but needing a bed: the hospital bed is a verkeerde bed meanwhile."""
        ctx = self.ctx
        ctx.record.verkeerde_bed(+1)
        ctx.record.log(p, "ready_for_discharge", kind)
        placed = False
        if ask:
            placed = yield from self.handoffs.find_bed(p, kind, None)
        if not placed:  # already asked from the SEH, or the coordinator was unreachable: wait for a bed
            yield from self.followup.wait_and_admit(p, kind, None, ctx.env.now)
        ctx.record.verkeerde_bed(-1)
        self.beds.release()

    def wait_for_long_term_care(self, p: Patient) -> Flow:
        """Ready to leave for a long-term care place (Wlz) outside the model's pools: a verkeerde bed."""
        ctx = self.ctx
        ctx.record.verkeerde_bed(+1)
        ctx.record.log(p, "ready_for_discharge", "long_term_care")
        yield ctx.env.timeout(self.t_long_term_care_wait())
        ctx.record.verkeerde_bed(-1)
        self.beds.release()
        ctx.record.end(p, "long_term_care")
