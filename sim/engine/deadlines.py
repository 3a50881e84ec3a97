"""Many deadlines, one event: the patience of callers waiting in one queue.

Every caller who has to wait gets a deadline (their patience). Most are answered before it, so a
timeout per caller costs a heap event that does nothing when it fires. :class:`Deadlines` keeps the
deadlines in a heap of its own and has one event on the simulation's heap, at the earliest deadline
still pending: callers answered before their deadline cost no event at all.

Results are those of a timeout per caller: a deadline fires at exactly the time such a timeout
would (``now + patience``, computed once and put on the heap as it is, not re-derived from a later
clock), items with equal deadlines in the order they were added, and the event is ordered among
others at its time as a timeout made before that time (SimPy's ``(time, priority, id)``).
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from typing import Any

import simpy
from simpy.events import NORMAL


class Deadlines:
    """Calls ``expire(item)`` when an item's deadline passes while ``pending(item)`` still holds."""

    __slots__ = ("env", "_expire", "_pending", "_heap", "_seq", "_armed", "_armed_at")

    def __init__(self, env: simpy.Environment, expire: Callable[[Any], None], pending: Callable[[Any], bool]) -> None:
        self.env = env
        self._expire = expire
        self._pending = pending
        self._heap: list[tuple[float, int, Any]] = []
        self._seq = itertools.count()
        self._armed: simpy.Event | None = None
        self._armed_at = float("inf")

    def add(self, after: float, item: Any) -> None:
        """``item`` expires ``after`` minutes from now unless it stops being pending first."""
        deadline = self.env.now + after  # as Environment.schedule computes a timeout's time
        heapq.heappush(self._heap, (deadline, next(self._seq), item))
        if deadline < self._armed_at:
            self._arm(deadline)

    def _arm(self, at: float) -> None:
        """One event at ``at`` (a later one already on the heap is superseded and does nothing)."""
        event = simpy.Event(self.env)
        event._ok = True  # a triggered event, as a Timeout is
        event._value = None
        event.callbacks.append(self._fire)
        env = self.env
        heapq.heappush(env._queue, (at, NORMAL, next(env._eid), event))
        self._armed, self._armed_at = event, at

    def _fire(self, event: simpy.Event) -> None:
        if event is not self._armed:
            return  # superseded by an earlier deadline
        self._armed, self._armed_at = None, float("inf")
        now, heap = self.env.now, self._heap
        while heap and heap[0][0] <= now:
            _, _, item = heapq.heappop(heap)
            if self._pending(item):
                self._expire(item)
        while heap and not self._pending(heap[0][2]):
            heapq.heappop(heap)
        if heap:
            self._arm(heap[0][0])
