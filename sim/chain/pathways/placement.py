"""Finding follow-up care: the ELV coordination point, calling around, or the zcc.

Status quo: bed requests (ELV, GRZ, crisis bed) go to the regional ELV
coordination point; district nursing and crisis GGZ are found by calling
around (each attempt takes time and succeeds with a probability proportional
to the share of free capacity). Scenario III: all of these go to the zcc's
provider line (see :mod:`sim.chain.pathways.zcc`).

A bed is taken only while the pool's admission window is open. A patient
waiting in hospital occupies that bed meanwhile (verkeerde bed); a patient at
home waits at most a set time and then goes to the SEH.
"""

from __future__ import annotations

from typing import Generator

from sim.chain.pathways import seh, zcc
from sim.chain.pathways.phone import phone_call
from sim.chain.patient import Patient

BED_NEEDS = ("elv", "grz", "crisis_bed")


def provider_request_entry(m, p: Patient) -> None:
    m.start(provider_request(m, p))


def provider_request(m, p: Patient) -> Generator:
    """A GP or nurse looks for a bed or acute care for a patient at home."""
    need = m.route_provider()
    p.need = need
    if need not in BED_NEEDS + ("district_nursing", "ggz_crisis"):
        raise ValueError(f"routing.provider_request: unknown need '{need}'")
    patience = m.max_wait_home.get(need)
    if zcc.has_provider_line(m):
        placed = yield from zcc.provider_placement(m, p, need, patience)
    elif need in BED_NEEDS:
        placed = yield from bed_placement(m, p, need, patience)
    else:
        placed = yield from call_around(m, p, need)
    if not placed:
        m.counts["placement_fallback_seh"] += 1
        yield from seh.seh_visit(m, p, "gp_hap")


def find_bed(m, p: Patient, kind: str, patience: float | None) -> Generator:
    """Ask whoever coordinates beds in this scenario; True when the patient is admitted."""
    if zcc.has_provider_line(m):
        placed = yield from zcc.provider_placement(m, p, kind, patience)
    else:
        placed = yield from bed_placement(m, p, kind, patience)
    return placed


def bed_placement(m, p: Patient, kind: str, patience: float | None) -> Generator:
    """Status quo: ask the ELV point for a bed of ``kind``; True when the patient is admitted."""
    env = m.env
    asked = env.now
    answered = yield from phone_call(m, m.elv_kit, p, m.elv_point.request, 0)
    if not answered:
        return False
    yield env.timeout(m.elv_kit.handling())
    m.elv_point.release()
    pool = m.beds[kind]
    got = yield pool.request(0, patience)
    if not got:
        return False
    yield from admit(m, p, kind, pool, asked)
    return True


def admit(m, p: Patient, kind: str, pool, asked: float, travel: float = 0.0) -> Generator:
    """A bed of ``pool`` is the patient's: transfer, then the bed is held for the stay."""
    m.metrics.tally("placement_time", m.env.now - asked)
    yield m.env.timeout(m.t_transfer[kind]() + travel)
    pool.release_after(m.t_los[kind]())
    m.counts[f"{kind}_admissions"] += 1
    m.end(p, kind)


def followup_from_seh(m, p: Patient, dept) -> Generator:
    """SEH patient who cannot go home: a bed now, or admission to hospital to wait there."""
    kind = m.route_followup()
    placed = yield from find_bed(m, p, kind, 0.0)
    if placed:
        dept.places.release()
        return
    yield m.beds["hospital"].request(2)
    dept.places.release()
    m.counts["hospital_admissions"] += 1
    m.counts["hospital_admissions.waiting_for_followup"] += 1
    yield from discharge_with_followup(m, p, kind, ask=False)


def discharge_with_followup(m, p: Patient, kind: str, ask: bool = True) -> Generator:
    """Ready to leave hospital but needing a bed: the hospital bed is a verkeerde bed meanwhile."""
    waiting = m.metrics.level("verkeerde_bed")
    waiting.add(m.env.now, 1)
    m.log(p, "ready_for_discharge", kind)
    placed = False
    if ask:
        placed = yield from find_bed(m, p, kind, None)
    if not placed:  # already asked from the SEH, or the coordinator was unreachable: wait for a bed
        asked = m.env.now
        pool = m.beds[kind]
        yield pool.request(0, None)
        yield from admit(m, p, kind, pool, asked)
    waiting.add(m.env.now, -1)
    m.beds["hospital"].release()


def wait_for_long_term_care(m, p: Patient) -> Generator:
    """Ready to leave hospital for a long-term care place (Wlz) that has no pool in the model: a verkeerde bed."""
    waiting = m.metrics.level("verkeerde_bed")
    waiting.add(m.env.now, 1)
    m.log(p, "ready_for_discharge", "long_term_care")
    yield m.env.timeout(m.t_long_term_care_wait())
    waiting.add(m.env.now, -1)
    m.beds["hospital"].release()
    m.end(p, "long_term_care")


def call_around(m, p: Patient, need: str) -> Generator:
    """Status quo: phone providers one by one until one has room; False after the last attempt."""
    team = m.district_nursing if need == "district_nursing" else m.ggz_crisis
    ca = m.scenario.care.calling_around
    asked = m.env.now
    for _ in range(ca.max_attempts.value):
        yield m.env.timeout(m.t_attempt())
        chance = ca.success_when_all_free.value * team.free / team.capacity if team.capacity else 0.0
        if m.u_calling() < chance and team.try_now():
            m.metrics.tally("placement_time", m.env.now - asked)
            yield from visit(m, p, need, team)
            return True
    return False


def crisis_team_visit(m, p: Patient) -> Generator:
    """The GP calls in the crisis GGZ team directly; the patient waits for a free team."""
    yield m.ggz_crisis.request(1)
    yield from visit(m, p, "ggz_crisis", m.ggz_crisis)


def visit(m, p: Patient, need: str, team) -> Generator:
    """A district nurse or crisis team (already taken from ``team``) sees the patient."""
    m.log(p, "visit_start", need)
    duration = m.t_dn_visit() if need == "district_nursing" else m.t_ggz_visit()
    yield m.env.timeout(duration)
    team.release()
    m.counts[f"{need}_visits"] += 1
    m.end(p, need)
