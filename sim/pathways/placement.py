"""Finding follow-up care (status quo): the ELV coordination point and calling around.

Bed requests (ELV, GRZ, crisis bed) go to the regional ELV coordination point.
A bed is taken only while the pool's admission window is open; a patient
waiting in hospital occupies that bed meanwhile (verkeerde bed), a patient at
home waits at most a set time and then goes to the SEH. District nursing and
crisis GGZ are found by calling around: each attempt takes time and succeeds
with a probability proportional to the share of free capacity.
"""

from __future__ import annotations

from typing import Generator

from sim.pathways import seh
from sim.pathways.phone import phone_call
from sim.patient import Patient

BED_NEEDS = ("elv", "grz", "crisis_bed")


def provider_request_entry(m, p: Patient) -> None:
    m.start(provider_request(m, p))


def provider_request(m, p: Patient) -> Generator:
    """A GP or nurse looks for a bed or acute care for a patient at home."""
    need = m.route_provider()
    p.need = need
    if need in BED_NEEDS:
        placed = yield from bed_placement(m, p, need, patience=m.max_wait_home[need])
    elif need in ("district_nursing", "ggz_crisis"):
        placed = yield from call_around(m, p, need)
    else:
        raise ValueError(f"routing.provider_request: unknown need '{need}'")
    if not placed:
        m.metrics.count("placement_fallback_seh")
        yield from seh.seh_visit(m, p, "gp_hap")


def bed_placement(m, p: Patient, kind: str, patience: float | None) -> Generator:
    """Ask the ELV point for a bed of ``kind``; True when the patient is admitted."""
    env = m.env
    asked = env.now
    answered = yield from phone_call(m, m.elv_point, m.elv_kit, p)
    if not answered:
        return False
    yield env.timeout(m.elv_kit.handling())
    m.elv_point.release()
    pool = m.beds[kind]
    got = yield pool.request(0, patience)
    if not got:
        return False
    m.metrics.tally("placement_time", env.now - asked)
    yield env.timeout(m.t_transfer[kind]())
    pool.release_after(m.t_los[kind]())
    m.metrics.count(f"{kind}_admissions")
    m.end(p, kind)
    return True


def followup_from_seh(m, p: Patient, dept) -> Generator:
    """SEH patient who cannot go home: a bed now, or admission to hospital to wait there."""
    kind = m.route_followup()
    placed = yield from bed_placement(m, p, kind, patience=0.0)
    if placed:
        dept.places.release()
        return
    yield m.beds["hospital"].request(2)
    dept.places.release()
    m.metrics.count("hospital_admissions")
    m.metrics.count("hospital_admissions.waiting_for_followup")
    yield from discharge_with_followup(m, p, kind, call_point=False)


def discharge_with_followup(m, p: Patient, kind: str, call_point: bool = True) -> Generator:
    """Ready to leave hospital but needing a bed: the hospital bed is a verkeerde bed meanwhile."""
    waiting = m.metrics.level("verkeerde_bed")
    waiting.add(m.env.now, 1)
    m.log(p, "ready_for_discharge", kind)
    if call_point:
        placed = yield from bed_placement(m, p, kind, patience=None)
    else:
        placed = yield from _wait_for_bed(m, p, kind)
    if not placed:  # the ELV point was unreachable: the ward waits for a bed by its own route
        yield from _wait_for_bed(m, p, kind)
    waiting.add(m.env.now, -1)
    m.beds["hospital"].release()


def _wait_for_bed(m, p: Patient, kind: str) -> Generator:
    asked = m.env.now
    pool = m.beds[kind]
    yield pool.request(0, None)
    m.metrics.tally("placement_time", m.env.now - asked)
    yield m.env.timeout(m.t_transfer[kind]())
    pool.release_after(m.t_los[kind]())
    m.metrics.count(f"{kind}_admissions")
    m.end(p, kind)
    return True


def call_around(m, p: Patient, need: str) -> Generator:
    """Phone providers one by one until one has room; False after the last attempt."""
    team = m.district_nursing if need == "district_nursing" else m.ggz_crisis
    ca = m.scenario.care.calling_around
    asked = m.env.now
    for _ in range(ca.max_attempts.value):
        yield m.env.timeout(m.t_attempt())
        chance = ca.success_when_all_free.value * team.free / team.capacity if team.capacity else 0.0
        if m.u_calling() < chance and team.try_now():
            m.metrics.tally("placement_time", m.env.now - asked)
            yield from _visit(m, p, need, team)
            return True
    return False


def crisis_team_visit(m, p: Patient, asked: float) -> Generator:
    """The HAP GP calls in the crisis GGZ team directly; the patient waits for a free team."""
    yield m.ggz_crisis.request(1)
    yield from _visit(m, p, "ggz_crisis", m.ggz_crisis)


def _visit(m, p: Patient, need: str, team) -> Generator:
    m.log(p, "visit_start", need)
    duration = m.t_dn_visit() if need == "district_nursing" else m.t_ggz_visit()
    yield m.env.timeout(duration)
    team.release()
    m.metrics.count(f"{need}_visits")
    m.end(p, need)
