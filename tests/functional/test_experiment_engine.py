"""The experiment engine on tiny runs: its stopping rule and its input errors.

Test plan (the stopping rule's definition; deterministic cases): with a
precision target, replications are added one design point at a time until the
95% half-width of the KPI is within the target or the maximum is reached (the
stopping rule of sequential replication, checked on the summary it writes); bad
experiment files give one line naming the file and key; with ``pairs:`` each pair's second base
is compared with its first at equal grid values (a ``zcc.*`` key the status quo does not use is
not matched), and the paired difference in pairs.csv is the difference of the two points' means
in summary.csv (conservation); a pair naming a file that is not a scenario is refused. Distributed, resumed and
changed-scenario runs are in tests/system/test_experiment.py.
"""

from __future__ import annotations

import csv

from sim.cli.main import main
from tests.helpers import ROOT
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


def test_pairs_compare_bases_at_equal_grid_values(tmp_path, capsys):
    noord = ROOT / "scenarios" / "noord"
    path = tmp_path / "pairs.yaml"
    path.write_text(f"""
name: pairs
scenarios: [{noord / "status_quo.yaml"}, {noord / "zcc.yaml"}]
grid:
  staffing.triage_staff_factor.value: {{values: [1.0, 0.8], estimate: "test"}}
  zcc.substitution.seh.value: {{values: [0.1, 0.3], estimate: "test"}}
  run.warmup_days: [0.5]
pairs: [[{noord / "status_quo.yaml"}, {noord / "zcc.yaml"}]]
replications: 1
seed: 3
days: 0.5
""", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["experiment", str(path), "--workers", "1", "--out", str(out)]) == 0
    assert "pairs.csv" in capsys.readouterr().out
    pairs = [r for r in csv.DictReader((out / "pairs.csv").open()) if r["kpi"] == "seh_arrivals_per_day"]
    assert len(pairs) == 4  # every zcc point, each against the status quo at its staff factor
    factor, subst = "staffing.triage_staff_factor.value", "zcc.substitution.seh.value"
    summary = {(r["scenario"], r[factor], r[subst]): float(r["mean"])
               for r in csv.DictReader((out / "summary.csv").open()) if r["kpi"] == "seh_arrivals_per_day"}
    for r in pairs:
        factor = r["staffing.triage_staff_factor.value"]
        base = summary[(str(noord / "status_quo.yaml"), factor, "")]
        alt = summary[(str(noord / "zcc.yaml"), factor, r["zcc.substitution.seh.value"])]
        assert float(r["base_mean"]) == base and float(r["alt_mean"]) == alt
        assert abs(float(r["diff_mean"]) - (alt - base)) < 1e-9
    path.write_text(path.read_text().replace(f"pairs: [[{noord / 'status_quo.yaml'}", "pairs: [[nope.yaml"))
    assert main(["experiment", str(path), "--out", str(tmp_path / "out2")]) == 2
    assert "key pairs.0.0: 'nope.yaml' is not one of the experiment's scenarios" in capsys.readouterr().err
