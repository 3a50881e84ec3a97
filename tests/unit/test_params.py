"""Parameter tables generated from the YAML files (`acutesim params`, docs/parameters.md).

Test plan (independent counts of the YAML files): the loader records the file that set every leaf
(and command-line overrides); there is one row per provenance-carrying node, counted independently
from the loader's resolved YAML; every number in the inputs sits inside a figure with a source or
estimate (run settings excepted), and every figure of the shipped files has a unit; the file of a
figure is the most specific file that set it (checked on a scenario written for the test); units
follow the schema class before the key name (a profile named *_hours is still a weight); summaries
of 168-value rosters match numpy; the CSV reads back; the CLI writes tables and refuses bad input
with one line; the committed docs/parameters.md is what the generator writes now, and its counts
match independent counts.
"""

from __future__ import annotations

import csv
import io
import re
from functools import cache

import numpy as np
import pytest
import yaml

from sim.cli.main import main
from sim.config.loader import load_raw, load_scenario, resolve, resolved_yaml
from sim.report import parameters as params
from tests.helpers import ROOT

NOORD = ROOT / "scenarios" / "noord"
NATIONAL = ROOT / "scenarios" / "_national"
SCENARIOS = [NOORD / "status_quo.yaml", NOORD / "zcc.yaml", NOORD / "zcc_spreading.yaml",
             NOORD / "zcc_2loc_separate.yaml"]
TABLES = [NATIONAL / n for n in params.NATIONAL_TABLES]
RUN_SETTINGS = ("run",)  # how long and how often to run: settings of the experiment, not figures


@cache
def _figures(path) -> tuple[params.Figure, ...]:
    return tuple(params.figures(path, ROOT))


@cache
def _resolved(path) -> dict:
    return yaml.safe_load(resolved_yaml(load_scenario(path)))


def _count_provenance(tree) -> int:
    """Mappings with a non-empty source or estimate, counted without sim.report.parameters."""
    if isinstance(tree, dict):
        own = 1 if (tree.get("source") or tree.get("estimate")) else 0
        return own + sum(_count_provenance(v) for v in tree.values())
    if isinstance(tree, list):
        return sum(_count_provenance(v) for v in tree)
    return 0


def test_loader_records_the_file_of_every_leaf(tmp_path):
    res = resolve(NOORD / "zcc.yaml")
    origins = res.leaf_origins()
    assert set(origins) == set(_leaf_keys(res.data))
    assert origins[("zcc", "locations", "sites", "zcc_assen", "subarea")] == NOORD / "zcc_region.yaml"
    assert origins[("resources", "haps", "hap_groningen", "gp_roster", "values")] == NOORD / "region.yaml"
    assert origins[("zcc", "substitution", "seh", "value")] == NATIONAL / "zcc.yaml"
    assert res.origin(("resources", "haps", "hap_groningen")) == NOORD / "region.yaml"
    assert res.origin(("resources", "no_such_key")) == res.origin(("resources",))
    assert res.origin(("no_such_key",)) is None
    res.merge({"resources": {"beds": {"elv": {"value": 3, "estimate": "test"}}}}, tmp_path / "cli")
    assert res.origin(("resources", "beds", "elv")) == tmp_path / "cli"
    assert res.data["resources"]["beds"]["elv"]["value"] == 3


def _leaf_keys(tree, prefix=()):
    if isinstance(tree, dict) and tree:
        return [k for key, v in tree.items() for k in _leaf_keys(v, prefix + (str(key),))]
    return [prefix]


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_one_row_per_provenance_node_of_the_resolved_scenario(path):
    resolved = _resolved(path)
    figs = _figures(path)
    assert len(figs) == _count_provenance(resolved)
    assert len({f.key for f in figs}) == len(figs)


