"""Bad scenario files give one line naming the file, the key and what is expected.

Test plan (deterministic cases, one known mistake per file): for each kind of
mistake (unknown key, wrong type, negative capacity, unknown region, roster of
wrong length, broken YAML, a missing extends target, an override without
provenance, a site outside the region) `acutesim validate` exits 2 and prints
exactly one line on stderr that names the offending file and key; a good file
exits 0; a distribution given with its kind replaces the one before it whole,
one given by its mean keeps the cv; a command-line option that replaces a bad value
in the file (``--days`` over ``days: .nan``) does not let the file run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.cli.main import main
from tests.helpers import NOORD


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(f"extends: {NOORD}\n{body}", encoding="utf-8")
    return path


def _validate(path: Path, capsys) -> tuple[int, str]:
    code = main(["validate", str(path)])
    err = capsys.readouterr().err
    return code, err


CASES = {
    "unknown_key": ("desks:\n  hap_triage:\n    handling_time: 5\n", "desks.hap_triage.handling_time", "unknown key"),
    "wrong_type": ("run:\n  days: many\n", "run.days", "number"),
    "negative_capacity": ("resources:\n  beds:\n    hospital: {value: -5, estimate: x}\n",
                          "resources.beds.hospital.value", "greater than or equal to 0"),
    "unknown_region": ("region: atlantis\n", "region", "unknown region 'atlantis'"),
    "roster_length": ("resources:\n  elv_point_roster: {values: [1, 2, 3], estimate: x}\n",
                      "resources.elv_point_roster.values", "168"),
    "no_provenance": ("resources:\n  beds:\n    hospital: {value: 50}\n", "resources.beds.hospital.value",
                      "source"),
    "both_provenance": ("resources:\n  beds:\n    hospital: {value: 5, source: a, estimate: b}\n",
                        "resources.beds.hospital", "exactly one"),
    "mix_not_one": ("routing:\n  dispatch: {shares: {A1: 0.5, A2: 0.4}, estimate: x}\n",
                    "routing.dispatch.shares", "sum to 1"),
    "site_outside_region": ("resources:\n  meldkamer: {subarea: GM0363}\n", "resources.meldkamer.subarea",
                            "not a municipality"),
    "unknown_profile": ("streams:\n  hap_call: {profile: nope}\n", "streams.hap_call.profile", "unknown profile"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_file_gives_one_line(case, tmp_path, capsys):
    body, key, expectation = CASES[case]
    path = _write(tmp_path, body)
    code, err = _validate(path, capsys)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert str(path) in lines[0] and key in lines[0] and expectation in lines[0], lines[0]
    assert "Traceback" not in err


def test_broken_yaml(tmp_path, capsys):
    path = tmp_path / "broken.yaml"
    path.write_text("name: x\nrun: {days: 3\n", encoding="utf-8")
    code, err = _validate(path, capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert str(path) in err and "broken YAML at line" in err


def test_missing_extends_target(tmp_path, capsys):
    path = tmp_path / "orphan.yaml"
    path.write_text("extends: nowhere.yaml\n", encoding="utf-8")
    code, err = _validate(path, capsys)
    assert code == 2 and "key extends" in err and "nowhere.yaml" in err


def test_missing_file(tmp_path, capsys):
    code, err = _validate(tmp_path / "absent.yaml", capsys)
    assert code == 2 and "file not found" in err


def test_good_file_and_single_value_override(tmp_path, capsys):
    path = _write(tmp_path, "resources:\n  beds:\n    hospital: {value: 900, estimate: planner test}\n")
    assert main(["validate", str(path)]) == 0
    from sim.config.loader import load_scenario
    sc = load_scenario(path)
    assert sc.resources.beds["hospital"].value == 900
    beds = sc.resources.beds["hospital"]
    assert beds.estimate == "planner test" and beds.source is None
    assert sc.resources.beds["elv"] == load_scenario(NOORD).resources.beds["elv"]


def test_a_distribution_given_anew_replaces_the_old_one_whole(tmp_path, capsys):
    path = _write(tmp_path, "care:\n  seh:\n    los_home: {dist: fixed, mean: 60, estimate: planner test}\n")
    from sim.config.loader import load_scenario
    los = load_scenario(path).care.seh.los_home
    assert (los.dist, los.mean, los.cv) == ("fixed", 60.0, None)
    path = _write(tmp_path, "care:\n  seh:\n    los_home: {mean: 60, estimate: planner test}\n")
    assert load_scenario(path).care.seh.los_home.cv == load_scenario(NOORD).care.seh.los_home.cv


@pytest.mark.parametrize("command", ["run", "compare"])
def test_an_option_that_replaces_a_bad_value_does_not_hide_it(tmp_path, capsys, command):
    """`--days 1` replaces `run.days: .nan` in the file; the file is still refused, before any simulation."""
    path = _write(tmp_path, "run:\n  days: .nan\n")
    scenarios = [str(path)] if command == "run" else [str(NOORD), str(path)]
    code = main([command, *scenarios, "-n", "1", "--days", "1", "--out", str(tmp_path / "out")])
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and lines == [f"error: {path}: key run.days: input should be a finite number (got nan)"]
    assert not (tmp_path / "out").exists()
