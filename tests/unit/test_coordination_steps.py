"""Coordination steps (status quo and zcc), one patient at a time, in a deterministic chain.

The harness (tests/unit/single_patient.py) fixes every duration at its scenario
mean, makes every capacity ample and closes every branch after care; each test
opens its path with routing shares of 0 or 1, hands one patient to the
strategy's entry for its stream (or to one step of the strategy) and checks
the end time against the sum of the activity times it adds up itself, the
event sequence, the outcome and the counters.

Test plan (deterministic cases: end times added up by hand from the scenario):
- HAP line (status quo): call -> triage (with the GP's input) -> home visit by the nearest post's car;
  call -> U1 -> ambulance with the urgency of routing.hap_ambulance_urgency (A1 conveyed, A2 not);
  call -> U1 -> both a home visit and an ambulance (Plat et al., Fam Pract 2018): the patient's path is
  the ambulance's, the car is busy for twice the drive plus the visit, one contact of the new kind;
  GP consult -> referral to the SEH;
- 112: A1 with conveyance and home from the SEH (every event's time; the centralist stays on the
  line for the whole handling; in the zcc too, where A1 is never transferred); no ambulance ->
  self-care advice; no ambulance -> "phone the GP": the HAP in ANW hours, the own GP otherwise;
- follow-up: SEH -> bed through the ELV point (status quo) or the provider line with capacity
  insight (zcc); SEH -> no bed now -> admitted to wait in hospital (verkeerde bed until the
  admission window opens); hospital discharge waiting for a GRZ bed (verkeerde-bed minutes);
- provider requests: district nursing by calling around (success 1 when all free), and after the
  last failed attempt the SEH; an ELV bed waiting for the admission window after a holiday;
  district nursing through the zcc provider line, or the SEH after team_max_wait_hours;
- zcc: a self-triaged caller's forwarded call is shortened by self_triage_factor; warm transfer of
  an A2 call -> extended triage -> self care, a HAP consult, or the ambulance after all; the
  ambulance replaced by district nursing when a nurse is free, the ambulance when none is; each
  alternative's own care time; a GP's SEH referral substituted after a consultation.
"""

from __future__ import annotations

import pytest

from sim.chain.record import RESPONSE_PARTS
from tests.unit.single_patient import AMPLE, TOL, chain, merge, minutes, mix, roster, share, urgent_minutes

TUESDAY_9H = (24 + 9) * 60.0  # 2 January 2024 09:00 (the run starts on Monday 1 January, a holiday)
TUESDAY_10H = TUESDAY_9H + 60.0  # office hours
OFFICE_HOURS = [1.0 if day < 5 and 9 <= hour < 17 else 0.0 for day in range(7) for hour in range(24)]


def approx(x: float) -> object:
    return pytest.approx(x, rel=0, abs=TOL)


def alternatives(alternative: str) -> dict:
    """The zcc offers ``alternative`` for every need, to every case headed for an ambulance or the SEH."""
    return {"zcc": {"substitution": {
        "ambulance": share(1.0), "seh": share(1.0),
        "alternatives": {"somatic": mix(**{alternative: 1.0}), "mental_health": mix(**{alternative: 1.0})}}}}


# ------------------------------------------------------------------------ HAP line
def test_hap_call_triaged_to_a_home_visit():
    """Triage (handling + the GP's input) + twice the drive from the nearest post + the visit."""
    c = chain({"routing": {"hap_triage": {"U3": mix(home_visit=1.0)}},
               "desks": {"hap_triage": {"gp_input_share": share(1.0)}}})
    sc = c.scenario
    p = c.patient("hap_call", urgency="U3")
    c.enter(p)
    post, _km = c.nearest_hap()
    triage = sc.desks.hap_triage.handling.mean + sc.desks.hap_triage.gp_input_time.mean
    visit = 2 * minutes(c.hap_drive_km(p), sc.care.hap.car_speed_kmh.value) + sc.care.hap.home_visit_on_site.mean
    assert c.log.places(p) == [("arrive", "GM1680"), ("answered", "hap_triage"), ("triaged", "home_visit"),
                               ("visit_start", post), ("end", "home_visit")]
    assert c.log.time_of(p, "visit_start") == approx(triage)
    assert c.log.end_time(p) == approx(triage + visit)
    assert c.tally("hap_triage.answer_wait") == [0.0]
    assert c.count("hap_contacts.home_visit") == 1
    # the triagist stays busy for the after-call work while the patient goes on
    assert c.busy_minutes("hap_triage") == approx(triage + sc.desks.hap_triage.after_call_work.mean)


