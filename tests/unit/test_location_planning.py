"""Location planning helpers (sim/plan/locations.py), without simulation.

Test plan (brute force and Hypothesis; the pooling effect of queueing theory):
candidates are exactly the towns with a HAP, SEH or meldkamer;
with more locations the mean commute never increases (in every region; the
p-median layouts are NOT nested in general: noord's k=2 layout is not part of
its k=3 layout, so the property is about the objective, not the sets); the
separate-mode region roster gives every location at least its Erlang C need
and is the smallest that does (checked against brute force, Hypothesis); at
any Erlang C level a separate layout needs at least the pooled roster in every
hour (the pooling effect of queueing theory). The `acutesim locations` command
is in tests/system/test_planning.py.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.config.loader import load_scenario
from sim.geo.regions import known_regions, subareas_of
from sim.geo.sites import split_roster
from sim.plan.locations import candidate_sites, commute, layout_shares, layouts, region_total, rosters_at
from sim.plan.staffing import offered_loads
from tests.helpers import ROOT

NOORD_ZCC = ROOT / "scenarios" / "noord" / "zcc.yaml"


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
    assert len(means) == 4
    assert all(b <= a + 1e-9 for a, b in zip(means, means[1:], strict=False)), means


def test_noord_layouts_are_not_nested():
    sc = load_scenario(NOORD_ZCC)
    two, three = layouts(sc, 4)[1:3]
    assert not set(two.sites) <= set(three.sites)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.05, 1.0), min_size=2, max_size=5), st.lists(st.integers(0, 6), min_size=5, max_size=5))
def test_region_total_is_the_smallest_split_meeting_every_need(weights, needs):
    shares = np.array(weights) / sum(weights)
    needs = needs[:len(shares)]
    n = region_total(needs, shares)
    split = [v[0] for v in split_roster([n], shares)]
    assert all(s >= need for s, need in zip(split, needs, strict=True))
    for smaller in range(n):
        assert not all(v[0] >= need for v, need in zip(split_roster([smaller], shares), needs, strict=True))


def test_separate_needs_at_least_the_pooled_roster_at_any_level():
    sc = load_scenario(NOORD_ZCC)
    loads = offered_loads(sc, NOORD_ZCC)
    for layout in layouts(sc, 4)[1:]:
        shares = layout_shares(sc, layout)
        for level in (0.6, 0.8, 0.9, 0.95):
            pooled = rosters_at(loads, level, 2.0, 1, None)
            separate = rosters_at(loads, level, 2.0, 1, shares)
            for g in pooled:
                assert all(s >= p for s, p in zip(separate[g], pooled[g], strict=True))
            assert sum(map(sum, separate.values())) > sum(map(sum, pooled.values()))
