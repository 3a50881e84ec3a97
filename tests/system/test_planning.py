"""Location planning (`acutesim locations`, sim/plan/locations.py).

Test plan: candidates are exactly the towns with a HAP, SEH or meldkamer;
with more locations the mean commute never increases (in every region; the
p-median layouts are NOT nested in general: noord's k=3 layout is not part of
its k=4 layout, so the property is about the objective, not the sets); the
separate-mode region roster gives every location at least its Erlang C need
and is the smallest that does (checked against brute force); at any Erlang C
level a separate layout needs at least the pooled roster in every hour, and
in the command's table pooled FTE never exceeds separate FTE for the same k;
the command writes locations.csv with exactly the required columns, the
plot (PNG and SVG) and one runnable scenario per layout.
"""

from __future__ import annotations

import csv

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.cli.main import main
from sim.config.loader import load_scenario
from sim.geo.sites import split_roster
from sim.plan.locations import (COLUMNS, candidate_sites, commute, layout_shares, layouts, region_total, rosters_at)
from sim.geo.regions import known_regions, subareas_of
from sim.plan.staffing import offered_loads
from tests.helpers import ROOT

pytestmark = pytest.mark.quick

NOORD_ZCC = ROOT / "scenarios" / "noord" / "zcc.yaml"
SMALL_ZCC = ROOT / "scenarios" / "euregio" / "zcc.yaml"


def test_candidates_are_hap_seh_and_meldkamer_towns():
    sc = load_scenario(NOORD_ZCC)
    areas = subareas_of("noord")
    res = sc.resources
    codes = {h.subarea for h in res.haps.values()} | {s.subarea for s in res.sehs.values()} | {res.meldkamer.subarea}
    assert {areas[i].code for i in candidate_sites(sc)} == codes
    for layout in layouts(sc, 4):
        assert set(layout.sites) <= set(candidate_sites(sc)) and len(layout.sites) == layout.k


@pytest.mark.parametrize("region", known_regions())
def test_more_locations_never_lengthen_the_mean_commute(region):
    sc = load_scenario(ROOT / "scenarios" / region / "zcc.yaml")
    means = [commute(sc, layout)[0] for layout in layouts(sc, 4)]
    assert all(b <= a + 1e-9 for a, b in zip(means, means[1:])), means


def test_noord_layouts_are_not_nested():
    sc = load_scenario(NOORD_ZCC)
    three, four = layouts(sc, 4)[2:4]
    assert not set(three.sites) <= set(four.sites)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.05, 1.0), min_size=2, max_size=5), st.lists(st.integers(0, 6), min_size=5, max_size=5))
def test_region_total_is_the_smallest_split_meeting_every_need(weights, needs):
    shares = np.array(weights) / sum(weights)
    needs = needs[:len(shares)]
    n = region_total(needs, shares)
    split = [v[0] for v in split_roster([n], shares)]
    assert all(s >= need for s, need in zip(split, needs))
    for smaller in range(n):
        assert not all(v[0] >= need for v, need in zip(split_roster([smaller], shares), needs))


def test_separate_needs_at_least_the_pooled_roster_at_any_level():
    sc = load_scenario(NOORD_ZCC)
    loads = offered_loads(sc, NOORD_ZCC)
    for layout in layouts(sc, 4)[1:]:
        shares = layout_shares(sc, layout)
        for level in (0.6, 0.8, 0.9, 0.95):
            pooled = rosters_at(loads, level, 2.0, 1, None)
            separate = rosters_at(loads, level, 2.0, 1, shares)
            for g in pooled:
                assert all(s >= p for s, p in zip(separate[g], pooled[g]))
            assert sum(map(sum, separate.values())) > sum(map(sum, pooled.values()))


@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    out = tmp_path_factory.mktemp("locations")
    short = out / "short_warmup.yaml"  # the desk needs no two-week warm-up; keeps the test fast
    short.write_text(f"extends: {SMALL_ZCC}\nname: euregio_zcc_short\nrun: {{warmup_days: 1}}\n")
    code = main(["locations", str(short), "--max", "2", "--out", str(out / "plan"), "-n", "1", "--days", "2",
                 "--seed", "5", "--workers", "1"])
    out = out / "plan"
    assert code == 0
    return out


def test_locations_csv_has_the_required_columns_and_ordering(planned):
    with (planned / "locations.csv").open() as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames) == COLUMNS
        rows = list(reader)
    assert [(r["k"], r["mode"]) for r in rows] == [("1", "pooled"), ("1", "separate"), ("2", "pooled"),
                                                   ("2", "separate")]
    assert len(rows[2]["sites"].split(";")) == 2
    for k in ("1", "2"):
        pooled, separate = (float(r["fte"]) for r in rows if r["k"] == k)
        assert pooled <= separate
    assert float(rows[2]["commute_mean_min"]) <= float(rows[0]["commute_mean_min"])
    assert (planned / "tradeoff.png").stat().st_size > 0 and (planned / "tradeoff.svg").stat().st_size > 0


def test_layout_scenarios_run_again(planned):
    files = sorted((planned / "layouts").glob("*.yaml"))
    assert len(files) == 4
    sc = load_scenario(planned / "layouts" / "zcc_2loc_separate.yaml")
    assert sc.zcc.locations.mode == "separate" and len(sc.zcc.locations.sites) == 2
    assert "acutesim locations" in sc.zcc.option.groups["triagist"].roster.estimate
    with (planned / "locations.csv").open() as fh:
        row = [r for r in csv.DictReader(fh) if r["k"] == "2" and r["mode"] == "separate"][0]
    hours = sum(sum(g.roster.values) for g in sc.zcc.option.groups.values())
    assert hours / sc.staffing.fte_hours_per_week.value == pytest.approx(float(row["fte"]), abs=0.01)


def test_bad_max_is_one_line(capsys):
    assert main(["locations", str(SMALL_ZCC), "--max", "0"]) == 2
    assert capsys.readouterr().err.strip() == "error: --max: expected a number of locations >= 1"