@pytest.mark.parametrize("ambulance_urgency, outcome", [("A1", "seh_home"), ("A2", "treated_on_scene")])
def test_hap_u1_call_gets_the_ambulance_urgency_of_the_mapping(ambulance_urgency, outcome):
    """U1 -> ambulance with routing.hap_ambulance_urgency[U1]; only A1 is conveyed here, so the mapping
    decides the path: triage + chute + urgent drive + on scene (+ normal drive + handover + SEH if A1)."""
    urgency_map = {"U1": ambulance_urgency, "U2": "A2", "U3": "A2", "U4": "A2", "U5": "A2"}
    c = chain({"routing": {"hap_triage": {"U1": mix(ambulance=1.0)},
                           "hap_ambulance_urgency": {"values": urgency_map, "estimate": "unit test"},
                           "convey_to_seh": {"A1": share(1.0)}}})
    sc = c.scenario
    amb = sc.care.ambulance
    p = c.patient("hap_call", urgency="U1")
    c.enter(p)
    triage = sc.desks.hap_triage.handling.mean
    response = amb.chute_time.mean + urgent_minutes(c.ambulance_drive_km(p), amb)
    end = triage + response + amb.on_scene.mean
    events = ["arrive", "answered", "triaged", "ambulance_dispatched", "on_scene"]
    if ambulance_urgency == "A1":
        seh = sc.care.seh
        end += minutes(c.seh_drive_km(p), amb.normal_speed_kmh.value) + amb.handover.mean + seh.los_home.mean
        events.append("seh_arrival")
    assert c.log.events(p) == events + ["end"]
    assert c.log.end_time(p) == approx(end)
    assert p.urgency == ambulance_urgency and p.outcome == outcome
    key = ambulance_urgency.lower()
    assert c.count(f"ambulance_deployments.{key}") == 1 and c.count("ambulance_deployments") == 1
    # The ambulance is asked for when triage ends: its response time starts there.
    assert c.tally(f"ambulance.response.{key}") == [approx(response)]


@pytest.mark.parametrize("setting", ["status_quo", "zcc"])
def test_hap_u1_call_gets_both_a_home_visit_and_an_ambulance(setting):
    """U1 -> home_visit_and_ambulance: the patient goes on with the A1 ambulance (treated on scene here),
    while the nearest post's car is occupied for twice the drive plus the visit and ends no patient."""
    c = chain({"routing": {"hap_triage": {"U1": mix(home_visit_and_ambulance=1.0)}}}, setting)
    sc = c.scenario
    amb = sc.care.ambulance
    p = c.patient("hap_call", urgency="U1")
    c.enter(p)
    triage = sc.desks.hap_triage.handling.mean
    if setting == "zcc":  # triaged at the zcc's patient line when it takes HAP calls at this hour
        triage = c.log.time_of(p, "triaged")
    response = amb.chute_time.mean + urgent_minutes(c.ambulance_drive_km(p), amb)
    assert c.log.places(p)[2] == ("triaged", "home_visit_and_ambulance")
    assert c.log.events(p)[3:] == ["ambulance_dispatched", "on_scene", "end"]
    assert c.log.end_time(p) == approx(triage + response + amb.on_scene.mean)
    assert p.urgency == "A1" and p.outcome == "treated_on_scene"
    car = 2 * minutes(c.hap_drive_km(p), sc.care.hap.car_speed_kmh.value) + sc.care.hap.home_visit_on_site.mean
    assert c.busy_minutes("hap_car") == approx(car)
    assert c.count("hap_contacts.home_visit_and_ambulance") == 1 and c.count("hap_contacts") == 1
    assert c.count("hap_contacts.ambulance") == 0 and c.count("hap_contacts.home_visit") == 0
    assert c.count("ambulance_deployments.a1") == 1


