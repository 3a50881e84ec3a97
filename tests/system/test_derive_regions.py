"""`acutesim derive-regions` end to end: the shipped region files are exactly what it writes.

Test plan (deterministic case: the derivation rerun): regenerating every region's
files into a temporary folder gives the committed files byte for byte (no hand
edits, no drift), at least the national profiles and every region's region.yaml
and zcc_region.yaml. The derivation's helpers are checked in
tests/unit/test_derivation.py.
"""

from __future__ import annotations

import shutil

from sim.derive.region_inputs import write_all
from sim.geo.regions import known_regions
from tests.helpers import ROOT


def test_shipped_region_files_match_derivation(tmp_path):
    target = tmp_path / "scenarios"
    (target / "_national").mkdir(parents=True)
    for src in (ROOT / "scenarios" / "_national").glob("*.yaml"):
        if src.name != "profiles.yaml":  # the one generated file in _national
            shutil.copy(src, target / "_national" / src.name)
    # The zcc's budget is the calibrated status quo's hours: the derivation reads the calibration overlay.
    shutil.copytree(ROOT / "calibration" / "calibrated", tmp_path / "calibration" / "calibrated")
    compared = 0
    for path in write_all(target):
        rel = path.relative_to(target)
        if rel.name in ("status_quo.yaml", "zcc.yaml") and rel.parent.name != "_national":
            continue  # hand-editable scenarios: written once, then the user's
        assert path.read_text() == (ROOT / "scenarios" / rel).read_text(), f"{rel} differs: run acutesim derive-regions"
        compared += 1
    assert compared >= 1 + 2 * len(known_regions())  # profiles, and every region's region.yaml and zcc_region.yaml
