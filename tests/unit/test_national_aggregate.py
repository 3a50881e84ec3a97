"""The national aggregation rule: volumes summed, means and shares weighted by their volume.

Test plan: against hand computations, a mean of two regions is weighted by the
volume it is a mean of, a share's national value equals the ratio of the summed
volumes, counts and staff add up, and an unknown mean falls back to population
weights. The national run itself is in tests/system/test_national.py.
"""

from __future__ import annotations

import pytest

from sim.run.national import aggregate, weight_of


def test_aggregate_sums_volumes_and_weights_means():
    a = {"population": 100.0, "seh_departures_per_day.home": 10.0, "seh_los_mean.home": 100.0,
         "seh_departures_per_day": 20.0, "seh_departures_per_day.admitted": 5.0, "seh_admitted_share": 0.25,
         "triage_fte": 3.0}
    b = {"population": 300.0, "seh_departures_per_day.home": 30.0, "seh_los_mean.home": 140.0,
         "seh_departures_per_day": 60.0, "seh_departures_per_day.admitted": 30.0, "seh_admitted_share": 0.5,
         "triage_fte": 5.0}
    n = aggregate({"a": a, "b": b})
    assert n["population"] == 400 and n["triage_fte"] == 8 and n["seh_departures_per_day.home"] == 40
    assert n["seh_los_mean.home"] == pytest.approx((10 * 100 + 30 * 140) / 40)
    assert n["seh_admitted_share"] == pytest.approx(n["seh_departures_per_day.admitted"] / n["seh_departures_per_day"])
    assert weight_of("something_unknown_mean") == "population"


def test_chain_cost_is_summed_and_cost_per_call_is_total_cost_over_total_calls():
    a = {"population": 100.0, "chain_cost_per_day": 1000.0, "chain_cost_per_day.hap": 400.0,
         "staff_cost_per_day.zcc": 300.0, "answered_calls_per_day.zcc": 10.0, "cost_per_call.zcc": 30.0}
    b = {"population": 300.0, "chain_cost_per_day": 5000.0, "chain_cost_per_day.hap": 1000.0,
         "staff_cost_per_day.zcc": 500.0, "answered_calls_per_day.zcc": 50.0, "cost_per_call.zcc": 10.0}
    n = aggregate({"a": a, "b": b})
    assert n["chain_cost_per_day"] == 6000 and n["chain_cost_per_day.hap"] == 1400
    assert n["cost_per_call.zcc"] == pytest.approx((300 + 500) / (10 + 50))  # 13.33, not the mean 20
