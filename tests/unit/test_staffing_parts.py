"""Parts of the staffing search (sim/plan/staffing.py) that need no simulation.

Test plan (the textbook Erlang C sum; deterministic cases): the Erlang C start
for one group with constant load equals servers_for_service_level hour by hour
(and respects the minimum), and is checked independently against the textbook
Erlang C sum; primary groups follow the desk's specialists-first routing; target
strings are parsed safely and bad ones give one clear line. The per-block KPIs
are in tests/functional/test_staffing_blocks.py, the search and the command in
tests/system/test_staffing.py.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.config.loader import load_scenario
from sim.plan.staffing import Loads, Target, TargetError, erlang_start, parse_target, primary_groups
from sim.theory.queueing import servers_for_service_level
from tests.helpers import ROOT

NOORD_ZCC = ROOT / "scenarios" / "noord" / "zcc.yaml"


def test_erlang_start_for_one_group_with_constant_load_matches_erlang_c():
    for load, handling, minimum in ((3.7, 6.0, 1), (0.0, 5.0, 1), (12.0, 8.0, 0), (0.2, 4.0, 2)):
        loads = Loads({"only": {"zcc": np.full(168, load)}}, {"only": np.full(168, handling)})
        start = erlang_start(loads, 0.9, 2.0, minimum)
        expected = servers_for_service_level(load, handling, 2.0, 0.9, minimum)
        assert start == {"only": [expected] * 168}
        assert expected >= minimum
    # Independently: the explicit Erlang C sum says c meets 80% within 20 s and c - 1 does not.
    loads = Loads({"only": {"zcc": np.full(168, 10.0)}}, {"only": np.full(168, 3.0)})
    c = erlang_start(loads, 0.8, 20 / 60, 1)["only"][0]
    assert _service_level(c, 10.0, 3.0, 20 / 60) >= 0.8 > _service_level(c - 1, 10.0, 3.0, 20 / 60)


def _service_level(c: int, a: float, aht: float, t: float) -> float:
    """P(wait <= t) in M/M/c from the textbook Erlang C sum (not sim.theory.queueing)."""
    if c <= a:
        return 0.0
    top = a ** c / math.factorial(c) * c / (c - a)
    p_wait = top / (sum(a ** k / math.factorial(k) for k in range(c)) + top)
    return 1 - p_wait * math.exp(-(c - a) * t / aht)


def test_primary_groups_are_the_specialists():
    sc = load_scenario(NOORD_ZCC)
    assert primary_groups(sc) == {"gp_triagist": "triagist", "ambulance_nurse": "nurse", "mental_health": "ggz",
                                  "coordinator": "coordinator", "district_nursing": "coordinator"}


def test_target_parsing():
    known = lambda: ["zcc_answer_within_2min_share", "hap_answer_within_2min_share", "seh_arrivals_per_day"]  # noqa: E731
    assert parse_target(" zcc_answer_within_2min_share >= 0.9 ", known) == Target("zcc_answer_within_2min_share",
                                                                                  ">=", 0.9)
    assert parse_target("zcc_provider_answer_within_2min_share<=.5", known).op == "<="
    for bad, words in (("zcc_answer_within_2min_share>0.9", "expected 'KPI>=NUMBER'"),
                       ("__import__('os')>=1", "expected 'KPI>=NUMBER'"),
                       ("zcc_answer_within_2min_share>=0.9; rm", "expected"),
                       ("zcc_answr_within_2min_shar>=0.9", "similar names: zcc_answer_within_2min_share"),
                       ("seh_arrivals_per_day<=30", "not measured per hour block"),
                       ("zcc_answer_within_2min_share>=90", "expected a number in [0, 1]")):
        with pytest.raises(TargetError) as err:
            parse_target(bad, known)
        assert words in str(err.value) and "\n" not in str(err.value)
    t = Target("x", ">=", 0.9)
    assert t.met(0.93, 0.02) and not t.met(0.91, 0.02) and not t.met(float("nan"))
