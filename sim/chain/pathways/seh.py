"""The emergency department (SEH) and the hospital stay that may follow."""

from __future__ import annotations

from typing import Generator

from sim.chain.pathways import placement, zcc
from sim.chain.pathways.phone import URGENCY_PRIORITY
from sim.chain.patient import Patient

ROUTES = ("self_referral", "ambulance", "gp_hap")


def seh_self_referral_entry(m, p: Patient) -> None:
    m.start(seh_visit(m, p, "self_referral"))


def gp_referral_entry(m, p: Patient) -> None:
    """Office-hours referral by the own GP to the SEH (with a zcc, possibly an alternative)."""
    m.start(zcc.gp_sends_to_seh(m, p))


def seh_visit(m, p: Patient, route: str, dept=None) -> Generator:
    """Arrive at the SEH by ``route``; treatment, then home, admission or follow-up care."""
    dept = dept or m.seh_of[p.subarea]
    m.counts["seh_arrivals"] += 1
    m.counts[f"seh_arrivals.{route}"] += 1
    m.counts[f"seh_arrivals_by_hour.h{m.hour_of_day():02d}"] += 1
    m.log(p, "seh_arrival", dept.name)
    arrived = m.env.now
    yield dept.places.request(URGENCY_PRIORITY.get(p.urgency, 3))
    u = m.u_seh()
    admit = m.scenario.routing.seh_admit[route].value
    if u < admit:
        yield m.env.timeout(m.t_seh_admitted())
        yield from admit_to_hospital(m, p, dept, arrived)
        return
    yield m.env.timeout(m.t_seh_home())
    if u < admit + m.scenario.routing.seh_followup.value:
        m.counts["seh_departures.followup"] += 1
        yield from placement.followup_from_seh(m, p, dept)
        return
    dept.places.release()
    m.counts["seh_departures.home"] += 1
    m.metrics.tally("seh.los.home", m.env.now - arrived)
    m.end(p, "seh_home")


def admit_to_hospital(m, p: Patient, dept, arrived: float) -> Generator:
    """Wait in the SEH for a hospital bed (boarding), then stay; some need follow-up care."""
    yield m.beds["hospital"].request(URGENCY_PRIORITY.get(p.urgency, 3))
    dept.places.release()
    m.counts["seh_departures.admitted"] += 1
    m.metrics.tally("seh.los.admitted", m.env.now - arrived)
    m.counts["hospital_admissions"] += 1
    m.log(p, "admitted", "hospital")
    yield from hospital_stay(m, p, m.t_los["hospital"]())


def hospital_stay(m, p: Patient, stay: float) -> Generator:
    """In a hospital bed for ``stay`` minutes; then home, waiting for follow-up care, or for a Wlz place."""
    yield m.env.timeout(stay)
    u = m.u_hospital()
    followup = m.scenario.routing.hospital_followup.value
    if u < followup:
        yield from placement.discharge_with_followup(m, p, m.route_followup())
    elif u < followup + m.scenario.routing.hospital_long_term_care.value:
        yield from placement.wait_for_long_term_care(m, p)
    else:
        m.beds["hospital"].release()
        m.end(p, "hospital_home")
