"""The validation report's fit table and fit plot, from hand-made rows with known values.

Test plan (hand-made rows with known values): a target within its tolerance is
reported as met and one outside it as a miss (the table cannot say 'yes' for a
miss); the Markdown table has one row per target; the fit plot is written as a
PNG and an SVG that decode. The whole `acutesim validation-report` command is in
tests/system/test_validation_report.py.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import matplotlib.image as mpimg

from sim.fit.targets import FitRow, format_fit_table
from sim.fit.validation import plot_fit


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
