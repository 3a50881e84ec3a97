"""Region inputs: the shipped files are exactly what the derivation produces.

Test plan (deterministic case: the derivation rerun; the CBS population
total): regenerating all region files into a temporary folder gives the
committed files byte for byte (no hand edits, no drift); every region has a
status-quo scenario that validates; region populations add up to the national
total; site placement puts sites in the region and prefers populous places.
"""

from __future__ import annotations

import shutil

import pytest

from sim.config.loader import load_scenario
from sim.derive.region_inputs import p_median, write_all
from sim.geo.regions import all_subareas, known_regions, road_km_matrix, subareas_of
from tests.helpers import ROOT


def test_shipped_region_files_match_derivation(tmp_path):
    target = tmp_path / "scenarios"
    (target / "_national").mkdir(parents=True)
    for src in (ROOT / "scenarios" / "_national").glob("*.yaml"):
        if src.name != "profiles.yaml":  # the one generated file in _national
            shutil.copy(src, target / "_national" / src.name)
    compared = 0
    for path in write_all(target):
        rel = path.relative_to(target)
        if rel.name in ("status_quo.yaml", "zcc.yaml") and rel.parent.name != "_national":
            continue  # hand-editable scenarios: written once, then the user's
        assert path.read_text() == (ROOT / "scenarios" / rel).read_text(), f"{rel} differs: run acutesim derive-regions"
        compared += 1
    assert compared >= 1 + 2 * len(known_regions())  # profiles, and every region's region.yaml and zcc_region.yaml


@pytest.mark.parametrize("region", known_regions())
def test_every_region_has_a_valid_status_quo_and_zcc(region):
    sc = load_scenario(ROOT / "scenarios" / region / "status_quo.yaml")
    assert sc.region == region and sc.setting == "status_quo"
    zcc = load_scenario(ROOT / "scenarios" / region / "zcc.yaml")
    assert zcc.region == region and zcc.setting == "zcc" and zcc.zcc.staffing == "budget_neutral"


def test_regions_cover_the_country():
    assert len(known_regions()) == 10
    assert sum(a.population for r in known_regions() for a in subareas_of(r)) == 17_942_942
    assert len(all_subareas()) == 342


def test_p_median_prefers_population():
    areas = subareas_of("noord")
    km = road_km_matrix(areas, 1.3, 4.0)
    [one] = p_median(areas, km, 1)
    assert areas[one].name in ("Groningen", "Tytsjerksteradiel", "Smallingerland", "Leeuwarden", "Assen",
                               "Midden-Groningen", "Tynaarlo", "Noordenveld")
    assert len(set(p_median(areas, km, 5))) == 5
