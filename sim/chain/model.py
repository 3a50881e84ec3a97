"""One replication of a scenario: the region, its care services, its coordination, its clock.

The :class:`Model` builds the shared :class:`~sim.chain.context.Context`, the
care services (:mod:`sim.chain.care`) and the scenario's coordination strategy
(:mod:`sim.chain.coordination`), then feeds the pre-drawn arrivals of every
demand stream to the strategy's entry for that stream, in time order, while an
hourly clock applies rosters, on-duty vehicles and admission windows.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from typing import Final

import numpy as np

from sim.chain.care.ambulance import Ambulance
from sim.chain.care.beds import FollowUpBeds
from sim.chain.care.hap_care import HapCare
from sim.chain.care.hospital import Hospital
from sim.chain.care.seh import Seh
from sim.chain.care.teams import Teams
from sim.chain.context import Context, Flow
from sim.chain.coordination.base import CareServices, Coordination
from sim.chain.coordination.status_quo import StatusQuo
from sim.chain.coordination.zcc import Zcc, ZccLayout
from sim.chain.demand import Arrivals, generate_all, merge
from sim.chain.patient import Patient
from sim.chain.record import VERKEERDE_BED, EventSink, Recorder
from sim.config.constants import FOLLOWUP_BED_KINDS, HOSPITAL, MIN_PER_DAY, MIN_PER_HOUR, TEAM_KINDS
from sim.config.schema import Scenario
from sim.engine.calendar import Calendar
from sim.engine.flow import fire, run_flow
from sim.engine.kernel import URGENT, Environment
from sim.engine.rng import Streams
from sim.geo.regions import subareas_of

_NEXT: Final = next  # compiled: a static, not a look-up in builtins per arrival
STRATEGIES: dict[str, type[Coordination]] = {"status_quo": StatusQuo, "zcc": Zcc}
GC_YOUNG_THRESHOLD: Final = 10_000  # allocations between young-generation collections during the loop (see Model.run)


def build_care(ctx: Context) -> CareServices:
    """The region's care services, each with its own parameters, capacity and streams."""
    sc = ctx.scenario
    c, r, res = sc.care, sc.routing, sc.resources
    hap = HapCare(ctx, c.hap, r.after_gp_seh_referral, res.haps)
    followup = FollowUpBeds(ctx, {k: c.bed(k) for k in FOLLOWUP_BED_KINDS},
                            {k: res.beds[k].value for k in FOLLOWUP_BED_KINDS})
    hospital = Hospital(ctx, c.hospital, c.long_term_care, r, res.beds[HOSPITAL].value, followup)
    seh = Seh(ctx, c.seh, r, res.sehs, hospital)
    ambulance = Ambulance(ctx, c.ambulance, r.convey_to_seh, res.ambulance, seh)
    teams = Teams(ctx, {k: getattr(c, k) for k in TEAM_KINDS},
                  {"district_nursing": res.district_nursing_roster, "ggz_crisis": res.ggz_crisis_roster})
    return CareServices(hap=hap, ambulance=ambulance, seh=seh, hospital=hospital, beds=followup, teams=teams)