def test_gp_consult_referred_to_the_seh():
    c = chain({"routing": {"after_gp_seh_referral": {"U3": share(1.0)}}})
    sc = c.scenario
    p = c.patient("hap_walk_in", urgency="U3")
    c.enter(p)
    assert c.log.places(p) == [("arrive", "GM1680"), ("consult_start", c.nearest_hap()[0]),
                               ("seh_arrival", c.nearest_seh()[0]), ("end", "seh_home")]
    assert c.log.end_time(p) == approx(sc.care.hap.consult.mean + sc.care.seh.los_home.mean)
    assert c.count("seh_arrivals.gp_hap") == 1


# ----------------------------------------------------------------------------- 112
@pytest.mark.parametrize("setting", ["status_quo", "zcc"])
def test_112_a1_conveyed_and_home_from_the_seh(setting):
    """Answered at once; the ambulance leaves after min(dispatch delay, handling); chute + urgent drive
    + on scene + normal drive to the nearest SEH + handover + SEH length of stay (home).

    In the zcc every first-triage class is transferred here, but an A1 call never is.
    """
    over = {"routing": {"dispatch": mix(A1=1.0), "convey_to_seh": {"A1": share(1.0)}}}
    if setting == "zcc":
        over["zcc"] = {"flows": {"warm_transfer_share": {c: share(1.0) for c in ("A1", "A2", "no_ambulance")}}}
    c = chain(over, setting)
    sc = c.scenario
    amb, handling = sc.care.ambulance, sc.desks.dispatch_112.handling.mean
    p = c.patient("call_112")
    c.enter(p)
    seh, _km_seh = c.nearest_seh()
    dispatched = min(amb.dispatch_delay.mean, handling)
    on_scene = dispatched + amb.chute_time.mean + urgent_minutes(c.ambulance_drive_km(p), amb)
    at_seh = on_scene + amb.on_scene.mean + minutes(c.seh_drive_km(p), amb.normal_speed_kmh.value) + amb.handover.mean
    end = at_seh + sc.care.seh.los_home.mean
    rows = c.log.of(p)
    assert [(e, pl) for _t, e, pl in rows if e != "ambulance_dispatched"] == [
        ("arrive", "GM1680"), ("answered", "dispatch_112"), ("dispatch_triage", "A1"), ("on_scene", ""),
        ("seh_arrival", seh), ("end", "seh_home")]
    assert [e for _t, e, _pl in rows][3] == "ambulance_dispatched"
    assert [t for t, _e, _pl in rows] == [0.0, 0.0, 0.0, approx(dispatched), approx(on_scene), approx(at_seh),
                                          approx(end)]
    assert p.urgency == "A1" and p.outcome == "seh_home"
    assert c.tally("ambulance.response.a1") == [approx(on_scene)]  # from the moment the caller rang
    # Answered at once (answer 0), alarmed after the dispatch delay (triage), a vehicle free at once.
    parts = {part: c.tally(f"ambulance.response_part.a1.{part}") for part in RESPONSE_PARTS}
    assert parts == {"answer": [0.0], "triage": [approx(dispatched)], "vehicle_wait": [0.0],
                     "turnout": [amb.chute_time.mean],
                     "drive": [approx(urgent_minutes(c.ambulance_drive_km(p), amb))]}
    assert c.busy_minutes("dispatch_112") == approx(handling)  # the centralist stays on the line
    assert c.count("warm_transfers") == 0


