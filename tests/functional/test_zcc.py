"""Scenario III (the zcc) against the status quo and against its own settings.

Test plan (conservation; metamorphic relations with common random numbers;
the configured hours; the pooling effect of queueing theory):
- conservation: with forwarding, warm transfers and the provider line, every
  patient still ends in exactly one outcome (event log: one arrival, at most one end);
- substitution only with capacity: with no capacity in the alternative the zcc
  substitutes nothing and SEH arrivals equal those without substitution (same
  random numbers); with ample capacity it substitutes and SEH arrivals fall;
- configured hours: with the patient line open in ANW hours only, every warm
  transfer and forwarded call happens in ANW hours; open 24/7 some happen outside;
  provider calls reach the zcc around the clock; forwarding switched off means no
  forwarded calls;
- budget neutrality and options: the budget-neutral zcc has the status quo's triage
  FTE; lean < budget-neutral < generous;
- occupancy by staff group: the groups' busy and on-duty time add up to the desk's;
- locations: with the same staff, pooled locations answer at least as fast as
  separate ones; more locations shorten the mean commute.
"""

from __future__ import annotations

import gc
import math
from collections import Counter

import pyarrow.parquet as pq
import pytest

from sim.chain.model import Model
from sim.config.loader import load_scenario
from sim.engine.calendar import MIN_PER_HOUR
from sim.engine.eventlog import EventLog
from sim.run.experiment import merge_overrides
from sim.run.runner import run_replication
from tests.helpers import ROOT

ZCC = ROOT / "scenarios" / "noord" / "zcc.yaml"
SQ = ROOT / "scenarios" / "noord" / "status_quo.yaml"
SHORT = {"run": {"days": 7, "warmup_days": 3}}  # a week: every hour of the week once; CRN pairs keep the margins
ANW_ONLY = "test: patient line in ANW hours only"


def _zcc(extra: dict | None = None, path=ZCC):
    overrides = {**SHORT, **(extra or {})}
    return load_scenario(path, overrides)


def _events(tmp_path, scenario):
    log = EventLog(tmp_path / "ev.parquet", batch_rows=20_000)
    m = Model(scenario, 0, event_log=log, track_alive=True).run()
    log.close()
    gc.collect()
    return m, pq.read_table(tmp_path / "ev.parquet").to_pydict()


def test_no_patient_lost_or_counted_twice(tmp_path):
    m, ev = _events(tmp_path, _zcc())
    assert m.metrics.counts["warm_transfers"] > 0 and m.metrics.counts["zcc_patient_calls"] > 0
    assert m.record.ended + len(m.record.alive) == m.created
    arrivals = Counter(p for p, e in zip(ev["patient"], ev["event"], strict=True) if e == "arrive")
    ends = Counter(p for p, e in zip(ev["patient"], ev["event"], strict=True) if e == "end")
    assert len(arrivals) == m.created and max(arrivals.values()) == 1 and max(ends.values()) == 1


def _alternatives_only_district_nursing(roster_value: int, substitution: float) -> dict:
    return {
        "zcc": {"substitution": {
            "seh": {"value": substitution, "estimate": "test"},
            "ambulance": {"value": substitution, "estimate": "test"},
            "alternatives": {"somatic": {"shares": {"district_nursing": 1.0}, "estimate": "test"},
                             "mental_health": {"shares": {"district_nursing": 1.0}, "estimate": "test"}}}},
        "resources": {"district_nursing_roster": {"values": [roster_value] * 168, "estimate": "test"}},
    }


def _fixed_staff(sc) -> dict:
    """An overlay that keeps the zcc staff of ``sc`` (its derived rosters as an explicit option).

    Rosters follow the work, so changing a share re-derives them; a comparison of
    mechanisms at equal staff fixes them.
    """
    groups = {g: {"skills": list(spec.skills), "hourly_cost": spec.hourly_cost.model_dump(exclude_none=True),
                  "roster": {"values": spec.rostered.values, "estimate": "fixed for the comparison"}}
              for g, spec in sc.zcc.groups.items()}
    return {"zcc": {"staffing": "fixed", "staffing_options": {"fixed": {"groups": groups}}}}


