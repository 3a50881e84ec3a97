"""Calibration inputs: the calibration file, parameter handling and the target formula (no fitting).

Test plan (hand computations; the file's own rules):
- the shipped calibration file is valid, every target and validation figure has a source and
  year (a validation figure also its evidence and why it is independent), the 14 volume targets
  and the three performance targets (KPI names, published ranges) are there, every parameter
  matches keys in the scenario;
- bad calibration input (unknown key, national target without population,
  inverted bounds or range, both value and range, a validation figure without its reason, with an
  unknown kind of evidence, named like a target or repeating a target, a key matching nothing)
  gives one line naming file and key;
- applying parameters: kind value sets the figure, scale multiplies, share_scale
  changes one outcome's share and keeps every mix summing to 1; the overlay
  carries an estimate for every changed figure and loads as part of a scenario;
- the target formula (national counts at the figure year's population, per
  1,000, ratios) against hand computations; the fit's relative errors: 0 inside a
  published range, from the nearer end outside it, and a target whose KPI the model
  lacks is left out of the fit (residual 0) with one warning, not an error.
The fit itself (recovery of known inputs, reproducibility) is in
tests/system/test_calibration.py.
"""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from sim.config.loader import ScenarioError, load_raw, load_scenario
from sim.config.schema import Scenario
from sim.fit.calibration import Problem, apply, overlay, resolve_parameters
from sim.fit.targets import CalibrationFile, Target, load_calibration, simulated
from tests.helpers import EUREGIO, ROOT
from tests.helpers import euregio_raw as _raw

SHIPPED = ROOT / "calibration" / "targets.yaml"


def test_shipped_calibration_file_is_complete():
    cal = load_calibration(SHIPPED)
    assert len(cal.targets) >= 10 and len(cal.parameters) >= 10
    for name, t in cal.targets.items():
        assert t.source and 1990 < t.year <= 2025, name
    params = resolve_parameters(cal, load_raw(ROOT / "scenarios" / "noord" / "uncalibrated.yaml")[0], str(SHIPPED))
    assert [p.name for p in params] == list(cal.parameters)
    assert sum(t.group == "volume" for t in cal.targets.values()) == 14
    performance = {t.kpi: t for t in cal.targets.values() if t.group == "performance"}
    assert set(performance) == {"hap_answer_time_mean.urgent", "hap_answer_time_mean.mystery_calls",
                                "hap_answer_time_mean.non_urgent", "a1_response_time_p95",
                                "a1_response_part_mean.drive"}
    assert performance["hap_answer_time_mean.urgent"].range == pytest.approx((12 / 60, 14 / 60), abs=1e-4)
    assert performance["hap_answer_time_mean.mystery_calls"].range == (7.0, 9.0)
    assert performance["a1_response_time_p95"].value == 17.0 and performance["a1_response_time_p95"].tolerance == 0.1
    assert performance["a1_response_part_mean.drive"].value == pytest.approx(6 + 36 / 60, abs=0.01)  # 6:36
    assert len(cal.validation) >= 3
    for name, v in cal.validation.items():
        assert v.source and 1990 < v.year <= 2025 and v.why_independent and v.evidence, name


@pytest.mark.parametrize("edit, expected", [
    (lambda d: d["targets"]["hap_contacts"].update(kpii="x"), "key targets.hap_contacts.kpii: unknown key"),
    (lambda d: d["targets"]["hap_contacts"].pop("population"), "key targets.hap_contacts: a national target needs"),
    (lambda d: d["parameters"]["conveyance"].update(bounds=[1.4, 0.7]), "key parameters.conveyance.bounds"),
    (lambda d: d["targets"]["hap_contacts"].update(range=[1, 2]), "key targets.hap_contacts: give exactly one of"),
    (lambda d: d["targets"]["hap_answer_time_urgent"].update(range=[0.3, 0.2]),
     "key targets.hap_answer_time_urgent.range"),
    (lambda d: d["validation"]["a1_on_scene_15min"].pop("why_independent"),
     "key validation.a1_on_scene_15min.why_independent"),
    (lambda d: d["validation"]["a1_on_scene_15min"].update(evidence="hearsay"),
     "key validation.a1_on_scene_15min.evidence"),
    (lambda d: d["validation"].update(hap_contacts=d["validation"]["a1_on_scene_15min"]),
     "a name of a calibration target"),
    (lambda d: d["validation"].update(copy={**d["targets"]["elv_users"], "evidence": "measurement",
                                            "why_independent": "x"}), "the same figure as target 'elv_users'"),
])
def test_bad_calibration_file_gives_one_line(tmp_path, edit, expected):
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "cal.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_calibration(path)
    assert str(err.value).startswith(f"{path}: ") and expected in str(err.value) and "\n" not in str(err.value)


def test_parameter_matching_nothing_is_an_error():
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    data["parameters"]["conveyance"]["keys"] = ["routing.convey_to_sehh.*.value"]
    cal = CalibrationFile.model_validate(data)
    with pytest.raises(ScenarioError, match="parameters.conveyance.keys: 'routing.convey_to_sehh.*.value' matches no"):
        resolve_parameters(cal, _raw(), "cal.yaml")