def test_112_no_ambulance_self_care_advice():
    c = chain({"routing": {"dispatch": mix(no_ambulance=1.0), "no_ambulance": mix(self_care=1.0)}})
    p = c.patient("call_112")
    c.enter(p)
    assert c.log.places(p) == [("arrive", "GM1680"), ("answered", "dispatch_112"),
                               ("dispatch_triage", "no_ambulance"), ("end", "self_care")]
    assert c.log.end_time(p) == approx(c.scenario.desks.dispatch_112.handling.mean)
    assert c.count("ambulance_deployments") == 0


@pytest.mark.parametrize("at, anw", [(0.0, True), (TUESDAY_10H, False)])
def test_112_no_ambulance_told_to_phone_the_gp(at, anw):
    """In ANW hours the caller phones the HAP and is triaged again (urgency drawn as for HAP callers);
    in office hours the own GP takes over, outside the model."""
    c = chain({"routing": {"dispatch": mix(no_ambulance=1.0), "no_ambulance": mix(gp=1.0),
                           "hap_triage": {"U4": mix(telephone_advice=1.0)}},
               "streams": {"hap_call": {"urgency_mix": mix(U4=1.0)}}})
    sc = c.scenario
    p = c.patient("call_112", at=at)
    c.enter(p)
    dispatch = sc.desks.dispatch_112.handling.mean
    events = ["arrive", "answered", "dispatch_triage"]
    if anw:
        assert c.log.events(p) == events + ["answered", "triaged", "end"]
        assert c.log.end_time(p) == approx(at + dispatch + sc.desks.hap_triage.handling.mean)
        assert p.urgency == "U4" and p.outcome == "telephone_advice"
    else:
        assert c.log.events(p) == events + ["end"]
        assert c.log.end_time(p) == approx(at + dispatch)
        assert p.outcome == "own_gp"


# ------------------------------------------------------------------------ follow-up
SEH_TO_ELV = {"routing": {"seh_followup": share(1.0), "followup_mix": mix(elv=1.0)}}


def test_seh_followup_bed_through_the_elv_point():
    """SEH length of stay + the ELV point's handling + the ELV transfer lag."""
    c = chain(SEH_TO_ELV)
    sc = c.scenario
    p = c.patient("seh_self_referral", urgency="U3")
    c.enter(p)
    desk = sc.desks.elv_point.handling.mean
    assert c.log.places(p) == [("arrive", "GM1680"), ("seh_arrival", c.nearest_seh()[0]),
                               ("answered", "elv_point"), ("end", "elv")]
    assert c.log.time_of(p, "answered") == approx(sc.care.seh.los_home.mean)
    assert c.log.end_time(p) == approx(sc.care.seh.los_home.mean + desk + sc.care.elv.transfer_lag.mean)
    assert c.tally("placement_time") == [approx(desk)]
    assert c.count("seh_departures.followup") == 1 and c.count("elv_admissions") == 1
    assert c.count("hospital_admissions") == 0


def test_seh_followup_bed_through_the_zcc_provider_line_with_capacity_insight():
    """SEH length of stay + one capacity-insight step + the ELV transfer lag; the ELV point is not rung."""
    c = chain(SEH_TO_ELV, "zcc")
    sc = c.scenario
    p = c.patient("seh_self_referral", urgency="U3")
    c.enter(p)
    step = sc.zcc.capacity_insight_step.mean
    assert c.log.places(p) == [("arrive", "GM1680"), ("seh_arrival", c.nearest_seh()[0]),
                               ("answered", "zcc_provider_line"), ("end", "elv")]
    assert c.log.end_time(p) == approx(sc.care.seh.los_home.mean + step + sc.care.elv.transfer_lag.mean)
    assert c.tally("placement_time") == [approx(step)]
    assert c.count("elv_point.attempts") == 0 and c.count("zcc_provider_line.attempts") == 1
    by_block = {k: v for k, v in c.model.metrics.counts.items() if k.startswith("zcc_provider_line.by_block.")}
    assert list(by_block.values()) == [1, 1]  # one attempt for the coordinator skill, answered within the norm
    assert all(".coordinator." in k for k in by_block)


