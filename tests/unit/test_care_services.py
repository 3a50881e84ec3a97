"""Care services, one patient at a time, in a deterministic chain (tests/unit/single_patient.py).

Every duration is fixed at its scenario mean and every capacity is ample, so
nobody waits: a patient's end time is the sum of the activity times on its
path, which each test adds up itself from the scenario's numbers (``sc``) and
the road distances. Each test also checks the patient's event sequence, its
outcome and the counters the service writes.

Test plan (deterministic cases: end times added up by hand from the scenario; each
flow is started on the care service itself, status quo):
- HAP: a walk-in consult at the nearest post; a home visit by the nearest post's car (there and back);
- ambulance: treatment on scene (A2); A1 conveyance to the nearest SEH, handover, SEH, home
  (times of every event); a planned ride;
- SEH: self-referral home; admitted, hospital stay, home; hospital stay ending in a wait for
  long-term care (verkeerde-bed minutes = the wait);
- follow-up beds: a GRZ bed taken at once, transfer lag, then held for the stay;
- teams: the crisis GGZ team called in by a GP.
"""

from __future__ import annotations

import pytest

from sim.chain.care.ambulance import Call
from sim.chain.record import RESPONSE_PARTS
from sim.config.loader import load_scenario
from tests.unit.single_patient import SQ, TOL, chain, minutes, share, urgent_minutes


def approx(x: float) -> object:
    return pytest.approx(x, rel=0, abs=TOL)


# ---------------------------------------------------------------------------- HAP
def test_walk_in_consult_at_nearest_post():
    c = chain()
    sc, hap = c.scenario, c.model.care.hap
    p = c.patient("hap_walk_in", urgency="U3")
    c.run(hap.walk_in(p))
    post, _km = c.nearest_hap()
    assert c.log.places(p) == [("arrive", "GM1680"), ("consult_start", post), ("end", "hap_consult")]
    assert c.log.time_of(p, "consult_start") == 0.0
    assert c.log.end_time(p) == approx(sc.care.hap.consult.mean)
    assert p.outcome == "hap_consult"
    assert c.count("hap_contacts.walk_in") == 1 and c.count("hap_contacts") == 1
    assert c.busy_minutes("hap_gp") == approx(sc.care.hap.consult.mean)  # the GP is released after the consult


def test_home_visit_by_nearest_post_drives_there_and_back():
    c = chain()
    sc, hap = c.scenario, c.model.care.hap
    p = c.patient("hap_call", urgency="U2")
    c.run(hap.home_visit(p, hap.post_of[p.subarea]))
    post, _km = c.nearest_hap()
    car = 2 * minutes(c.hap_drive_km(p), sc.care.hap.car_speed_kmh.value) + sc.care.hap.home_visit_on_site.mean
    assert c.log.places(p) == [("arrive", "GM1680"), ("visit_start", post), ("end", "home_visit")]
    assert c.log.end_time(p) == approx(car)
    assert c.busy_minutes("hap_car") == approx(car)  # the car is back at the post when the visit ends


# ----------------------------------------------------------------------- ambulance
def test_ambulance_treats_on_scene_when_not_conveyed():
    c = chain()  # convey_to_seh is 0 for A1 and A2
    amb = c.scenario.care.ambulance
    p = c.patient("call_112", urgency="A2")
    c.run(c.model.care.ambulance.job(p, Call.at(0.0)))
    drive = urgent_minutes(c.ambulance_drive_km(p), amb)
    response = amb.chute_time.mean + drive
    assert c.log.events(p) == ["arrive", "ambulance_dispatched", "on_scene", "end"]
    assert c.log.time_of(p, "on_scene") == approx(response)
    assert c.log.end_time(p) == approx(response + amb.on_scene.mean)
    assert p.outcome == "treated_on_scene"
    assert c.tally("ambulance.response.a2") == [approx(response)]
    # A request with no 112 call before it: the parts are turnout and drive only.
    parts = {part: c.tally(f"ambulance.response_part.a2.{part}") for part in RESPONSE_PARTS}
    assert parts == {"answer": [0.0], "triage": [0.0], "vehicle_wait": [0.0], "turnout": [amb.chute_time.mean],
                     "drive": [approx(drive)]}
    assert c.count("ambulance_deployments.a2") == 1
    assert c.model.care.ambulance.fleet.busy == 0


