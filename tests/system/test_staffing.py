"""The staffing search and `acutesim staffing` end to end.

Test plan (a fresh simulation with another seed; deterministic case): a bad
target on the command line gives one clear line and exit 2; the search is
reproducible (same seed, same roster); the roster it finds meets the target in a
fresh simulation with another seed, overall and in nearly every hour block
(fast: a small region, short runs; full size: slow); the command writes an
option file and a scenario that loads and carries the searched rosters. The
search's parts are in tests/unit/test_staffing_parts.py, the per-block KPIs in
tests/functional/test_staffing_blocks.py.
"""

from __future__ import annotations

import math

import pytest
import yaml

from sim.cli.main import main
from sim.config.loader import load_scenario
from sim.plan.staffing import measure, option_from, parse_target, search, with_option, with_run
from tests.helpers import ROOT

NOORD_ZCC = ROOT / "scenarios" / "noord" / "zcc.yaml"
SMALL_ZCC = ROOT / "scenarios" / "euregio" / "zcc.yaml"
TARGET = "zcc_answer_within_2min_share>=0.9"


def test_bad_target_on_the_command_line_is_one_line_and_exit_2(capsys, tmp_path):
    code = main(["staffing", str(SMALL_ZCC), "--target", "zcc_answer_within_2min_shre>=0.9",
                 "--out", str(tmp_path / "x.yaml")])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "\n" not in err
    assert err.startswith("error: --target: unknown KPI 'zcc_answer_within_2min_shre'")
    assert "zcc_answer_within_2min_share" in err
    assert not (tmp_path / "x.yaml").exists()


def _fast(path, seed: int, days: float = 4):
    return load_scenario(path, {"run": {"seed": seed, "days": days, "warmup_days": 1}})


@pytest.fixture(scope="module")
def small_search():
    sc = _fast(SMALL_ZCC, 7)
    target = parse_target(TARGET, lambda: [])
    return sc, target, search(sc, target, 1, workers=1, max_iterations=4, scenario_path=SMALL_ZCC)


@pytest.mark.reproducibility
def test_search_is_reproducible(small_search):
    sc, target, first = small_search
    again = search(sc, target, 1, workers=1, max_iterations=4, scenario_path=SMALL_ZCC)
    assert again.rosters == first.rosters and again.history == first.history


def test_roster_found_meets_the_target_with_another_seed(small_search):
    sc, target, result = small_search
    assert result.iterations >= 1
    fresh = with_option(_fast(SMALL_ZCC, 99, days=14), "searched", option_from(sc, result.rosters, "test", "test"))
    k = measure(fresh, 1, 1)
    assert k[target.kpi] >= target.value
    blocks = [v for n, v in k.items() if n.startswith(f"{target.kpi}_by_block.") and n.count(".") == 1
              and not math.isnan(v)]
    assert len(blocks) >= 21  # at least half the 42 four-hour blocks had calls, or the share below says nothing
    assert sum(v >= target.value for v in blocks) >= 0.9 * len(blocks)


def test_cli_writes_a_usable_option_and_scenario(tmp_path, capsys):
    out = tmp_path / "opt.yaml"
    short = tmp_path / "short_warmup.yaml"  # the desk needs no two-week warm-up; keeps the test fast
    short.write_text(f"extends: {SMALL_ZCC}\nname: euregio_zcc_short\nrun: {{warmup_days: 1}}\n")
    code = main(["staffing", str(short), "--target", TARGET, "--out", str(out), "-n", "1", "--days", "2",
                 "--confirm-days", "2", "--max-iterations", "1", "--workers", "1", "--seed", "3"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "FTE" in printed and "searched" in printed
    option = yaml.safe_load(out.read_text())["zcc"]["staffing_options"]["searched"]
    for group in option["groups"].values():
        assert len(group["roster"]["values"]) == 168
        assert "acutesim staffing" in group["roster"]["estimate"] and "--seed 3" in group["roster"]["estimate"]
    scen = load_scenario(tmp_path / "opt.scenario.yaml")
    assert scen.zcc.staffing == "searched"
    assert scen.zcc.option.groups["triagist"].roster.values == option["groups"]["triagist"]["roster"]["values"]


@pytest.mark.slow
def test_full_size_roster_meets_the_target_with_another_seed():
    sc = load_scenario(NOORD_ZCC, {"run": {"days": 21}})
    target = parse_target(TARGET, lambda: [])
    result = search(sc, target, 2, workers=2, scenario_path=NOORD_ZCC)
    fresh = with_option(with_run(sc, days=56, seed=sc.run.seed + 1000), "searched",
                        option_from(sc, result.rosters, "test", "test"))
    k = measure(fresh, 2, 2)
    assert k[target.kpi] >= target.value
    blocks = [v for n, v in k.items() if n.startswith(f"{target.kpi}_by_block.") and n.count(".") == 1
              and not math.isnan(v)]
    # The search stops on its own seed's luck (all 126 skill blocks pass at once), so with a fresh seed a
    # block may land just under the target: about 1.5 standard errors (~0.03) for the smallest blocks.
    assert sum(v >= target.value for v in blocks) >= 0.95 * len(blocks)
    assert min(blocks) >= target.value - 0.03
