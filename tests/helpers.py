"""Shared test helpers: the shipped noord scenario and synthetic variants of it (see sim/analytic.py)."""

from __future__ import annotations

from pathlib import Path

from sim.analytic import (  # noqa: F401  (re-exported for the tests)
    EST, FLAT, NOORD, build, dist, elv_loss_scenario, mmc_hap_scenario, noord_raw, only_stream, per_1000_for,
    roster, run,
)

ROOT = Path(__file__).resolve().parent.parent
