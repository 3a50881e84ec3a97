"""Shared test helpers: paths, and the reduced noord scenarios of sim/fit/analytic.py."""

from __future__ import annotations

from pathlib import Path

from sim.fit.analytic import elv_loss_scenario, mmc_hap_scenario, run

ROOT = Path(__file__).resolve().parent.parent
NOORD = ROOT / "scenarios" / "noord" / "status_quo.yaml"
__all__ = ["NOORD", "ROOT", "elv_loss_scenario", "mmc_hap_scenario", "run"]
