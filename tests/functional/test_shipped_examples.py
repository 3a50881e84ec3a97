"""Every shipped example loads, and every experiment's first design point runs.

Test plan (deterministic, the shipped files themselves): every scenario file under
``scenarios/<region>/`` passes the one validation of ``acutesim validate`` without a
warning; every experiment file under ``scenarios/experiments/`` (other than the sensitivity files,
checked in ``test_sensitivity.py``) loads (its ``zcc.*`` grid
keys apply only to zcc bases, so a status-quo base is one design point), no two design
points are the same scenario, and the first design point and the first zcc point run a
one-day replication to the end with finite KPIs and patients conserved.
"""

from __future__ import annotations

import math

import pytest
import yaml

from sim.config.loader import capacity_warnings, load_scenario
from sim.plan.staffing import with_run
from sim.run.experiment import load_experiment
from sim.run.runner import run_replication
from tests.helpers import ROOT

SCENARIOS = sorted(p for p in (ROOT / "scenarios").glob("*/*.yaml")
                   if p.parent.name not in ("_national", "experiments")
                   and p.name not in ("region.yaml", "zcc_region.yaml"))
# Sensitivity files (a ranges: key) are checked in test_sensitivity.py.
EXPERIMENTS = sorted(p for p in (ROOT / "scenarios" / "experiments").glob("*.yaml")
                     if "ranges" not in yaml.safe_load(p.read_text(encoding="utf-8")))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_shipped_scenario_validates_without_warning(path):
    assert capacity_warnings(load_scenario(path)) == []


def test_an_empty_triage_centre_warns_and_a_posts_empty_share_does_not():
    """A post's share of its centre's roster may be zero all week (the centre answers its callers); a centre
    with nobody on the phone all week is named."""
    sq = ROOT / "scenarios/noord/status_quo.yaml"
    sc = load_scenario(sq)
    centre, spec = next((c, s) for c, s in sc.resources.hap_triage_centres.items() if len(s.posts) > 1)
    zero = {"values": [0] * 168, "estimate": "test"}
    one_post = {"resources": {"haps": {spec.posts[0]: {"triage_roster": zero}}}}
    assert capacity_warnings(load_scenario(sq, one_post)) == []
    every_post = {"resources": {"haps": {p: {"triage_roster": zero} for p in spec.posts}}}
    [warning] = capacity_warnings(load_scenario(sq, every_post))
    assert f"resources.hap_triage_centres.{centre}" in warning and "nobody is ever served" in warning


@pytest.mark.parametrize("path", EXPERIMENTS, ids=lambda p: p.name)
def test_shipped_experiment_loads_and_its_first_points_run(path):
    exp, points = load_experiment(path)
    assert len({p.key for p in points}) == len(points)
    firsts = [points[0]] + [p for p in points if p.scenario.setting == "zcc"][:1]
    for point in firsts:
        kpis = run_replication(with_run(point.scenario, days=1, warmup_days=0), 0)
        assert kpis and not any(math.isinf(v) for v in kpis.values())
        flows = sum(v for k, v in kpis.items() if k.startswith("flows_per_day."))
        assert flows == pytest.approx(kpis["patients_per_day"], rel=1e-12) and kpis["patients_per_day"] > 0


def test_substitution_experiment_has_one_status_quo_point():
    exp, points = load_experiment(ROOT / "scenarios" / "experiments" / "noord_substitution.yaml")
    status_quo = [p for p in points if p.scenario.setting == "status_quo"]
    assert len(status_quo) == 1 and set(status_quo[0].settings.values()) == {None}
    assert len(points) == 1 + 4
