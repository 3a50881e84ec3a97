"""Location planning end to end (`acutesim locations`).

Test plan (the pooling effect of queueing theory; the command's contract): the
command writes locations.csv with exactly the required columns in k-then-mode
order; for the same k pooled FTE never exceeds separate FTE (the pooling effect
of queueing theory) and two locations never lengthen the mean commute; it writes
the trade-off plot (PNG and SVG) and one runnable scenario per layout whose
rosters add up to the table's FTE; a bad --max is one line. The planning helpers
are checked in tests/unit/test_location_planning.py.
"""

from __future__ import annotations

import csv

import pytest

from sim.cli.main import main
from sim.config.loader import load_scenario
from sim.plan.locations import COLUMNS
from tests.helpers import ROOT

SMALL_ZCC = ROOT / "scenarios" / "euregio" / "zcc.yaml"


@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    out = tmp_path_factory.mktemp("locations")
    short = out / "short_warmup.yaml"  # the desk needs no two-week warm-up; keeps the test fast
    short.write_text(f"extends: {SMALL_ZCC}\nname: euregio_zcc_short\nrun: {{warmup_days: 1}}\n")
    code = main(["locations", str(short), "--max", "2", "--out", str(out / "plan"), "-n", "1", "--days", "2",
                 "--seed", "5", "--workers", "1"])
    out = out / "plan"
    assert code == 0
    return out


def test_locations_csv_has_the_required_columns_and_ordering(planned):
    with (planned / "locations.csv").open() as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames) == COLUMNS
        rows = list(reader)
    assert [(r["k"], r["mode"]) for r in rows] == [("1", "pooled"), ("1", "separate"), ("2", "pooled"),
                                                   ("2", "separate")]
    assert len(rows[2]["sites"].split(";")) == 2
    for k in ("1", "2"):
        pooled, separate = (float(r["fte"]) for r in rows if r["k"] == k)
        assert pooled <= separate
    assert float(rows[2]["commute_mean_min"]) <= float(rows[0]["commute_mean_min"])
    assert (planned / "tradeoff.png").stat().st_size > 0 and (planned / "tradeoff.svg").stat().st_size > 0


def test_layout_scenarios_run_again(planned):
    files = sorted((planned / "layouts").glob("*.yaml"))
    assert len(files) == 4
    sc = load_scenario(planned / "layouts" / "zcc_2loc_separate.yaml")
    assert sc.zcc.locations.mode == "separate" and len(sc.zcc.locations.sites) == 2
    assert "acutesim locations" in sc.zcc.option.groups["triagist"].roster.estimate
    with (planned / "locations.csv").open() as fh:
        row = [r for r in csv.DictReader(fh) if r["k"] == "2" and r["mode"] == "separate"][0]
    hours = sum(sum(g.roster.values) for g in sc.zcc.option.groups.values())
    assert hours / sc.staffing.fte_hours_per_week.value == pytest.approx(float(row["fte"]), abs=0.01)


def test_bad_max_is_one_line(capsys):
    assert main(["locations", str(SMALL_ZCC), "--max", "0"]) == 2
    assert capsys.readouterr().err.strip() == "error: --max: expected a number of locations >= 1"
