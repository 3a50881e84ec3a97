"""The national run: regions together, volumes summed, means and shares weighted by their volume.

Test plan: the aggregation rule against hand computations (a mean of two
regions weighted by the volume it is a mean of; a share whose national value
equals the ratio of the summed volumes); a national run of two real regions
equals the sum of the same regions run alone (same seeds), and is the same
serially and on two workers.
"""

from __future__ import annotations

import pytest

from sim.run.national import aggregate, region_scenarios, run_national, weight_of
from sim.run.runner import run_replication

pytestmark = pytest.mark.quick


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


def test_national_run_is_the_sum_of_its_regions():
    overrides = {"run": {"days": 2, "warmup_days": 1}}
    regional = {r: s for r, s in region_scenarios("status_quo.yaml", overrides).items() if r in ("euregio", "zwolle")}
    national, per_region = run_national(regional, 1, workers=1)
    alone = {r: run_replication(s, 0) for r, s in regional.items()}
    assert per_region["euregio"][0] == alone["euregio"]
    for kpi in ("population", "seh_arrivals_per_day", "hap_contacts_per_day", "ambulance_deployments_per_day"):
        assert national[0][kpi] == pytest.approx(alone["euregio"][kpi] + alone["zwolle"][kpi])
    parallel, _ = run_national(regional, 1, workers=2)
    assert parallel == national