def test_apply_value_scale_and_share_scale_and_overlay(tmp_path):
    cal = load_calibration(SHIPPED)
    raw = _raw()
    params = resolve_parameters(cal, raw, "cal.yaml")
    theta = np.array([p.start for p in params])
    by_name = {p.name: i for i, p in enumerate(params)}
    theta[by_name["hap_call_rate"]] = 230.0
    theta[by_name["conveyance"]] = 1.1
    theta[by_name["hap_home_visit"]] = 1.5
    new = apply(raw, params, theta)
    assert new["streams"]["hap_call"]["rate_per_1000_per_year"]["value"] == 230.0
    for u in ("A1", "A2"):
        old = raw["routing"]["convey_to_seh"][u]["value"]
        assert new["routing"]["convey_to_seh"][u]["value"] == pytest.approx(old * 1.1)
    for u, mix in new["routing"]["hap_triage"].items():
        old = raw["routing"]["hap_triage"][u]["shares"]
        assert sum(mix["shares"].values()) == pytest.approx(1.0, abs=1e-12)
        if u == "U1":  # sourced (Plat et al., Fam Pract 2018): never fitted
            assert mix["shares"] == old
        elif "home_visit" in old:
            assert mix["shares"]["home_visit"] == pytest.approx(old["home_visit"] * 1.5, rel=1e-5)
    assert raw == _raw(), "apply must not change its input"
    Scenario.model_validate(new)

    ov = overlay(raw, new, params, "test calibration")
    assert ov["streams"]["hap_call"]["rate_per_1000_per_year"]["value"] == 230.0
    assert "calibrated" in ov["care"]["seh"]["los_home"]["estimate"] and "source" not in ov["care"]["seh"]["los_home"]
    assert "U1" not in ov["routing"]["hap_triage"]
    path = tmp_path / "overlay.yaml"
    path.write_text(yaml.safe_dump(ov), encoding="utf-8")
    scen = tmp_path / "s.yaml"
    scen.write_text(f"extends: [{EUREGIO}, {path}]\nname: with_overlay\n", encoding="utf-8")
    loaded = load_scenario(scen)
    assert loaded.streams.hap_call.rate_per_1000_per_year.value == 230.0
    old = raw["routing"]["convey_to_seh"]["A1"]["value"]
    assert loaded.routing.convey_to_seh["A1"].value == pytest.approx(old * 1.1)


def test_target_formula():
    kpis = {"x_per_day": 10.0, "y_per_day": 40.0, "population": 100_000.0}
    nat = Target(kpi="x_per_day", value=1, unit="u", year=2022, scale="national", population=2_000_000, source="s")
    per = Target(kpi="x_per_day", value=1, unit="u", year=2022, scale="per_1000", source="s")
    share = Target(kpi="x_per_day", per="y_per_day", value=1, unit="u", year=2022, scale="share", source="s")
    assert simulated(per, kpis) == pytest.approx(10 * 365 / 100_000 * 1000)
    assert simulated(nat, kpis) == pytest.approx(10 * 365 * 20)
    assert simulated(share, kpis) == pytest.approx(0.25)


def test_fit_residuals_with_a_range_and_a_missing_kpi():
    cal = CalibrationFile.model_validate({
        "defaults": {"tolerance": 0.05, "base": "uncalibrated.yaml", "region": "noord", "days": 7, "seed": 1,
                     "converged_share_of_tolerance": 0.5, "jacobian_step": 0.05},
        "targets": {"point": {"kpi": "x", "value": 10.0, "unit": "u", "year": 2022, "scale": "mean", "source": "s"},
                    "ranged": {"kpi": "y", "range": [7.0, 9.0], "unit": "u", "year": 2022, "scale": "mean",
                               "source": "s"},
                    "missing": {"kpi": "not_built_yet", "value": 1.0, "unit": "u", "year": 2022, "scale": "mean",
                                "source": "s"}},
        "parameters": {}})
    said: list[str] = []
    problem = Problem(cal, {}, [], 1, 1, lambda r: r, 1, said.append)
    for y, expected in ((8.0, 0.0), (9.9, 9.9 / 9 - 1), (6.3, 6.3 / 7 - 1)):
        errors = problem.relative_errors([{"x": 11.0, "y": y}, {"x": 11.0, "y": y}])
        assert errors == pytest.approx([0.1, expected, 0.0])
    assert said == ["  warning: target missing: the run has no KPI 'not_built_yet'; left out of the fit"]


def test_warm_start_reads_the_fitted_values_an_overlay_lists(tmp_path):
    from sim.fit.calibration import fitted_values

    shipped = fitted_values(ROOT / "calibration" / "calibrated" / "national.yaml")
    assert set(shipped) == set(load_calibration(SHIPPED).parameters)  # every parameter, by name
    overlay = tmp_path / "o.yaml"
    overlay.write_text("# Calibrated inputs\n# Fitted values: hap_call_rate 237.4, conveyance 0.94\nstreams: {}\n")
    assert fitted_values(overlay) == {"hap_call_rate": 237.4, "conveyance": 0.94}
    overlay.write_text("streams: {}\n")
    with pytest.raises(ScenarioError, match="Fitted values"):
        fitted_values(overlay)
