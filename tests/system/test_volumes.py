"""The shipped (calibrated) noord status quo reproduces every published volume target within its tolerance.

Test plan (published figures): one replication of the shipped scenario as users
run it (365 days after warm-up, seed 20240101, the national calibration overlay
included); each volume target of calibration/targets.yaml — national counts per
1,000 inhabitants at the figure year's population, shares and means — is met
within its tolerance. The performance targets (answer and response times) need
today's capacity, which other work builds; they are not checked here yet.
This is the fast, one-region version of `acutesim validation-report`, which
checks the national run. The targets are published figures, independent of
the model's inputs; the calibration fitted 14 inputs to them nationally, so a
region meeting them is not automatic (capacities and distances differ). The
same year also stays stable: occupancies below saturation, SEH waits and
placement times bounded (moved here from test_bed_prefill, whose own full-year
run it duplicated).
"""

from __future__ import annotations

import pytest

from sim.config.loader import load_scenario
from sim.fit.targets import load_calibration, relative_error, simulated
from sim.run.runner import run_replication
from tests.helpers import NOORD, ROOT

CAL = load_calibration(ROOT / "calibration" / "targets.yaml")


@pytest.fixture(scope="module")
def noord_kpis():
    return run_replication(load_scenario(NOORD), 0)


@pytest.mark.parametrize("name", [n for n, t in CAL.targets.items() if t.group == "volume"])
def test_calibrated_noord_meets_target(name, noord_kpis):
    t = CAL.targets[name]
    value = simulated(t, noord_kpis)
    assert abs(relative_error(t, value)) <= CAL.tolerance(name), \
        f"{name}: simulated {value:,.4g} vs published {t.centre:,.4g} {t.unit} ({t.source})"


def test_a1_p95_within_the_national_tolerance(noord_kpis):
    """Issue 12's criterion: noord's A1 95th percentile within 10% of the national 17:00 (vzinfo 2022)."""
    assert noord_kpis["a1_response_time_p95"] <= 17.0 * 1.1


@pytest.mark.xfail(strict=True, reason="known deficiency: noord's share of A1 within 15 minutes is below the "
                   "published ~93% (Drenthe 2019, Fryslan 2017): 87-88% with posts only at town halls (35-37 for "
                   "40 municipalities) and the countryside's inhabitants placed uniformly on the municipality, "
                   "where the real villages and the 21 part-time posts are not known. Strict: when this passes, "
                   "remove the mark")
def test_a1_within_norm_plausible(noord_kpis):
    assert noord_kpis["a1_on_scene_15min_share"] >= 0.90  # published ~93% in Drenthe and Fryslan


def test_service_levels_plausible(noord_kpis):
    # HAP: published reality, not a design level: urgent line in seconds (InEen 12-14 s), the regular
    # line often beyond 2 minutes (EenVandaag 2022: 6 of 60 test calls within 2 min; norm 75%)
    assert noord_kpis["hap_answer_time_mean.urgent"] < 1.0
    assert noord_kpis["hap_answer_time_mean.urgent"] < noord_kpis["hap_answer_time_mean.non_urgent"]
    assert 0.05 <= noord_kpis["hap_answer_within_2min_share.non_urgent"] <= 0.95
    assert 0.2 <= noord_kpis["seh_occupancy_mean"] <= 0.8
    assert noord_kpis["verkeerde_bed_days_per_day"] > 0


def test_full_year_is_stable(noord_kpis):
    """No runaway boarding or verkeerde bed, which a too-short warm-up or inconsistent bed inputs would cause."""
    k = noord_kpis
    assert k["hospital_occupancy_mean"] < 0.95
    assert k["seh_wait_mean"] < 30
    assert k["placement_time_mean"] < 48
    for kind in ("elv", "grz", "crisis_bed"):
        assert k[f"{kind}_occupancy_mean"] < 0.97
