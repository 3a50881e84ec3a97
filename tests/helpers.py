"""Shared test helpers: paths, the reduced noord scenarios of sim/fit/analytic.py, small inputs."""

from __future__ import annotations

import functools
import inspect
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from sim import native
from sim.config.loader import load_raw
from sim.fit.analytic import elv_loss_scenario, mmc_hap_scenario, run

ROOT = Path(__file__).resolve().parent.parent
NOORD = ROOT / "scenarios" / "noord" / "status_quo.yaml"
EUREGIO = ROOT / "scenarios" / "euregio" / "uncalibrated.yaml"
__all__ = ["EUREGIO", "NOORD", "ROOT", "elv_loss_scenario", "euregio_raw", "mmc_hap_scenario", "run",
           "small_experiment", "in_pure_python_core"]


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


def in_pure_python_core(test: Callable[..., None]) -> Callable[..., None]:
    """Run ``test`` in the pure-Python core, in a fresh interpreter when this one is compiled.

    For tests that need what compiled classes refuse: the model's resources on a SimPy environment
    (the kernel's trace against SimPy's), a reference subclass of a resource (a full scan against the
    fleet's dispatch, an event per release against the lazy release), a patched method (a flow that
    drops patients). They test the sources; tests/functional/test_native_core.py shows that the
    compiled core gives the sources' results, so the chain is complete: SimPy = sources = compiled.
    Fixtures are passed on when the test runs here; in the fresh interpreter pytest makes its own.
    """

    @functools.wraps(test)
    def wrapper(*args: object, **kwargs: object) -> None:
        if native.ENGINE != "compiled":
            test(*args, **kwargs)
            return
        node = f"{inspect.getfile(test)}::{test.__name__}"
        done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", node],
                              env={**os.environ, native.PURE_ENV: "1"}, capture_output=True, text=True,
                              timeout=600, cwd=ROOT)
        assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
        assert "1 passed" in done.stdout, done.stdout[-2000:]

    return wrapper


def events_scheduled(env) -> int:  # noqa: ANN001 (the model's kernel or a SimPy environment)
    """Events an environment has scheduled so far: the kernel counts them, SimPy numbers them with a counter."""
    from sim.engine.kernel import Environment

    if isinstance(env, Environment):
        return env.events_scheduled
    return int(repr(env._eid)[len("count("):-1])