def test_seh_followup_without_a_bed_now_waits_in_hospital():
    """The ELV point finds no bed now (admission window closed on the holiday): the patient is
    admitted to hospital and waits there in a verkeerde bed until the window opens on Tuesday 09:00."""
    c = chain(merge(SEH_TO_ELV, {"care": {"elv": {"admission_hours": {"values": OFFICE_HOURS,
                                                                      "estimate": "unit test"}}}}))
    care, desk = c.scenario.care, c.scenario.desks.elv_point.handling.mean
    p = c.patient("seh_self_referral", urgency="U3")
    c.enter(p)
    admitted = care.seh.los_home.mean + desk
    in_bed = TUESDAY_9H + care.elv.transfer_lag.mean
    assert c.log.places(p) == [("arrive", "GM1680"), ("seh_arrival", c.nearest_seh()[0]),
                               ("answered", "elv_point"), ("ready_for_discharge", "elv"), ("end", "elv")]
    assert c.log.time_of(p, "ready_for_discharge") == approx(admitted)
    assert c.log.end_time(p) == approx(in_bed)
    assert c.count("hospital_admissions.waiting_for_followup") == 1
    assert c.area("verkeerde_bed") == approx(in_bed - admitted)
    assert c.busy_minutes("seh") == approx(admitted)
    assert c.busy_minutes("hospital") == approx(in_bed - admitted)


def test_hospital_discharge_waits_for_a_grz_bed_in_a_verkeerde_bed():
    """SEH (admitted) + hospital stay + ELV point handling + GRZ transfer lag; the hospital bed is a
    verkeerde bed from 'ready for discharge' until the patient is in the GRZ bed."""
    c = chain({"routing": {"seh_admit": {"self_referral": share(1.0)}, "hospital_followup": share(1.0),
                           "followup_mix": mix(grz=1.0)}})
    care, desk = c.scenario.care, c.scenario.desks.elv_point.handling.mean
    p = c.patient("seh_self_referral", urgency="U2")
    c.enter(p)
    ready = care.seh.los_admitted.mean + care.hospital.los.mean
    assert c.log.places(p)[2:] == [("admitted", "hospital"), ("ready_for_discharge", "grz"),
                                   ("answered", "elv_point"), ("end", "grz")]
    assert c.log.end_time(p) == approx(ready + desk + care.grz.transfer_lag.mean)
    assert c.area("verkeerde_bed") == approx(desk + care.grz.transfer_lag.mean)
    assert c.model.care.hospital.beds.busy == 0


# -------------------------------------------------------------- provider requests
def test_provider_request_district_nursing_found_by_calling_around():
    """One call attempt (success 1 when all nurses are free) + the visit."""
    c = chain({"routing": {"provider_request": mix(district_nursing=1.0)},
               "care": {"calling_around": {"success_when_all_free": share(1.0)}}})
    care = c.scenario.care
    p = c.patient("provider_request")
    c.enter(p)
    attempt = care.calling_around.attempt_time.mean
    assert c.log.places(p) == [("arrive", "GM1680"), ("visit_start", "district_nursing"),
                               ("end", "district_nursing")]
    assert c.log.time_of(p, "visit_start") == approx(attempt)
    assert c.log.end_time(p) == approx(attempt + care.district_nursing.visit.mean)
    assert p.need == "district_nursing"
    assert c.tally("placement_time") == [approx(attempt)]
    assert c.count("district_nursing_visits") == 1 and c.count("placement_fallback_seh") == 0