@pytest.mark.parametrize("path", TABLES, ids=lambda p: p.stem)
def test_one_row_per_provenance_node_of_an_input_table(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert len(params.figures(path, ROOT)) == _count_provenance(data)


def _bare_numbers(tree, prefix=()):
    """Dotted keys of numbers (or number lists) that no source/estimate covers."""
    out = []
    if isinstance(tree, dict):
        if tree.get("source") or tree.get("estimate") or isinstance(tree.get("provenance"), dict):
            return []
        for k, v in tree.items():
            out += _bare_numbers(v, prefix + (str(k),))
    elif isinstance(tree, list):
        if any(isinstance(x, (int, float)) and not isinstance(x, bool) for x in tree):
            return [".".join(prefix)]
        for i, v in enumerate(tree):
            out += _bare_numbers(v, prefix + (str(i),))
    elif isinstance(tree, (int, float)) and not isinstance(tree, bool):
        return [".".join(prefix)]
    return out


@pytest.mark.parametrize("path", SCENARIOS + TABLES, ids=lambda p: p.stem)
def test_every_number_belongs_to_a_figure_with_source_or_estimate(path):
    data = load_raw(path)[0]
    bare = [k for k in _bare_numbers(data) if k.split(".")[0] not in RUN_SETTINGS]
    assert bare == []
    for f in _figures(path):
        assert f.kind in ("source", "estimate") and f.provenance.strip(), f.key
        assert f.unit, f"{f.key}: no unit; add a rule to sim/data/units.yaml"
        assert (ROOT / f.file).is_file(), f.file


def test_file_is_the_most_specific_file_that_set_the_figure(tmp_path):
    child = tmp_path / "child.yaml"
    child.write_text(
        f"extends: {NOORD / 'status_quo.yaml'}\n"
        "resources:\n  beds:\n    elv: {value: 250, estimate: planner's test}\n"
        "care:\n  hap:\n    consult: {estimate: 'new reasoning, same number'}\n", encoding="utf-8")
    grandchild = tmp_path / "grandchild.yaml"
    grandchild.write_text("extends: child.yaml\nname: gc\n", encoding="utf-8")
    figs = {f.key: f for f in params.figures(grandchild, ROOT)}
    assert figs["resources.beds.elv"].file == params._relative(child, ROOT)
    assert figs["resources.beds.elv"].value == "250"
    assert figs["care.hap.consult"].file == params._relative(child, ROOT)
    assert figs["care.hap.consult"].value == "lognormal, mean 12, cv 0.5"
    assert figs["care.hap.consult"].provenance == "new reasoning, same number"
    assert figs["resources.beds.hospital"].file == "scenarios/noord/region.yaml"
    assert figs["care.ambulance.a1_norm_min"].file == "scenarios/_national/status_quo.yaml"
    assert figs["care.ambulance.a1_norm_min"].kind == "source"
    assert figs["care.seh.los_home"].file == "calibration/calibrated/national.yaml"
    assert figs["care.seh.los_home"].kind == "estimate"
    assert figs["profiles.anw"].file == "scenarios/_national/profiles.yaml"


def test_zcc_overrides_are_attributed_to_the_zcc_files():
    figs = {f.key: f for f in _figures(NOORD / "zcc.yaml")}
    assert figs["resources.haps.hap_groningen.gp_roster"].file == "scenarios/noord/region.yaml"
    # Rosters that follow the work are shown as derived, with the file of what they follow from.
    derived = figs["resources.haps.hap_groningen.triage_roster"]
    assert "sim/config/zcc_rosters.py" in derived.provenance and "max 0" in derived.value
    assert "zcc_rosters.py" in figs["zcc.staffing_options.equal_service.groups.nurse.roster"].provenance
    assert figs["zcc.substitution.seh"].file == "scenarios/_national/zcc.yaml"


@pytest.mark.parametrize("key,unit", [
    ("care.seh.los_home", "min"),
    ("resources.beds.hospital", "beds"),
    ("resources.sehs.seh_groningen.places", "treatment places"),
    ("zcc.flows.patient_line_hours", "open (1) / closed (0) per hour of week"),
    ("care.elv.admission_hours", "open (1) / closed (0) per hour of week"),
    ("profiles.office_hours", "relative weight per hour of week"),
    ("care.elv.max_wait_at_home_hours", "h"),
    ("staffing.hourly_cost_hap_triagist", "EUR per staff hour"),
    ("resources.ambulance.on_duty", "ambulances on duty per hour of week"),
    ("resources.meldkamer.roster", "centralists taking 112 calls per hour of week"),
    ("routing.hap_triage.U1", "shares (sum 1)"),
    ("routing.convey_to_seh.A1", "share (0-1)"),
    ("streams.hap_call.rate_per_1000_per_year", "per 1,000 inhabitants per year"),
])
def test_units_follow_the_schema_class_then_the_key(key, unit):
    figs = {f.key: f for f in _figures(NOORD / "zcc.yaml")}
    assert figs[key].unit == unit


def test_schema_type_walks_models_mappings_and_options():
    assert params.schema_type(("care", "seh", "los_home")) == "Dist"
    assert params.schema_type(("resources", "haps", "any_post", "triage_roster")) == "Roster"
    assert params.schema_type(("zcc", "spreading", "neighbour_beds", "elv")) == "Count"
    assert params.schema_type(("streams", "hap_call", "surges", "0", "multiplier")) == "Value"
    assert params.schema_type(("no", "such", "key")) is None


def test_roster_summary_matches_numpy():
    data = load_raw(NOORD / "status_quo.yaml")[0]
    values = data["resources"]["ambulance"]["on_duty"]["values"]
    fig = {f.key: f for f in _figures(NOORD / "status_quo.yaml")}["resources.ambulance.on_duty"]
    nums = dict(re.findall(r"(min|mean|max|sum) ([0-9.]+)", fig.value))
    assert float(nums["min"]) == min(values) and float(nums["max"]) == max(values)
    assert float(nums["sum"]) == sum(values)
    assert float(nums["mean"]) == pytest.approx(np.mean(values), rel=1e-2)
    assert params.summarise({"dist": "fixed", "mean": 0}) == "fixed 0"
    assert params.summarise({"values": [1, 2, 3, 4]}) == "[1, 2, 3, 4]"


def test_csv_reads_back():
    figs = _figures(NOORD / "zcc.yaml")
    rows = list(csv.reader(io.StringIO(params.to_csv(figs))))
    assert tuple(rows[0]) == params.COLUMNS
    assert [tuple(r) for r in rows[1:]] == [f.row() for f in figs]


def test_cli_writes_a_table_and_refuses_bad_input_with_one_line(tmp_path, capsys):
    out = tmp_path / "p.csv"
    assert main(["params", str(NOORD / "status_quo.yaml"), "--format", "csv", "--out", str(out)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == len(_figures(NOORD / "status_quo.yaml"))
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"extends: {NOORD / 'status_quo.yaml'}\nresources:\n  elv_bedz: {{value: 3, estimate: x}}\n",
                   encoding="utf-8")
    capsys.readouterr()
    assert main(["params", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "resources.elv_bedz" in err and "bad.yaml" in err
    assert main(["params"]) == 2


def test_committed_parameters_doc_is_up_to_date_and_its_counts_match():
    committed = (ROOT / "docs" / "parameters.md").read_text(encoding="utf-8")
    assert committed == params.parameters_markdown(ROOT), "docs/parameters.md is stale: run `acutesim docs`"
    sections = re.split(r"\n(?=#{2,3} )", committed)
    counted = {}
    for sec in sections:
        m = re.match(r"#{2,3} .*?`(scenarios/[^`]+)` \((\d+)(?: of (\d+))? figures\)", sec)
        if m:
            rows = len(re.findall(r"^\| `", sec, flags=re.M))
            assert rows == int(m.group(2)), m.group(1)
            counted[m.group(1)] = int(m.group(3) or m.group(2))
    for path in TABLES:
        assert counted[f"scenarios/_national/{path.name}"] == _count_provenance(yaml.safe_load(path.read_text()))
    for name in ("status_quo", "zcc"):
        resolved = _resolved(NOORD / f"{name}.yaml")
        assert counted[f"scenarios/noord/{name}.yaml"] == _count_provenance(resolved)
