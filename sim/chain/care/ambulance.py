"""Ambulance care: nearest-vehicle dispatch, treatment on scene or conveyance to the SEH, planned rides.

Response time is counted from the call, as published (RIVM/AZN: from the moment the
112 call reaches the meldkamer to the arrival on scene), in parts that add up to it:

* ``answer``: the call rings until the dispatch desk answers (redials included);
* ``triage`` (meldtijd): answered until the ambulance is alarmed (the centralist's
  dispatch delay; for a 112 call handed to the zcc, everything until the zcc asks
  for the ambulance);
* ``vehicle_wait``: alarmed until a vehicle is assigned (no vehicle free or on duty);
* ``turnout`` (uitruktijd): the chute time until the vehicle leaves;
* ``drive``: from where the vehicle is (its post's town hall, or the hospital it
  left) to the patient's place (:class:`sim.chain.context.Travel`).

An ambulance asked for by a HAP triagist (or the zcc on a HAP call) has no 112 call:
its clock starts when the triagist asks, so ``answer`` and ``triage`` are 0 for it
(the HAP's own answer and triage time is a HAP desk KPI, not part of the response).
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.chain import record as rec
from sim.chain.care.seh import Seh
from sim.chain.context import Context, Flow
from sim.chain.patient import Patient
from sim.config.constants import MIN_PER_HOUR
from sim.config.schema import AmbulanceCare, Share
from sim.config.schema import AmbulanceFleet as FleetSpec
from sim.resources import AmbulanceFleet


@dataclass(frozen=True, slots=True)
class Call:
    """When the call that asks for an ambulance rang and was answered (clock minutes)."""

    rang: float
    answered: float

    @classmethod
    def at(cls, now: float) -> Call:
        """A request with no 112 call before it (a HAP triagist asks): the clock starts now."""
        return cls(now, now)


class Ambulance:
    """The region's ambulances: fleet, timings, and whether a patient is conveyed."""

    def __init__(self, ctx: Context, care: AmbulanceCare, convey_to_seh: dict[str, Share], spec: FleetSpec,
                 seh: Seh) -> None:
        st = ctx.streams
        self.ctx = ctx
        self.seh = seh
        # Drive times as Python floats ([from][to]): a numpy scalar would make the clock a numpy float.
        self.urgent = care.urgent_drive()
        self.drive_urgent: list[list[float]] = self.urgent.minutes_matrix(ctx.travel.km).tolist()
        self.normal_kmh = care.normal_speed_kmh.value
        home = [ctx.area_index[p.subarea] for p in spec.posts.values() for _ in range(p.vehicles.value)]
        self.fleet = AmbulanceFleet(ctx.env, home, self.drive_urgent, ctx.probes(rec.AMBULANCES))
        self.on_duty = spec.on_duty.values
        self.dispatch_delay = st.sampler("care.ambulance.dispatch_delay", care.dispatch_delay)
        self.t_chute = st.sampler("care.ambulance.chute", care.chute_time)
        self.drive_variation = st.sampler("care.ambulance.drive_variation", care.urgent_drive_variation)
        self.spread = care.urgent_drive_spread()
        self.t_on_scene = st.sampler("care.ambulance.on_scene", care.on_scene)
        self.t_handover = st.sampler("care.ambulance.handover", care.handover)
        self.t_planned = st.sampler("care.ambulance.planned_ride", care.planned_ride)
        self.u_convey = st.uniform("routing.convey")
        self.convey_share = {u: s.value for u, s in convey_to_seh.items()}

    def job(self, p: Patient, call: Call) -> Flow:
        """Nearest idle ambulance drives out; treat on scene or convey to the nearest SEH.

        The ambulance is alarmed now; the response and its parts are recorded on arrival.
        """
        ctx, fleet, record = self.ctx, self.fleet, self.ctx.record
        env = ctx.env
        alarmed = env.now
        vehicle = yield fleet.request(ctx.priority(p.urgency), p.subarea)
        assigned = env.now
        record.ambulance_deployed(p.urgency)
        record.log(p, "ambulance_dispatched", str(vehicle))
        turnout = self.t_chute()
        km = ctx.travel.to_patient_km(fleet.location[vehicle], p)
        drive = self.urgent.minutes(km) * self.spread.at_distance(self.drive_variation(), km)
        yield env.timeout(turnout + drive)
        record.ambulance_response(p.urgency, env.now - call.rang, answer=call.answered - call.rang,
                                  triage=alarmed - call.answered, vehicle_wait=assigned - alarmed,
                                  turnout=turnout, drive=drive)
        record.log(p, "on_scene")
        record.care(p, "admission")
        yield env.timeout(self.t_on_scene())
        share = self.convey_share.get(p.urgency)
        if share is not None and self.u_convey() < share:
            dept = self.seh.for_ambulance(p)
            loaded_km = ctx.travel.to_patient_km(dept.subarea, p)
            record.ambulance_conveyed(p.urgency, loaded_km)
            yield env.timeout(loaded_km / self.normal_kmh * MIN_PER_HOUR + self.t_handover())
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
