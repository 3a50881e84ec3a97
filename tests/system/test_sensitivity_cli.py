"""``acutesim sensitivity``, its report and the compare note, end to end on a tiny budget.

Test plan (the command line as a user runs it; deterministic, seeds fixed):
- `acutesim sensitivity FILE` writes the samples, per-sample results, indices of both stages, the
  nominal effect and a summary whose uncertainty interval holds the sample effects it was made from;
  the Sobol' stage varies only the inputs Morris ranked highest;
- the same command again runs nothing new and gives identical files (resumable, deterministic);
- `acutesim report FOLDER` writes one self-contained HTML page with the headline table and the
  interval and tornado figures embedded;
- `acutesim compare` of the same scenario pair, with that result under the project's results/, states
  the SEH and ambulance effect with both intervals and three drivers; without it, it says how to get one;
  after a scenario file changed (same names, other inputs) it names the old result as stale instead
  of quoting its intervals, and so does the report;
- an unknown KPI is refused before any simulation, exit 2, one line.
"""

from __future__ import annotations

import csv
import json

import yaml

from sim.cli.main import main
from tests.helpers import ROOT

NOORD = ROOT / "scenarios" / "noord"


def _project(tmp_path):
    """A project folder with short noord scenarios (no warm-up) and a small ranges file."""
    scen = tmp_path / "project" / "scenarios" / "short"
    scen.mkdir(parents=True)
    for name in ("status_quo", "zcc"):
        (scen / f"{name}.yaml").write_text(f"extends: {NOORD / (name + '.yaml')}\nname: short_{name}\n"
                                           f"run: {{warmup_days: 0}}\n", encoding="utf-8")
    ranges = {
        "zcc.handling.ambulance_after_extended_triage": {"low": 0.4, "high": 0.85, "estimate": "test"},
        "zcc.flows.warm_transfer_share.A2": {"low": 0.1, "high": 0.6, "estimate": "test"},
        "zcc.substitution.seh": {"low": 0.03, "high": 0.25, "estimate": "test"},
        "streams.call_112.rate_per_1000_per_year": {"low": 68.5, "high": 75.8, "estimate": "test"},
    }
    (scen / "ranges.yaml").write_text(yaml.safe_dump({"ranges": ranges}), encoding="utf-8")
    path = scen / "sens.yaml"
    path.write_text("""name: short_sensitivity
scenarios: [status_quo.yaml, zcc.yaml]
ranges: ranges.yaml
method: morris_sobol
morris: {trajectories: 2}
sobol: {samples: 2, inputs: 2}
replications: 1
nominal_replications: 2
seed: 3
days: 0.5
kpis: [seh_arrivals_per_day, ambulance_deployments_per_day, chain_cost_per_day]
""", encoding="utf-8")
    return tmp_path / "project", path


def _snapshot(out):
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != "report.html" and "figures" not in p.parts}


def test_sensitivity_report_and_compare(tmp_path, capsys):
    root, path = _project(tmp_path)
    out = root / "results" / "short_sensitivity"
    assert main(["--root", str(root), "sensitivity", str(path), "--out", str(out), "--workers", "1"]) == 0
    printed = capsys.readouterr().out
    assert "Sensitivity over the evidence ranges" in printed and "driven most by" in printed
    for name in ("summary.csv", "sensitivity.json", "nominal.csv", "morris/samples.csv", "morris/results.csv",
                 "morris/indices.csv", "sobol/samples.csv", "sobol/indices.csv"):
        assert (out / name).is_file(), name
    summary = json.loads((out / "sensitivity.json").read_text(encoding="utf-8"))
    assert summary["stages"]["morris"]["samples"] == 2 * (4 + 1)
    varied = summary["stages"]["sobol"]["varied"]  # the top two of SEH and of ambulances, together
    assert 2 <= len(varied) <= 4 and summary["stages"]["sobol"]["samples"] == 2 * (len(varied) + 2)
    with (out / "morris" / "results.csv").open(encoding="utf-8") as fh:
        effects = [float(r["diff"]) for r in csv.DictReader(fh) if r["kpi"] == "seh_arrivals_per_day"]
    seh = summary["kpis"]["seh_arrivals_per_day"]
    assert min(effects) <= seh["uncertainty_low"] <= seh["uncertainty_high"] <= max(effects)
    assert seh["stochastic_low"] <= seh["diff"] <= seh["stochastic_high"] and len(seh["drivers"]) == min(3, len(varied))

    before = _snapshot(out)
    assert main(["--root", str(root), "sensitivity", str(path), "--out", str(out), "--workers", "1"]) == 0
    capsys.readouterr()
    assert _snapshot(out) == before

    assert main(["report", str(out)]) == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "over the evidence ranges" in page and page.count("data:image/svg+xml;base64,") == 3
    assert "<script" not in page and "http" not in page.split("<body>")[1].split("<footer>")[0]

    scen = path.parent
    args = ["compare", str(scen / "status_quo.yaml"), str(scen / "zcc.yaml"), "-n", "2", "--days", "0.5",
            "--workers", "1"]
    assert main(["--root", str(root), *args, "--out", str(tmp_path / "cmp")]) == 0
    text = capsys.readouterr().out
    assert "How sure is the effect" in text and "over the evidence ranges" in text
    lines = [ln for ln in text.splitlines() if "driven most by" in ln]
    assert len(lines) == 2 and lines[0].strip().startswith("SEH arrivals") and lines[0].count(",") >= 1

    assert main(["--root", str(root), "report", str(tmp_path / "cmp")]) == 0
    assert "over the evidence ranges (2.5" in (tmp_path / "cmp" / "report.html").read_text()
    assert main(["--root", str(tmp_path), "report", str(tmp_path / "cmp")]) == 0  # no result for the pair there
    assert "Run <code>acutesim sensitivity FILE</code>" in (tmp_path / "cmp" / "report.html").read_text()

    # The same scenario names with other inputs: the old result is named, not quoted.
    zcc = scen / "zcc.yaml"
    zcc.write_text(zcc.read_text(encoding="utf-8") + "zcc: {substitution: {seh: {value: 0.2, estimate: test}}}\n",
                   encoding="utf-8")
    assert main(["--root", str(root), *args, "--out", str(tmp_path / "cmp2")]) == 0
    text = capsys.readouterr().out
    assert "was made from other inputs" in text and "driven most by" not in text
    assert main(["--root", str(root), "report", str(tmp_path / "cmp2")]) == 0
    assert "was made from other inputs" in (tmp_path / "cmp2" / "report.html").read_text(encoding="utf-8")


def test_compare_without_a_sensitivity_result_says_how_to_get_one(tmp_path, capsys):
    root, path = _project(tmp_path)
    scen = path.parent
    assert main(["--root", str(root), "compare", str(scen / "status_quo.yaml"), str(scen / "zcc.yaml"), "-n", "2",
                 "--days", "0.25", "--workers", "1", "--out", str(tmp_path / "cmp")]) == 0
    text = capsys.readouterr().out
    assert "no sensitivity result for" in text and "acutesim sensitivity" in text


def test_unknown_kpi_is_refused_before_any_simulation(tmp_path, capsys):
    root, path = _project(tmp_path)
    path.write_text(path.read_text().replace("chain_cost_per_day]", "chain_costs_per_day]"))
    assert main(["sensitivity", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "key kpis.2: unknown KPI 'chain_costs_per_day'" in err[0]
    assert not (tmp_path / "out" / "replications").exists()
