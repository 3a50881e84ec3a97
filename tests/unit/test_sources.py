"""Sourced figures never move, and a source is a document with its year.

Test plan (the project's own rule, checked on every shipped file; hand-made bad cases so each check
can fail):
- the guard: a calibration parameter whose key is written out in full and names a figure with
  `source:` is refused in one line naming the calibration file, the parameter and the key; a
  wildcard key skips sourced figures and lists them; a key that matches only sourced figures is an
  error;
- the shipped calibration file, applied at every corner of its bounds to every region's
  uncalibrated scenario, leaves every sourced figure exactly as it was;
- the shipped overlay calibration/calibrated/national.yaml overrides no figure that is sourced in
  any scenarios/<region>/uncalibrated.yaml;
- every `source:` in scenarios/, calibration/ and sim/data YAML names a document and a year
  (four digits), never an issue, a KPI or a model key (examples of each mistake are caught).
"""

from __future__ import annotations

import copy
import itertools
from pathlib import Path

import numpy as np
import pytest
import yaml

from sim.config.loader import ScenarioError, load_raw
from sim.config.provenance import dotted, source_problem, walk
from sim.fit.calibration import apply, resolve_parameters, source_of
from sim.fit.targets import CalibrationFile, load_calibration
from sim.geo.regions import known_regions
from tests.helpers import ROOT

SHIPPED = ROOT / "calibration" / "targets.yaml"
OVERLAY = ROOT / "calibration" / "calibrated" / "national.yaml"


def _uncalibrated(region: str) -> dict:
    return load_raw(ROOT / "scenarios" / region / "uncalibrated.yaml")[0]


@pytest.fixture(scope="module")
def noord() -> dict:
    return _uncalibrated("noord")


def _with_parameter(keys: list[str], kind: str = "share_scale", outcome: str | None = "home_visit",
                    bounds: tuple[float, float] = (0.5, 2.0)) -> CalibrationFile:
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    spec = {"kind": kind, "keys": keys, "bounds": list(bounds), "note": "test"}
    if outcome:
        spec["outcome"] = outcome
    data["parameters"] = {"probe": spec}
    return CalibrationFile.model_validate(data)


def _sourced(raw: dict) -> dict[str, dict]:
    return {dotted(key): prov for key, _items, prov in walk(raw) if prov and prov.get("source")}


# ---------------------------------------------------------------------------- the guard
@pytest.mark.parametrize("keys, kind, outcome, what", [
    (["routing.hap_triage.U1"], "share_scale", "home_visit", "routing.hap_triage.U1"),
    (["care.ambulance.a1_norm_min"], "value", None, "care.ambulance.a1_norm_min"),
    (["routing.hap_triage.U2", "routing.hap_triage.U1"], "share_scale", "consult", "routing.hap_triage.U1"),
])
def test_explicit_sourced_key_is_refused_in_one_line(noord, keys, kind, outcome, what):
    bounds = (10.0, 20.0) if kind == "value" else (0.5, 2.0)
    cal = _with_parameter(keys, kind, outcome, bounds)
    with pytest.raises(ScenarioError) as err:
        resolve_parameters(cal, noord, "calibration/targets.yaml")
    msg = str(err.value)
    assert msg.startswith("calibration/targets.yaml: key parameters.probe.keys: ") and "\n" not in msg
    assert f"'{what}' is a sourced figure" in msg and "only estimates may be fitted" in msg


def test_wildcard_skips_sourced_figures_and_lists_them(noord):
    (probe,) = resolve_parameters(_with_parameter(["routing.hap_triage.*"]), noord, "cal.yaml")
    assert [".".join(p) for p in probe.paths] == ["routing.hap_triage.U2", "routing.hap_triage.U3",
                                                  "routing.hap_triage.U4"]
    assert [key for key, _src in probe.skipped] == ["routing.hap_triage.U1"]
    assert "Fam" in probe.skipped[0][1]
    for factor in (0.5, 2.0):
        out = apply(noord, [probe], np.array([factor]))
        assert out["routing"]["hap_triage"]["U1"] == noord["routing"]["hap_triage"]["U1"]
        assert out["routing"]["hap_triage"]["U2"] != noord["routing"]["hap_triage"]["U2"]


