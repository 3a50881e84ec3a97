"""The analytic desk workload (sim/config/desk_work.py) against the calls the simulation makes.

Test plan (the rosters of scenario III are derived from these expectations, so
they must say what the model does): with callers who never hang up (no
redials), the attempts each desk counts in a run equal the expected calls a
day from the streams and routing shares, within the Poisson noise of the run:
HAP triage (HAP calls, self-triage 'phone', 112 advice 'phone the GP'), the
112 desk (112 calls, self-triage '112') and the ELV point (bed requests from
providers and at SEH or hospital discharge).
"""

from __future__ import annotations

import math

import pytest

from sim.config import desk_work as dw
from sim.config.constants import HOURS_PER_WEEK, MIN_PER_HOUR
from sim.config.loader import load_scenario
from sim.run.runner import run_replication
from tests.helpers import ROOT

PATIENT = {"dist": "exponential", "mean": 1e7, "estimate": "test: callers never hang up"}
DAYS = 56


@pytest.fixture(scope="module")
def run():
    overrides = {"run": {"days": DAYS, "warmup_days": 7, "start_date": "2024-02-05"},
                 "desks": {"hap_triage": {"patience": PATIENT}, "dispatch_112": {"patience": PATIENT},
                           "elv_point": {"patience": PATIENT}}}
    sc = load_scenario(ROOT / "scenarios" / "noord" / "status_quo.yaml", overrides)
    return sc, run_replication(sc, 0)


def _per_day(per_min_by_hour) -> float:
    return float(per_min_by_hour.sum()) * MIN_PER_HOUR / (HOURS_PER_WEEK / 24)


@pytest.mark.parametrize("desk, expected", [
    ("hap", lambda sc: dw.hap_callers(sc)),
    ("dispatch", lambda sc: dw.emergency_callers(sc)),
    ("elv_point", lambda sc: dw.bed_requests(sc)),
])
def test_expected_calls_match_simulated_attempts(run, desk, expected):
    sc, k = run
    want = _per_day(expected(sc))
    got = k[f"{desk}_attempts_per_day"] if f"{desk}_attempts_per_day" in k else None
    assert got is not None, f"no {desk}_attempts_per_day KPI"
    # Poisson noise of DAYS days (3 sigma) plus 3% for what the expectation leaves out (holidays, rounding).
    tolerance = 3 * math.sqrt(want * DAYS) / DAYS + 0.03 * want
    assert got == pytest.approx(want, abs=tolerance)
