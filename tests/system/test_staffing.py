"""The staffing search (`acutesim staffing`, sim/plan/staffing.py) and the per-block KPIs it measures.

Test plan: the per-block counts add up to the line's own counts (so the block
KPIs describe the same calls as zcc_answer_within_2min_share); the Erlang C
start for one group with constant load equals servers_for_service_level hour
by hour (and respects the minimum); primary groups follow the desk's
specialists-first routing; target strings are parsed safely and bad ones give
one clear line (exit 2 from the CLI); the search is reproducible (same seed,
same roster) and the roster it finds meets the target in a fresh simulation
with another seed (fast: a small region, short runs; full size: slow).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import yaml

from sim.cli.main import main
from sim.config.loader import load_scenario
from sim.chain.model import Model
from sim.theory.queueing import servers_for_service_level
from sim.plan.staffing import (Loads, Target, TargetError, with_run, erlang_start, measure, option_from, parse_target,
                          primary_groups, search, with_option)
from tests.helpers import ROOT

NOORD_ZCC = ROOT / "scenarios" / "noord" / "zcc.yaml"
SMALL_ZCC = ROOT / "scenarios" / "euregio" / "zcc.yaml"
TARGET = "zcc_answer_within_2min_share>=0.9"


@pytest.mark.quick
def test_block_counts_add_up_to_the_line_counts():
    sc = load_scenario(NOORD_ZCC, {"run": {"days": 2, "warmup_days": 1}})
    m = Model(sc, 0).run()
    c = m.metrics.counts
    for line in ("zcc_patient_line", "zcc_provider_line"):
        attempts = sum(v for k, v in c.items() if k.startswith(f"{line}.by_block.") and k.endswith(".attempts"))
        within = sum(v for k, v in c.items() if k.startswith(f"{line}.by_block.") and k.endswith(".within"))
        assert attempts == c[f"{line}.attempts"] > 0
        assert within == c[f"{line}.answered_within_norm"]


@pytest.mark.quick
def test_block_kpis_weighted_by_calls_give_the_overall_share():
    from sim.measure.kpis import compute

    sc = load_scenario(NOORD_ZCC, {"run": {"days": 2, "warmup_days": 1}})
    m = Model(sc, 0).run()
    k = compute(m)
    c = m.metrics.counts
    blocks = [n for n in k if n.startswith("zcc_answer_within_2min_share_by_block.") and n.count(".") == 1]
    assert len(blocks) == 42 and blocks[0].endswith(".mon00") and blocks[-1].endswith(".sun20")
    num = den = 0.0
    for b in range(42):
        n = sum(v for key, v in c.items() if key.startswith("zcc_patient_line.by_block.")
                and key.endswith(f".{b}.attempts"))
        if n:
            num += k[blocks[b]] * n
            den += n
    assert num / den == pytest.approx(k["zcc_answer_within_2min_share"], rel=1e-12)


@pytest.mark.quick
def test_erlang_start_for_one_group_with_constant_load_matches_erlang_c():
    for load, handling, minimum in ((3.7, 6.0, 1), (0.0, 5.0, 1), (12.0, 8.0, 0), (0.2, 4.0, 2)):
        loads = Loads({"only": {"zcc": np.full(168, load)}}, {"only": np.full(168, handling)})
        start = erlang_start(loads, 0.9, 2.0, minimum)
        expected = servers_for_service_level(load, handling, 2.0, 0.9, minimum)
        assert start == {"only": [expected] * 168}
        assert expected >= minimum
    # Independently: the explicit Erlang C sum says c meets 80% within 20 s and c - 1 does not.
    loads = Loads({"only": {"zcc": np.full(168, 10.0)}}, {"only": np.full(168, 3.0)})
    c = erlang_start(loads, 0.8, 20 / 60, 1)["only"][0]
    assert _service_level(c, 10.0, 3.0, 20 / 60) >= 0.8 > _service_level(c - 1, 10.0, 3.0, 20 / 60)


def _service_level(c: int, a: float, aht: float, t: float) -> float:
    """P(wait <= t) in M/M/c from the textbook Erlang C sum (not sim.theory.queueing)."""
    if c <= a:
        return 0.0
    top = a ** c / math.factorial(c) * c / (c - a)
    p_wait = top / (sum(a ** k / math.factorial(k) for k in range(c)) + top)
    return 1 - p_wait * math.exp(-(c - a) * t / aht)


@pytest.mark.quick
def test_primary_groups_are_the_specialists():
    sc = load_scenario(NOORD_ZCC)
    assert primary_groups(sc) == {"gp_triagist": "triagist", "ambulance_nurse": "nurse", "mental_health": "ggz",
                                  "coordinator": "coordinator", "district_nursing": "coordinator"}


@pytest.mark.quick
def test_target_parsing():
    known = lambda: ["zcc_answer_within_2min_share", "hap_answer_within_2min_share", "seh_arrivals_per_day"]  # noqa: E731
    assert parse_target(" zcc_answer_within_2min_share >= 0.9 ", known) == Target("zcc_answer_within_2min_share",
                                                                                  ">=", 0.9)
    assert parse_target("zcc_provider_answer_within_2min_share<=.5", known).op == "<="
    for bad, words in (("zcc_answer_within_2min_share>0.9", "expected 'KPI>=NUMBER'"),
                       ("__import__('os')>=1", "expected 'KPI>=NUMBER'"),
                       ("zcc_answer_within_2min_share>=0.9; rm", "expected"),
                       ("zcc_answr_within_2min_shar>=0.9", "similar names: zcc_answer_within_2min_share"),
                       ("seh_arrivals_per_day<=30", "not measured per hour block"),
                       ("zcc_answer_within_2min_share>=90", "expected a number in [0, 1]")):
        with pytest.raises(TargetError) as err:
            parse_target(bad, known)
        assert words in str(err.value) and "\n" not in str(err.value)
    t = Target("x", ">=", 0.9)
    assert t.met(0.93, 0.02) and not t.met(0.91, 0.02) and not t.met(float("nan"))


@pytest.mark.quick
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


@pytest.mark.quick
@pytest.mark.reproducibility
def test_search_is_reproducible(small_search):
    sc, target, first = small_search
    again = search(sc, target, 1, workers=1, max_iterations=4, scenario_path=SMALL_ZCC)
    assert again.rosters == first.rosters and again.history == first.history


@pytest.mark.quick
def test_roster_found_meets_the_target_with_another_seed(small_search):
    sc, target, result = small_search
    assert result.iterations >= 1
    fresh = with_option(_fast(SMALL_ZCC, 99, days=14), "searched", option_from(sc, result.rosters, "test", "test"))
    k = measure(fresh, 1, 1)
    assert k[target.kpi] >= target.value
    blocks = [v for n, v in k.items() if n.startswith(f"{target.kpi}_by_block.") and n.count(".") == 1
              and not math.isnan(v)]
    assert sum(v >= target.value for v in blocks) >= 0.9 * len(blocks)


@pytest.mark.quick
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
