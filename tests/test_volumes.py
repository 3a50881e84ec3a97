"""The shipped noord status quo reproduces published volumes within tolerance.

Test plan: one replication of 60 days of the unmodified shipped scenario;
each target in calibration/targets.yaml (per 1,000 inhabitants per year) is
met within its tolerance. The targets are published figures, independent of
the model's inputs (which are derived from other figures and estimates).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sim.loader import load_scenario
from sim.runner import run_replication
from tests.helpers import NOORD, ROOT

pytestmark = pytest.mark.quick

TARGETS = yaml.safe_load(Path(ROOT / "calibration" / "targets.yaml").read_text(encoding="utf-8"))["targets"]


@pytest.fixture(scope="module")
def noord_kpis():
    return run_replication(load_scenario(NOORD, {"run": {"days": 60}}), 0)


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_volume_per_1000_within_tolerance(name, noord_kpis):
    t = TARGETS[name]
    simulated = noord_kpis[t["kpi"]] * 365 / noord_kpis["population"] * 1000
    assert simulated == pytest.approx(t["per_1000_per_year"], rel=t["tolerance"]), \
        f"{name}: simulated {simulated:.1f} vs published {t['per_1000_per_year']} per 1,000"


def test_service_levels_plausible(noord_kpis):
    assert 0.8 <= noord_kpis["a1_on_scene_15min_share"] <= 1.0
    assert noord_kpis["hap_answer_within_2min_share"] >= 0.7
    assert 0.2 <= noord_kpis["seh_occupancy_mean"] <= 0.8
    assert noord_kpis["verkeerde_bed_days_per_day"] > 0