def test_response_from_the_call_is_answer_plus_triage_plus_turnout_plus_drive():
    """A 112 call rang at 1.0 and was answered at 3.0; the ambulance is alarmed at 5.0. On scene at
    1 + 2 (answer) + 2 (triage) + chute + drive exactly; the response counts from the ring, and the
    recorded parts are those five (no wait for a vehicle)."""
    c = chain()
    amb = c.scenario.care.ambulance
    p = c.patient("call_112", urgency="A1", at=5.0)
    c.run(c.model.care.ambulance.job(p, Call(rang=1.0, answered=3.0)))
    drive = urgent_minutes(c.ambulance_drive_km(p), amb)
    assert drive > 0
    assert c.log.time_of(p, "on_scene") == approx(1.0 + 2.0 + 2.0 + amb.chute_time.mean + drive)
    assert c.tally("ambulance.response.a1") == [approx(2.0 + 2.0 + amb.chute_time.mean + drive)]
    parts = {part: c.tally(f"ambulance.response_part.a1.{part}") for part in RESPONSE_PARTS}
    assert parts == {"answer": [2.0], "triage": [2.0], "vehicle_wait": [0.0], "turnout": [amb.chute_time.mean],
                     "drive": [approx(drive)]}
    assert sum(v[0] for v in parts.values()) == approx(c.tally("ambulance.response.a1")[0])


def test_waiting_for_a_vehicle_is_a_part_of_the_response():
    """No vehicle on duty until the hourly clock puts the roster back at minute 60: the wait for a
    vehicle (60 - 10) is counted, and the response still adds up."""
    c = chain()
    amb = c.scenario.care.ambulance
    c.model.care.ambulance.fleet.set_on_duty(0)
    p = c.patient("call_112", urgency="A2", at=10.0)
    c.run(c.model.care.ambulance.job(p, Call.at(10.0)))
    drive = urgent_minutes(c.ambulance_drive_km(p), amb)
    assert c.tally("ambulance.response_part.a2.vehicle_wait") == [50.0]
    assert c.log.time_of(p, "on_scene") == approx(60.0 + amb.chute_time.mean + drive)
    assert c.tally("ambulance.response.a2") == [approx(50.0 + amb.chute_time.mean + drive)]


def test_ambulance_conveys_a1_to_nearest_seh_and_patient_goes_home():
    """A1 conveyed: chute + urgent drive from the nearest post + on scene + normal drive to the
    nearest SEH + handover + SEH length of stay (home).

    This test catches a one-line change in Ambulance.job: with the handover not counted,
    ``yield env.timeout(ctx.travel.to_patient_min(dept.subarea, p, self.normal_kmh))`` instead of
    ``... + self.t_handover())``, seh_arrival and end come 15 minutes (the handover) early.
    """
    c = chain({"routing": {"convey_to_seh": {"A1": share(1.0)}}})
    sc = c.scenario
    amb = sc.care.ambulance
    p = c.patient("call_112", urgency="A1")
    c.run(c.model.care.ambulance.job(p, Call.at(0.0)))
    seh, _km_seh = c.nearest_seh()
    on_scene_at = amb.chute_time.mean + urgent_minutes(c.ambulance_drive_km(p), amb)
    at_seh = (on_scene_at + amb.on_scene.mean + minutes(c.seh_drive_km(p), amb.normal_speed_kmh.value)
              + amb.handover.mean)
    end = at_seh + sc.care.seh.los_home.mean
    rows = c.log.of(p)
    assert [(e, pl) for _t, e, pl in rows][2:] == [("on_scene", ""), ("seh_arrival", seh), ("end", "seh_home")]
    assert [e for _t, e, _pl in rows][:2] == ["arrive", "ambulance_dispatched"]
    assert [t for t, _e, _pl in rows] == [0.0, 0.0, approx(on_scene_at), approx(at_seh), approx(end)]
    assert c.count("seh_arrivals.ambulance") == 1 and c.count("seh_departures.home") == 1
    assert c.tally("seh.los.home") == [approx(sc.care.seh.los_home.mean)]
    # The vehicle is free once the handover is done: busy from dispatch to the end of the handover.
    assert c.busy_minutes("ambulance") == approx(at_seh)


def test_planned_ride_occupies_a_vehicle_and_ends_outside_the_seh():
    c = chain()
    p = c.patient("ambulance_planned")
    c.run(c.model.care.ambulance.planned_ride(p))
    assert c.log.places(p) == [("arrive", "GM1680"), ("end", "planned_ride")]
    assert c.log.end_time(p) == approx(c.scenario.care.ambulance.planned_ride.mean)
    assert c.count("ambulance_deployments.b") == 1 and c.count("seh_arrivals") == 0


