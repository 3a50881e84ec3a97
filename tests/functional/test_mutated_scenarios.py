"""Mutated scenarios are either refused in one line or run to the end with sound KPIs (Hypothesis).

Test plan (a property over generated cases, checked against conservation): take the fully
resolved noord status quo, change one thing as a careless user would (a number to NaN,
infinity, a negative, zero, a huge value, true/false, text, nothing or a list; a key deleted;
an unknown key added) and write it as a scenario file. The loader either refuses it with a
:class:`ScenarioError` of one line naming that file, or accepts it; an accepted scenario runs a
one-day replication to the end with no infinite KPI, a finite number of patients and every
patient's flow ending in exactly one outcome (conservation). A few examples run by default,
many more under ``-m slow``.
"""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.config.loader import ScenarioError, load_raw, load_scenario
from sim.plan.staffing import with_run
from sim.run.runner import run_replication
from tests.helpers import NOORD

RAW, _ = load_raw(NOORD)
RAW.setdefault("name", "noord_mutated")


def _leaves(node: Any, key: tuple) -> list[tuple]:
    if isinstance(node, dict):
        return [leaf for k, v in node.items() for leaf in _leaves(v, key + (k,))] + [key]
    if isinstance(node, list):
        return [key + (i,) for i in range(len(node))] + [key]
    return [key]


PATHS = sorted((p for p in _leaves(RAW, ()) if p), key=str)
BAD_VALUES = [float("nan"), float("inf"), -float("inf"), -1, -0.5, 0, 0.5, 1, 2, 7, 1e3, 1e9, True, False,
              "x", "", None, [], {}, "2024-02-30"]
MUTATION = st.tuples(st.sampled_from(PATHS), st.sampled_from(["set", "delete", "add_key"]),
                     st.sampled_from(BAD_VALUES))


def _mutate(raw: dict, path: tuple, how: str, value: Any) -> dict:
    out = copy.deepcopy(raw)
    node: Any = out
    for part in path[:-1]:
        node = node[part]
    last = path[-1]
    if how == "add_key" and isinstance(node, dict):
        target = node[last] if isinstance(node[last], dict) else node
        target["unexpected_key"] = value
    elif how == "delete" and isinstance(node, dict):
        del node[last]
    else:
        node[last] = value
    return out


def _check(mutation: tuple, tmp: Path) -> None:
    path = tmp / "mutated.yaml"
    data = _mutate(RAW, *mutation)
    path.write_text(yaml.dump(data, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper)), encoding="utf-8")
    try:
        scenario = load_scenario(path)
    except ScenarioError as exc:
        message = str(exc)
        assert "\n" not in message and message.startswith(str(path)), message
        return
    kpis = run_replication(with_run(scenario, days=1, warmup_days=0), 0)
    assert not any(math.isinf(v) for v in kpis.values()), mutation
    patients = kpis["patients_per_day"]
    assert math.isfinite(patients) and patients >= 0, mutation
    flows = sum(v for k, v in kpis.items() if k.startswith("flows_per_day."))
    assert flows == pytest.approx(patients, rel=1e-12, abs=1e-12), mutation


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(MUTATION)
def test_mutated_scenario_is_refused_in_one_line_or_runs_soundly(tmp_path, mutation):
    _check(mutation, tmp_path)


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(MUTATION)
def test_mutated_scenario_deep(tmp_path, mutation):
    _check(mutation, tmp_path)
