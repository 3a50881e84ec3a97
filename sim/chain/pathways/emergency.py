"""112 and the ambulance: the dispatch desk, nearest-vehicle dispatch, conveyance."""

from __future__ import annotations

from typing import Generator

from sim.chain.pathways import hap, seh, zcc
from sim.chain.pathways.phone import URGENCY_PRIORITY, phone_call
from sim.chain.patient import Patient


def call_112_entry(m, p: Patient) -> None:
    m.start(call_112(m, p))


def planned_ride_entry(m, p: Patient) -> None:
    m.start(planned_ride(m, p))


def call_112(m, p: Patient) -> Generator:
    """A 112 medical call: first triage by the RAV centralist, then dispatch or advice."""
    env = m.env
    rang = env.now
    answered = yield from phone_call(m, m.dispatch_kit, p, m.dispatch.request, 0)
    if not answered:
        m.end(p, "abandoned")
        return
    handling = m.dispatch_kit.handling()
    decision = m.route_dispatch()
    m.log(p, "dispatch_triage", decision)
    if decision != "A1" and _warm_transfer(m, decision):
        # First triage rules out a time-critical life-threatening situation: on to the zcc.
        m.log(p, "warm_transfer", decision)
        yield env.timeout(m.t_first_triage() + m.t_transfer_handover())
        m.dispatch.release()
        yield from zcc.warm_transfer(m, p, decision, rang)
        return
    if decision in ("A1", "A2"):
        # Life-threatening or urgent: the ambulance leaves while the centralist is still on the line.
        p.urgency = decision
        delay = min(m.t_dispatch(), handling)
        yield env.timeout(delay)
        m.start(ambulance_job(m, p, rang))
        yield env.timeout(handling - delay)
        m.dispatch.release()
        return
    yield env.timeout(handling)
    m.dispatch.release()
    advice = m.route_no_ambulance()
    if advice == "self_care":
        m.end(p, "self_care")
    elif advice == "gp":
        if m.cal.is_anw(env.now):
            yield from hap.out_of_hours_call(m, p)  # the caller phones the HAP and is triaged again
        else:
            m.end(p, "own_gp")
    else:
        raise ValueError(f"routing.no_ambulance: unknown outcome '{advice}'")


def _warm_transfer(m, first_triage: str) -> bool:
    """Whether the centralist hands this call over to the zcc (only while its patient line is open)."""
    if m.zcc is None or not m.scenario.zcc.flows.warm_transfer_112:
        return False
    if not m.zcc.patient_line_open[m.cal.hour_of_week_at(m.env.now)]:
        return False
    return m.u_warm_transfer() < m.scenario.zcc.flows.warm_transfer_share[first_triage].value


def ambulance_job(m, p: Patient, called_at: float) -> Generator:
    """Nearest idle ambulance drives out; treat on scene or convey to the nearest SEH."""
    env, fleet = m.env, m.fleet
    vehicle = yield fleet.request(URGENCY_PRIORITY[p.urgency], p.subarea)
    urgency = p.urgency.lower()
    m.counts["ambulance_deployments"] += 1
    m.counts[f"ambulance_deployments.{urgency}"] += 1
    m.log(p, "ambulance_dispatched", str(vehicle))
    yield env.timeout(m.t_chute() + m.drive_urgent[fleet.location[vehicle], p.subarea])
    response = env.now - called_at
    m.metrics.tally(f"ambulance.response.{urgency}", response)
    m.log(p, "on_scene")
    yield env.timeout(m.t_on_scene())
    share = m.scenario.routing.convey_to_seh.get(p.urgency)
    if share is not None and m.u_convey() < share.value:
        dept = m.seh_of[p.subarea]
        yield env.timeout(m.drive_normal[p.subarea, dept.subarea] + m.t_handover())
        fleet.release(vehicle, dept.subarea)
        yield from seh.seh_visit(m, p, "ambulance", dept)
    else:
        fleet.release(vehicle, p.subarea)
        m.end(p, "treated_on_scene")


def planned_ride(m, p: Patient) -> Generator:
    """A planned (B) transport: occupies an ambulance, never reaches the SEH."""
    p.urgency = "B"
    vehicle = yield m.fleet.request(URGENCY_PRIORITY["B"], p.subarea)
    m.counts["ambulance_deployments"] += 1
    m.counts["ambulance_deployments.b"] += 1
    yield m.env.timeout(m.t_planned())
    m.fleet.release(vehicle, p.subarea)
    m.end(p, "planned_ride")
