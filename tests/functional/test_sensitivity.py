"""Global sensitivity analysis through the project's sampling and experiment code.

Test plan (independent truths):
- known answer: the Ishigami function (a = 7, b = 0.1, inputs uniform on [-pi, pi]) has the analytic
  Sobol' indices S1 = 0.3139, 0.4424, 0 and ST = 0.5576, 0.4424, 0.2437 (Ishigami and Homma 1990;
  Saltelli et al. 2008). An evidence-ranges file with three ranges, sampled by the project's
  sampler, run as design points by the experiment engine (one stored replication per sample) and
  analysed by the project's analysis, recovers them within 0.03 (Sobol' sequence, N = 1024);
- a linear function y = 3 x1 - 2 x2 has Morris elementary effects equal to the slope times the
  range width exactly: mu = 3 * 2 and -2 * 4, mu_star = |mu|, sigma = 0; the third input is inert;
- a zero-width range gives no parameter variance: the Ishigami input x3 fixed at low = high
  contributes S1 = ST = 0 exactly; on the simulation, ranges of zero width give every sample the
  same two scenarios (one status-quo and one zcc design point), an uncertainty interval of zero
  width and every index 0;
- the uncertainty stage draws every input uniformly within its range (Latin hypercube): the sampled
  values of one input, sorted, put exactly one sample in each of the N equal strata of its range,
  and the 2.5-97.5% interval of y = x1 on [0, 10] is 0.25 to 9.75 within 0.1 (a Morris grid's
  interval would be the range's ends);
- the engine's files are the evidence: rerunning the same analytic stage runs nothing new;
- every shipped sensitivity file validates: each range holds its scenario's value and both of its ends
  give a valid scenario.
"""

from __future__ import annotations

import json
import math

import pytest
import yaml

from sim.config.loader import load_scenario
from sim.fit.sensitivity import (
    MorrisSpec,
    RangesFile,
    SobolSpec,
    UncertaintySpec,
    analytic_run,
    ishigami,
    load_sensitivity,
    run_sensitivity,
    summarise,
)
from sim.run.experiment import DesignPoint
from tests.helpers import ROOT

S1 = {"x1": 0.3139, "x2": 0.4424, "x3": 0.0}
ST = {"x1": 0.5576, "x2": 0.4424, "x3": 0.2437}


def _ranges(x3=(-math.pi, math.pi)) -> RangesFile:
    spec = {"x1": (-math.pi, math.pi), "x2": (-math.pi, math.pi), "x3": x3}
    return RangesFile.model_validate({"ranges": {k: {"low": lo, "high": hi, "estimate": "Ishigami test function"}
                                                 for k, (lo, hi) in spec.items()}})


def _by(indices, measure):
    return {r["parameter"]: r[measure] for r in indices}


def test_ishigami_sobol_indices_recovered_through_the_engine(tmp_path):
    stage = analytic_run(_ranges(), "ishigami", ishigami, "sobol", SobolSpec(samples=1024), 1, ["y"], tmp_path)
    assert len(stage.values) == 1024 * (3 + 2)
    assert len(list((tmp_path / "replications").glob("*/rep0000.json"))) == len(stage.values)
    s1, st = _by(stage.indices, "S1"), _by(stage.indices, "ST")
    for x in ("x1", "x2", "x3"):
        assert s1[x] == pytest.approx(S1[x], abs=0.03), (x, s1)
        assert st[x] == pytest.approx(ST[x], abs=0.03), (x, st)


def test_ishigami_rerun_reads_the_stored_samples(tmp_path):
    spec = SobolSpec(samples=64)
    first = analytic_run(_ranges(), "ishigami", ishigami, "sobol", spec, 1, ["y"], tmp_path)
    stored = {p: p.stat().st_mtime_ns for p in (tmp_path / "replications").glob("*/rep0000.json")}
    again = analytic_run(_ranges(), "ishigami", ishigami, "sobol", spec, 1, ["y"], tmp_path)
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "replications").glob("*/rep0000.json")} == stored
    assert again.indices == first.indices


def linear(point: DesignPoint, replication: int) -> dict[str, float]:
    s = point.settings
    return {"y": 3.0 * s["x1"] - 2.0 * s["x2"]}


def test_morris_on_a_linear_function_gives_slope_times_width(tmp_path):
    ranges = RangesFile.model_validate({"ranges": {
        "x1": {"low": 0, "high": 2, "estimate": "test"}, "x2": {"low": 1, "high": 5, "estimate": "test"},
        "x3": {"low": 0, "high": 1, "estimate": "test"}}})
    stage = analytic_run(ranges, "linear", linear, "morris", MorrisSpec(trajectories=5), 2, ["y"], tmp_path)
    mu, mu_star, sigma = _by(stage.indices, "mu"), _by(stage.indices, "mu_star"), _by(stage.indices, "sigma")
    exact = pytest.approx  # sampled values are written with 6 significant digits (as into a scenario)
    assert mu["x1"] == exact(6.0, rel=1e-5) and mu["x2"] == exact(-8.0, rel=1e-5) and mu["x3"] == 0.0
    assert mu_star["x1"] == exact(6.0, rel=1e-5) and mu_star["x2"] == exact(8.0, rel=1e-5)
    assert sigma["x1"] == exact(0.0, abs=1e-4) and sigma["x2"] == exact(0.0, abs=1e-4)


