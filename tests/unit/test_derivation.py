"""Region inputs: scenarios per region, population totals and site placement.

Test plan (the CBS population total; deterministic cases): every region has a
status-quo and a zcc scenario that validate; region populations add up to the
national total over 342 municipalities; site placement (p-median) puts one site
in a populous place and k sites at k different places; the ambulance-post
coverage placement gives a point at a town hall the drive of the model's trip
geometry, places exactly the national number of posts, every region at least
one, and gives rural noord more posts per inhabitant than urban west (the
reason for the method, issue 12); HAP posts are grouped into triage centres nearest first
within a province, and the regions' centres add up to InEen's 52 HDS. That the shipped files
are exactly what the derivation writes is checked in
tests/system/test_derive_regions.py.
"""

from __future__ import annotations

import pytest

from sim.config.loader import load_scenario
from sim.derive.region_inputs import COVER_POINTS, coverage_road_km, coverage_sites, p_median
from sim.geo.regions import all_subareas, known_regions, road_km_matrix, subareas_of
from tests.helpers import NOORD, ROOT

SHIPPED = load_scenario(NOORD).care.travel.settlement()  # where inhabitants live, as the scenarios say


@pytest.mark.parametrize("region", known_regions())
def test_every_region_has_a_valid_status_quo_and_zcc(region):
    sc = load_scenario(ROOT / "scenarios" / region / "status_quo.yaml")
    assert sc.region == region and sc.setting == "status_quo"
    zcc = load_scenario(ROOT / "scenarios" / region / "zcc.yaml")
    assert zcc.region == region and zcc.setting == "zcc" and zcc.zcc.staffing == "equal_service"


def test_regions_cover_the_country():
    assert len(known_regions()) == 10
    assert sum(a.population for r in known_regions() for a in subareas_of(r)) == 17_942_942
    assert len(all_subareas()) == 342


def test_p_median_prefers_population():
    areas = subareas_of("noord")
    km = road_km_matrix(areas, 1.3, SHIPPED)
    [one] = p_median(areas, km, 1)
    assert areas[one].name in ("Groningen", "Tytsjerksteradiel", "Smallingerland", "Leeuwarden", "Assen",
                               "Midden-Groningen", "Tynaarlo", "Noordenveld")
    assert len(set(p_median(areas, km, 5))) == 5


def test_coverage_points_follow_the_trip_geometry():
    areas = subareas_of("noord")
    km, owner, weight = coverage_road_km(areas, 1.3, SHIPPED)
    assert km.shape == (2 * len(areas) * COVER_POINTS, len(areas))  # points in town and on the whole disc
    assert weight.sum() == pytest.approx(sum(a.population for a in areas))
    own = km[range(len(owner)), owner]  # from the own town hall: r x detour, inside the disc
    radius = [areas[i].radius_km for i in owner]
    assert all(0 <= d <= 1.3 * r + 1e-9 for d, r in zip(own, radius, strict=True))


def test_coverage_places_the_national_number_and_favours_rural_regions():
    placed = coverage_sites(226, 12 / 60 * 75, 1.3, SHIPPED)  # the shipped case (cached for derive-regions)
    assert sum(len(p.sites) for p in placed.values()) == 226
    for p in placed.values():
        assert len(p.sites) >= 1 and len(set(p.sites)) == len(p.sites)
        assert 0 < p.covered_share <= 1 and p.for_cover <= len(p.sites)

    def per_million(region: str) -> float:
        return len(placed[region].sites) / sum(a.population for a in subareas_of(region)) * 1e6

    assert per_million("noord") > 2 * per_million("west")


def test_triage_centres_group_the_nearest_posts_of_one_province_first():
    """Deterministic case: two pairs of posts close together in two provinces, and a fifth post far away in
    the first province. Two centres: the far post joins its own province's pair, never the nearer pair over
    the border; one centre holds every post; the 52 HDS are shared out as the regions' centres."""
    import numpy as np

    from sim.derive.region_inputs import triage_centres
    from sim.geo.regions import SubArea

    def area(code: str, province: str) -> SubArea:
        return SubArea(code, code, province, "vr", 1000, 52.0, 5.0, "r", 10.0)

    areas = (area("a", "P"), area("b", "P"), area("c", "Q"), area("d", "Q"), area("e", "P"))
    km = np.array([[0, 1, 10, 11, 30], [1, 0, 9, 10, 29], [10, 9, 0, 1, 12], [11, 10, 1, 0, 13],
                   [30, 29, 12, 13, 0]], dtype=float)
    sites, pops = [0, 1, 2, 3, 4], np.array([0.3, 0.2, 0.2, 0.2, 0.1])
    assert triage_centres(areas, km, sites, pops, 2) == [[0, 1, 4], [2, 3]]
    assert triage_centres(areas, km, sites, pops, 3) == [[0, 1], [2, 3], [4]]
    assert triage_centres(areas, km, sites, pops, 1) == [[0, 1, 2, 3, 4]]
    total = 0
    for region in known_regions():
        res = load_scenario(ROOT / "scenarios" / region / "status_quo.yaml").resources
        total += len(res.hap_triage_centres)
        assert sorted(p for c in res.hap_triage_centres.values() for p in c.posts) == sorted(res.haps)
    assert total == 52  # InEen: 52 HDS
