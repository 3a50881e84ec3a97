"""The emergency departments (SEH): treatment, then home, admission or a follow-up bed; SEH stops.

An SEH in a stop ("SEH-stop", LNAZ) accepts no ambulance arrivals: an ambulance
takes its patient to the nearest SEH that is open to ambulances (the nearest one
if all are stopped). Patients who come by themselves or are referred are seen as usual.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from sim.chain import record as rec
from sim.chain.care.hospital import Hospital
from sim.chain.context import Context, Flow
from sim.chain.patient import Patient
from sim.config.constants import MIN_PER_DAY
from sim.config.schema import Routing, SehCare, SehSite
from sim.geo.sites import nearest_site
from sim.resources import CapacityPool


@dataclass
class Department:
    """One emergency department and the sub-area it lies in."""

    name: str
    subarea: int
    places: CapacityPool
    stopped: bool = False


class Seh:
    """The region's SEHs; every patient goes to the nearest one unless brought elsewhere."""

    def __init__(self, ctx: Context, care: SehCare, routing: Routing, sites: dict[str, SehSite],
                 hospital: Hospital) -> None:
        st = ctx.streams
        self.ctx = ctx
        self.hospital = hospital
        self.departments = [
            Department(n, ctx.area_index[s.subarea], ctx.pool(rec.SEH_PLACES, s.places.value, track_waits=True))
            for n, s in sites.items()]
        nearest = nearest_site(ctx.travel.km, [d.subarea for d in self.departments]).tolist()
        self.department_of = [self.departments[j] for j in nearest]
        km = ctx.travel.km

        def by_distance_from(area: int) -> list[Department]:
            return sorted(self.departments, key=lambda d: (float(km[area][d.subarea]), d.name))

        self.by_distance = [by_distance_from(a) for a in range(len(ctx.areas))]
        self.stop_minutes_per_day = care.stops.minutes_per_day.value
        self.stop_mean = care.stops.mean_duration_min.value
        self.u_stops = [st.uniform(f"care.seh.stops.{d.name}") for d in self.departments] \
            if self.stop_minutes_per_day > 0 else []
        self.t_home = st.sampler("care.seh.los_home", care.los_home)
        self.t_admitted = st.sampler("care.seh.los_admitted", care.los_admitted)
        self.u_disposition = st.uniform("routing.seh_disposition")
        self.admit_share = {route: share.value for route, share in routing.seh_admit.items()}
        self.followup_share = routing.seh_followup.value

    # ----------------------------------------------------------------- stops
    def background(self) -> list[Flow]:
        """One stop process per SEH when the scenario has SEH stops; none otherwise (no streams drawn)."""
        return [self.stops(d, u) for d, u in zip(self.departments, self.u_stops, strict=False)]

    def stops(self, dept: Department, u: Callable[[], float]) -> Flow:
        """Alternate open and stopped periods (exponential), stopped ``minutes_per_day`` on average.

        The SEH starts stopped with the long-run stopped share, so the run starts in equilibrium.
        """
        env, record = self.ctx.env, self.ctx.record
        share = self.stop_minutes_per_day / MIN_PER_DAY
        mean_open = self.stop_mean * (1.0 - share) / share
        dept.stopped = u() < share
        if dept.stopped:
            record.seh_stop(+1)
        while True:
            mean = self.stop_mean if dept.stopped else mean_open
            yield env.timeout(-math.log(1.0 - u()) * mean)
            dept.stopped = not dept.stopped
            record.seh_stop(+1 if dept.stopped else -1)

    def for_ambulance(self, p: Patient) -> Department:
        """The nearest SEH open to ambulances (the nearest of all if every SEH is in a stop)."""
        nearest = self.department_of[p.subarea]
        if not nearest.stopped:
            return nearest
        for dept in self.by_distance[p.subarea]:
            if not dept.stopped:
                self.ctx.record.seh_stop_diversion()
                return dept
        return nearest

    def visit(self, p: Patient, route: str, dept: Department | None = None) -> Flow:
        """Arrive at the SEH by ``route``; treatment, then home, admission or follow-up care."""
        ctx = self.ctx
        dept = dept or self.department_of[p.subarea]
        ctx.record.seh_arrival(p, route, ctx.hour_of_day(), dept.name)
        arrived = ctx.env.now
        yield dept.places.request(ctx.priority(p.urgency))
        ctx.record.care(p, "admission")
        u = self.u_disposition()
        admit = self.admit_share[route]
        # A patient who comes back because their need for admission was not met is admitted.
        if u < admit or (p.represented and p.true_need == "admission"):
            yield ctx.env.timeout(self.t_admitted())
            yield from self.hospital.admit_from_seh(p, dept.places, arrived)
            return
        yield ctx.env.timeout(self.t_home())
        if u < admit + self.followup_share:
            ctx.record.seh_departure("followup")
            yield from self.hospital.followup_from_seh(p, dept.places)
            return
        dept.places.release()
        ctx.record.seh_departure("home", ctx.env.now - arrived)
        ctx.record.end(p, "seh_home")
