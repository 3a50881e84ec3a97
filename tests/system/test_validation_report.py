"""The validation report: fit plot and tables from synthetic rows (quick), the whole command (slow).

Test plan: the fit plot is written as PNG and SVG that decode; a target outside
its tolerance is reported as such (the table cannot say 'yes' for a miss); the
full `acutesim validation-report` on a short run writes report.md with every
target, every analytic check and the figure it links to.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import matplotlib.image as mpimg
import pytest

from sim.cli.main import main
from sim.fit.targets import FitRow, format_fit_table, load_calibration
from sim.fit.validation import plot_fit
from tests.helpers import ROOT


def _rows() -> list[FitRow]:
    return [FitRow("a", "per year", 100.0, 103.0, 101.0, 105.0, 0.05, "src a", 2022),
            FitRow("b", "share", 0.40, 0.30, 0.28, 0.32, 0.05, "src b", 2015)]


@pytest.mark.quick
def test_fit_table_marks_misses_and_plot_files(tmp_path):
    rows = _rows()
    assert rows[0].within and not rows[1].within
    md = format_fit_table(rows, markdown=True)
    assert "| a | per year | 100.0 | 103.0 |" in md and "| NO |" in md and md.count("\n") == 3
    png, svg = plot_fit(rows, tmp_path / "fit")
    assert mpimg.imread(png).shape[0] > 100
    assert ET.parse(svg).getroot().tag.endswith("svg")


@pytest.mark.slow
def test_validation_report_command(tmp_path):
    out = tmp_path / "validation"
    assert main(["validation-report", "--out", str(out), "-n", "2", "--days", "5", "--workers", "2"]) == 0
    text = (out / "report.md").read_text(encoding="utf-8")
    for name in load_calibration(ROOT / "calibration" / "targets.yaml").targets:
        assert f"| {name} |" in text
    for check in ("Erlang C", "Erlang B", "Little's law", "Conservation"):
        assert check in text
    assert (out / "fit.png").exists() and (out / "national_summary.csv").exists()