def test_wildcard_matching_only_sourced_figures_is_an_error(noord):
    cal = _with_parameter(["care.ambulance.a1_norm_mi?"], "value", None, (10.0, 20.0))
    with pytest.raises(ScenarioError, match=r"parameters.probe.keys: 'care.ambulance.a1_norm_mi\?' matches only "
                                            r"sourced figures"):
        resolve_parameters(cal, noord, "cal.yaml")


def test_source_of_finds_the_enclosing_figure(noord):
    assert source_of(noord, ("routing", "hap_triage", "U1", "shares", "consult")).startswith("Plat et al.")
    assert source_of(noord, ("routing", "hap_triage", "U2")) is None
    assert source_of(noord, ("care", "ambulance", "a1_norm_min", "value")) is not None


@pytest.mark.parametrize("region", known_regions())
def test_calibration_never_changes_a_sourced_figure(region):
    """Every corner of the shipped parameters' bounds, applied to the region's uncalibrated inputs."""
    cal = load_calibration(SHIPPED)
    raw = _uncalibrated(region)
    before = copy.deepcopy(_sourced(raw))
    assert before, "the uncalibrated scenario has sourced figures"
    params = resolve_parameters(cal, raw, str(SHIPPED))
    corners = [np.array([f.spec.bounds[0] for f in params]), np.array([f.spec.bounds[1] for f in params])]
    corners += [np.array(c) for c in itertools.islice(
        itertools.product(*[f.spec.bounds for f in params]), 0, 2 ** len(params), 997)]
    for theta in corners:
        assert _sourced(apply(raw, params, theta)) == before


# ----------------------------------------------------------------------- shipped overlay
def test_shipped_overlay_overrides_no_sourced_figure():
    overlay = yaml.safe_load(OVERLAY.read_text(encoding="utf-8"))
    keys = [key for key, _items, prov in walk(overlay) if prov is not None]
    assert len(keys) >= 10
    for region in known_regions():
        raw = _uncalibrated(region)
        for key in keys:
            source = source_of(raw, tuple(str(k) for k in key))
            assert source is None, f"{OVERLAY.name} overrides {dotted(key)}, sourced in {region}: {source}"


# ------------------------------------------------------------------------- source texts
def _yaml_sources() -> list[tuple[str, str, str]]:
    files = sorted(itertools.chain((ROOT / "scenarios").rglob("*.yaml"), (ROOT / "calibration").rglob("*.yaml"),
                                   (ROOT / "sim" / "data").rglob("*.yaml")))

    def go(node: object, key: str, path: Path) -> list[tuple[str, str, str]]:
        found = []
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "source" and isinstance(v, str):
                    found.append((str(path.relative_to(ROOT)), key, v))
                else:
                    found += go(v, f"{key}.{k}" if key else str(k), path)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                found += go(v, f"{key}[{i}]", path)
        return found

    return [s for f in files for s in go(yaml.safe_load(f.read_text(encoding="utf-8")), "", f)]


SOURCES = _yaml_sources()


def test_sources_were_found_in_every_kind_of_file():
    files = {f for f, _k, _s in SOURCES}
    assert any(f.startswith("scenarios/_national") for f in files)
    assert "calibration/targets.yaml" in files
    assert len(SOURCES) >= 40


@pytest.mark.parametrize("file, key, text", SOURCES, ids=[f"{f}:{k}" for f, k, _s in SOURCES])
def test_every_source_is_a_document_with_its_year(file, key, text):
    problem = source_problem(text)
    assert problem is None, f"{file}: key {key}: source {problem}: {text[:100]}"


@pytest.mark.parametrize("text, problem", [
    ("issue 2 KPI hap_answer_within_2min_share (sector norm: answer within 2 minutes)", "issue"),
    ("see #12", "issue"),
    ("KPI from the benchmark 2022", "KPI"),
    ("as zcc_answer_within_2min_share in 2023", "model key or KPI"),
    ("vzinfo.nl ambulancezorg: A1 on scene within 15 minutes", "no year"),
    ("Fam Pract (urban district): of 1,081 U1 calls", "no year"),
])
def test_source_problems_are_caught(text, problem):
    found = source_problem(text)
    assert found is not None and problem in found


@pytest.mark.parametrize("text", [
    "NZa kerncijfers acute zorg 2021: 0.62 M direct SEH arrivals",
    "BMC Fam Pract 2015, s12875-015-0376-9: HAP outcomes",
])
def test_documents_with_a_year_pass(text):
    assert source_problem(text) is None
