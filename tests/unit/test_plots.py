"""Plots and the input listing, on hand-made results with known values.

Test plan (scipy's Student-t interval; hand-made results with known values):
- the band of every plotted point is the Student-t interval (scipy) and
  lower <= mean <= upper; one replication gives a mean without a band;
- every plot writes a PNG that decodes to a non-empty image and an SVG that
  parses as XML; plots without data write nothing;
- the flow matrix reads back the mean per entry and outcome;
- the location trade-off reads a ``locations.csv`` and refuses one with a
  missing column in one line naming it;
- the input listing finds every figure of a resolved scenario (as many as the
  file has ``source:`` keys), summarises 168-value rosters as min/mean/max and
  reports source or estimate.
"""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
import pytest
import yaml
from scipy import stats

from sim.config.loader import load_scenario, resolved_yaml
from sim.config.provenance import input_figures
from sim.measure.kpis import ANSWER_WITHIN_MIN, answer_within_label
from sim.report.plots import (
    bands,
    flow_matrix,
    plot_answer_times,
    plot_flows,
    plot_location_tradeoff,
    plot_occupancy,
    plot_seh_by_hour,
)
from sim.run.results import Results
from tests.helpers import NOORD


def _results(tmp_path: Path, n: int = 4) -> Results:
    """A comparison with n replications: SEH by hour, two desks, three flows, four bed pools."""
    rng = np.random.default_rng(1)
    reps: dict[str, dict[str, np.ndarray]] = {}
    levels: dict[str, dict[str, np.ndarray]] = {}
    for label, shift in (("base", 0.0), ("alt", -2.0)):
        k = {f"seh_arrivals_by_hour.h{h:02d}": 20 + shift + 10 * np.sin(h / 4) + rng.normal(0, 1, n)
             for h in range(24)}
        for desk in ("hap", "zcc"):
            for t in ANSWER_WITHIN_MIN:
                k[f"{desk}_answer_within.{answer_within_label(t)}"] = np.clip(
                    1 - np.exp(-t / 3) + rng.normal(0, 0.01, n), 0, 1)
        k["flows_per_day.hap_call.telephone_advice"] = np.full(n, 400.0 + shift)
        k["flows_per_day.hap_call.seh_home"] = np.full(n, 60.0)
        k["flows_per_day.call_112.seh_home"] = np.array([100.0, 110.0, 90.0, 100.0][:n])
        reps[label] = k
        levels[label] = {p: np.clip(0.8 + rng.normal(0, 0.03, (n, 30)), 0, 1)
                         for p in ("hospital", "elv", "grz", "crisis_bed")}
    scenarios = {"base": {"name": "sq", "run": {"warmup_days": 10}}, "alt": {"name": "zcc", "run": {"warmup_days": 10}}}
    return Results(tmp_path, "compare", ("base", "alt"), {"base": "sq", "alt": "zcc"}, scenarios, {}, reps, [],
                   levels)


def _check_files(figures, names: set[str]) -> None:
    assert {f.name for f in figures} == names
    for f in figures:
        img = mpimg.imread(f.png)
        assert img.ndim == 3 and img.shape[0] > 100 and img.shape[1] > 100
        assert img[..., :3].std() > 0  # not a blank canvas
        root = ET.parse(f.svg).getroot()
        assert root.tag.endswith("svg")


def test_bands_are_student_t_intervals():
    m = np.array([[1.0, 10.0], [2.0, 12.0], [4.0, 11.0]])
    mean, low, high = bands(m)
    for j in range(2):
        lo, hi = stats.t.interval(0.95, 2, loc=m[:, j].mean(), scale=stats.sem(m[:, j]))
        assert (low[j], high[j]) == (pytest.approx(lo), pytest.approx(hi))
    assert np.all(low <= mean) and np.all(mean <= high)
    one_mean, one_low, _ = bands(m[:1])
    assert one_mean.tolist() == [1.0, 10.0] and np.isnan(one_low).all()


