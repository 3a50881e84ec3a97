"""Fingerprints of short fixed-seed runs, stored so refactors can prove they change nothing.

``python -m tests.back.fingerprint`` rewrites ``tests/back/stored.json`` from the
current code. Do that only in a commit whose message says which deliberate
change moved the numbers and why; every other commit must keep
``tests/back/test_back.py`` green unchanged.

A fingerprint is every KPI of the replication (floats stored exactly, as
``float.hex``) and a SHA-256 over the event log rows in the order they were
written (time, patient, stream, event, place), so a change in any decision,
its timing or its order is caught, not only a change in the averages.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STORED = Path(__file__).with_name("stored.json")

# (name, scenario file, replication): noord status quo and zcc, two replications each, a few days.
CASES = [
    (f"{name}.rep{rep}", f"scenarios/noord/{name}.yaml", rep)
    for name in ("status_quo", "zcc") for rep in (0, 1)
]
RUN = {"run": {"days": 4, "warmup_days": 1, "seed": 20240101}}


class HashingLog:
    """An event log that keeps only a running hash and a row count."""

    def __init__(self) -> None:
        self._h = hashlib.sha256()
        self.rows = 0

    def record(self, time: float, patient: int, stream: str, event: str, place: str = "") -> None:
        self._h.update(f"{float(time).hex()}|{patient}|{stream}|{event}|{place}\n".encode())
        self.rows += 1

    def close(self) -> None:
        pass

    def hexdigest(self) -> str:
        return self._h.hexdigest()


def _exact(x: float) -> str:
    return "nan" if math.isnan(x) else float(x).hex()


def fingerprint(scenario_file: str, replication: int) -> dict:
    """KPIs (exact) and event-log hash of one short replication."""
    from sim.measure import kpis as kpi_module
    from sim.config.loader import load_scenario
    from sim.chain.model import Model

    log = HashingLog()
    model = Model(load_scenario(ROOT / scenario_file, RUN), replication, event_log=log).run()
    kpis = kpi_module.compute(model)
    return {"kpis": {k: _exact(v) for k, v in sorted(kpis.items())},
            "event_rows": log.rows, "event_log_sha256": log.hexdigest()}


def compute_all() -> dict:
    return {name: fingerprint(f, rep) for name, f, rep in CASES}


if __name__ == "__main__":
    STORED.write_text(json.dumps(compute_all(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {STORED.relative_to(ROOT)}")
