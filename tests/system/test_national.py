"""The national run: regions run together give the sum of the regions run alone.

Test plan: a national run of two real regions equals the sum of the same
regions run alone (same seeds: conservation across the aggregation), and is
the same serially, on two workers and on a Dask cluster (what
``acutesim national --scheduler`` uses). The aggregation rule itself is checked
against hand computations in tests/unit/test_national_aggregate.py.
"""

from __future__ import annotations

import math

import pytest

from sim.run.national import region_scenarios, run_national
from sim.run.runner import run_replication


def same(a: dict[str, float], b: dict[str, float]) -> bool:
    """Equal KPI by KPI, a KPI with no observations (NaN) equal to NaN."""
    return a.keys() == b.keys() and all(a[k] == b[k] or (math.isnan(a[k]) and math.isnan(b[k])) for k in a)


def test_national_run_is_the_sum_of_its_regions():
    overrides = {"run": {"days": 2, "warmup_days": 1}}
    regional = {r: s for r, s in region_scenarios("status_quo.yaml", overrides).items() if r in ("euregio", "zwolle")}
    national, per_region = run_national(regional, 1, workers=1)
    alone = {r: run_replication(s, 0) for r, s in regional.items()}
    assert same(per_region["euregio"][0], alone["euregio"])
    for kpi in ("population", "seh_arrivals_per_day", "hap_contacts_per_day", "ambulance_deployments_per_day"):
        assert national[0][kpi] == pytest.approx(alone["euregio"][kpi] + alone["zwolle"][kpi])
    parallel, _ = run_national(regional, 1, workers=2)
    assert all(same(a, b) for a, b in zip(parallel, national, strict=True))


def test_national_run_on_a_dask_cluster_equals_the_serial_run():
    from distributed import LocalCluster

    overrides = {"run": {"days": 2, "warmup_days": 1}}
    regional = {r: s for r, s in region_scenarios("status_quo.yaml", overrides).items() if r in ("euregio", "zwolle")}
    serial, serial_regions = run_national(regional, 2, workers=1)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        dask, dask_regions = run_national(regional, 2, scheduler=cluster.scheduler_address)
    assert all(same(a, b) for a, b in zip(dask, serial, strict=True))
    assert all(same(a, b) for r in regional for a, b in zip(dask_regions[r], serial_regions[r], strict=True))
