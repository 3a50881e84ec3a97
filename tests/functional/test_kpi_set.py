"""Every replication reports the same KPIs.

Test plan (an invariant: the same KPI names whatever happened): KPIs are
averaged and differenced key by key over replications and scenarios, so a KPI
that appears only when its event happened (an outcome no patient reached in a
short run, an alternative never used) would silently be averaged over fewer
replications. Two replications of a short noord zcc run, and a run so short that
rare outcomes cannot occur, report identical key sets; every status-quo KPI is
also a zcc KPI.
"""

from __future__ import annotations

from sim.config.loader import load_scenario
from sim.run.runner import run_replication
from tests.helpers import ROOT


def _kpis(name: str, days: float, replication: int) -> dict[str, float]:
    sc = load_scenario(ROOT / f"scenarios/noord/{name}.yaml", {"run": {"days": days, "warmup_days": 0.5}})
    return run_replication(sc, replication)


def test_same_kpi_names_in_every_replication_and_run_length() -> None:
    a, b, tiny = _kpis("zcc", 2, 0), _kpis("zcc", 2, 1), _kpis("zcc", 0.1, 0)
    assert a.keys() == b.keys() == tiny.keys()
    assert tiny["outcomes_per_day.long_term_care"] == 0.0  # reported although nobody reached it


def test_status_quo_kpis_are_a_subset_of_zcc_kpis() -> None:
    assert _kpis("status_quo", 0.1, 0).keys() <= _kpis("zcc", 0.1, 0).keys()


def test_kpi_names_follow_the_norms_in_the_scenario() -> None:
    """A norm is set once, in YAML: the KPI name says which norm it measures."""
    over = {"run": {"days": 0.1, "warmup_days": 0.5},
            "desks": {"hap_triage": {"answer_norm_min": {"value": 3, "estimate": "test: another norm"}}},
            "care": {"ambulance": {"a1_norm_min": {"value": 12.5, "estimate": "test: another norm"}}}}
    k = run_replication(load_scenario(ROOT / "scenarios/noord/status_quo.yaml", over), 0)
    assert "hap_answer_within_3min_share" in k and "hap_answer_within_2min_share" not in k
    assert "a1_on_scene_12_5min_share" in k and "a1_on_scene_15min_share" not in k