def test_zero_width_range_gives_no_variance_to_its_input(tmp_path):
    stage = analytic_run(_ranges(x3=(1.0, 1.0)), "ishigami", ishigami, "sobol", SobolSpec(samples=256), 1, ["y"],
                         tmp_path)
    assert {v["x3"] for v in stage.values} == {1.0}
    assert _by(stage.indices, "S1")["x3"] == 0.0 and _by(stage.indices, "ST")["x3"] == 0.0
    assert _by(stage.indices, "ST")["x2"] > 0.3


def test_zero_width_ranges_on_the_simulation_give_no_parameter_variance(tmp_path):
    rate = load_scenario(ROOT / "scenarios" / "noord" / "status_quo.yaml").streams.call_112.rate_per_1000_per_year.value
    ranges = {"zcc.substitution.seh": {"low": 0.1, "high": 0.1, "estimate": "fixed"},  # the zcc file's value
              "streams.call_112.rate_per_1000_per_year": {"low": rate, "high": rate, "estimate": "fixed"}}
    (tmp_path / "ranges.yaml").write_text(yaml.safe_dump({"ranges": ranges}), encoding="utf-8")
    noord = ROOT / "scenarios" / "noord"
    (tmp_path / "sens.yaml").write_text(f"""name: zero
scenarios: [{noord / 'status_quo.yaml'}, {noord / 'zcc.yaml'}]
ranges: ranges.yaml
method: morris_sobol
morris: {{trajectories: 2}}
sobol: {{samples: 2, inputs: 2}}
replications: 1
nominal_replications: 2
seed: 5
days: 0.5
warmup_days: 0
kpis: [seh_arrivals_per_day, ambulance_deployments_per_day]
""", encoding="utf-8")
    loaded = load_sensitivity(tmp_path / "sens.yaml")
    out = tmp_path / "out"
    summary = run_sensitivity(loaded, out)
    assert len(list((out / "replications").iterdir())) == 2  # one status quo, one zcc: every sample the same
    for kpi, s in summary["kpis"].items():
        assert s["samples"] > 0 and s["uncertainty_low"] == s["uncertainty_high"], kpi
    for stage in ("morris", "sobol"):
        rows = (out / stage / "indices.csv").read_text(encoding="utf-8").splitlines()[1:]
        assert rows and all(float(x) == 0.0 for r in rows for x in r.split(",")[2:]), rows
    assert json.loads((out / "sensitivity.json").read_text())["base"] == "noord_status_quo"


SHIPPED = sorted(p for p in (ROOT / "scenarios" / "experiments").glob("*.yaml")
                 if "ranges" in yaml.safe_load(p.read_text(encoding="utf-8")))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_sensitivity_file_validates(path):
    loaded = load_sensitivity(path)
    assert len(loaded.params) >= 10 and loaded.scenarios["alt"].setting == "zcc"
    assert loaded.scenarios["base"].setting == "status_quo"


def test_uncertainty_stage_draws_each_input_uniformly_within_its_range(tmp_path):
    ranges = RangesFile.model_validate({"ranges": {
        "x1": {"low": 0, "high": 10, "estimate": "test"}, "x2": {"low": 1, "high": 5, "estimate": "test"},
        "x3": {"low": 0, "high": 1, "estimate": "test"}}})
    n = 200
    stage = analytic_run(ranges, "linear", first_input, "uncertainty", UncertaintySpec(samples=n), 4, ["y"],
                         tmp_path)
    assert stage.indices == [] and len(stage.values) == n
    for key, (lo, hi) in {"x1": (0, 10), "x2": (1, 5), "x3": (0, 1)}.items():
        strata = sorted(int((v[key] - lo) / (hi - lo) * n) for v in stage.values)
        assert strata == list(range(n)), key  # one sample per stratum: a Latin hypercube
    summary = summarise([stage], {"y": {}}, ["y"], {"replications": 1})
    y = summary["kpis"]["y"]
    assert y["spread_from"] == "uncertainty"
    assert y["uncertainty_low"] == pytest.approx(0.25, abs=0.1)
    assert y["uncertainty_high"] == pytest.approx(9.75, abs=0.1)


def first_input(point: DesignPoint, replication: int) -> dict[str, float]:
    """y = x1 (the uncertainty interval of a uniform input is its middle 95%)."""
    return {"y": float(point.settings["x1"])}
