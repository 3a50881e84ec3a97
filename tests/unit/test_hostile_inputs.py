"""Hostile inputs: every malformed scenario, experiment or command line gives one line, exit 2.

Test plan (deterministic cases, one known mistake each, as a careless or unlucky user makes
them): for each of the cases below the command exits 2 before any simulation, prints exactly
one line on stderr, no traceback, and that line names the file where the mistake was made
(the extending file, the experiment file) and the key (a scenario key, a grid key, an
option). The mistakes that used to run silently with wrong results (NaN in a mix, a zero or
infinite speed, ``true`` as a number, duplicate keys, an inverted surge, a lognormal mean of
0, ``--workers 0``, a grid value listed twice) and those that gave a traceback (non-UTF-8
and binary files, an impossible date, an unknown zcc site or holiday country, a billion
beds, ``--days inf``) are all here. A legitimate but alarming what-if (zero beds, a stream
without demand) passes validation with one warning line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.cli.main import main
from tests.helpers import NOORD, ROOT

ZCC = ROOT / "scenarios" / "noord" / "zcc.yaml"
def fig(value: str) -> str:
    return f"{{value: {value}, estimate: t}}"


def dist(body: str) -> str:
    return f"{{{body}, estimate: t}}"


# name: (base, YAML body after `extends:`, key the message must name)
SCENARIO_CASES: dict[str, tuple[Path, str, str]] = {
    "mix_nan": (NOORD, "routing:\n  dispatch: {shares: {A1: .nan, A2: 0.5, no_ambulance: 0.5}, estimate: t}\n",
                "routing.dispatch.shares"),
    "mix_inf": (NOORD, "routing:\n  dispatch: {shares: {A1: .inf, A2: 0.5}, estimate: t}\n",
                "routing.dispatch.shares"),
    "mix_sum": (NOORD, "routing:\n  dispatch: {shares: {A1: 0.9, A2: 0.6}, estimate: t}\n", "routing.dispatch.shares"),
    "mix_negative": (NOORD, "routing:\n  dispatch: {shares: {A1: -0.5, A2: 1.5}, estimate: t}\n",
                     "routing.dispatch.shares"),
    "mix_empty": (NOORD, "routing:\n  dispatch: {shares: {}, estimate: t}\n", "routing.dispatch.shares"),
    "mix_bool": (NOORD, "routing:\n  dispatch: {shares: {A1: true, A2: 0}, estimate: t}\n",
                 "routing.dispatch.shares"),
    "mix_unknown_outcome": (NOORD, "routing:\n  followup_mix: {shares: {elv: 0.5, moon: 0.5}, estimate: t}\n",
                            "routing.followup_mix"),
    "speed_zero": (NOORD, f"care:\n  ambulance:\n    urgent_speed_kmh: {fig('0')}\n",
                   "care.ambulance.urgent_speed_kmh"),
    "speed_inf": (NOORD, f"care:\n  ambulance:\n    normal_speed_kmh: {fig('.inf')}\n",
                  "care.ambulance.normal_speed_kmh"),
    "speed_negative": (NOORD, f"care:\n  hap:\n    car_speed_kmh: {fig('-5')}\n", "care.hap.car_speed_kmh"),
    "speed_huge": (NOORD, f"care:\n  hap:\n    car_speed_kmh: {fig('1e6')}\n", "care.hap.car_speed_kmh"),
    "bool_beds": (NOORD, f"resources:\n  beds:\n    elv: {fig('true')}\n", "resources.beds.elv.value"),
    "bool_days": (NOORD, "run:\n  days: true\n", "run.days"),
    "bool_share": (NOORD, f"routing:\n  seh_followup: {fig('false')}\n", "routing.seh_followup.value"),
    "bool_roster": (NOORD, "resources:\n  elv_point_roster: {values: [" + ", ".join(["true"] * 168)
                    + "], estimate: t}\n", "resources.elv_point_roster"),
    "duplicate_key": (NOORD, "run:\n  days: 3\n  days: 4\n", "run.days"),
    "duplicate_nested_key": (NOORD, "desks:\n  hap_triage:\n    handling: {dist: fixed, mean: 1, estimate: a}\n"
                                    "    handling: {dist: fixed, mean: 2, estimate: b}\n", "desks.hap_triage.handling"),
    "duplicate_top_key": (NOORD, "run: {days: 3}\nrun: {days: 4}\n", "run"),
    "surge_inverted": (NOORD, "streams:\n  hap_call:\n    surges: [{start: 2024-03-01, end: 2024-02-01, "
                       f"multiplier: {fig('2')}}}]\n", "streams.hap_call.surges"),
    "surge_impossible_date": (NOORD, "streams:\n  hap_call:\n    surges: [{start: 2024-02-30, end: 2024-03-01, "
                              f"multiplier: {fig('2')}}}]\n", "streams.hap_call.surges"),
    "surge_multiplier_nan": (NOORD, "streams:\n  hap_call:\n    surges: [{start: 2024-02-01, end: 2024-03-01, "
                             f"multiplier: {fig('.nan')}}}]\n", "streams.hap_call.surges"),
    "surge_multiplier_huge": (NOORD, "streams:\n  hap_call:\n    surges: [{start: 2024-02-01, end: 2024-03-01, "
                              f"multiplier: {fig('1e9')}}}]\n", "streams.hap_call.surges"),
    "lognormal_mean_zero": (NOORD, f"care:\n  seh:\n    los_home: {dist('dist: lognormal, mean: 0, cv: 1')}\n",
                            "care.seh.los_home"),
    "dist_mean_negative": (NOORD, f"care:\n  seh:\n    los_home: {dist('dist: exponential, mean: -3')}\n",
                           "care.seh.los_home.mean"),
    "dist_mean_nan": (NOORD, f"care:\n  seh:\n    los_home: {dist('dist: exponential, mean: .nan')}\n",
                      "care.seh.los_home.mean"),
    "dist_cv_zero": (NOORD, f"care:\n  seh:\n    los_home: {dist('dist: gamma, mean: 5, cv: 0')}\n",
                     "care.seh.los_home.cv"),
    "dist_cv_missing": (NOORD, f"care:\n  seh:\n    los_home: {dist('dist: gamma, mean: 5')}\n", "care.seh.los_home"),
    "dist_unknown_kind": (NOORD, f"care:\n  seh:\n    los_home: {dist('dist: weibull, mean: 5')}\n",
                          "care.seh.los_home.dist"),
    "dist_exponential_cv": (NOORD, f"care:\n  seh:\n    los_home: {dist('dist: exponential, mean: 5, cv: 1')}\n",
                            "care.seh.los_home"),
    "start_date_impossible": (NOORD, "run:\n  start_date: 2024-02-30\n", "run.start_date"),
    "start_date_text": (NOORD, "run:\n  start_date: someday\n", "run.start_date"),
    "start_date_bool": (NOORD, "run:\n  start_date: true\n", "run.start_date"),
    "beds_billion": (NOORD, f"resources:\n  beds:\n    elv: {fig('1000000000')}\n", "resources.beds.elv.value"),
    "beds_fraction": (NOORD, f"resources:\n  beds:\n    elv: {fig('2.5')}\n", "resources.beds.elv.value"),
    "beds_text": (NOORD, f"resources:\n  beds:\n    elv: {fig('many')}\n", "resources.beds.elv.value"),
    "beds_negative": (NOORD, f"resources:\n  beds:\n    hospital: {fig('-5')}\n", "resources.beds.hospital.value"),
    "beds_unknown_pool": (NOORD, f"resources:\n  beds:\n    attic: {fig('5')}\n", "resources.beds"),
    "vehicles_huge": (NOORD, "resources:\n  ambulance:\n    posts:\n      extra: {subarea: GM0014, vehicles: "
                      f"{fig('5000000')}}}\n", "resources.ambulance.posts.extra.vehicles.value"),
    "roster_huge": (NOORD, "resources:\n  elv_point_roster: {values: [" + ", ".join(["1000000"] * 168)
                    + "], estimate: t}\n", "resources.elv_point_roster.values"),
    "roster_negative": (NOORD, "resources:\n  elv_point_roster: {values: [" + ", ".join(["-1"] * 168)
                        + "], estimate: t}\n", "resources.elv_point_roster.values"),
    "roster_short": (NOORD, "resources:\n  elv_point_roster: {values: [1, 2], estimate: t}\n",
                     "resources.elv_point_roster.values"),
    "rate_huge": (NOORD, f"streams:\n  hap_call:\n    rate_per_1000_per_year: {fig('1e12')}\n",
                  "streams.hap_call.rate_per_1000_per_year"),
    "rate_negative": (NOORD, f"streams:\n  hap_call:\n    rate_per_1000_per_year: {fig('-1')}\n",
                      "streams.hap_call.rate_per_1000_per_year"),
    "rate_inf": (NOORD, f"streams:\n  hap_call:\n    rate_per_1000_per_year: {fig('.inf')}\n",
                 "streams.hap_call.rate_per_1000_per_year"),
    "growth_huge": (NOORD, f"streams:\n  hap_call:\n    growth: {fig('1e6')}\n", "streams.hap_call.growth"),
    "days_inf": (NOORD, "run:\n  days: .inf\n", "run.days"),
    "days_huge": (NOORD, "run:\n  days: 1e7\n", "run.days"),
    "days_zero": (NOORD, "run:\n  days: 0\n", "run.days"),
    "warmup_nan": (NOORD, "run:\n  warmup_days: .nan\n", "run.warmup_days"),
    "replications_zero": (NOORD, "run:\n  replications: 0\n", "run.replications"),
    "replications_huge": (NOORD, "run:\n  replications: 1000000000\n", "run.replications"),
    "seed_negative": (NOORD, "run:\n  seed: -1\n", "run.seed"),
    "share_above_one": (NOORD, f"routing:\n  seh_followup: {fig('1.5')}\n", "routing.seh_followup.value"),
    "holiday_country": (NOORD, "calendar:\n  holiday_country: XX\n", "calendar.holiday_country"),
    "unknown_region": (NOORD, "region: atlantis\n", "region"),
    "unknown_setting": (NOORD, "setting: anarchy\n", "setting"),
    "unknown_top_key": (NOORD, "colour: blue\n", "colour"),
    "unknown_nested_key": (NOORD, "run:\n  dayz: 3\n", "run.dayz"),
    "meldkamer_outside": (NOORD, "resources:\n  meldkamer: {subarea: GM0363}\n", "resources.meldkamer.subarea"),
    "zcc_site_outside": (ZCC, "zcc:\n  locations:\n    sites: {far: {subarea: GM0363}}\n", "zcc.locations.sites"),
    "zcc_site_unknown": (ZCC, "zcc:\n  locations:\n    sites: {nowhere: {subarea: GM9999}}\n",
                         "zcc.locations.sites"),
    "zcc_residence_unknown": (ZCC, "zcc:\n  locations:\n    staff_residence: {GM9999: 1.0}\n",
                              "zcc.locations.staff_residence"),
    "zcc_mode_unknown": (ZCC, "zcc:\n  locations:\n    mode: scattered\n", "zcc.locations.mode"),
    "zcc_staffing_unknown": (ZCC, "zcc:\n  staffing: nobody\n", "zcc.staffing"),
    "zcc_flag_number": (ZCC, "zcc:\n  flows:\n    provider_line: 7\n", "zcc.flows.provider_line"),
    "unknown_profile": (NOORD, "streams:\n  hap_call: {profile: nope}\n", "streams.hap_call.profile"),
}


def _one_line(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def _main(argv: list[str]) -> int:
    try:
        return main(argv)
    except SystemExit as exc:  # argparse
        return int(exc.code or 0)


@pytest.mark.parametrize("case", sorted(SCENARIO_CASES))
def test_malformed_scenario(case, tmp_path, capsys):
    base, body, key = SCENARIO_CASES[case]
    path = tmp_path / f"{case}.yaml"
    path.write_text(f"extends: {base}\n{body}", encoding="utf-8")
    # validate and run share the one check; run is tried on every third case
    runs = [["run", str(path), "--out", str(tmp_path / "out")]] if sorted(SCENARIO_CASES).index(case) % 3 == 0 else []
    for argv in (["validate", str(path)], *runs):
        assert _main(argv) == 2, argv
        line = _one_line(capsys)
        assert line.startswith(f"error: {path}: ") and f"key {key}" in line, line


# name: (file content as bytes, what the message must say)
FILE_CASES: dict[str, tuple[bytes, str]] = {
    "latin1": ("name: caf\u00e9\n".encode("latin-1"), "not a UTF-8 text file"),
    "binary": (bytes(range(256)) * 4, "not a UTF-8 text file"),
    "nul_bytes": (b"name: a\x00b\n", "binary file"),
    "broken_yaml": (b"name: x\nrun: {days: 3\n", "broken YAML at line"),
    "tabs": (b"run:\n\tdays: 3\n", "broken YAML"),
    "top_level_list": (b"- 1\n- 2\n", "top level must be a mapping"),
    "extends_missing": (b"extends: nowhere.yaml\n", "key extends"),
    "extends_number": (b"extends: 5\n", "key extends"),
    "empty_file": (b"", "key region"),
}


@pytest.mark.parametrize("case", sorted(FILE_CASES))
def test_unreadable_or_broken_file(case, tmp_path, capsys):
    content, expected = FILE_CASES[case]
    path = tmp_path / f"{case}.yaml"
    path.write_bytes(content)
    assert _main(["validate", str(path)]) == 2
    line = _one_line(capsys)
    assert str(path) in line and expected in line, line


def test_circular_extends_and_folder(tmp_path, capsys):
    path = tmp_path / "self.yaml"
    path.write_text("extends: self.yaml\n", encoding="utf-8")
    assert _main(["validate", str(path)]) == 2
    assert "circular" in _one_line(capsys)
    assert _main(["validate", str(tmp_path)]) == 2
    assert "cannot read file" in _one_line(capsys)


EXP_HEAD = "name: hostile\nreplications: 1\nseed: 1\n"
# name: (experiment file body, key the message must name)
EXPERIMENT_CASES: dict[str, tuple[str, str]] = {
    "no_scenarios": ("name: x\nscenarios: []\nreplications: 1\nseed: 1\n", "scenarios"),
    "grid_repeated": (f"{EXP_HEAD}scenarios: [{ZCC}]\ngrid:\n  zcc.locations.mode: [pooled, pooled]\n",
                      "grid.zcc.locations.mode"),
    "grid_bad_value": (f"{EXP_HEAD}scenarios: [{ZCC}]\ngrid:\n  zcc.locations.mode: [pooled, weird]\n",
                       "grid.zcc.locations.mode"),
    "grid_unknown_key": (f"{EXP_HEAD}scenarios: [{ZCC}]\ngrid:\n  zcc.nonsense: [1]\n", "grid.zcc.nonsense"),
    "grid_share_above_one": (f"{EXP_HEAD}scenarios: [{ZCC}]\ngrid:\n  zcc.substitution.seh.value: "
                             "{values: [0.1, 2.0], estimate: t}\n", "grid.zcc.substitution.seh.value"),
    "grid_nan_days": (f"{EXP_HEAD}scenarios: [{ZCC}]\ngrid:\n  run.days: [.nan]\n", "grid.run.days"),
    "grid_bool_beds": (f"{EXP_HEAD}scenarios: [{NOORD}]\ngrid:\n  resources.beds.elv.value: "
                       "{values: [true], estimate: t}\n", "grid.resources.beds.elv.value"),
    "grid_empty": (f"{EXP_HEAD}scenarios: [{ZCC}]\ngrid:\n  zcc.locations.mode: []\n", "grid.zcc.locations.mode"),
    "replications_bool": (f"name: x\nscenarios: [{ZCC}]\nreplications: true\nseed: 1\n", "replications"),
    "replications_huge": (f"name: x\nscenarios: [{ZCC}]\nreplications: 100000000\nseed: 1\n", "replications"),
    "seed_negative": (f"name: x\nscenarios: [{ZCC}]\nreplications: 1\nseed: -4\n", "seed"),
    "days_inf": (f"{EXP_HEAD}scenarios: [{ZCC}]\ndays: .inf\n", "days"),
    "base_missing": (f"{EXP_HEAD}scenarios: [nowhere.yaml]\n", "scenarios.0"),
    "unknown_key": (f"{EXP_HEAD}scenarios: [{ZCC}]\ncolour: blue\n", "colour"),
    "duplicate_key": (f"{EXP_HEAD}scenarios: [{ZCC}]\nseed: 2\n", "seed"),
    "precision_unknown_kpi": (f"{EXP_HEAD}scenarios: [{ZCC}]\ndays: 1\nprecision: {{kpi: nonsense_kpi, "
                              "relative_half_width: 0.1, max_replications: 4}\n", "precision.kpi"),
}


@pytest.mark.parametrize("case", sorted(EXPERIMENT_CASES))
def test_malformed_experiment(case, tmp_path, capsys):
    body, key = EXPERIMENT_CASES[case]
    path = tmp_path / f"{case}.yaml"
    path.write_text(body, encoding="utf-8")
    command = "validate" if case.startswith("precision") else "experiment"  # validate runs the same check
    assert _main([command, str(path), *(["--out", str(tmp_path / "out")] if command == "experiment" else [])]) == 2
    line = _one_line(capsys)
    assert line.startswith(f"error: {path}: ") and f"key {key}" in line and "<command line>" not in line, line
    assert not (tmp_path / "out").exists()


# (argv after the command's file argument(s), option the message must name)
CLI_CASES: dict[str, tuple[list[str], str]] = {
    "run_workers_zero": (["run", str(NOORD), "--workers", "0"], "--workers"),
    "run_workers_negative": (["run", str(NOORD), "--workers", "-1"], "--workers"),
    "run_days_inf": (["run", str(NOORD), "--days", "inf"], "--days"),
    "run_days_nan": (["run", str(NOORD), "--days", "nan"], "--days"),
    "run_days_zero": (["run", str(NOORD), "--days", "0"], "--days"),
    "run_days_huge": (["run", str(NOORD), "--days", "1e9"], "--days"),
    "run_days_text": (["run", str(NOORD), "--days", "many"], "--days"),
    "run_n_zero": (["run", str(NOORD), "-n", "0"], "--replications"),
    "run_n_huge": (["run", str(NOORD), "-n", "100000000"], "--replications"),
    "run_seed_negative": (["run", str(NOORD), "--seed", "-1"], "--seed"),
    "run_seed_text": (["run", str(NOORD), "--seed", "abc"], "--seed"),
    "compare_workers_zero": (["compare", str(NOORD), str(ZCC), "--workers", "0"], "--workers"),
    "compare_days_inf": (["compare", str(NOORD), str(ZCC), "--days", "inf"], "--days"),
    "experiment_workers_zero": (["experiment", "x.yaml", "--workers", "0"], "--workers"),
    "warmup_n_zero": (["warmup", str(NOORD), "-n", "0"], "--replications"),
    "unknown_option": (["run", str(NOORD), "--colour", "blue"], "--colour"),
}


@pytest.mark.parametrize("case", sorted(CLI_CASES))
def test_bad_command_line(case, capsys):
    argv, option = CLI_CASES[case]
    assert _main(argv) == 2
    line = _one_line(capsys)
    assert line.startswith("error: ") and option in line, line


def test_missing_scenario_of_a_run(tmp_path, capsys):
    assert _main(["compare", str(NOORD), str(tmp_path / "absent.yaml"), "--days", "1"]) == 2
    line = _one_line(capsys)
    assert str(tmp_path / "absent.yaml") in line and "file not found" in line


def test_zero_capacity_and_zero_demand_warn_once(tmp_path, capsys):
    path = tmp_path / "what_if.yaml"
    path.write_text(f"extends: {NOORD}\nresources:\n  beds:\n    elv: {fig('0')}\n"
                    f"streams:\n  hap_walk_in:\n    rate_per_1000_per_year: {fig('0')}\n", encoding="utf-8")
    assert _main(["validate", str(path)]) == 0
    line = _one_line(capsys)
    assert line.startswith(f"warning: {path}: ") and "resources.beds.elv" in line and "streams.hap_walk_in" in line
    assert _main(["validate", str(NOORD)]) == 0
    assert capsys.readouterr().err == ""


def test_case_count():
    total = len(SCENARIO_CASES) + len(FILE_CASES) + len(EXPERIMENT_CASES) + len(CLI_CASES) + 3
    assert total >= 60
