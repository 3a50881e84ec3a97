"""Evidence ranges and sensitivity files: checked like every input, applied as written.

Test plan (hand-made cases, each check can fail; deterministic):
- the shipped evidence ranges load, every range has exactly one of source/estimate and reasoning
  (evidence), and every scenario-III input the issue names is covered;
- a bad ranges or sensitivity file is refused by ``acutesim validate`` with exit 2 and one line
  naming the file and the key: unknown key path, a key naming no number, low above high, the
  scenario's value outside the range, a share range beyond 0..1, no provenance, a bool for a
  number, two ranges on one figure, an end that makes the scenario invalid, a missing ranges file,
  an unknown method field;
- overrides by hand: a share set to x leaves the mix summing to 1 with the other shares in their
  old proportions; a zcc key is not applied to the status quo; a distribution keeps dist and cv;
- sampling: unit samples map to low + u (high - low); a zero-width range is a constant; the
  status quo untouched by any range is one design point shared by every sample;
- top inputs: every ranking KPI's own top inputs by mu_star, taken in turn, by hand.
"""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from sim.cli.main import main
from sim.config.loader import load_raw
from sim.fit.sensitivity import (
    MorrisSpec,
    Parameter,
    StageResult,
    load_ranges,
    morris_noise_floor,
    overrides,
    resolve_parameters,
    top_inputs,
    unit_samples,
    values_of,
)
from tests.helpers import ROOT

RANGES = ROOT / "scenarios" / "_national" / "evidence_ranges.yaml"
SQ = ROOT / "scenarios" / "noord" / "status_quo.yaml"
ZCC = ROOT / "scenarios" / "noord" / "zcc.yaml"


def _main(argv: list[str]) -> int:
    try:
        return main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)