# ----------------------------------------------------------------------------- SEH
def test_seh_self_referral_goes_home_after_its_length_of_stay():
    c = chain()  # seh_admit and seh_followup are 0
    p = c.patient("seh_self_referral", urgency="U4")
    c.run(c.model.care.seh.visit(p, "self_referral"))
    seh, _km = c.nearest_seh()
    los = c.scenario.care.seh.los_home.mean
    assert c.log.places(p) == [("arrive", "GM1680"), ("seh_arrival", seh), ("end", "seh_home")]
    assert c.log.end_time(p) == approx(los)
    assert c.count("seh_arrivals.self_referral") == 1 and c.count("seh_departures.home") == 1
    assert c.busy_minutes("seh") == approx(los)


def test_seh_admitted_stays_in_hospital_then_goes_home():
    """SEH length of stay when admitted + hospital length of stay; no boarding with ample beds."""
    c = chain({"routing": {"seh_admit": {"self_referral": share(1.0)}}})
    care = c.scenario.care
    p = c.patient("seh_self_referral", urgency="U2")
    c.run(c.model.care.seh.visit(p, "self_referral"))
    assert c.log.places(p) == [("arrive", "GM1680"), ("seh_arrival", c.nearest_seh()[0]),
                               ("admitted", "hospital"), ("end", "hospital_home")]
    assert c.log.time_of(p, "admitted") == approx(care.seh.los_admitted.mean)
    assert c.log.end_time(p) == approx(care.seh.los_admitted.mean + care.hospital.los.mean)
    assert p.outcome == "hospital_home"
    assert c.count("seh_departures.admitted") == 1 and c.count("hospital_admissions") == 1
    assert c.tally("seh.los.admitted") == [approx(care.seh.los_admitted.mean)]
    assert c.busy_minutes("hospital") == approx(care.hospital.los.mean)
    assert c.area("verkeerde_bed") == 0.0


def test_hospital_stay_ending_in_a_wait_for_long_term_care_is_a_verkeerde_bed():
    c = chain({"routing": {"seh_admit": {"self_referral": share(1.0)}, "hospital_long_term_care": share(1.0)}})
    care = c.scenario.care
    p = c.patient("seh_self_referral", urgency="U2")
    c.run(c.model.care.seh.visit(p, "self_referral"), days=25)
    ready = care.seh.los_admitted.mean + care.hospital.los.mean
    assert c.log.events(p) == ["arrive", "seh_arrival", "admitted", "ready_for_discharge", "end"]
    assert c.log.time_of(p, "ready_for_discharge") == approx(ready)
    assert c.log.end_time(p) == approx(ready + care.long_term_care.wait.mean)
    assert p.outcome == "long_term_care"
    assert c.area("verkeerde_bed") == approx(care.long_term_care.wait.mean)
    assert c.busy_minutes("hospital") == approx(care.hospital.los.mean + care.long_term_care.wait.mean)


# ---------------------------------------------------------------- follow-up beds
def test_followup_bed_taken_at_once_transfer_lag_then_held_for_the_stay():
    c = chain()
    grz = c.scenario.care.grz
    beds = c.model.care.beds
    p = c.patient("provider_request", need="grz")
    placed: list[bool] = []

    def flow():
        placed.append((yield from beds.wait_and_admit(p, "grz", None, 0.0)))

    c.run(flow(), days=40)
    assert placed == [True]
    assert c.log.places(p) == [("arrive", "GM1680"), ("end", "grz")]
    assert c.log.end_time(p) == approx(grz.transfer_lag.mean)
    assert c.tally("placement_time") == [0.0]
    assert c.count("grz_admissions") == 1
    assert c.busy_minutes("grz") == approx(grz.transfer_lag.mean + grz.los.mean)
    assert beds.pools["grz"].busy == 0


# --------------------------------------------------------------------------- teams
def test_crisis_team_called_in_by_a_gp():
    c = chain()
    p = c.patient("hap_call", urgency="U2", need="mental_health")
    c.run(c.model.care.teams.crisis_team_visit(p))
    visit = c.scenario.care.ggz_crisis.visit.mean
    assert c.log.places(p) == [("arrive", "GM1680"), ("visit_start", "ggz_crisis"), ("end", "ggz_crisis")]
    assert c.log.end_time(p) == approx(visit)
    assert c.count("ggz_crisis_visits") == 1
    assert c.busy_minutes("ggz_crisis") == approx(visit)


# ------------------------------------------------------------ the harness's overrides
def test_override_with_a_fixed_dist_replaces_a_lognormal():
    # A Dist given with its dist: and provenance replaces the one before it whole (sim/config/loader.py).
    sc = load_scenario(SQ, {"care": {"seh": {"los_home": {"dist": "fixed", "mean": 100.0, "estimate": "unit test"}}}})
    los = sc.care.seh.los_home
    assert (los.dist, los.mean, los.cv) == ("fixed", 100.0, None)
