"""The app's logic without a browser or a simulation (sim/app/logic.py).

Test plan (deterministic cases and counts against independent sources):
- the shipped zcc scenario as a variant writes an overlay with nothing but `extends:` and a name;
  changed shares, sites, mode and staffing are exactly what the overlay sets, every changed number
  with `estimate: changed in the app`, and the loader's provenance (the parameter table) says so;
- the overlay for the command line extends `zcc.yaml` and names the command that reruns it;
- the admission window around the clock extends the shipped admission variant too: its figures keep
  their own estimates and equal those of the shipped zcc_247_admission scenario;
- the map has one point per municipality of the region (sim/data/municipalities.csv counted here)
  and one per HAP, SEH, ambulance post of the scenario, the meldkamer and every chosen zcc location;
- the commute per location, weighted by each location's staff share, is the model's mean commute
  (sim.geo.sites.commute_minutes), and every municipality belongs to one location;
- the run key is the same for the same inputs and differs when n, days or seed differ;
- the time estimate grows with replications and days;
- bad input (no location, a town outside the region) is one line as the command line prints it,
  also from a background job, never a traceback;
- a KPI only the variant has (the zcc's answer share) keeps its own 95% interval through
  comparison.csv into the results table.
"""

from __future__ import annotations

import csv
import time

import pytest
import yaml

from sim import paths
from sim.app import logic
from sim.config.loader import ScenarioError

A2 = "zcc.flows.warm_transfer_share.A2"


@pytest.fixture(autouse=True)
def app_dir(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.APP_DIR_ENV, str(tmp_path))
    return tmp_path


def _changed(variant: logic.Variant, **kw) -> logic.Variant:
    from dataclasses import replace

    return replace(variant, **kw)


def test_unchanged_variant_is_only_extends_and_name(app_dir):
    v = logic.default_variant("noord")
    path = logic.write_variant(v)
    assert path.is_relative_to(app_dir)
    body = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert set(body) == {"extends", "name"} and body["name"].startswith("noord_zcc_app_")
    assert logic.changes(path) == []
    assert logic.load(path).zcc.locations.mode == v.mode


def test_changed_values_carry_the_app_provenance(app_dir):
    v = logic.default_variant("noord")
    sc = logic.load(logic.shipped("noord"))
    sites = tuple(logic.p_median_sites(sc, 3))
    shares = tuple((k, 0.45 if k == A2 else x) for k, x in v.shares)
    other = next(n for n in logic.staffing_options("noord") if n != v.staffing)
    new = _changed(v, sites=sites, mode="separate", staffing=other, shares=shares)
    path = logic.write_variant(new)
    body = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert body["zcc"]["flows"]["warm_transfer_share"]["A2"] == {"value": 0.45, "estimate": logic.APP_ESTIMATE}
    assert "substitution" not in body["zcc"]  # unchanged shares stay as shipped
    assert [s["subarea"] for s in body["zcc"]["locations"]["sites"].values()] == list(sites)
    loaded = logic.load(path)
    assert loaded.zcc.flows.warm_transfer_share["A2"].value == 0.45
    assert loaded.zcc.locations.mode == "separate" and loaded.zcc.staffing == other
    assert [s.subarea for s in loaded.zcc.locations.sites.values()] == list(sites)
    by_key = {c.key: c for c in logic.changes(path)}
    assert by_key[A2].value == "0.45" and by_key[A2].provenance == f"estimate: {logic.APP_ESTIMATE}"
    assert {"zcc.locations.sites", "zcc.locations.mode", "zcc.staffing"} <= set(by_key)
    name, text = logic.variant_yaml(new, 2, 7, 11)
    assert name == f"{body['name']}.yaml" and yaml.safe_load(text)["extends"] == "zcc.yaml"
    assert f"acutesim compare noord/status_quo noord/{body['name']} -n 2 --days 7 --seed 11" in text


def test_admission_window_is_the_shipped_variant_with_its_own_estimates(app_dir):
    v = _changed(logic.default_variant("noord"), admission_247=True)
    path = logic.write_variant(v)
    body = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert [p.split("/")[-1] for p in body["extends"]] == ["zcc.yaml", logic.ADMISSION_247]
    loaded = logic.load(path)
    assert loaded.care.elv.admission_hours.values == [1] * 168 == loaded.care.crisis_bed.admission_hours.values
    by_key = {c.key: c for c in logic.changes(path)}
    assert by_key["care.elv.admission_hours"].provenance.startswith("estimate: variant: admission 24/7")
    assert "care.grz.transfer_lag" in by_key
    _, text = logic.variant_yaml(v, 2, 7, 11)
    assert yaml.safe_load(text)["extends"] == ["zcc.yaml", f"../_national/{logic.ADMISSION_247}"]
    shipped_247 = logic.load(paths.region_scenario("noord", "zcc_247_admission"))
    assert shipped_247.care.model_dump() == loaded.care.model_dump()