class Model:
    """One replication of one scenario."""

    def __init__(self, scenario: Scenario, replication: int = 0, event_log: EventSink | None = None,
                 sample_levels: bool = False, track_alive: bool = False) -> None:
        self.scenario = sc = scenario
        self.replication = replication
        self.env = Environment()
        self.record = Recorder(self.env, event_log, track_alive)
        self.metrics = self.record.metrics
        total_days = int(np.ceil(sc.run.warmup_days + sc.run.days)) + 1
        self.cal = Calendar(sc.calendar, sc.run.start_date, total_days)
        self.ctx = ctx = Context(sc, replication, self.env, self.cal, subareas_of(sc.region), self.record)
        self.warmup_min = sc.run.warmup_days * MIN_PER_DAY
        self.end_min = (sc.run.warmup_days + sc.run.days) * MIN_PER_DAY
        self.samples: dict[str, list[float]] | None = {} if sample_levels else None
        self.arrivals_merged = 0
        self.care = build_care(ctx)
        self.care.hospital.prefill()
        self.care.beds.prefill()
        self.coordination = STRATEGIES[sc.setting](ctx, self.care)
        self.care.bind(self.coordination)

    # ------------------------------------------------------------ read-outs
    @property
    def populations(self) -> np.ndarray:
        return self.ctx.populations

    @property
    def streams(self) -> Streams:
        """The raw named random streams (the docs record their names)."""
        return self.ctx.streams.streams

    @property
    def created(self) -> int:
        return self.record.created

    @property
    def in_system(self) -> int:
        return self.record.in_system

    @property
    def zcc(self) -> ZccLayout | None:
        """The zcc's layout (locations, desks, commute) in scenario III, else None."""
        return self.coordination.layout if isinstance(self.coordination, Zcc) else None

    @property
    def beds(self) -> dict:
        """Every bed pool by kind (hospital first)."""
        return {HOSPITAL: self.care.hospital.beds, **self.care.beds.pools}

    # ------------------------------------------------------------------- run
    def _clock(self) -> Flow:
        """Hourly: apply rosters, on-duty vehicles and admission windows."""
        cal, env = self.cal, self.env
        rosters = self.ctx.rosters.in_order()
        fleet, fleet_roster = self.care.ambulance.fleet, self.care.ambulance.on_duty
        gates = self.care.beds.gates
        for h in range(cal.n_hours):
            how = int(cal.hour_of_week[h])
            for pool, values in rosters:
                if pool.capacity != values[how]:
                    pool.set_capacity(values[how])
            if fleet.on_duty != fleet_roster[how]:
                fleet.set_on_duty(fleet_roster[how])
            for pool, mask in gates:
                if pool.gate_open != mask[how]:
                    pool.set_gate(mask[how])
            if self.samples is not None:
                self._sample_levels()
            yield env.timeout(MIN_PER_HOUR)

    def _sample_levels(self) -> None:
        """Hourly occupancy of the slow pools, for the warm-up check (sim.measure.warmup)."""
        s = self.samples
        assert s is not None
        for name, pool in self.beds.items():
            s.setdefault(name, []).append(pool.busy / pool.capacity if pool.capacity else 0.0)
        depts = self.care.seh.departments
        seh_busy = sum(d.places.busy for d in depts)
        s.setdefault("seh", []).append(seh_busy / max(sum(d.places.capacity for d in depts), 1))
        s.setdefault("verkeerde_bed", []).append(self.metrics.level(VERKEERDE_BED).level)
        fleet = self.care.ambulance.fleet
        s.setdefault("ambulance", []).append(fleet.busy / max(fleet.on_duty, 1))

    def _arrivals(self, arrivals: list[Arrivals]) -> Iterator[tuple[float, int, int, str, str]]:
        """The pre-drawn arrivals of all streams in time order: (time, stream index, sub-area, urgency, need).

        Columns are turned into Python objects one chunk at a time, so memory stays
        small even for a national-size year.
        """
        times, which, pos = merge(arrivals)
        n = int(np.searchsorted(times, self.end_min))
        sub = np.empty(n, dtype=np.int64)
        urg_label = np.empty(n, dtype=object)
        need_label = np.empty(n, dtype=object)
        for w, a in enumerate(arrivals):
            mask = which[:n] == w
            idx = pos[:n][mask]
            sub[mask] = a.subarea[idx]
            urg_label[mask] = np.asarray(a.urgency_labels, dtype=object)[a.urgency[idx]]
            need_label[mask] = np.asarray(a.need_labels, dtype=object)[a.need[idx]]
        del pos
        chunk = 65_536
        for start in range(0, n, chunk):
            stop = min(start + chunk, n)
            yield from zip(times[start:stop].tolist(), which[start:stop].tolist(), sub[start:stop].tolist(),
                           urg_label[start:stop].tolist(), need_label[start:stop].tolist(), strict=False)

    def _simulate(self, arrivals: list[Arrivals], entries: list[Callable[[Patient], None]]) -> None:
        """The event loop: SimPy's event heap, with the sorted arrivals merged in without events of their own.

        An arrival is handled exactly where a per-arrival timeout would have been
        (same time, priority and sequence number, reserved when the previous
        arrival was handled), so the order of events, and every result, is that of
        a source process that waits one timeout per arrival. Heap events are
        processed as ``Environment.step`` does.
        """
        env, ctx, record = self.env, self.ctx, self.record
        names = [a.stream for a in arrivals]
        codes = [a.code for a in ctx.areas]
        feed = self._arrivals(arrivals)
        now = env.now
        nxt = _NEXT(feed, None)
        # The first arrival takes its place in the order now, as the source's first timeout did.
        at, order = (now + (nxt[0] - now), env.take_id()) if nxt is not None else (0.0, -1)
        self.env.timeout(self.warmup_min).callbacks.append(lambda _e: self.metrics.start_measuring(self.env.now))
        stop = env.event()  # as run(until=...): an urgent event at the end
        env.schedule(stop, URGENT, self.end_min - now)
        merged = 0  # arrivals handled (counted here, kept in arrivals_merged at the end)
        while True:
            if nxt is not None and env.goes_first(at, order):
                env.now = now = at
                t, w, s, u, nd = nxt
                p = ctx.new_patient(names[w], s, u, nd, t)
                record.arrived(p, codes[s])
                entries[w](p)
                nxt = _NEXT(feed, None)
                if nxt is not None:
                    at, order = now + (nxt[0] - now), env.take_id()
                merged += 1
                continue
            event = env.next_event()
            if event is stop:
                self.arrivals_merged += merged
                return
            fire(event)  # its callbacks, as SimPy's step
            if not event._ok and not hasattr(event, "_defused"):
                exc = type(event._value)(*event._value.args)
                exc.__cause__ = event._value
                raise exc

    @property
    def events_scheduled(self) -> int:
        """Heap events of the run so far (arrivals merged from the sorted arrays are not heap events)."""
        return self.env.events_scheduled - self.arrivals_merged

    def run(self) -> Model:
        """Simulate warm-up plus the measurement period."""
        arrivals = generate_all(self.scenario, self.ctx.populations, self.cal, self.ctx.streams.streams)
        handlers = self.coordination.entries()
        entries = [handlers[a.stream] for a in arrivals]
        run_flow(self._clock())
        for flow in self.coordination.background() + self.care.seh.background():
            run_flow(flow)
        self.care.hospital.start_initial_occupants()
        # The loop makes and drops containers (flows, events, heap entries) by the million, nearly all
        # freed by reference counting; the collector's default of a young-generation pass every 700 net
        # allocations spent about 5% of a run tracing patients still in the chain. Passes every
        # GC_YOUNG_THRESHOLD allocations instead, for the loop only (nothing in the model depends on when
        # a cycle is collected, so results are the same).
        threshold = gc.get_threshold()
        gc.set_threshold(max(threshold[0], GC_YOUNG_THRESHOLD), *threshold[1:])
        try:
            self._simulate(arrivals, entries)
        finally:
            gc.set_threshold(*threshold)
        return self
