"""Experiments: identical results however they run, resumable, keyed by scenario content.

Test plan (deterministic case: the same results however the work is distributed
or interrupted): one small grid run serially, with two local worker processes
and on a Dask LocalCluster on loopback gives byte-identical replication results;
an experiment killed mid-run (SIGKILL) and rerun ends with every replication
exactly once and no temporary file; changing a scenario file gives new design
point keys so old results are not mixed in; the summary has the design columns
followed by kpi,mean,ci_low,ci_high,n, and differences.csv holds the paired
difference to the reference point. The stopping rule and input errors are in
tests/functional/test_experiment_engine.py.
"""

from __future__ import annotations

import csv
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from sim.cli.main import main
from sim.run.experiment import collect, execute, load_experiment, tasks_for, write_results
from tests.helpers import ROOT
from tests.helpers import small_experiment as _experiment


def _results(out: Path) -> dict[str, str]:
    return {str(p.relative_to(out)): p.read_text() for p in sorted((out / "replications").rglob("rep*.json"))}


def test_serial_pool_and_dask_give_identical_results(tmp_path):
    from distributed import LocalCluster

    exp_path = _experiment(tmp_path)
    exp, points = load_experiment(exp_path)
    assert len(points) == 4 and len({p.key for p in points}) == 4
    outs = {}
    for how in ("serial", "pool", "dask"):
        out = tmp_path / how
        tasks = tasks_for(points, exp.replications, out)
        if how == "dask":
            with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                              dashboard_address=None) as cluster:
                execute(points, tasks, scheduler=cluster.scheduler_address)
        else:
            execute(points, tasks, workers=1 if how == "serial" else 2)
        write_results(exp, points, collect(points, tasks), out)
        outs[how] = _results(out)
    assert len(outs["serial"]) == 8
    assert outs["serial"] == outs["pool"] == outs["dask"]
    table = pq.read_table(tmp_path / "serial" / "results.parquet").to_pydict()
    design = ["point", "scenario", "zcc.locations.mode", "zcc.substitution.seh.value", "run.warmup_days"]
    assert set(table) == {*design, "replication", "kpi", "value"}
    header = next(csv.reader((tmp_path / "serial" / "summary.csv").open()))
    assert header == [*design, "kpi", "mean", "ci_low", "ci_high", "n", "unit"]
    diffs = list(csv.DictReader((tmp_path / "serial" / "differences.csv").open()))
    assert {r["reference"] for r in diffs} == {points[0].key} and len({r["point"] for r in diffs}) == 3
    with (tmp_path / "serial" / "summary.csv").open() as fh:
        summary = {(r["point"], r["kpi"]): float(r["mean"]) for r in csv.DictReader(fh)}
    seh = [r for r in diffs if r["kpi"] == "seh_arrivals_per_day"]
    assert len(seh) == 3  # one per non-reference point, so the loop below checks something
    for r in seh:
        expected = summary[(r["point"], r["kpi"])] - summary[(points[0].key, r["kpi"])]
        assert float(r["diff_mean"]) == pytest.approx(expected)
        assert float(r["diff_ci_low"]) <= float(r["diff_mean"]) <= float(r["diff_ci_high"])


def test_killed_run_resumes_with_every_replication_once(tmp_path):
    exp_path = _experiment(tmp_path, reps=3, days=15)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "sim", "experiment", str(exp_path), "--workers", "1", "--out", str(out)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and len(list(out.rglob("rep*.json"))) < 2:
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    finished = {p: p.read_text() for p in out.rglob("rep*.json")}
    assert 2 <= len(finished) < 12
    done = subprocess.run(cmd, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert f"{len(finished)} already done" in done.stderr
    files = list(out.rglob("rep*.json"))
    assert len(files) == 12 and not list(out.rglob("*.tmp*"))
    assert all(p.read_text() == text for p, text in finished.items())  # finished work was not redone
    rows = list(csv.DictReader((out / "summary.csv").open()))
    assert {r["n"] for r in rows if r["kpi"] == "seh_arrivals_per_day"} == {"3"}
    whole = tmp_path / "whole"  # the same experiment without interruption: byte-identical tables
    assert subprocess.run([*cmd[:-1], str(whole)], capture_output=True).returncode == 0
    tables = sorted(p.name for p in whole.glob("*.csv"))
    assert "summary.csv" in tables
    for name in tables:
        assert (out / name).read_bytes() == (whole / name).read_bytes(), name


def test_changed_scenario_is_not_mixed_with_old_results(tmp_path):
    base = tmp_path / "base.yaml"
    base.write_text(f"extends: {ROOT / 'scenarios' / 'noord' / 'zcc.yaml'}\n", encoding="utf-8")
    exp_path = _experiment(tmp_path, base=base, reps=1, days=1)
    out = tmp_path / "out"
    assert main(["experiment", str(exp_path), "--workers", "1", "--out", str(out)]) == 0
    old_keys = {p.key for p in load_experiment(exp_path)[1]}
    base.write_text(f"extends: {ROOT / 'scenarios' / 'noord' / 'zcc.yaml'}\n"
                    "resources:\n  beds:\n    elv: {value: 250, estimate: test change}\n", encoding="utf-8")
    new_keys = {p.key for p in load_experiment(exp_path)[1]}
    assert not old_keys & new_keys
    assert main(["experiment", str(exp_path), "--workers", "1", "--out", str(out)]) == 0
    summary_points = {r["point"] for r in csv.DictReader((out / "summary.csv").open())}
    assert summary_points == new_keys
    stored = json.loads(next((out / "replications" / next(iter(new_keys))).glob("rep*.json")).read_text())
    assert stored["replication"] == 0
