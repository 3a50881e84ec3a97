"""KPIs added for the plots: answer-time distributions, entry x outcome flows, daily bed occupancy.

Test plan (Erlang C; conservation; a metamorphic relation):
- the answer-time distribution of an M/M/c HAP desk (the full model reduced by
  scenario settings) matches Erlang C's P(wait <= t) at every threshold;
- on the shipped scenarios the distribution is non-decreasing, never above
  1 - abandoned share, and at the 2-minute norm equals the separately counted
  ``answer_within_2min_share``;
- flows are conserved: they sum to ``patients_per_day`` and, per outcome, to
  ``outcomes_per_day.<outcome>``;
- sampling levels for ``levels.csv`` leaves every KPI identical; the daily
  occupancy is a share, covers every whole day, and its mean over the
  measurement period is close to the time-weighted occupancy KPI;
- the day-averaging itself on a hand-made hourly series.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.config.loader import load_scenario
from sim.measure import kpis
from sim.measure.format import units
from sim.measure.levels import BED_POOLS, daily_occupancy
from sim.run.runner import run_replication, run_replication_with_levels
from sim.theory.queueing import mmc_wait_within
from tests.helpers import NOORD, mmc_hap_scenario, run

ZCC = NOORD.parent / "zcc.yaml"
SHORT = {"run": {"days": 3, "warmup_days": 2}}
LABELS = [kpis.answer_within_label(t) for t in kpis.ANSWER_WITHIN_MIN]


@pytest.fixture(scope="module")
def zcc_kpis():
    return run_replication(load_scenario(ZCC, SHORT), 0)


@pytest.fixture(scope="module")
def sq_kpis():
    return run_replication(load_scenario(NOORD, SHORT), 0)


def test_labels_are_fixed_and_readable():
    assert LABELS == ["m00_5", "m01", "m02", "m05", "m10", "m20", "m30"]
    assert units("hap_answer_within.m02") == "share"
    assert units("flows_per_day.hap_call.hap_consult") == "per day"


def test_answer_time_distribution_matches_erlang_c():
    servers, per_hour, handling = 3, 24.0, 6.0
    k = kpis.compute(run(mmc_hap_scenario(servers, per_hour, handling, days=60), 0))
    load = per_hour / 60 * handling
    for t, label in zip(kpis.ANSWER_WITHIN_MIN, LABELS, strict=True):
        assert k[f"hap_answer_within.{label}"] == pytest.approx(mmc_wait_within(servers, load, handling, t), abs=0.03)


@pytest.mark.parametrize("which", ["sq", "zcc"])
def test_answer_time_distribution_is_consistent(which, sq_kpis, zcc_kpis):
    k = sq_kpis if which == "sq" else zcc_kpis
    desks = ["hap", "dispatch", "elv_point"] + (["zcc", "zcc_provider"] if which == "zcc" else [])
    checked = 0
    for desk in desks:
        cdf = np.array([k[f"{desk}_answer_within.{lb}"] for lb in LABELS])
        if np.isnan(cdf).all():  # a desk without calls (HAP triage moved into the zcc)
            continue
        checked += 1
        assert np.all(np.diff(cdf) >= 0)
        assert cdf[-1] <= 1 - k[f"{desk}_abandoned_share"] + 1e-12
        assert k[f"{desk}_answer_within.m02"] == pytest.approx(k[f"{desk}_answer_within_2min_share"], abs=1e-12)
    assert checked >= 3


@pytest.mark.parametrize("which", ["sq", "zcc"])
def test_flows_are_conserved(which, sq_kpis, zcc_kpis):
    k = sq_kpis if which == "sq" else zcc_kpis
    flows = {name: v for name, v in k.items() if name.startswith("flows_per_day.")}
    assert len(flows) > 10
    assert sum(flows.values()) == pytest.approx(k["patients_per_day"], rel=1e-12)
    outcomes = {name.split(".", 1)[1] for name in k if name.startswith("outcomes_per_day.")}
    for o in outcomes:
        into = sum(v for name, v in flows.items() if name.endswith(f".{o}"))
        assert into == pytest.approx(k[f"outcomes_per_day.{o}"], rel=1e-12), o
    entries = {name.split(".")[1] for name in flows}
    assert {"hap_call", "call_112", "self_triage", "seh_self_referral"} <= entries


def test_sampling_levels_changes_no_kpi_and_gives_daily_shares(zcc_kpis):
    sc = load_scenario(ZCC, SHORT)
    k, daily = run_replication_with_levels(sc, 0)
    assert k.keys() == zcc_kpis.keys()
    assert all(k[n] == zcc_kpis[n] or (math.isnan(k[n]) and math.isnan(zcc_kpis[n])) for n in k)
    assert set(daily) == set(BED_POOLS)
    for pool, values in daily.items():
        assert len(values) == 5  # 2 warm-up days + 3 measured days
        assert all(0.0 <= v <= 1.0 for v in values), pool
    # Hourly samples of the measured days against the time-weighted mean of the same period.
    measured = np.mean(daily["hospital"][2:])
    assert measured == pytest.approx(k["hospital_occupancy_mean"], abs=0.02)


def test_daily_occupancy_averages_whole_days():
    hourly = [0.0] * 24 + [1.0] * 12 + [0.5] * 12 + [0.9] * 5  # the partial third day is left out
    out = daily_occupancy({"elv": hourly}, pools=("elv", "grz"))
    assert out == {"elv": [0.0, 0.75], "grz": []}
