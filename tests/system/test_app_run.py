"""The app runs status quo against a variant through the compare machinery, and reuses what it ran.

Test plan (deterministic case: the same numbers the command line writes; reuse by content):
in Streamlit's AppTest, three pooled locations in noord, 1 paired replication of 1 day: the
background job finishes, the SEH difference shown is the one in that run's comparison.csv
(formatted as the compare command prints it), the report and the CSVs are offered for download;
clicking again with the same settings starts no new run (the folder keyed by the resolved
scenarios is reused: replications.csv is not rewritten). Without Streamlit, `acutesim app` says
in one line how to install it (exit 2).
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

from sim import paths  # noqa: E402
from sim.measure.format import signed  # noqa: E402


def _wait(at: AppTest, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while "results" not in at.session_state and time.monotonic() < deadline:
        time.sleep(0.5)
        at.run()
    assert "results" in at.session_state, [e.value for e in at.error]


def test_compare_in_the_app_equals_comparison_csv_and_is_reused(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.APP_DIR_ENV, str(tmp_path))
    at = AppTest.from_file(str(paths.APP_PAGE), default_timeout=60)
    at.run()
    at.number_input(key="k_noord").set_value(3).run()
    at.number_input(key="n").set_value(1).run()
    at.number_input(key="days").set_value(1).run()
    at.button(key="run").click().run()
    _wait(at)
    folder = Path(at.session_state["results"])
    assert folder.is_relative_to(tmp_path)
    with (folder / "comparison.csv").open(encoding="utf-8") as fh:
        seh = next(r for r in csv.DictReader(fh) if r["kpi"] == "seh_arrivals_per_day")
    assert [m.value for m in at.metric] == [signed(float(seh["diff_mean"]))]
    assert not at.exception and not at.error
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download report.html" in labels and "Download comparison.csv" in labels
    assert (folder / "report.html").exists()
    written = (folder / "replications.csv").stat().st_mtime_ns
    again = AppTest.from_file(str(paths.APP_PAGE), default_timeout=60)
    again.run()
    again.number_input(key="k_noord").set_value(3).run()
    again.number_input(key="n").set_value(1).run()
    again.number_input(key="days").set_value(1).run()
    assert any("run before" in c.value for c in again.caption)
    again.button(key="run").click().run()
    assert again.session_state["results"] == str(folder)
    assert (folder / "replications.csv").stat().st_mtime_ns == written


def test_app_without_streamlit_is_one_line(monkeypatch, capsys):
    import importlib.util

    from sim.cli.main import main

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "streamlit" else real(name, *a))
    assert main(["app"]) == 2
    assert capsys.readouterr().err.strip() == 'error: the app needs its optional dependencies: pip install -e ".[app]"'