def test_zero_alternative_capacity_removes_no_seh_arrivals():
    fixed = _fixed_staff(_zcc(_alternatives_only_district_nursing(0, 0.5)))
    none_free = run_replication(_zcc(merge_overrides(_alternatives_only_district_nursing(0, 0.5), fixed)), 0)
    switched_off = run_replication(_zcc(merge_overrides(_alternatives_only_district_nursing(0, 0.0), fixed)), 0)
    assert none_free["substitutions_per_day"] == 0
    assert none_free["substitutions_no_capacity_per_day"] > 5
    # Equal in expectation; a failed attempt still takes zcc staff time, so the paired runs drift apart after it
    # (common random numbers keep them close, not equal): 1% of a week's SEH arrivals (about 40 patients).
    assert none_free["seh_arrivals_per_day"] == pytest.approx(switched_off["seh_arrivals_per_day"], rel=0.01)
    assert none_free["ambulance_deployments_per_day"] == pytest.approx(
        switched_off["ambulance_deployments_per_day"], rel=0.005)


def test_free_alternative_capacity_removes_seh_arrivals():
    fixed = _fixed_staff(_zcc(_alternatives_only_district_nursing(60, 0.5)))
    ample = run_replication(_zcc(merge_overrides(_alternatives_only_district_nursing(60, 0.5), fixed)), 0)
    switched_off = run_replication(_zcc(merge_overrides(_alternatives_only_district_nursing(60, 0.0), fixed)), 0)
    assert ample["substitutions_per_day.district_nursing"] > 10
    assert ample["seh_arrivals_per_day"] < switched_off["seh_arrivals_per_day"] - 5
    assert ample["ambulance_deployments_per_day"] < switched_off["ambulance_deployments_per_day"]


