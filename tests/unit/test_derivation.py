"""Region inputs: scenarios per region, population totals and site placement.

Test plan (the CBS population total; deterministic cases): every region has a
status-quo and a zcc scenario that validate; region populations add up to the
national total over 342 municipalities; site placement (p-median) puts one site
in a populous place and k sites at k different places. That the shipped files
are exactly what the derivation writes is checked in
tests/system/test_derive_regions.py.
"""

from __future__ import annotations

import pytest

from sim.config.loader import load_scenario
from sim.derive.region_inputs import p_median
from sim.geo.regions import all_subareas, known_regions, road_km_matrix, subareas_of
from tests.helpers import ROOT


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
    km = road_km_matrix(areas, 1.3)
    [one] = p_median(areas, km, 1)
    assert areas[one].name in ("Groningen", "Tytsjerksteradiel", "Smallingerland", "Leeuwarden", "Assen",
                               "Midden-Groningen", "Tynaarlo", "Noordenveld")
    assert len(set(p_median(areas, km, 5))) == 5
