"""The validation report end to end (`acutesim validation-report`, slow).

Test plan (published figures and queueing theory, through the command): the full
command on a short national run writes report.md with every published target of
calibration/targets.yaml in the section of the targets the calibration used,
every independent figure in its own section, every analytic check (Erlang C, Erlang B, Little's
law, conservation) and the figure it links to. The fit table and plot are
checked in tests/unit/test_fit_table.py.
"""

from __future__ import annotations

import pytest

from sim.cli.main import main
from sim.fit.targets import load_calibration
from tests.helpers import ROOT


@pytest.mark.slow
def test_validation_report_command(tmp_path):
    out = tmp_path / "validation"
    assert main(["validation-report", "--out", str(out), "-n", "2", "--days", "5", "--workers", "2"]) == 0
    text = (out / "report.md").read_text(encoding="utf-8")
    cal = load_calibration(ROOT / "calibration" / "targets.yaml")
    used, independent = text.split("## 3. Independent figures")
    for name in cal.targets:
        assert f"| {name} |" in used and f"| {name} |" not in independent
    for name in cal.validation:
        assert f"| {name} |" in independent and f"| {name} |" not in used
    for check in ("Erlang C", "Erlang B", "Little's law", "Conservation"):
        assert check in text
    assert (out / "fit.png").exists() and (out / "validation.png").exists()
    assert (out / "national_summary.csv").exists()