def test_provider_request_calling_around_in_vain_ends_at_the_seh():
    """No nurse on duty: every attempt fails; max_attempts x attempt time, then the SEH (GP route)."""
    c = chain({"routing": {"provider_request": mix(district_nursing=1.0)},
               "care": {"calling_around": {"success_when_all_free": share(1.0)}},
               "resources": {"district_nursing_roster": roster(0)}})
    care = c.scenario.care
    p = c.patient("provider_request")
    c.enter(p)
    searching = care.calling_around.max_attempts.value * care.calling_around.attempt_time.mean
    assert c.log.places(p) == [("arrive", "GM1680"), ("seh_arrival", c.nearest_seh()[0]), ("end", "seh_home")]
    assert c.log.time_of(p, "seh_arrival") == approx(searching)
    assert c.log.end_time(p) == approx(searching + care.seh.los_home.mean)
    assert c.count("placement_fallback_seh") == 1 and c.count("seh_arrivals.gp_hap") == 1


def test_provider_request_for_an_elv_bed_waits_for_the_admission_window():
    """New Year's Day is a holiday (a Sunday for rosters and windows): an ELV bed asked for at
    midnight is taken when the window opens on Tuesday 09:00, then the transfer lag."""
    c = chain({"routing": {"provider_request": mix(elv=1.0)},
               "care": {"elv": {"admission_hours": {"values": OFFICE_HOURS, "estimate": "unit test"}}}})
    care = c.scenario.care
    assert care.elv.max_wait_at_home_hours.value * 60 > TUESDAY_9H  # the patient at home waits that long
    p = c.patient("provider_request")
    c.enter(p)
    assert c.log.places(p) == [("arrive", "GM1680"), ("answered", "elv_point"), ("end", "elv")]
    assert c.log.end_time(p) == approx(TUESDAY_9H + care.elv.transfer_lag.mean)
    assert c.tally("placement_time") == [approx(TUESDAY_9H)]


@pytest.mark.parametrize("nurses", [AMPLE, 0])
def test_provider_request_district_nursing_through_the_zcc_provider_line(nurses):
    """One capacity-insight step, then a free nurse's visit; with no nurse the request waits
    team_max_wait_hours for one and the patient goes to the SEH (GP route)."""
    c = chain({"routing": {"provider_request": mix(district_nursing=1.0)},
               "resources": {"district_nursing_roster": roster(nurses)}}, "zcc")
    sc = c.scenario
    p = c.patient("provider_request")
    c.enter(p)
    step = sc.zcc.capacity_insight_step.mean
    head = [("arrive", "GM1680"), ("answered", "zcc_provider_line")]
    if nurses:
        assert c.log.places(p) == head + [("visit_start", "district_nursing"), ("end", "district_nursing")]
        assert c.log.end_time(p) == approx(step + sc.care.district_nursing.visit.mean)
        assert c.tally("placement_time") == [approx(step)]
    else:
        waited = sc.zcc.substitution.team_max_wait_hours.value * 60
        assert c.log.places(p) == head + [("seh_arrival", c.nearest_seh()[0]), ("end", "seh_home")]
        assert c.log.end_time(p) == approx(step + waited + sc.care.seh.los_home.mean)
        assert c.count("placement_fallback_seh") == 1 and c.tally("placement_time") == []


# ------------------------------------------------------------------------- zcc
@pytest.mark.parametrize("setting", ["status_quo", "zcc"])
def test_self_triaged_caller_phones_the_hap_number(setting):
    """Self-triage -> phone call in ANW hours: HAP triage (status quo), or the zcc's patient line whose
    handling is shortened by self_triage_factor because the self-triage result is visible."""
    c = chain({"routing": {"self_triage": mix(phone_call=1.0), "hap_triage": {"U4": mix(telephone_advice=1.0)}},
               "streams": {"hap_call": {"urgency_mix": mix(U4=1.0)}}}, setting)
    sc = c.scenario
    p = c.patient("self_triage")
    c.enter(p)
    if setting == "zcc":
        desk, handling = "zcc_patient_line", sc.zcc.handling.patient_line.handling.mean
        handling *= sc.zcc.handling.self_triage_factor.value
    else:
        desk, handling = "hap_triage", sc.desks.hap_triage.handling.mean
    assert c.log.places(p) == [("arrive", "GM1680"), ("self_triage", "phone_call"), ("answered", desk),
                               ("triaged", "telephone_advice"), ("end", "telephone_advice")]
    assert c.log.end_time(p) == approx(handling)
    assert c.count("zcc_patient_calls") == (1 if setting == "zcc" else 0)


