"""The experiment engine on tiny runs: its stopping rule and its input errors.

Test plan (the stopping rule's definition; deterministic cases): with a
precision target, replications are added one design point at a time until the
95% half-width of the KPI is within the target or the maximum is reached (the
stopping rule of sequential replication, checked on the summary it writes); bad
experiment files give one line naming the file and key. Distributed, resumed and
changed-scenario runs are in tests/system/test_experiment.py.
"""

from __future__ import annotations

import csv

from sim.cli.main import main
from tests.helpers import small_experiment as _experiment


def test_bad_experiment_file_gives_one_line(tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text("name: x\nscenarios: [a.yaml]\nreplications: 2\nseed: 1\nworkers: 3\n", encoding="utf-8")
    assert main(["experiment", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "bad.yaml" in err[0] and "key workers: unknown key" in err[0]
    path.write_text("name: x\nscenarios: [a.yaml]\nreplications: many\nseed: 1\n", encoding="utf-8")
    assert main(["experiment", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "key replications:" in err[0] and "'many'" in err[0]
    assert main(["experiment", str(tmp_path / "missing.yaml")]) == 2
    assert "missing.yaml: file not found" in capsys.readouterr().err


def test_sequential_replications_until_precision(tmp_path):
    exp_path = _experiment(tmp_path, reps=2, days=2)
    text = exp_path.read_text()
    exp_path.write_text(text.replace("zcc.locations.mode: [pooled, separate]", "zcc.locations.mode: [pooled]")
                        + "precision: {kpi: seh_arrivals_per_day, relative_half_width: 0.02, max_replications: 6}\n")
    out = tmp_path / "out"
    assert main(["experiment", str(exp_path), "--workers", "1", "--out", str(out)]) == 0
    rows = [r for r in csv.DictReader((out / "summary.csv").open()) if r["kpi"] == "seh_arrivals_per_day"]
    for r in rows:
        n, mean = int(r["n"]), float(r["mean"])
        half = (float(r["ci_high"]) - float(r["ci_low"])) / 2 / mean
        assert 2 <= n <= 6 and (half <= 0.02 or n == 6)
    assert any(int(r["n"]) > 2 for r in rows)  # two days of noord are too noisy for 2%: more were added