def _hours(m, ev, event: str) -> list[bool]:
    return [bool(m.cal.is_anw_hour[int(t // MIN_PER_HOUR)])
            for t, e in zip(ev["time_min"], ev["event"], strict=True) if e == event]


def test_patient_line_hours_are_respected(tmp_path):
    anw = [1 if (day >= 5 or hour >= 17 or hour < 8) else 0 for day in range(7) for hour in range(24)]
    february = {"run": {"days": 7, "warmup_days": 3, "start_date": "2024-02-05"}}  # no public holidays
    restricted = _zcc({"zcc": {"flows": {"patient_line_hours": {"values": anw, "estimate": ANW_ONLY}}},
                       **february})
    m, ev = _events(tmp_path, restricted)
    transfers = _hours(m, ev, "warm_transfer")
    assert len(transfers) > 100 and all(transfers)
    hap_callers = {p: t for p, t, e, s in zip(ev["patient"], ev["time_min"], ev["event"], ev["stream"], strict=True)
                   if e == "arrive" and s in ("hap_call", "self_triage")}
    forwarded = {p for p, e, place in zip(ev["patient"], ev["event"], ev["place"], strict=True)
                 if e == "answered" and place == "zcc_patient_line" and p in hap_callers}
    assert forwarded and all(m.cal.is_anw(hap_callers[p]) for p in forwarded)

    m24, ev24 = _events(tmp_path, _zcc(february))
    assert not all(_hours(m24, ev24, "warm_transfer"))
    provider = [bool(m24.cal.is_anw_hour[int(t // MIN_PER_HOUR)])
                for t, e, place in zip(ev24["time_min"], ev24["event"], ev24["place"], strict=True)
                if e == "answered" and place == "zcc_provider_line"]
    assert any(provider) and not all(provider)  # the provider line works around the clock


def test_forwarding_switched_off():
    k = run_replication(_zcc({"zcc": {"flows": {"forward_hap_calls": False}}}), 0)
    assert k["zcc_patient_calls_per_day"] == 0 and k["warm_transfers_per_day"] > 0


def test_staffing_options_are_priced_in_euros():
    """budget_neutral spends the status quo's euros on triage and coordination staff (within 1%);
    lean less, generous more; equal_service is whatever equal service costs."""
    sq = run_replication(load_scenario(SQ, {"run": {"days": 2, "warmup_days": 0}}), 0)
    cost = {}
    for option in ("lean", "budget_neutral", "generous", "equal_service"):
        k = run_replication(_zcc({"zcc": {"staffing": option}, "run": {"days": 2, "warmup_days": 0}}), 0)
        cost[option] = k["staff_cost_per_day"]
    assert cost["budget_neutral"] == pytest.approx(sq["staff_cost_per_day"], rel=0.01)
    assert cost["lean"] == pytest.approx(0.85 * sq["staff_cost_per_day"], rel=0.01)
    assert cost["lean"] < cost["budget_neutral"] < cost["generous"]
    assert cost["equal_service"] > 0


def test_pooled_locations_answer_at_least_as_fast_as_separate():
    separate_sc = _zcc(path=ROOT / "scenarios" / "noord" / "zcc_3loc_separate.yaml")
    # The same staff in both modes: the separate layout's rosters (a minimum per location) pooled.
    z = separate_sc.zcc
    fixed = {"description": "the separate layout's derived rosters", "groups": {
        g: {"skills": list(spec.skills), "hourly_cost": spec.hourly_cost.model_dump(exclude_none=True),
            "roster": {"values": spec.rostered.values, "estimate": "copied from the separate layout"}}
        for g, spec in z.groups.items()}}
    overlay = {"zcc": {"staffing": "fixed", "staffing_options": {"fixed": fixed}}}
    pooled = run_replication(_zcc(overlay, path=ROOT / "scenarios" / "noord" / "zcc_3loc_pooled.yaml"), 0)
    separate = run_replication(_zcc(overlay, path=ROOT / "scenarios" / "noord" / "zcc_3loc_separate.yaml"), 0)
    derived_pooled = _zcc(path=ROOT / "scenarios" / "noord" / "zcc_3loc_pooled.yaml")
    assert sum(sum(g.rostered.values) for g in derived_pooled.zcc.groups.values()) < sum(
        sum(g.rostered.values) for g in z.groups.values())  # separate needs a minimum at every location
    assert pooled["triage_fte"] == separate["triage_fte"]
    assert pooled["zcc_answer_within_2min_share"] >= separate["zcc_answer_within_2min_share"]
    assert pooled["zcc_answer_time_mean"] <= separate["zcc_answer_time_mean"]
    assert pooled["staff_commute_min_mean"] == separate["staff_commute_min_mean"]


def test_more_locations_shorten_commute():
    commute = [run_replication(_zcc({"run": {"days": 1, "warmup_days": 0}},
                                    path=ROOT / "scenarios" / "noord" / f"zcc_{k}loc_pooled.yaml"), 0)
               ["staff_commute_min_mean"] for k in (1, 2, 3, 4)]
    assert all(a >= b for a, b in zip(commute, commute[1:], strict=False)) and commute[0] > commute[-1]


def test_patient_spreading_uses_neighbour_beds_when_own_pool_is_full():
    full = {"resources": {"beds": {"elv": {"value": 5, "estimate": "test: far too few own ELV beds"}}}}
    spread = run_replication(_zcc(full, path=ROOT / "scenarios" / "noord" / "zcc_spreading.yaml"), 0)
    own_only = run_replication(_zcc(full), 0)
    assert own_only["out_of_region_placements_per_day"] == 0
    assert spread["out_of_region_placements_per_day"] > 0.2
    assert spread["placement_fallback_seh_per_day"] < own_only["placement_fallback_seh_per_day"]


def test_provider_line_hours_are_respected():
    closed = {"zcc": {"flows": {"provider_line_hours": {"values": [0] * 168, "estimate": "test: line closed"}}},
              "resources": {"elv_point_roster": {"values": [2] * 168, "estimate": "test: ELV point back"}}}
    k = run_replication(_zcc(closed), 0)
    assert math.isnan(k["zcc_provider_answer_time_mean"])
    assert not math.isnan(k["elv_point_answer_time_mean"]) and k["elv_admissions_per_day"] > 0  # the ELV point answered


def test_group_occupancies_add_up_to_the_desk():
    """Conservation: the staff groups' busy and on-duty time add up to the zcc desk's, at every location mode."""
    from sim.chain import record as rec

    for path in (ZCC, ROOT / "scenarios" / "noord" / "zcc_2loc_separate.yaml"):
        m = Model(load_scenario(path, {"run": {"days": 3, "warmup_days": 1}})).run()
        met, now = m.metrics, m.env.now
        assert m.scenario.zcc is not None
        groups = list(m.scenario.zcc.option.groups)
        for what in (rec.busy_key, rec.capacity_key):
            total = met.level(what(rec.ZCC_DESK)).mean(now)
            parts = sum(met.level(what(rec.zcc_group_pool(g))).mean(now) for g in groups)
            assert total > 0 and parts == pytest.approx(total, rel=1e-9)