@pytest.mark.parametrize("after", ["self_care", "consult", "ambulance"])
def test_zcc_warm_transfer_of_an_a2_call_then_extended_triage(after):
    """First triage + warm handover at the 112 desk, then extended triage at the zcc; after it
    self care, a HAP consult (as a U3 patient, in ANW hours) or the ambulance after all."""
    zcc = {"flows": {"warm_transfer_share": {"A2": share(1.0)}}}
    if after == "ambulance":
        zcc["handling"] = {"ambulance_after_extended_triage": share(1.0)}
    else:
        zcc["handling"] = {"extended_triage_outcome": mix(**{after: 1.0})}
    c = chain({"routing": {"dispatch": mix(A2=1.0)}, "zcc": zcc}, "zcc")
    sc = c.scenario
    h, amb = sc.zcc.handling, sc.care.ambulance
    p = c.patient("call_112")
    c.enter(p)
    at_desk = h.first_triage_112.mean + h.transfer_handover.mean
    triaged = at_desk + h.extended_triage.mean
    head = [("arrive", "GM1680"), ("answered", "dispatch_112"), ("dispatch_triage", "A2"),
            ("warm_transfer", "A2"), ("answered", "zcc_patient_line"), ("extended_triage", after)]
    assert [t for t, e, _pl in c.log.of(p) if e == "answered"] == [0.0, approx(at_desk)]
    assert c.log.time_of(p, "extended_triage") == approx(triaged)
    assert c.busy_minutes("dispatch_112") == approx(at_desk)  # the centralist is free after the handover
    assert c.count("warm_transfers") == 1
    if after == "self_care":
        assert c.log.places(p) == head + [("end", "self_care")]
        assert c.log.end_time(p) == approx(triaged)
    elif after == "consult":
        assert c.log.places(p) == head + [("consult_start", c.nearest_hap()[0]), ("end", "hap_consult")]
        assert c.log.end_time(p) == approx(triaged + sc.care.hap.consult.mean)
        assert p.urgency == h.extended_triage_urgency.value
    else:
        response = triaged + amb.chute_time.mean + urgent_minutes(c.ambulance_drive_km(p), amb)
        assert c.log.events(p) == [e for e, _pl in head] + ["ambulance_dispatched", "on_scene", "end"]
        assert c.log.end_time(p) == approx(response + amb.on_scene.mean)
        assert c.tally("ambulance.response.a2") == [approx(response)]  # from the moment the caller rang 112
    avoided = 0 if after == "ambulance" else 1
    assert c.count("ambulance_rides_avoided.extended_triage") == avoided
    assert c.count("ambulance_deployments") == 1 - avoided


