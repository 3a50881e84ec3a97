"""Ambulance care: nearest-vehicle dispatch, treatment on scene or conveyance to the SEH, planned rides."""

from __future__ import annotations

from sim.chain import record as rec
from sim.chain.care.seh import Seh
from sim.chain.context import Context, Flow
from sim.chain.patient import Patient
from sim.config.schema import AmbulanceCare, Share
from sim.config.schema import AmbulanceFleet as FleetSpec
from sim.resources import AmbulanceFleet


class Ambulance:
    """The region's ambulances: fleet, timings, and whether a patient is conveyed."""

    def __init__(self, ctx: Context, care: AmbulanceCare, convey_to_seh: dict[str, Share], spec: FleetSpec,
                 seh: Seh) -> None:
        st = ctx.streams
        self.ctx = ctx
        self.seh = seh
        # Drive times as Python floats ([from][to]): a numpy scalar would make the clock a numpy float.
        self.drive_urgent: list[list[float]] = ctx.travel.minutes(care.urgent_speed_kmh.value).tolist()
        self.drive_normal: list[list[float]] = ctx.travel.minutes(care.normal_speed_kmh.value).tolist()
        home = [ctx.area_index[p.subarea] for p in spec.posts.values() for _ in range(p.vehicles.value)]
        self.fleet = AmbulanceFleet(ctx.env, home, self.drive_urgent, ctx.probes(rec.AMBULANCES))
        self.on_duty = spec.on_duty.values
        self.dispatch_delay = st.sampler("care.ambulance.dispatch_delay", care.dispatch_delay)
        self.t_chute = st.sampler("care.ambulance.chute", care.chute_time)
        self.t_on_scene = st.sampler("care.ambulance.on_scene", care.on_scene)
        self.t_handover = st.sampler("care.ambulance.handover", care.handover)
        self.t_planned = st.sampler("care.ambulance.planned_ride", care.planned_ride)
        self.u_convey = st.uniform("routing.convey")
        self.convey_share = {u: s.value for u, s in convey_to_seh.items()}

    def job(self, p: Patient, called_at: float) -> Flow:
        """Nearest idle ambulance drives out; treat on scene or convey to the nearest SEH."""
        ctx, fleet, record = self.ctx, self.fleet, self.ctx.record
        env = ctx.env
        vehicle = yield fleet.request(ctx.priority(p.urgency), p.subarea)
        record.ambulance_deployed(p.urgency)
        record.log(p, "ambulance_dispatched", str(vehicle))
        yield env.timeout(self.t_chute() + self.drive_urgent[fleet.location[vehicle]][p.subarea])
        record.ambulance_response(p.urgency, env.now - called_at)
        record.log(p, "on_scene")
        yield env.timeout(self.t_on_scene())
        share = self.convey_share.get(p.urgency)
        if share is not None and self.u_convey() < share:
            dept = self.seh.department_of[p.subarea]
            yield env.timeout(self.drive_normal[p.subarea][dept.subarea] + self.t_handover())
            fleet.release(vehicle, dept.subarea)
            yield from self.seh.visit(p, "ambulance", dept)
        else:
            fleet.release(vehicle, p.subarea)
            record.end(p, "treated_on_scene")

    def planned_ride(self, p: Patient) -> Flow:
        """A planned (B) transport: occupies an ambulance, never reaches the SEH."""
        p.urgency = "B"
        vehicle = yield self.fleet.request(self.ctx.priority("B"), p.subarea)
        self.ctx.record.ambulance_deployed("B")
        yield self.ctx.env.timeout(self.t_planned())
        self.fleet.release(vehicle, p.subarea)
        self.ctx.record.end(p, "planned_ride")
