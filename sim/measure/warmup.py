"""Warm-up check: is the configured warm-up long enough? (MSER-5)

Runs replications without warm-up (bed pools start at their planned
occupancy, everything else empty), takes the daily mean of a slowly moving
level (bed occupancy, SEH occupancy, verkeerde bed, busy ambulances), averages
the replications, and applies MSER-5 (White 1997; Hoad, Robinson & Davies
2010): batch means of 5 days, and the truncation point that minimises the
marginal standard error of the remaining mean. If that point lies after the
configured warm-up, the warm-up is too short.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.chain.model import Model
from sim.config.constants import BED_POOLS, HOURS_PER_DAY
from sim.config.schema import Scenario

SERIES = (*BED_POOLS, "seh", "verkeerde_bed", "ambulance")
BATCH = 5


def mser(series: np.ndarray, batch: int = BATCH) -> int:
    """MSER-b truncation point, in observations (a multiple of ``batch``)."""
    m = len(series) // batch
    if m < 4:
        raise ValueError(f"MSER-{batch} needs at least {4 * batch} observations, got {len(series)}")
    z = np.asarray(series[: m * batch], dtype=float).reshape(m, batch).mean(axis=1)
    best, best_d = np.inf, 0
    for d in range(m // 2 + 1):
        tail = z[d:]
        stat = ((tail - tail.mean()) ** 2).sum() / len(tail) ** 2
        if stat < best:
            best, best_d = stat, d
    return best_d * batch


@dataclass(frozen=True)
class WarmupCheck:
    level: str
    daily: np.ndarray
    truncation_days: int
    configured_days: float

    @property
    def suffices(self) -> bool:
        return self.configured_days >= self.truncation_days


def daily_series(scenario: Scenario, level: str, replications: int, days: float,
                 progress: Callable[[int, int], None] | None = None) -> np.ndarray:
    """Daily mean of ``level`` from the start of the run (no warm-up), averaged over replications."""
    if level not in SERIES:
        raise ValueError(f"unknown level '{level}'; expected one of {', '.join(SERIES)}")
    sc = scenario.model_copy(update={"run": scenario.run.model_copy(update={"warmup_days": 0, "days": days})})
    runs = []
    for r in range(replications):
        m = Model(sc, r, sample_levels=True).run()
        assert m.samples is not None  # built with sample_levels=True
        hourly = np.asarray(m.samples[level], dtype=float)
        whole_days = len(hourly) // HOURS_PER_DAY
        runs.append(hourly[: whole_days * HOURS_PER_DAY].reshape(whole_days, HOURS_PER_DAY).mean(axis=1))
        if progress:
            progress(r + 1, replications)
    n = min(len(r) for r in runs)
    return np.mean([r[:n] for r in runs], axis=0)


def check(scenario: Scenario, level: str = "hospital", replications: int = 3, days: float | None = None,
          progress: Callable[[int, int], None] | None = None) -> WarmupCheck:
    horizon = days or max(4 * scenario.run.warmup_days, 120)
    daily = daily_series(scenario, level, replications, horizon, progress)
    return WarmupCheck(level, daily, mser(daily), scenario.run.warmup_days)