@pytest.mark.parametrize("nurses", [1, 0])
def test_zcc_substitutes_the_ambulance_only_when_district_nursing_has_room(nurses):
    """A forwarded HAP call triaged to an (A2) ambulance: with a nurse free, district nursing instead
    (patient line handling + visit); with none, the ambulance after all (+ chute + drive + on scene)."""
    over = alternatives("district_nursing")
    over["routing"] = {"hap_triage": {"U2": mix(ambulance=1.0)}}
    over["resources"] = {"district_nursing_roster": roster(nurses)}
    c = chain(over, "zcc")
    sc = c.scenario
    amb = sc.care.ambulance
    p = c.patient("hap_call", urgency="U2")
    c.run(c.model.coordination.forwarded_hap_call(p))
    triage = sc.zcc.handling.patient_line.handling.mean
    head = [("arrive", "GM1680"), ("answered", "zcc_patient_line"), ("triaged", "ambulance")]
    if nurses:
        assert c.log.places(p) == head + [("alternative", "district_nursing"),
                                          ("visit_start", "district_nursing"), ("end", "district_nursing")]
        assert c.log.end_time(p) == approx(triage + sc.care.district_nursing.visit.mean)
        assert c.count("substitutions.district_nursing") == 1 and c.count("substitutions_instead_of.ambulance") == 1
        assert c.count("ambulance_rides_avoided.substitution") == 1 and c.count("ambulance_deployments") == 0
    else:
        response = amb.chute_time.mean + urgent_minutes(c.ambulance_drive_km(p), amb)
        assert c.log.events(p) == [e for e, _pl in head] + ["no_alternative", "ambulance_dispatched",
                                                            "on_scene", "end"]
        assert c.log.end_time(p) == approx(triage + response + amb.on_scene.mean)
        assert p.outcome == "treated_on_scene"
        assert c.count("substitutions_no_capacity") == 1 and c.count("substitutions") == 0
        assert c.count("ambulance_deployments.a2") == 1
    assert c.count("zcc_patient_calls") == 1 and p.via_zcc


@pytest.mark.parametrize("alternative", ["district_nursing", "ggz_crisis", "home_visit", "elv", "crisis_bed"])
def test_zcc_each_alternative_to_the_ambulance_takes_its_own_care_time(alternative):
    """Forwarded call (patient line) + the alternative's care: a team visit, the nearest post's car
    there and back plus the visit, or a bed's transfer lag (the bed is taken at once, no placement wait)."""
    over = alternatives(alternative)
    over["routing"] = {"hap_triage": {"U2": mix(ambulance=1.0)}}
    c = chain(over, "zcc")
    sc = c.scenario
    p = c.patient("hap_call", urgency="U2")
    c.enter(p)
    care = sc.care
    if alternative in ("district_nursing", "ggz_crisis"):
        after = getattr(care, alternative).visit.mean
        tail = [("visit_start", alternative), ("end", alternative)]
    elif alternative == "home_visit":
        after = 2 * minutes(c.hap_drive_km(p), care.hap.car_speed_kmh.value) + care.hap.home_visit_on_site.mean
        tail = [("end", "home_visit")]
    else:
        after = getattr(care, alternative).transfer_lag.mean
        tail = [("end", alternative)]
        assert c.tally("placement_time") == [0.0]
    assert c.log.places(p) == [("arrive", "GM1680"), ("answered", "zcc_patient_line"), ("triaged", "ambulance"),
                               ("alternative", alternative)] + tail
    assert c.log.end_time(p) == approx(sc.zcc.handling.patient_line.handling.mean + after)
    assert p.outcome == alternative
    assert c.count(f"substitutions.{alternative}") == 1 and c.count("ambulance_deployments") == 0


def test_zcc_gp_referral_to_the_seh_substituted_after_a_consultation():
    """GP consult, then the GP consults the zcc on the provider line and district nursing goes instead."""
    over = alternatives("district_nursing")
    over["routing"] = {"after_gp_seh_referral": {"U3": share(1.0)}}
    c = chain(over, "zcc")
    sc = c.scenario
    p = c.patient("hap_walk_in", urgency="U3")
    c.enter(p)
    assert c.log.places(p) == [("arrive", "GM1680"), ("consult_start", c.nearest_hap()[0]),
                               ("answered", "zcc_provider_line"), ("alternative", "district_nursing"),
                               ("visit_start", "district_nursing"), ("end", "district_nursing")]
    assert c.log.end_time(p) == approx(sc.care.hap.consult.mean + sc.zcc.handling.provider_request.mean
                                       + sc.care.district_nursing.visit.mean)
    assert c.count("substitutions_instead_of.seh") == 1 and c.count("seh_arrivals") == 0