def test_plots_write_png_and_svg(tmp_path):
    res = _results(tmp_path)
    figures = (plot_seh_by_hour(res, tmp_path) + plot_answer_times(res, tmp_path) + plot_flows(res, tmp_path)
               + plot_occupancy(res, tmp_path))
    _check_files(figures, {"seh_arrivals_by_hour", "answer_times", "patient_flows", "bed_occupancy"})


def test_plots_without_data_write_nothing(tmp_path):
    res = _results(tmp_path)
    empty = Results(tmp_path, "run", ("scenario",), {"scenario": "x"}, {"scenario": {"run": {}}}, {},
                    {"scenario": {"patients_per_day": np.array([1.0])}}, [])
    for plot in (plot_seh_by_hour, plot_answer_times, plot_flows, plot_occupancy):
        assert plot(empty, tmp_path / "empty") == []
    assert not (tmp_path / "empty").exists()
    assert res.has("zcc_answer_within.m01") and not empty.has("zcc_answer_within.m01")


def test_flow_matrix_is_the_mean_per_entry_and_outcome(tmp_path):
    res = _results(tmp_path)
    f = flow_matrix(res, "alt")
    assert f == {("hap_call", "telephone_advice"): 398.0, ("hap_call", "seh_home"): 60.0,
                 ("call_112", "seh_home"): 100.0}


def _write_locations(path: Path, drop: str | None = None) -> Path:
    cols = ["k", "sites", "mode", "fte", "answer_within_2min_share", "commute_mean_min", "commute_p95_min"]
    rows = [[1, "groningen", "pooled", 85.4, 0.99, 38.0, 80.0],
            [2, "groningen;assen", "separate", 88.0, 0.97, 25.0, 55.0],
            [3, "groningen;assen;emmen", "separate", 91.0, 0.95, 18.0, 40.0]]
    keep = [i for i, c in enumerate(cols) if c != drop]
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([cols[i] for i in keep])
        w.writerows([[r[i] for i in keep] for r in rows])
    return path


def test_location_tradeoff(tmp_path):
    figures = plot_location_tradeoff(_write_locations(tmp_path / "locations.csv"), tmp_path / "out")
    _check_files(figures, {"location_tradeoff"})
    with pytest.raises(ValueError, match="missing commute_p95_min"):
        plot_location_tradeoff(_write_locations(tmp_path / "bad.csv", drop="commute_p95_min"), tmp_path / "out")


def test_input_listing_covers_every_figure():
    text = resolved_yaml(load_scenario(NOORD.parent / "zcc.yaml"))
    figures = input_figures(yaml.safe_load(text))
    with_provenance = [f for f in figures if f.kind in ("source", "estimate")]
    # Every figure carries a source: key in the resolved file (null when it has an estimate).
    assert len(with_provenance) == sum(1 for line in text.splitlines() if line.strip().startswith("source:"))
    assert not [f for f in figures if f.kind == "missing"]
    assert all(f.text for f in with_provenance)
    by = {f.key: f for f in figures}
    roster = next(f for k, f in by.items() if k.endswith("meldkamer.roster"))
    assert roster.value.startswith("168 values: min ") and " mean " in roster.value and " max " in roster.value
    assert by["run.seed"].kind == "setting" and by["run.seed"].value == "20240101"


def test_input_listing_small_cases():
    data = {"a": {"value": 3, "source": "CBS 2024", "estimate": None},
            "b": {"shares": {"x": 0.25, "y": 0.75}, "source": None, "estimate": "guess"},
            "c": {"mode": "pooled", "sites": [{"subarea": "GM1", "estimate": "e"}]}}
    out = {f.key: (f.value, f.kind, f.text) for f in input_figures(data)}
    assert out == {"a": ("3", "source", "CBS 2024"), "b": ("x 0.25, y 0.75", "estimate", "guess"),
                   "c.mode": ("pooled", "setting", ""), "c.sites[0]": ("GM1", "estimate", "e")}