def _one_line(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_shipped_ranges_cover_the_scenario_iii_inputs():
    ranges = load_ranges(RANGES).ranges
    for key in ("zcc.flows.warm_transfer_share.A2", "zcc.handling.ambulance_after_extended_triage",
                "zcc.substitution.ambulance", "zcc.substitution.seh",
                "zcc.handling.extended_triage_outcome.shares.self_care", "zcc.handling.extended_triage.mean",
                "zcc.handling.patient_line.handling.mean", "zcc.capacity_insight_step.mean"):
        assert key in ranges, key
    assert any(not k.startswith("zcc.") for k in ranges)  # status-quo inputs the calibration left uncertain
    for key, r in ranges.items():
        assert r.low <= r.high and r.evidence and (r.source or r.estimate), key


def test_shipped_ranges_hold_the_noord_values():
    raws = {"sq": load_raw(SQ)[0], "zcc": load_raw(ZCC)[0]}
    params = resolve_parameters(load_ranges(RANGES), RANGES, raws)
    assert len(params) == len(load_ranges(RANGES).ranges)
    for p in params:
        assert p.low <= p.nominal <= p.high


def _files(tmp_path, ranges: dict, extra: str = "") -> str:
    # sort_keys: the file lists the keys alphabetically, so a message names the later one
    (tmp_path / "ranges.yaml").write_text(yaml.safe_dump({"ranges": ranges}, sort_keys=True), encoding="utf-8")
    path = tmp_path / "sens.yaml"
    path.write_text(f"""name: t
scenarios: [{SQ}, {ZCC}]
ranges: ranges.yaml
method: morris
morris: {{trajectories: 2}}
replications: 1
seed: 1
days: 1
{extra}""", encoding="utf-8")
    return str(path)


def _r(low, high, **kw):
    return {"low": low, "high": high, "evidence": "test", "estimate": "test range", **kw}


BAD = {
    "unknown_key": ({"zcc.flows.warm_transfer_share.A9": _r(0.1, 0.5)}, "ranges.zcc.flows.warm_transfer_share.A9",
                    "names no number"),
    "not_a_number": ({"zcc.flows": _r(0.1, 0.5)}, "ranges.zcc.flows", "names no number"),
    "low_above_high": ({"zcc.substitution.seh": _r(0.5, 0.1)}, "ranges.zcc.substitution.seh", "is above high"),
    "value_outside": ({"zcc.substitution.seh": _r(0.2, 0.4)}, "ranges.zcc.substitution.seh", "lies outside"),
    "share_beyond_one": ({"zcc.handling.extended_triage_outcome.shares.self_care": _r(0.2, 1.2)},
                         "ranges.zcc.handling.extended_triage_outcome.shares.self_care", "within 0..1"),
    "no_provenance": ({"zcc.substitution.seh": {"low": 0.05, "high": 0.2}}, "ranges.zcc.substitution.seh",
                      "source"),
    "both_provenances": ({"zcc.substitution.seh": _r(0.05, 0.2, source="Some report 2020")},
                         "ranges.zcc.substitution.seh", "exactly one"),
    "source_without_year": ({"zcc.substitution.seh": {"low": 0.05, "high": 0.2, "source": "a report"}},
                            "ranges.zcc.substitution.seh", "year"),
    "bool_for_number": ({"zcc.substitution.seh": _r(True, 0.2)}, "ranges.zcc.substitution.seh.low", ""),
    "unknown_field": ({"zcc.substitution.seh": _r(0.05, 0.2, lo=1)}, "ranges.zcc.substitution.seh.lo",
                      "unknown key"),
    "same_figure_twice": ({"zcc.handling.extended_triage_outcome.shares.self_care": _r(0.2, 0.5),
                           "zcc.handling.extended_triage_outcome.shares.consult": _r(0.3, 0.6)},
                          "ranges.zcc.handling.extended_triage_outcome.shares.self_care", "same figure"),
    "end_invalid": ({"zcc.handling.extended_triage.mean": _r(-1, 10)}, "ranges.zcc.handling.extended_triage.mean",
                    "at -1 the scenario is refused"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_ranges_file_exits_2_with_one_line(case, tmp_path, capsys):
    ranges, key, words = BAD[case]
    path = _files(tmp_path, ranges)
    assert _main(["validate", path]) == 2
    line = _one_line(capsys)
    assert "ranges.yaml" in line and f"key {key}" in line and words in line, line


def test_bare_ranges_file_is_checked_too(tmp_path, capsys):
    (tmp_path / "r.yaml").write_text(yaml.safe_dump({"ranges": {"a.b": _r(2, 1)}}), encoding="utf-8")
    assert _main(["validate", str(tmp_path / "r.yaml")]) == 2
    assert "key ranges.a.b: low 2 is above high 1" in _one_line(capsys)


@pytest.mark.parametrize("extra, key", [
    ("morris: {trajectories: 2, levels: 3}\n", "morris"),
    ("method: sobol\n", "sobol"),
    ("rank_by: [nope]\n", "rank_by"),
])
def test_bad_sensitivity_file_exits_2_with_one_line(extra, key, tmp_path, capsys):
    text = _files(tmp_path, {"zcc.substitution.seh": _r(0.05, 0.2)})
    body = open(text, encoding="utf-8").read()
    for line in extra.splitlines():
        field = line.split(":")[0]
        body = "\n".join(b for b in body.splitlines() if not b.startswith(field + ":")) + "\n" + line + "\n"
    open(text, "w", encoding="utf-8").write(body)
    code = _main(["sensitivity", text, "--out", str(tmp_path / "out")]) if key == "rank_by" else \
        _main(["validate", text])
    assert code == 2
    line = _one_line(capsys)
    assert "sens.yaml" in line and f"key {key}" in line, line


def test_missing_ranges_file(tmp_path, capsys):
    path = _files(tmp_path, {"zcc.substitution.seh": _r(0.05, 0.2)})
    (tmp_path / "ranges.yaml").unlink()
    assert _main(["validate", path]) == 2
    assert "key ranges: file 'ranges.yaml' not found" in _one_line(capsys)


def test_good_file_validates(tmp_path, capsys):
    path = _files(tmp_path, {"zcc.substitution.seh": _r(0.05, 0.2), "streams.call_112.rate_per_1000_per_year":
                             _r(70, 75)})
    assert _main(["validate", path]) == 0
    assert "ok (sensitivity t, 2 range(s)" in capsys.readouterr().out


# ------------------------------------------------------------------------------ overrides by hand
@pytest.fixture(scope="module")
def params():
    ranges = load_ranges(RANGES)
    return resolve_parameters(ranges, RANGES, {"sq": load_raw(SQ)[0], "zcc": load_raw(ZCC)[0]})


def test_share_override_keeps_the_mix_summing_to_one(params):
    p = next(p for p in params if p.key.endswith("shares.self_care"))
    over = overrides([p], {p.key: 0.5}, zcc=True)
    mix = over["zcc"]["handling"]["extended_triage_outcome"]["shares"]
    assert mix["self_care"] == 0.5 and sum(mix.values()) == pytest.approx(1.0, abs=1e-12)
    # consult 0.45 and home_visit 0.20 keep their ratio 9:4 in the remaining 0.5
    assert mix["consult"] / mix["home_visit"] == pytest.approx(0.45 / 0.20, rel=1e-5)
    assert "estimate" in over["zcc"]["handling"]["extended_triage_outcome"]


def test_zcc_key_not_applied_to_status_quo_and_distribution_keeps_its_shape(params):
    zcc = next(p for p in params if p.key == "zcc.handling.extended_triage.mean")
    sq = next(p for p in params if p.key == "streams.call_112.rate_per_1000_per_year")
    values = {zcc.key: 11.0, sq.key: 70.0}
    assert "zcc" not in overrides([zcc, sq], values, zcc=False)
    over = overrides([zcc, sq], values, zcc=True)
    assert over["zcc"]["handling"]["extended_triage"] == {"mean": 11.0, "estimate": zcc.note}
    assert over["streams"]["call_112"]["rate_per_1000_per_year"]["value"] == 70.0


# ------------------------------------------------------------------------------------- sampling
def _param(key, low, high, nominal):
    return Parameter(key, low, high, nominal, (key,), (), False)


def test_unit_samples_map_onto_the_ranges_and_zero_width_is_constant():
    ps = [_param("a", 2.0, 4.0, 3.0), _param("b", 5.0, 5.0, 5.0), _param("c", 0.0, 1.0, 0.5)]
    unit = unit_samples("morris", ["a", "b"], MorrisSpec(trajectories=3), seed=3)
    rows = values_of(ps, ["a", "b"], unit)
    assert [r["a"] for r in rows] == pytest.approx(list(2.0 + 2.0 * unit[:, 0]))
    assert {r["b"] for r in rows} == {5.0}
    assert {r["c"] for r in rows} == {0.5}  # not varied: the scenario's value


def test_top_inputs_are_every_ranking_kpis_own_top():
    stage = StageResult("morris", ["a", "b", "c", "d"], np.zeros((1, 4)), [], {}, {}, {})
    mu = {"x": {"a": 10.0, "b": 1.0, "c": 0.0, "d": 5.0}, "y": {"a": 0.0, "b": 2.0, "c": 0.5, "d": 0.0}}
    stage.indices = [{"kpi": k, "parameter": p, "mu_star": v} for k, row in mu.items() for p, v in row.items()]
    assert top_inputs(stage, ["x", "y"], 2) == ["a", "b", "d", "c"]  # x: a, d; y: b, c; in turn
    assert top_inputs(stage, ["x", "y"], 1) == ["a", "b"]
    assert top_inputs(stage, ["x"], 3) == ["a", "d", "b"]  # c has no effect on x
    stage.indices = [{**r, "mu_star": 0.0} for r in stage.indices]
    assert top_inputs(stage, ["x"], 2) == ["a", "b"]  # nothing has an effect: file order


def test_noise_floor_by_hand():
    # 4 levels: delta = 2/3; sqrt(2) * 1 / (2/3) * sqrt(2/pi) = 1.5 * 2 / sqrt(pi)
    assert morris_noise_floor(1.0, 4) == pytest.approx(3 / np.sqrt(np.pi))
