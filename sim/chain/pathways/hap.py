"""GP out-of-hours care (status quo): the HAP triage desk, consults and home visits."""

from __future__ import annotations

from typing import Generator

from sim.chain.pathways import placement, zcc
from sim.chain.pathways.phone import URGENCY_PRIORITY, phone_call
from sim.chain.patient import Patient


def hap_call_entry(m, p: Patient) -> None:
    m.start(out_of_hours_call(m, p))


def out_of_hours_call(m, p: Patient) -> Generator:
    """A call to the HAP number: the post's own desk, or the zcc where calls are forwarded."""
    if zcc.takes_patient_calls(m):
        yield from zcc.forwarded_hap_call(m, p)
    else:
        yield from hap_call(m, p)


def hap_walk_in_entry(m, p: Patient) -> None:
    m.start(hap_walk_in(m, p))


def hap_call(m, p: Patient) -> Generator:
    """A patient phones the out-of-hours post of their sub-area."""
    hap = m.hap_of[p.subarea]
    kit = m.hap_kit
    if p.urgency not in m.route_hap:  # came via self-triage or 112: urgency as among HAP callers
        p.urgency = m.hap_urgency()
    answered = yield from phone_call(m, kit, p, hap.desk.request, URGENCY_PRIORITY[p.urgency])
    if not answered:
        m.end(p, "abandoned")
        return
    handling = kit.handling()
    if m.gp_input_u() < m.scenario.desks.hap_triage.gp_input_share.value:
        handling += m.gp_input_time()
    yield m.env.timeout(handling)
    hap.desk.release()
    yield from after_triage(m, p, hap)


def after_triage(m, p: Patient, hap) -> Generator:
    """Send the triaged patient to advice, the post, a home visit, an ambulance or crisis GGZ.

    The same for triage at the post's desk and at the zcc (HAPs keep their consults and visits).
    """
    route = m.route_hap_mental if p.need == "mental_health" else m.route_hap[p.urgency]
    decision = route()
    m.counts["hap_contacts"] += 1
    m.counts[f"hap_contacts.{decision}"] += 1
    m.log(p, "triaged", decision)
    if decision == "telephone_advice":
        m.end(p, "telephone_advice")
    elif decision == "consult":
        yield from gp_consult(m, p, hap)
    elif decision == "home_visit":
        yield from home_visit(m, p, hap)
    elif decision == "ambulance":
        p.urgency = "A1" if p.urgency in ("U0", "U1") else "A2"
        yield from zcc.ambulance_or_alternative(m, p, m.env.now)
    elif decision == "ggz_crisis":
        yield from placement.crisis_team_visit(m, p)
    else:
        raise ValueError(f"routing.hap_triage: unknown outcome '{decision}'")


def hap_walk_in(m, p: Patient) -> Generator:
    """A patient walks into the post without calling first."""
    hap = m.hap_of[p.subarea]
    m.counts["hap_contacts"] += 1
    m.counts["hap_contacts.walk_in"] += 1
    yield from gp_consult(m, p, hap, count=False)


def gp_consult(m, p: Patient, hap, count: bool = True) -> Generator:
    yield hap.gps.request(URGENCY_PRIORITY.get(p.urgency, 3))
    m.log(p, "consult_start", hap.name)
    yield m.env.timeout(m.t_consult())
    hap.gps.release()
    yield from after_gp(m, p, "hap_consult")


def home_visit(m, p: Patient, hap) -> Generator:
    yield hap.cars.request(URGENCY_PRIORITY.get(p.urgency, 3))
    m.log(p, "visit_start", hap.name)
    yield m.env.timeout(home_visit_minutes(m, hap, p))
    hap.cars.release()
    yield from after_gp(m, p, "home_visit")


def home_visit_minutes(m, hap, p: Patient) -> float:
    """The visiting car's time for one visit: there and back from the post, plus the visit."""
    return 2 * m.car_min[hap.subarea, p.subarea] + m.t_visit()


def after_gp(m, p: Patient, outcome: str) -> Generator:
    """After seeing the GP: done, or referred to the SEH."""
    share = m.scenario.routing.after_gp_seh_referral.get(p.urgency)
    if share is not None and m.u_after_gp() < share.value:
        yield from zcc.gp_sends_to_seh(m, p)
    else:
        m.end(p, outcome)
