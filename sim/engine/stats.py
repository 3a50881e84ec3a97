"""Statistics collectors: counters, tallies and time-weighted levels.

Collectors observe the whole run; :meth:`Metrics.start_measuring` at the end
of the warm-up clears them, so KPIs cover the measurement period only.
"""

from __future__ import annotations

from array import array
from collections import defaultdict

import numpy as np


class TimeWeighted:
    """Time-average of a piecewise-constant level (busy servers, occupied beds)."""

    __slots__ = ("level", "_last", "_area", "_start")

    def __init__(self) -> None:
        self.level = 0.0
        self._last = 0.0
        self._area = 0.0
        self._start = 0.0

    def set(self, now: float, level: float) -> None:
        self._area += self.level * (now - self._last)
        self._last = now
        self.level = level

    def add(self, now: float, delta: float) -> None:
        self._area += self.level * (now - self._last)
        self._last = now
        self.level += delta

    def reset(self, now: float) -> None:
        self._last = now
        self._start = now
        self._area = 0.0

    def mean(self, now: float) -> float:
        span = now - self._start
        area = self._area + self.level * (now - self._last)
        return area / span if span > 0 else float("nan")


class Metrics:
    """All counters and tallies of one replication, keyed by KPI-like names."""

    def __init__(self) -> None:
        self.counts: dict[str, float] = defaultdict(float)
        self.tallies: dict[str, array] = defaultdict(lambda: array("d"))
        self.levels: dict[str, TimeWeighted] = {}
        self.measuring_since = 0.0

    def count(self, key: str, n: float = 1.0) -> None:
        self.counts[key] += n

    def tally(self, key: str, value: float) -> None:
        self.tallies[key].append(value)

    def level(self, key: str) -> TimeWeighted:
        if key not in self.levels:
            self.levels[key] = TimeWeighted()
        return self.levels[key]

    def start_measuring(self, now: float) -> None:
        self.measuring_since = now
        self.counts.clear()
        self.tallies.clear()
        for lv in self.levels.values():
            lv.reset(now)

    def tally_array(self, key: str) -> np.ndarray:
        return np.frombuffer(self.tallies[key], dtype=float) if key in self.tallies else np.empty(0)
