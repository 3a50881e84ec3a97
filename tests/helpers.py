"""Shared test helpers: paths, the reduced noord scenarios of sim/fit/analytic.py, small inputs."""

from __future__ import annotations

from pathlib import Path

from sim.config.loader import load_raw
from sim.fit.analytic import elv_loss_scenario, mmc_hap_scenario, run

ROOT = Path(__file__).resolve().parent.parent
NOORD = ROOT / "scenarios" / "noord" / "status_quo.yaml"
EUREGIO = ROOT / "scenarios" / "euregio" / "uncalibrated.yaml"
__all__ = ["EUREGIO", "NOORD", "ROOT", "elv_loss_scenario", "euregio_raw", "mmc_hap_scenario", "run",
           "small_experiment"]


def small_experiment(tmp_path: Path, base: Path | None = None, reps: int = 2, days: float = 2) -> Path:
    """A 2 x 2 experiment file (location mode x SEH substitution share) on a noord zcc scenario."""
    base = base or ROOT / "scenarios" / "noord" / "zcc_2loc_pooled.yaml"
    path = tmp_path / "exp.yaml"
    path.write_text(f"""
name: small
scenarios: [{base}]
grid:
  zcc.locations.mode: [pooled, separate]
  zcc.substitution.seh.value: {{values: [0.1, 0.3], estimate: "test range"}}
  run.warmup_days: [1]
replications: {reps}
seed: 11
days: {days}
""", encoding="utf-8")
    return path


def euregio_raw(days: float = 7, warmup: float = 2, seed: int = 7) -> dict:
    """The uncalibrated euregio scenario as a raw mapping, shortened for calibration tests."""
    raw, _ = load_raw(EUREGIO)
    raw["name"] = "euregio_test"
    raw["run"].update({"days": days, "warmup_days": warmup, "seed": seed})
    return raw
