"""The command line and its output files.

Test plan (deterministic case: the resolved scenario reruns to the same numbers;
scipy's t-interval): `acutesim run` writes summary.csv
(kpi,mean,ci_low,ci_high,n with a t-interval that contains the mean),
replications.csv (one row per replication and KPI), the resolved scenario (which
loads again and gives the same results), and with --event-log a Parquet log; the
required KPI names exist; `python -m sim` works; the t-interval matches scipy.
"""

from __future__ import annotations

import csv
import subprocess
import sys

import pyarrow.parquet as pq
import pytest
from scipy import stats

from sim.cli.main import main
from sim.config.loader import load_scenario
from sim.run.runner import run_replication, t_interval
from tests.helpers import NOORD

REQUIRED = [
    "hap_contacts_per_day", "hap_answer_within_2min_share", "ambulance_deployments_per_day",
    "a1_on_scene_15min_share", "seh_arrivals_per_day", "seh_arrivals_per_day.self_referral",
    "seh_arrivals_per_day.ambulance", "seh_arrivals_per_day.gp_hap", "seh_occupancy_mean",
    "elv_admissions_per_day", "verkeerde_bed_days_per_day", "triage_fte", "staff_cost_per_day",
    "chain_cost_per_day", "chain_cost_per_day.ambulance", "chain_cost_per_day.desk_staff",
]


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    assert main(["run", str(NOORD), "-n", "2", "--days", "3", "--seed", "11", "--out", str(out), "--event-log"]) == 0
    return out


def test_summary_csv(run_dir):
    rows = list(csv.DictReader((run_dir / "summary.csv").open()))
    assert list(rows[0]) == ["kpi", "mean", "ci_low", "ci_high", "n", "unit"]
    names = {r["kpi"] for r in rows}
    assert set(REQUIRED) <= names
    for r in rows:
        if r["kpi"] == "hap_contacts_per_day":
            assert r["unit"] == "per day"
            assert float(r["ci_low"]) <= float(r["mean"]) <= float(r["ci_high"]) and r["n"] == "2"


def test_replications_csv(run_dir):
    rows = list(csv.DictReader((run_dir / "replications.csv").open()))
    assert {r["replication"] for r in rows} == {"0", "1"}
    assert len(rows) == 2 * len({r["kpi"] for r in rows})


def test_resolved_scenario_reproduces_the_run(run_dir):
    resolved = load_scenario(run_dir / "scenario.resolved.yaml")
    assert resolved.run.seed == 11 and resolved.run.days == 3
    with (run_dir / "replications.csv").open() as fh:
        rows = {(r["replication"], r["kpi"]): float(r["value"]) for r in csv.DictReader(fh)}
    again = run_replication(resolved, 1)
    assert again["hap_contacts_per_day"] == rows[("1", "hap_contacts_per_day")]


def test_event_log_is_parquet(run_dir):
    table = pq.read_table(run_dir / "events_rep000.parquet")
    assert table.column_names == ["replication", "time_min", "patient", "stream", "event", "place"]
    events = set(table.column("event").to_pylist())
    assert {"arrive", "end", "answered", "seh_arrival"} <= events


def test_t_interval_matches_scipy():
    x = [3.0, 5.0, 4.0, 6.5]
    s = t_interval(x)
    lo, hi = stats.t.interval(0.95, len(x) - 1, loc=sum(x) / 4, scale=stats.sem(x))
    assert (s.ci_low, s.ci_high, s.n) == (pytest.approx(lo), pytest.approx(hi), 4)


def test_python_dash_m_sim_validates():
    done = subprocess.run([sys.executable, "-m", "sim", "validate", str(NOORD)], capture_output=True, text=True)
    assert done.returncode == 0 and "ok" in done.stdout


def test_compare_writes_paired_comparison(tmp_path, capsys):
    zcc = NOORD.parent / "zcc.yaml"
    assert main(["compare", str(NOORD), str(zcc), "-n", "2", "--days", "3", "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    rows = list(csv.DictReader((tmp_path / "comparison.csv").open()))
    assert list(rows[0]) == ["kpi", "base_mean", "alt_mean", "diff_mean", "diff_ci_low", "diff_ci_high", "rel_change",
                            "unit", "alt_ci_low", "alt_ci_high"]
    by = {r["kpi"]: r for r in rows}
    zcc_share = by["zcc_answer_within_2min_share"]  # the zcc's own share: no difference, its own interval
    assert zcc_share["diff_mean"] == "nan"
    assert float(zcc_share["alt_ci_low"]) <= float(zcc_share["alt_mean"]) <= float(zcc_share["alt_ci_high"])
    seh = by["seh_arrivals_per_day"]
    assert float(seh["diff_mean"]) == pytest.approx(float(seh["alt_mean"]) - float(seh["base_mean"]))
    assert float(seh["diff_ci_low"]) <= float(seh["diff_mean"]) <= float(seh["diff_ci_high"])
    assert {"seh_arrivals_per_day.ambulance", "seh_arrivals_by_hour.h10", "warm_transfers_per_day"} <= set(by)
    assert float(by["warm_transfers_per_day"]["base_mean"]) == 0.0
    assert (tmp_path / "base.resolved.yaml").exists() and (tmp_path / "alt.resolved.yaml").exists()
    # Common random numbers: the arrivals are the same in both scenarios.
    assert float(by["arrivals_per_day.hap_call"]["diff_mean"]) == 0.0
    # The plain summary on top states the SEH change with the numbers of comparison.csv.
    summary = printed.split("\n\n")[0]
    assert summary.startswith("In short")
    assert f"SEH arrivals {float(seh['base_mean']):.1f} -> {float(seh['alt_mean']):.1f} per day" in summary
    assert "112 dispatch desk" in summary and "zcc" in summary and "(alternative only; 95% interval" in summary
    # 112's response is stated next to the ambulance volume, with comparison.csv's numbers.
    a2 = by["a2_on_scene_30min_share"]
    assert (f"A2 {float(a2['base_mean']):.1%} -> {float(a2['alt_mean']):.1%} (change "
            f"{float(a2['diff_mean']) * 100:+.2f} points") in summary and "(norm 30 min)" in summary


def test_workers_give_identical_results(tmp_path):
    zcc = NOORD.parent / "zcc.yaml"
    for w in ("1", "2"):
        assert main(["run", str(zcc), "-n", "2", "--days", "2", "--out", str(tmp_path / f"run{w}"),
                     "--workers", w]) == 0
        assert main(["compare", str(NOORD), str(zcc), "-n", "2", "--days", "2", "--out", str(tmp_path / f"cmp{w}"),
                     "--workers", w]) == 0
    for name, f in (("run", "summary.csv"), ("cmp", "comparison.csv")):
        assert (tmp_path / f"{name}1" / f).read_text() == (tmp_path / f"{name}2" / f).read_text()


def test_run_and_compare_print_the_chain_cost(tmp_path, capsys):
    """`run` prints the chain cost in EUR per day in its table; `compare` states its change in the plain summary."""
    zcc = NOORD.parent / "zcc.yaml"
    assert main(["run", str(NOORD), "-n", "1", "--days", "1", "--seed", "3", "--out", str(tmp_path / "r")]) == 0
    lines = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("chain_cost_per_day ")]
    assert len(lines) == 1 and "EUR per day" in lines[0]
    assert main(["compare", str(NOORD), str(zcc), "-n", "2", "--days", "1", "--seed", "3",
                 "--out", str(tmp_path / "c")]) == 0
    out = capsys.readouterr().out
    short = out.split("\n\n")[0]
    assert "chain cost in EUR" in short and "95% interval" in short
