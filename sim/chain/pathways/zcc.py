"""Scenario III: flows through the zorgcoördinatiecentrum (zcc).

What the 2023 letter prescribes, as modelled here:

- calls to the HAP number in ANW hours are forwarded to the zcc, which
  triages them; consults and home visits stay at the HAP;
- a 112 call whose first triage rules out a time-critical life-threatening
  situation is warm-transferred to the zcc for extended triage, without a
  second first triage; life-threatening calls stay with the RAV centralist;
- care providers (GPs, hospitals, nurses) reach the zcc 24/7 on the provider
  line; with capacity insight a placement is one short step instead of the
  ELV point's phone work or calling around; a neighbouring region's spare beds
  may be used (patient spreading) when configured;
- passende zorginzet: a configured share of cases that would otherwise get an
  ambulance or go to the SEH gets an alternative, only if that alternative
  has capacity at that moment; otherwise the original route.
"""

from __future__ import annotations

from typing import Generator

from sim.chain.pathways import emergency, hap, placement, seh
from sim.chain.pathways.phone import URGENCY_PRIORITY, phone_call
from sim.chain.patient import Patient

WARM_TRANSFER_PRIORITY = 1


def takes_patient_calls(m) -> bool:
    """True if HAP calls are forwarded to the zcc at this moment."""
    z = m.zcc
    return (z is not None and m.scenario.zcc.flows.forward_hap_calls
            and z.patient_line_open[m.cal.hour_of_week_at(m.env.now)])


def has_provider_line(m) -> bool:
    """True if care providers reach the zcc at this moment (otherwise the status-quo routes)."""
    z = m.zcc
    return (z is not None and m.scenario.zcc.flows.provider_line
            and z.provider_line_open[m.cal.hour_of_week_at(m.env.now)])


def call(m, kit, p: Patient, call_type: str, priority: int) -> Generator:
    """Ring the zcc location that serves the patient's sub-area; a seat or None."""
    desk = m.zcc.desk_of[p.subarea]
    skill = m.scenario.zcc.skills[call_type]
    seat = yield from phone_call(m, kit, p, _counted(m, kit, desk), skill, priority)
    return seat


BLOCK_HOURS = 4  # resolution of the per-block answer counts (42 blocks a week), used by the staffing search


def _counted(m, kit, desk):
    """``desk.request`` that also counts each attempt by skill and 4-hour block of the week.

    The counts (``<line>.by_block.<skill>.<block>.attempts|within``) feed the
    per-block answer-share KPIs the staffing search needs; like the line's own
    counts, an attempt is counted when it is answered or abandoned.
    """
    counts, env, norm = m.metrics.counts, m.env, kit.norm

    def request(skill: str, priority: int, patience: float | None):
        key = f"{kit.name}.by_block.{skill}.{m.cal.hour_of_week_at(env.now) // BLOCK_HOURS}"
        got = desk.request(skill, priority, patience)
        if isinstance(got, tuple):
            counts[key + ".attempts"] += 1
            counts[key + ".within"] += 1
            return got
        rang = env.now

        def answered(event) -> None:
            counts[key + ".attempts"] += 1
            if event.value is not None and env.now - rang <= norm:
                counts[key + ".within"] += 1

        got.callbacks.append(answered)
        return got

    return request


def hang_up(seat) -> None:
    desk, group = seat
    desk.release(group)


# ------------------------------------------------------------- patient line
def forwarded_hap_call(m, p: Patient) -> Generator:
    """An ANW call to the HAP number, triaged at the zcc; care stays at the HAP."""
    z = m.scenario.zcc
    if p.urgency not in m.route_hap:
        p.urgency = m.hap_urgency()
    call_type = "mental_health_call" if p.need == "mental_health" else "hap_call"
    seat = yield from call(m, m.zcc_patient_kit, p, call_type, URGENCY_PRIORITY[p.urgency])
    if not seat:
        m.end(p, "abandoned")
        return
    handling = m.zcc_patient_kit.handling()
    if p.self_triaged and z.flows.self_triage_visible:
        handling *= z.handling.self_triage_factor.value
    yield m.env.timeout(handling)
    hang_up(seat)
    p.via_zcc = True
    m.counts["zcc_patient_calls"] += 1
    yield from hap.after_triage(m, p, m.hap_of[p.subarea])


def warm_transfer(m, p: Patient, first_triage: str, called_at: float) -> Generator:
    """Extended triage at the zcc of a 112 call that is not life-threatening."""
    z = m.scenario.zcc
    m.counts["warm_transfers"] += 1
    seat = yield from call(m, m.zcc_patient_kit, p, "warm_transfer", WARM_TRANSFER_PRIORITY)
    if not seat:
        m.end(p, "abandoned")
        return
    yield m.env.timeout(m.t_extended_triage())
    hang_up(seat)
    p.via_zcc = True
    if first_triage == "A2" and m.u_after_extended() < z.handling.ambulance_after_extended_triage.value:
        p.urgency = "A2"
        yield from ambulance_or_alternative(m, p, called_at)
        return
    if first_triage == "A2":
        m.counts["ambulance_rides_avoided"] += 1
        m.counts["ambulance_rides_avoided.extended_triage"] += 1
    outcome = m.route_extended()
    m.log(p, "extended_triage", outcome)
    if outcome == "self_care":
        m.end(p, "self_care")
    elif outcome in ("consult", "home_visit"):
        if not m.cal.is_anw(m.env.now):
            m.end(p, "own_gp")
            return
        p.urgency = "U3"
        visit = hap.gp_consult if outcome == "consult" else hap.home_visit
        yield from visit(m, p, m.hap_of[p.subarea])
    else:
        raise ValueError(f"zcc.handling.extended_triage_outcome: unknown outcome '{outcome}'")


