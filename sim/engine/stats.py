"""Statistics collectors: counters, tallies and time-weighted levels.

These are the containers; what is counted, and under which KPI key, is
decided in one place only (:mod:`sim.chain.record`). Collectors observe the
whole run; :meth:`Metrics.start_measuring` at the end of the warm-up clears
them, so KPIs cover the measurement period only.
"""

from __future__ import annotations

import struct
from array import array
from collections import defaultdict
from typing import Final

import numpy as np

from sim.engine.kernel import heappop, heappush


class TimeWeighted:
    """Time-average of a piecewise-constant level (busy servers, occupied beds).

    A change may also be booked for a later time (:meth:`add_at`, a server that will come free
    with no event to mark it): it is applied, at its own time, before the next change, reset or
    read-out at or after that time, so the average is exactly that of a change made then.
    """

    __slots__ = ("level", "_last", "_area", "_start", "_due")

    def __init__(self) -> None:
        self.level = 0.0
        self._last = 0.0
        self._area = 0.0
        self._start = 0.0
        self._due: list[tuple[float, float]] = []  # booked (time, delta), a heap

    def set(self, now: float, level: float) -> None:
        if self._due:
            self._catch_up(now)
        self._area += self.level * (now - self._last)
        self._last = now
        self.level = level

    def add(self, now: float, delta: float) -> None:
        if self._due:
            self._catch_up(now)
        self._area += self.level * (now - self._last)
        self._last = now
        self.level += delta

    def add_at(self, at: float, delta: float) -> None:
        """Change the level by ``delta`` at ``at`` (not before the last change)."""
        heappush(self._due, (at, delta))

    def _catch_up(self, now: float) -> None:
        """Apply the booked changes due by ``now``, in time order, each at its own time."""
        due = self._due
        while due and due[0][0] <= now:
            at, delta = heappop(due)
            self._area += self.level * (at - self._last)
            self._last = at
            self.level += delta

    def reset(self, now: float) -> None:
        if self._due:
            self._catch_up(now)
        self._last = now
        self._start = now
        self._area = 0.0

    def mean(self, now: float) -> float:
        if self._due:
            self._catch_up(now)
        span = now - self._start
        area = self._area + self.level * (now - self._last)
        return area / span if span > 0 else float("nan")


class Tally:
    """The values of one tally, in the order recorded, kept as 8-byte floats.

    A value goes on a short list first (a list append is one C call; an ``array.append`` parses its
    argument as a format string) and the list moves into the array every :data:`Tally.BATCH` values.
    """

    __slots__ = ("_done", "_recent")

    BATCH: Final = 4096

    def __init__(self) -> None:
        self._done = array("d")
        self._recent: list[float] = []

    def append(self, value: float) -> None:
        recent = self._recent
        recent.append(value)
        if len(recent) >= Tally.BATCH:
            self._move()

    def _move(self) -> None:
        recent = self._recent
        self._done.frombytes(struct.pack(f"{len(recent)}d", *recent))  # packs C doubles, no per-value parsing
        self._recent = []

    def values(self) -> np.ndarray:
        """Every value so far, in order (a view of the kept array)."""
        if self._recent:
            self._move()
        return np.frombuffer(self._done, dtype=float)

    def __len__(self) -> int:
        return len(self._done) + len(self._recent)


class Metrics:
    """All counters, tallies and levels of one replication, by key."""

    def __init__(self) -> None:
        self.counts: dict[str, float] = defaultdict(float)
        self.tallies: dict[str, Tally] = defaultdict(Tally)
        self.levels: dict[str, TimeWeighted] = {}
        self.measuring_since = 0.0

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
        return self.tallies[key].values() if key in self.tallies else np.empty(0)


class PoolProbes:
    """What a capacity resource reports: busy units, capacity, queue length and (optionally) waits.

    A resource writes only through its probes; the keys behind them are chosen
    by :mod:`sim.chain.record`, so resources know nothing of KPI names.
    """

    __slots__ = ("busy", "capacity", "queue", "_metrics", "_wait_key", "_abandon_key")

    def __init__(self, metrics: Metrics, busy: TimeWeighted, capacity: TimeWeighted, queue: TimeWeighted,
                 wait_key: str | None = None, abandon_key: str | None = None) -> None:
        self._metrics = metrics
        self.busy = busy
        self.capacity = capacity
        self.queue = queue
        self._wait_key = wait_key
        self._abandon_key = abandon_key

    @classmethod
    def detached(cls, track_waits: bool = False) -> PoolProbes:
        """Probes on a collector of their own: for a resource used outside a model (tests, examples)."""
        m = Metrics()
        return cls(m, m.level("busy"), m.level("capacity"), m.level("queue"),
                   "wait" if track_waits else None, "abandon_wait" if track_waits else None)

    @property
    def tracks_waits(self) -> bool:
        return self._wait_key is not None

    def waited(self, minutes: float) -> None:
        """A request was granted after ``minutes`` (only recorded when waits are tracked)."""
        if self._wait_key is not None:
            self._metrics.tally(self._wait_key, minutes)

    def gave_up(self, minutes: float) -> None:
        """A request ran out of patience after ``minutes`` (only recorded when waits are tracked)."""
        if self._abandon_key is not None:
            self._metrics.tally(self._abandon_key, minutes)
