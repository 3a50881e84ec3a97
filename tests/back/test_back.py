"""Back tests: short fixed-seed runs reproduce the stored fingerprints bit for bit.

Test plan: for noord status quo and zcc, two replications of 4 days after 1
day of warm-up, every KPI equals the stored value exactly and the event log
(every row, in order) hashes to the stored digest. A refactor must keep this
green; a deliberate change of behaviour regenerates ``stored.json`` with
``python -m tests.back.fingerprint`` in its own commit that says why.
"""

from __future__ import annotations

import json

import pytest

from tests.back.fingerprint import CASES, STORED, fingerprint

pytestmark = pytest.mark.back

_STORED = json.loads(STORED.read_text())


@pytest.mark.parametrize("name,scenario_file,replication", CASES, ids=[c[0] for c in CASES])
def test_reproduces_stored_run(name: str, scenario_file: str, replication: int) -> None:
    got = fingerprint(scenario_file, replication)
    want = _STORED[name]
    changed = sorted(k for k in want["kpis"].keys() | got["kpis"].keys()
                     if want["kpis"].get(k) != got["kpis"].get(k))
    assert not changed, f"{len(changed)} KPIs differ from the stored run, e.g. {changed[:8]}"
    assert got["event_rows"] == want["event_rows"]
    assert got["event_log_sha256"] == want["event_log_sha256"]