def test_map_points_against_the_municipality_file():
    with (paths.DATA_DIR / "municipalities.csv").open(encoding="utf-8") as fh:
        municipalities = sum(r["roaz_region"] == "noord" for r in csv.DictReader(fh))
    sc = logic.load(logic.shipped("noord"))
    sites = logic.p_median_sites(sc, 3)
    pts = logic.map_points(sc, sites)
    count = {k: sum(p.kind == k for p in pts) for k in logic.KINDS}
    res = sc.resources
    assert count == {"municipality": municipalities, "HAP": len(res.haps), "SEH": len(res.sehs),
                     "ambulance post": len(res.ambulance.posts), "meldkamer": 1, "zcc location": 3}
    assert all(50.5 < p.lat < 53.7 and 3.2 < p.lon < 7.3 for p in pts)  # the Netherlands
    from sim.app.maps import map_figure

    fig = map_figure(pts)
    assert {t.name for t in fig.data} == set(logic.KINDS)


def test_commute_per_location_adds_up_to_the_model_commute():
    sc = logic.load(logic.shipped("noord"))
    sites = logic.p_median_sites(sc, 3)
    rows = logic.commute_by_location(sc, sites)
    mean, _ = logic.commute_of(sc, sites)
    shares = [float(r["staff share"].rstrip("%")) / 100 for r in rows]
    assert sum(r["municipalities"] for r in rows) == len(logic.subareas_of("noord"))
    assert sum(shares) == pytest.approx(1, abs=0.002)
    weighted = sum(s * float(r["mean commute (min)"]) for s, r in zip(shares, rows, strict=True))
    assert weighted == pytest.approx(mean, abs=0.2)


def test_run_key_and_estimate():
    variant = logic.write_variant(logic.default_variant("noord"))
    a = logic.plan_comparison(variant, "noord", 2, 7, 11)
    assert a.folder == logic.plan_comparison(variant, "noord", 2, 7, 11).folder
    others = {logic.plan_comparison(variant, "noord", *args).folder for args in ((3, 7, 11), (2, 8, 11), (2, 7, 12))}
    assert a.folder not in others and len(others) == 3
    assert not a.done
    e = logic.estimate_seconds(a.base, 2, 7, cores=2)
    assert logic.estimate_seconds(a.base, 4, 7, cores=2) > e and logic.estimate_seconds(a.base, 2, 70, cores=2) > e


def test_bad_input_is_one_line_as_the_command_line_gives_it():
    v = logic.default_variant("noord")
    with pytest.raises(ScenarioError) as no_site:
        logic.write_variant(_changed(v, sites=()))
    assert logic.one_line(no_site.value) == "error: app: key zcc.locations.sites: choose at least one work location"
    with pytest.raises(ScenarioError) as foreign:
        logic.write_variant(_changed(v, sites=("GM0363",)))  # Amsterdam is not in noord
    assert "GM0363" in str(foreign.value) and "\n" not in str(foreign.value)
    assert logic.one_line(FileNotFoundError(2, "No such file or directory", "x.yaml")) == \
        "error: x.yaml: No such file or directory"

    def fails(job):
        logic.load(paths.region_scenario("noord", "nowhere"))

    j = logic.start("test-failing-job", "steps", 1, fails)
    for _ in range(100):
        if j.finished:
            break
        time.sleep(0.05)
    assert j.finished and j.error.startswith("error: ") and j.error.endswith("nowhere.yaml: file not found")
    assert j.status() == j.error and "Traceback" not in j.status()


def test_a_kpi_of_the_variant_only_shows_the_variants_own_interval(tmp_path):
    """comparison.csv carries the alternative's interval; the app shows it where there is no difference."""
    import csv
    import math

    from sim.app.logic import read_differences, table_rows
    from sim.run.runner import COMPARISON_COLUMNS, Difference

    nan = float("nan")
    rows = [Difference("zcc_answer_within_2min", nan, 0.736, nan, nan, nan, nan, 5, 0.731, 0.741),
            Difference("seh_arrivals_per_day", 581.9, 569.3, -12.6, -16.7, -8.5, -0.0217, 5, 560.0, 578.0)]
    with (tmp_path / "comparison.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(COMPARISON_COLUMNS)
        for d in rows:
            w.writerow([d.kpi, d.base_mean, d.alt_mean, d.diff_mean, d.diff_ci_low, d.diff_ci_high, d.rel_change,
                        "share", d.alt_ci_low, d.alt_ci_high])
    back = read_differences(tmp_path)
    assert back[0].alt_ci_low == 0.731 and math.isnan(back[0].diff_ci_low)
    table = {r["KPI"]: r for r in table_rows(back, [d.kpi for d in back])}
    assert table["zcc_answer_within_2min"]["95% interval"].startswith("variant 0.73")
    assert "variant" not in table["seh_arrivals_per_day"]["95% interval"]
