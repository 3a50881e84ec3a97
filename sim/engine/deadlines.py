"""Many deadlines, one event: the patience of callers waiting in the model's queues.

Every caller who has to wait gets a deadline (their patience). Most are answered before it, so a
timeout per caller costs a heap event that does nothing when it fires. The deadlines of every
queue of one simulation (desk patience, break-in times) are kept in one heap of their own
(:class:`DeadlineHeap`, one per environment), which has one event on the simulation's heap, at the
earliest deadline still pending: callers answered before their deadline cost no event at all, and
a queue whose new deadline is not the earliest of all queues arms nothing.

Results are those of a timeout per caller: a deadline fires at exactly the time such a timeout
would (``now + patience``, computed once and put on the heap as it is, not re-derived from a later
clock), and items with equal deadlines in the order they were added. Only the order among other
events at exactly the same time may differ (the event was made at another moment).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sim.engine.kernel import NORMAL, Environment, Event, heappop, heappush


def event_at(env: Environment, at: float, callback: Callable[[Event], None]) -> Event:
    """An event at exactly the clock time ``at`` that calls ``callback``.

    A timeout of ``at - now`` could land a rounding step off ``at``; this puts ``at`` on the heap
    as it is (so a time booked earlier as ``now + delay`` is kept to the bit).
    """
    event = env.event()
    event._ok = True  # a triggered event, as a Timeout is
    event._value = None
    event.callbacks.append(callback)
    if isinstance(env, Environment):
        env.schedule_at(event, at, NORMAL)
    else:  # a SimPy environment (the pure-Python core's unit tests compare with SimPy): its heap of tuples
        heappush(env._queue, (at, NORMAL, next(env._eid), event))
    return event


class DeadlineHeap:
    """The pending deadlines of one environment, with one event at the earliest still pending."""

    __slots__ = ("env", "_heap", "_seq", "_armed", "_armed_at", "_firing", "armed")

    def __init__(self, env: Environment) -> None:
        self.env = env
        self._heap: list[tuple[float, int, Deadlines, Any]] = []
        self._seq = 0
        self._armed: Event | None = None
        self._armed_at = float("inf")
        self._firing = False
        self.armed = 0  # events put on the simulation's heap (for the benchmark)

    @classmethod
    def of(cls, env: Environment) -> DeadlineHeap:
        """The environment's heap (made on first use)."""
        heap = getattr(env, "_acutesim_deadlines", None)  # SimPy environments (unit tests) have none
        if heap is None:
            heap = cls(env)
            env._acutesim_deadlines = heap
        return heap

    def push(self, after: float, owner: Deadlines, item: Any) -> None:
        deadline = self.env.now + after  # as Environment.schedule computes a timeout's time
        seq = self._seq
        self._seq = seq + 1
        heappush(self._heap, (deadline, seq, owner, item))
        if deadline < self._armed_at and not self._firing:
            self._arm(deadline)

    def _arm(self, at: float) -> None:
        """One event at ``at`` (a later one already on the heap is superseded and does nothing)."""
        self._armed, self._armed_at = event_at(self.env, at, self._fire), at
        self.armed += 1

    def _fire(self, event: Event) -> None:
        if event is not self._armed:
            return  # superseded by an earlier deadline
        self._armed, self._armed_at = None, float("inf")
        now, heap = self.env.now, self._heap
        self._firing = True  # deadlines added by the flows woken here are armed below, once
        try:
            while heap and heap[0][0] <= now:
                _, _, owner, item = heappop(heap)
                if owner._pending(item):
                    owner._expire(item)
        finally:
            self._firing = False
        while heap and not heap[0][2]._pending(heap[0][3]):
            heappop(heap)
        if heap:
            self._arm(heap[0][0])


class Deadlines:
    """Calls ``expire(item)`` when an item's deadline passes while ``pending(item)`` still holds.

    One queue's handle on its environment's :class:`DeadlineHeap`.
    """

    __slots__ = ("_expire", "_pending", "_heap")

    def __init__(self, env: Environment, expire: Callable[[Any], None], pending: Callable[[Any], bool]) -> None:
        self._expire = expire
        self._pending = pending
        self._heap = DeadlineHeap.of(env)

    def add(self, after: float, item: Any) -> None:
        """``item`` expires ``after`` minutes from now unless it stops being pending first."""
        self._heap.push(after, self, item)
