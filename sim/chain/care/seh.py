"""The emergency departments (SEH): treatment, then home, admission or a follow-up bed."""

from __future__ import annotations

from dataclasses import dataclass

from sim.chain import record as rec
from sim.chain.care.hospital import Hospital
from sim.chain.context import Context, Flow
from sim.chain.patient import Patient
from sim.config.schema import Routing, SehCare, SehSite
from sim.geo.sites import nearest_site
from sim.resources import CapacityPool


@dataclass
class Department:
    """One emergency department and the sub-area it lies in."""

    name: str
    subarea: int
    places: CapacityPool


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
        self.t_home = st.sampler("care.seh.los_home", care.los_home)
        self.t_admitted = st.sampler("care.seh.los_admitted", care.los_admitted)
        self.u_disposition = st.uniform("routing.seh_disposition")
        self.admit_share = {route: share.value for route, share in routing.seh_admit.items()}
        self.followup_share = routing.seh_followup.value

    def visit(self, p: Patient, route: str, dept: Department | None = None) -> Flow:
        """Arrive at the SEH by ``route``; treatment, then home, admission or follow-up care."""
        ctx = self.ctx
        dept = dept or self.department_of[p.subarea]
        ctx.record.seh_arrival(p, route, ctx.hour_of_day(), dept.name)
        arrived = ctx.env.now
        yield dept.places.request(ctx.priority(p.urgency))
        u = self.u_disposition()
        admit = self.admit_share[route]
        if u < admit:
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
