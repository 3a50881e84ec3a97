"""The validation report's fit table and fit plot, from hand-made rows with known values.

Test plan (hand-made rows with known values): a target within its tolerance is
reported as met and one outside it as a miss (the table cannot say 'yes' for a
miss); the Markdown table has one row per target; the fit plot is written as a
PNG and an SVG that decode; a published range is met anywhere inside it widened by
the tolerance and missed just beyond; a figure whose KPI the run lacks says "KPI not
available" instead of failing; the report keeps the calibration targets and the
independent figures in two separate sections (a name appears only in its own), with
pass/fail, evidence and the reason each is independent. The whole `acutesim
validation-report` command is in tests/system/test_validation_report.py.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import matplotlib.image as mpimg
import pytest

from sim.fit.targets import NOT_AVAILABLE, CalibrationFile, FitRow, fit_table, format_fit_table, validation_table
from sim.fit.validation import plot_fit, published_sections
from sim.measure.format import fmt


def _rows() -> list[FitRow]:
    return [FitRow("a", "per year", 100.0, 103.0, 101.0, 105.0, 0.05, "src a", 2022),
            FitRow("b", "share", 0.40, 0.30, 0.28, 0.32, 0.05, "src b", 2015)]


def test_fit_table_marks_misses_and_plot_files(tmp_path):
    rows = _rows()
    assert rows[0].within and not rows[1].within
    md = format_fit_table(rows, markdown=True)
    assert "| a | per year | 100.0 | 103.0 |" in md and "| NO |" in md and md.count("\n") == 3
    png, svg = plot_fit(rows, tmp_path / "fit")
    assert mpimg.imread(png).shape[0] > 100
    assert ET.parse(svg).getroot().tag.endswith("svg")


@pytest.mark.parametrize("simulated, within", [(7.0, True), (8.0, True), (9.0, True), (6.7, True), (9.44, True),
                                               (6.6, False), (9.5, False)])
def test_published_range_is_met_inside_the_range_widened_by_the_tolerance(simulated, within):
    row = FitRow("sat", "min", 8.0, simulated, simulated, simulated, 0.05, "src", 2024, low=7.0, high=9.0)
    assert row.within is within
    end = 7.0 if simulated < 7 else 9.0
    assert row.relative_error == (0.0 if 7 <= simulated <= 9 else pytest.approx(simulated / end - 1))
    assert row.published_text == f"{fmt(7.0)} – {fmt(9.0)}"


def _file() -> CalibrationFile:
    fig = {"unit": "u", "year": 2022, "scale": "mean", "source": "a document 2022"}
    return CalibrationFile.model_validate({
        "defaults": {"tolerance": 0.05, "base": "uncalibrated.yaml", "region": "noord", "days": 7, "seed": 1,
                     "converged_share_of_tolerance": 0.5, "jacobian_step": 0.05},
        "targets": {"volume_t": {**fig, "kpi": "x", "value": 10.0},
                    "perf_t": {**fig, "kpi": "not_built_yet", "range": [7.0, 9.0], "group": "performance"}},
        "validation": {
            "indep_pass": {**fig, "kpi": "y", "value": 2.0, "evidence": "measurement", "why_independent": "reason one"},
            "indep_fail": {**fig, "kpi": "y", "range": [3.0, 4.0], "evidence": "norm", "why_independent": "reason two"},
            "indep_missing": {**fig, "kpi": "z.non_urgent", "value": 1.0, "evidence": "measurement",
                              "why_independent": "reason three"}},
        "parameters": {}})


def test_missing_kpi_is_reported_not_raised():
    cal = _file()
    reps = [{"x": 10.2, "y": 2.02}, {"x": 9.9, "y": 1.98}]
    rows = {r.target: r for r in fit_table(cal, reps) + validation_table(cal, reps)}
    assert rows["volume_t"].within and rows["indep_pass"].within and not rows["indep_fail"].within
    for name in ("perf_t", "indep_missing"):
        assert not rows[name].available and not rows[name].within
    text = format_fit_table(list(rows.values()), markdown=True)
    assert text.count(NOT_AVAILABLE) == 2


def test_report_keeps_targets_and_independent_figures_apart(tmp_path):
    cal = _file()
    text = published_sections(cal, [{"x": 10.0, "y": 2.0}, {"x": 10.1, "y": 2.01}], tmp_path)
    targets, independent = text.split("## 3. Independent figures")
    assert targets.startswith("## 2. Targets the calibration used")
    for name in ("volume_t", "perf_t"):
        assert f"| {name} |" in targets and name not in independent
    for name in ("indep_pass", "indep_fail", "indep_missing"):
        assert f"| {name} |" in independent and name not in targets
    rows = {line.split(" | ")[0][2:]: line for line in independent.splitlines() if line.startswith("| indep_")}
    assert "| measurement | pass | reason one |" in rows["indep_pass"]
    assert "| norm | FAIL | reason two |" in rows["indep_fail"]
    assert f"| {NOT_AVAILABLE} |" in rows["indep_missing"] and "reason three" in rows["indep_missing"]
    assert f"1 of 2 targets within tolerance; 1 without their KPI in this model ({NOT_AVAILABLE})" in targets
    assert "1 of 3 pass; 1 without their KPI" in independent
    for stem in ("fit", "validation"):
        assert (tmp_path / f"{stem}.png").exists() and (tmp_path / f"{stem}.svg").exists()


def test_a_regional_figure_is_compared_with_its_region():
    base = _file().model_dump()
    fig = {**base["validation"]["indep_pass"], "region": "noord"}
    cal = CalibrationFile.model_validate({**base, "validation": {"regional": fig}})
    national = [{"y": 2.0}, {"y": 2.01}]
    far = [{"y": 6.0}, {"y": 6.2}]
    near = [{"y": 2.0}, {"y": 1.99}]
    assert validation_table(cal, far, {"noord": near})[0].within  # the region's run, not the national one
    assert not validation_table(cal, national, {"noord": far})[0].within
    assert not validation_table(cal, national)[0].available  # no regional runs: said, not guessed
    with pytest.raises(ValueError, match="unknown region"):
        CalibrationFile.model_validate({**base, "validation": {"regional": {**fig, "region": "atlantis"}}})
