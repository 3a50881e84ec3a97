"""The HAP number's two lines and the mystery calls, in short noord runs.

Test plan (directions, conservation and a closed-form count):
- the urgent option, with a triagist kept free for it, answers faster than the regular line;
  without break-in and without urgent callers the two lines are one queue again;
- mystery calls arrive at their configured rate (Poisson count over the window, within 4 sd);
- test callers never hang up, so their mean wait is at least the answered callers' mean wait on the
  regular line, and with ample staff it is zero.
"""

from __future__ import annotations

import math

import pytest

from sim.config.loader import load_raw, load_scenario
from sim.run.runner import run_replication
from tests.helpers import NOORD

DAYS = 21
SHORT = {"run": {"days": DAYS, "warmup_days": 3}}


@pytest.fixture(scope="module")
def base() -> dict:
    return run_replication(load_scenario(NOORD, SHORT), 0)


def test_urgent_line_answers_faster_than_the_regular_line(base):
    sc = load_scenario(NOORD, SHORT)
    assert base["hap_answer_time_p90.urgent"] <= sc.desks.hap_triage.urgent_line_break_in.value + 1e-9
    assert base["hap_answer_time_mean.urgent"] < base["hap_answer_time_mean.non_urgent"]
    assert base["hap_answer_within_2min_share.urgent"] > base["hap_answer_within_2min_share.non_urgent"]


def test_mystery_calls_arrive_at_their_rate_and_never_hang_up(base):
    sc = load_scenario(NOORD, SHORT)
    mc = sc.desks.hap_triage.mystery_calls
    expected_per_week = mc.per_post_per_hour * len(sc.resources.haps) * (mc.end_hour - mc.start_hour)
    weeks = DAYS / 7
    sd_per_week = math.sqrt(expected_per_week * weeks) / weeks
    assert abs(base["hap_mystery_calls_per_day"] * 7 - expected_per_week) < 4 * sd_per_week
    assert base["hap_answer_time_mean.mystery_calls"] >= base["hap_answer_time_mean.non_urgent"]


def test_ample_staff_answers_mystery_calls_at_once():
    raw, _ = load_raw(NOORD)
    ample = {name: {"triage_roster": {"values": [50] * 168, "estimate": "test: ample"}}
             for name in raw["resources"]["haps"]}
    k = run_replication(load_scenario(NOORD, {**SHORT, "resources": {"haps": ample}}), 0)
    assert k["hap_answer_time_mean.mystery_calls"] == 0.0
    assert k["hap_answer_time_mean.non_urgent"] == 0.0


def test_without_break_in_and_urgent_callers_the_lines_are_one_queue():
    no_split = {"desks": {"hap_triage": {
        "urgent_line_break_in": {"value": 1e9, "estimate": "test"},
        "urgent_line": {u: {"value": 0.0, "estimate": "test"} for u in ("U1", "U2", "U3", "U4", "U5")},
        "mystery_calls": {"per_post_per_hour": 0.0}}}}
    k = run_replication(load_scenario(NOORD, {**SHORT, **no_split}), 0)
    assert k["hap_answer_time_mean.non_urgent"] == pytest.approx(k["hap_answer_time_mean"], rel=1e-12)
    assert math.isnan(k["hap_answer_time_mean.urgent"]) and math.isnan(k["hap_answer_time_mean.mystery_calls"])