# ------------------------------------------------------ passende zorginzet
def ambulance_or_alternative(m, p: Patient, called_at: float) -> Generator:
    """An ambulance, unless the zcc finds an alternative with free capacity now.

    Life-threatening (A1) cases always get the ambulance straight away.
    """
    if (p.via_zcc and m.zcc is not None and p.urgency != "A1"
            and m.u_subst_ambulance() < m.scenario.zcc.substitution.ambulance.value):
        done = yield from try_alternative(m, p, "ambulance")
        if done:
            return
    yield from emergency.ambulance_job(m, p, called_at)


def gp_sends_to_seh(m, p: Patient) -> Generator:
    """A GP refers to the SEH; with a zcc a share first asks the provider line for an alternative."""
    if has_provider_line(m) and m.u_subst_seh() < m.scenario.zcc.substitution.seh.value:
        seat = yield from call(m, m.zcc_provider_kit, p, "gp_consultation", 2)
        if seat:
            yield m.env.timeout(m.t_zcc_provider())
            hang_up(seat)
            done = yield from try_alternative(m, p, "seh")
            if done:
                return
    yield from seh.seh_visit(m, p, "gp_hap")


def try_alternative(m, p: Patient, instead_of: str) -> Generator:
    """Pick an alternative for the patient's need; use it only if it has room right now."""
    need = p.need if p.need in m.route_alternative else "somatic"
    alternative = m.route_alternative[need]()
    done = yield from _use_if_free(m, p, alternative)
    if done:
        m.counts["substitutions"] += 1
        m.counts[f"substitutions.{alternative}"] += 1
        m.counts[f"substitutions_instead_of.{instead_of}"] += 1
        if instead_of == "ambulance":
            m.counts["ambulance_rides_avoided"] += 1
            m.counts["ambulance_rides_avoided.substitution"] += 1
    else:
        m.counts["substitutions_no_capacity"] += 1
    m.log(p, "alternative" if done else "no_alternative", alternative)
    return done


def _use_if_free(m, p: Patient, alternative: str) -> Generator:
    if alternative in ("district_nursing", "ggz_crisis"):
        team = m.district_nursing if alternative == "district_nursing" else m.ggz_crisis
        if team.try_now():
            yield from placement.visit(m, p, alternative, team)
            return True
        return False
    if alternative in ("elv", "crisis_bed"):
        pool = m.beds[alternative]
        if pool.try_now():
            yield from placement.admit(m, p, alternative, pool, m.env.now)
            return True
        return False
    if alternative == "home_visit":
        post = m.hap_of[p.subarea]
        if post.cars.try_now():
            yield m.env.timeout(hap.home_visit_minutes(m, post, p))
            post.cars.release()
            m.end(p, "home_visit")
            return True
        return False
    raise ValueError(f"zcc.substitution.alternatives: unknown alternative '{alternative}'")


# ------------------------------------------------------------ provider line
def provider_placement(m, p: Patient, need: str, patience: float | None) -> Generator:
    """A provider asks the zcc for a bed or acute care; capacity insight makes it one short step."""
    call_type = {"district_nursing": "district_nursing_request", "ggz_crisis": "ggz_request"}.get(need, "bed_request")
    asked = m.env.now
    seat = yield from call(m, m.zcc_provider_kit, p, call_type, 3)
    if not seat:
        return False
    yield m.env.timeout(m.t_insight())
    hang_up(seat)
    if need in placement.BED_NEEDS:
        placed = yield from place_with_insight(m, p, need, patience, asked)
        return placed
    team = m.district_nursing if need == "district_nursing" else m.ggz_crisis
    got = yield team.request(2, m.scenario.zcc.substitution.team_max_wait_hours.value * 60.0)
    if not got:
        return False
    m.metrics.tally("placement_time", m.env.now - asked)
    yield from placement.visit(m, p, need, team)
    return True


def place_with_insight(m, p: Patient, kind: str, patience: float | None, asked: float) -> Generator:
    """A free bed in the region now, else a neighbouring region's spare bed, else wait."""
    pool = m.beds[kind]
    if pool.try_now():
        yield from placement.admit(m, p, kind, pool, asked)
        return True
    neighbour = m.neighbour_beds.get(kind)
    if neighbour is not None and neighbour.try_now():
        m.counts["out_of_region_placements"] += 1
        m.log(p, "out_of_region", kind)
        yield from placement.admit(m, p, kind, neighbour, asked, travel=m.t_spread())
        return True
    got = yield pool.request(0, patience)
    if not got:
        return False
    yield from placement.admit(m, p, kind, pool, asked)
    return True
