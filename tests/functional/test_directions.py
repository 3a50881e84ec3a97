"""Capacity changes move KPIs in the expected direction (with common random numbers).

Test plan (a metamorphic relation: more capacity never serves worse; common
random numbers): doubling every HAP triage roster raises the 2-minute answer
share; halving the ambulances on duty lowers the A1 15-minute share; far fewer
ELV beds raise verkeerde-bed days and SEH fallbacks. Each pair runs with the
same seed, so the difference is the capacity change, not noise.
"""

from __future__ import annotations

from sim.config.loader import load_raw, load_scenario
from sim.run.runner import run_replication
from tests.helpers import NOORD

SHORT = {"run": {"days": 20, "warmup_days": 5}}


def _with(resources: dict) -> dict:
    return {**SHORT, "resources": resources}


def test_more_triagists_answer_faster():
    """Twice the HAP head count answers faster than half of it (rosters follow from desks.hap_triage.staffing)."""
    raw, _ = load_raw(NOORD)

    def scaled(factor: float) -> dict:
        return {name: {"triagists": {"value": h["triagists"]["value"] * factor, "estimate": f"test: x{factor}"}}
                for name, h in raw["resources"]["haps"].items()}

    lo = run_replication(load_scenario(NOORD, _with({"haps": scaled(0.5)})), 0)
    hi = run_replication(load_scenario(NOORD, _with({"haps": scaled(2.0)})), 0)
    assert hi["hap_answer_within_2min_share"] > lo["hap_answer_within_2min_share"]
    assert hi["hap_abandoned_share"] < lo["hap_abandoned_share"]
    assert hi["hap_answer_time_mean.mystery_calls"] < lo["hap_answer_time_mean.mystery_calls"]
    assert hi["hap_occupancy_mean"] < lo["hap_occupancy_mean"]
    assert hi["triage_fte"] > lo["triage_fte"] and hi["staff_cost_per_day"] > lo["staff_cost_per_day"]


def test_fewer_ambulances_slower_response():
    raw, _ = load_raw(NOORD)
    full = raw["resources"]["ambulance"]["on_duty"]["values"]
    few = {"ambulance": {"on_duty": {"values": [max(1, v // 4) for v in full], "estimate": "test: quarter fleet"}}}
    base = run_replication(load_scenario(NOORD, SHORT), 0)
    less = run_replication(load_scenario(NOORD, _with(few)), 0)
    assert less["a1_on_scene_15min_share"] < base["a1_on_scene_15min_share"]
    assert less["ambulance_utilisation"] > base["ambulance_utilisation"]


def test_missing_elv_capacity_creates_verkeerde_bed_and_seh_load():
    base = run_replication(load_scenario(NOORD, SHORT), 0)
    scarce = run_replication(load_scenario(NOORD, _with({"beds": {"elv": {"value": 20, "estimate": "test"},
                                                                  "grz": {"value": 20, "estimate": "test"}}})), 0)
    assert scarce["verkeerde_bed_days_per_day"] > base["verkeerde_bed_days_per_day"]
    assert scarce["placement_fallback_seh_per_day"] > base["placement_fallback_seh_per_day"]
