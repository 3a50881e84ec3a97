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


# ------------------------------------------------------------- per-region budget table
def _kpis(pop, seh, chain, staff, budget, calls, cost_per_call):
    return {"population": pop, "seh_arrivals_per_day": seh, "chain_cost_per_day": chain,
            "staff_cost_per_day": staff, "zcc_budget_per_year": budget, "answered_calls_per_day": calls,
            "cost_per_call": cost_per_call}


def test_budget_table_has_a_row_per_region_and_the_netherlands():
    from sim.run.national import budget_markdown, budget_rows

    base = {"a": [_kpis(1000, 100, 5000, 500, 0, 50, 10), _kpis(1000, 102, 5100, 500, 0, 50, 10)],
            "b": [_kpis(3000, 300, 9000, 900, 0, 90, 10), _kpis(3000, 296, 9100, 900, 0, 90, 10)]}
    alt = {"a": [_kpis(1000, 95, 4900, 600, 365_250, 40, 15), _kpis(1000, 99, 5050, 600, 365_250, 40, 15)],
           "b": [_kpis(3000, 290, 8800, 950, 730_500, 90, 10.5), _kpis(3000, 288, 8900, 950, 730_500, 90, 10.5)]}
    nat = [aggregate({r: base[r][i] for r in base}) for i in range(2)]
    nat_alt = [aggregate({r: alt[r][i] for r in alt}) for i in range(2)]
    rows = {r["region"]: r for r in budget_rows(base, alt, nat, nat_alt, 365.25)}
    assert set(rows) == {"a", "b", "Netherlands"}
    a = rows["a"]
    assert a["zcc_budget_meur"] == pytest.approx(0.36525)
    assert a["zcc_budget_eur_per_inhabitant"] == pytest.approx(365.25)
    assert a["staff_cost_change_meur"] == pytest.approx(100 * 365.25 / 1e6)
    # chain cost: differences -100 and -50 a day, mean -75 a day
    assert a["chain_cost_change_meur"] == pytest.approx(-75 * 365.25 / 1e6)
    assert a["chain_cost_change_low"] < a["chain_cost_change_meur"] < a["chain_cost_change_high"]
    nl = rows["Netherlands"]
    assert nl["population"] == 4000 and nl["zcc_budget_meur"] == pytest.approx(0.36525 + 0.7305)
    # cost per call nationally = total staff cost / total calls: (500 + 900) / 140 and (600 + 950) / 130
    assert nl["cost_per_call_base"] == pytest.approx(10.0)
    assert nl["cost_per_call_alt"] == pytest.approx((15 * 40 + 10.5 * 90) / 130)
    text = budget_markdown(list(rows.values()))
    assert text.count("\n") == 2 + 3 and "| Netherlands |" in text
