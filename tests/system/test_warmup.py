"""`acutesim warmup`: MSER-5 on a daily level says whether the configured warm-up suffices.

Test plan (a deterministic contrast at the shipped seed; both outcomes must be
possible, so the 80-day horizon lets MSER-5 cut at up to 40 days, beyond the
shipped 30-day warm-up):
- the shipped noord status quo starts its ELV beds at their long-run occupancy
  (initial_occupancy 0.85), so its 30-day warm-up suffices: exit 0, "suffices",
  and the printed cut agrees with the verdict;
- the same scenario with the ELV beds starting empty and no warm-up: the pool
  fills over weeks (stays of about four weeks), so MSER-5 cuts well after day 0:
  exit 1, "is too short" and the advice to use at least that many days.
One replication of MSER-5 on 16 five-day batches also cuts late on some
stationary paths (other seeds of the prefilled case cut at 40 days), so the
first case holds for the shipped seed, not for every seed; the empty pool cut
at 25 to 40 days at every seed tried. The MSER-5 rule itself is checked in
tests/unit/test_warmup_mser.py.
"""

from __future__ import annotations

import re

from sim.cli.main import main
from tests.helpers import NOORD

DAYS = "80"  # MSER-5 looks for a cut in the first half: up to 40 days, beyond the shipped 30-day warm-up


def _truncation(out: str) -> int:
    return int(re.search(r"truncation point (\d+) days", out).group(1))


def test_warmup_suffices_when_the_beds_start_at_their_long_run_occupancy(capsys):
    code = main(["warmup", str(NOORD), "--level", "elv", "-n", "1", "--days", DAYS])
    out, err = capsys.readouterr()
    assert "replication 1/1 done (" in err  # progress with the time so far and to go, like run and compare
    assert "MSER-5 on daily elv occupancy" in out and "from the start" in out
    assert code == 0 and "the configured warm-up of 30 days suffices" in out, out
    assert _truncation(out) <= 30


def test_warmup_is_too_short_when_the_beds_start_empty(tmp_path, capsys):
    empty = tmp_path / "elv_starts_empty.yaml"
    empty.write_text(
        f"extends: {NOORD}\nname: noord_elv_starts_empty\nrun: {{warmup_days: 0}}\n"
        "care:\n  elv:\n    initial_occupancy: {value: 0, estimate: 'test: ELV beds start empty'}\n",
        encoding="utf-8")
    code = main(["warmup", str(empty), "--level", "elv", "-n", "1", "--days", DAYS])
    out = capsys.readouterr().out
    cut = _truncation(out)
    assert code == 1, out
    assert "the configured warm-up of 0 days is too short" in out and f"(use at least {cut} days)" in out
    assert cut >= 15  # an empty pool with four-week stays takes weeks to fill, not days
