"""A lean discrete-event kernel: the part of SimPy's Environment the model uses, and nothing else.

The model's patient flows are generators run by :mod:`sim.engine.flow`, not SimPy processes, so
of SimPy they only need a clock, timeouts, plain events that a resource answers, and a loop that
takes events off a heap. SimPy's general machinery (processes, conditions, the ``step`` with its
exception bookkeeping, ``now`` as a property) costs time on every event without being used. This
kernel keeps exactly that subset behind the same names:

- :class:`Environment` with ``now`` (a plain attribute), ``timeout``, ``event``, ``schedule`` and
  ``run(until)``; ``schedule_at``, ``next_event`` and ``goes_first`` for the code that drives the loop
  itself (:mod:`sim.engine.deadlines`, the model's arrival merge); ``take_id`` and ``events_scheduled``
  for the event counter (an int, not SimPy's ``itertools.count``: compiled, a counter is an addition);
- :class:`Event` (``callbacks``, ``value``, ``ok``, ``triggered``, ``processed``, ``succeed``,
  ``fail``, ``defused``), with ``__slots__``; a timeout is an event scheduled when made.

Events are ordered exactly as SimPy orders them: the heap key is ``(time, priority, event id)``
with SimPy's priorities (``URGENT`` 0 before ``NORMAL`` 1) and an id taken from one counter at the
moment an event is scheduled, a timeout's time is computed as ``now + delay`` as SimPy computes
it, and ``run(until=t)`` puts an urgent event at ``now + (t - now)`` as SimPy does. So a model run
on this kernel handles the same events in the same order, at the same (bit-identical) times, as on
``simpy.Environment``: every result is the same (``tests/back`` holds fingerprints; the unit tests
compare event traces with SimPy's). Run as Python, the resources (:mod:`sim.resources`) work on
either environment, and the unit tests compare with SimPy there.

The heap has two forms with one order. Run as Python it is :mod:`heapq` over tuples
``(time, priority, id, event)``, whose comparisons run in C. Compiled (:mod:`sim.native`), tuple
comparisons would be the loop's largest cost, so the heap holds the events themselves, each with its
time and ``priority * ORDER_SPAN + id`` as native fields, sifted by the same algorithm as heapq's on
native numbers. Both pop events in ``(time, priority, id)`` order, and ids are unique, so the order
of events, and every result, is the same (tests/functional/test_native_core.py).
"""

from __future__ import annotations

import heapq
from collections.abc import Generator
from typing import Any, Final

from mypy_extensions import i64

heappush: Final = heapq.heappush
"""heapq's functions as compiled statics (sim/native.py): the modules with a heap of their own import
them from here, so that no call looks ``heapq`` up in a module's namespace."""
heappop: Final = heapq.heappop

URGENT: Final = 0  # SimPy's EventPriority values: urgent events go before normal ones at the same time
NORMAL: Final = 1
ORDER_SPAN: Final = 1 << 40
"""Compiled heap key: ``priority * ORDER_SPAN + id`` orders as ``(priority, id)`` while ids stay below 2**40
(10**12 events; a national year schedules some 10**7)."""
COMPILED: Final = not __file__.endswith(".py")
"""This module runs compiled (mypyc sets ``__file__`` to the extension module): the heap holds events."""


class _Pending:
    """The value of an event that has not been triggered yet."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<PENDING>"


PENDING: Final[Any] = _Pending()


class Event:
    """An event: callbacks run, in the order added, when the environment processes it.

    ``_flow`` is where :func:`sim.engine.flow.run_flow` keeps the one flow waiting on the event
    (unset otherwise); ``_defused`` marks a failed event whose failure was handled.
    """

    __slots__ = ("env", "callbacks", "_value", "_ok", "_flow", "_defused", "_at", "_order")

    env: Environment
    callbacks: Any  # a list of callables; None once processed (as in SimPy)
    _value: Any
    _ok: bool
    _flow: Generator[Any, Any, Any]
    _defused: bool
    _at: float  # on the compiled heap: the time and the order key (see the module docstring)
    _order: i64

    def __init__(self, env: Environment) -> None:
        self.env = env
        self.callbacks = []
        self._value = PENDING

    @property
    def triggered(self) -> bool:
        return self._value is not PENDING

    @property
    def processed(self) -> bool:
        return self.callbacks is None

    @property
    def ok(self) -> bool:
        return self._ok

    @property
    def value(self) -> Any:
        if self._value is PENDING:
            raise AttributeError(f"value of {self} is not yet available")
        return self._value

    @property
    def defused(self) -> bool:
        return hasattr(self, "_defused")

    @defused.setter
    def defused(self, value: bool) -> None:
        self._defused = True

    def succeed(self, value: Any = None) -> Event:
        """Trigger with ``value``: processed at the current time, after the events already due now."""
        if self._value is not PENDING:
            raise RuntimeError(f"{self} has already been triggered")
        self._ok = True
        self._value = value
        self.env.schedule(self)
        return self

    def fail(self, exception: BaseException) -> Event:
        """Trigger as failed: ``run`` raises ``exception`` unless a callback defuses the event."""
        if self._value is not PENDING:
            raise RuntimeError(f"{self} has already been triggered")
        if not isinstance(exception, BaseException):
            raise TypeError(f"{exception} is not an exception.")
        self._ok = False
        self._value = exception
        self.env.schedule(self)
        return self

    def __repr__(self) -> str:
        return f"<{type(self).__name__} object at {id(self):#x}>"



class Environment:
    """The clock and the event heap; see the module docstring.

    ``now`` is a plain attribute (SimPy's is a property over ``_now``): the model reads it on every
    step of every flow. Only code that drives the loop itself (the model's arrival merge) sets it.
    """

    __slots__ = ("now", "_queue", "_eid", "_acutesim_deadlines")

    _acutesim_deadlines: Any

    def __init__(self, initial_time: float = 0) -> None:
        self.now: float = initial_time
        self._queue: list[Any] = []  # tuples (time, priority, id, event), or events when compiled
        self._eid: i64 = 0  # the id of the next scheduled event (SimPy: next(itertools.count()))
        self._acutesim_deadlines: Any = None  # sim.engine.deadlines keeps its heap here

    def timeout(self, delay: float, value: Any = None) -> Event:
        """An event processed ``delay`` from now with ``value`` (SimPy's ``Timeout``), scheduled at once.

        A plain :class:`Event`: compiled (sim/native.py), the heap reads its events' fields after a type
        check that one class passes at once and a subclass only after a look at its bases.
        """
        if delay < 0:
            raise ValueError(f"Negative delay {delay}")
        event = Event(self)
        event._value = value
        event._ok = True
        self.schedule_at(event, self.now + delay, NORMAL)
        return event

    def event(self) -> Event:
        """A new, untriggered event (every queued request is one)."""
        return Event(self)

    def schedule(self, event: Event, priority: int = NORMAL, delay: float = 0) -> None:
        """Put ``event`` on the heap at ``now + delay`` with ``priority`` (SimPy's ``schedule``)."""
        self.schedule_at(event, self.now + delay, priority)

    def take_id(self) -> i64:
        """The next event id, taken now (as SimPy's ``next(env._eid)``)."""
        eid = self._eid
        self._eid = eid + 1
        return eid

    @property
    def events_scheduled(self) -> i64:
        """Event ids taken so far: every event scheduled (SimPy numbers each one the same way)."""
        return self._eid

    def schedule_at(self, event: Event, at: float, priority: int) -> None:
        """Put ``event`` on the heap at exactly ``at``, after every event already there at ``at`` and ``priority``."""
        eid = self._eid
        self._eid = eid + 1
        if COMPILED:
            event._at = at
            event._order = i64(priority) * ORDER_SPAN + eid  # C arithmetic (a plain int above 2**31 is not)
            _sift_in(self._queue, event)
        else:
            heappush(self._queue, (at, priority, eid, event))

    def next_event(self) -> Event:
        """Take the first event off the heap and move the clock to its time (``IndexError`` when none is left)."""
        if COMPILED:
            event = _sift_out(self._queue)
            self.now = event._at
            return event
        self.now, _, _, event = heappop(self._queue)
        return event

    def goes_first(self, at: float, eid: i64) -> bool:
        """Whether an event at ``at`` with priority NORMAL and id ``eid`` precedes the heap's first event.

        The model's arrival merge asks this for the next arrival, which holds its id without being on the heap.
        """
        head = self._queue[0]
        if COMPILED:
            first: Event = head
            return at < first._at or (at == first._at and eid + ORDER_SPAN < first._order)  # NORMAL
        return (at, NORMAL, eid) < head

    def peek(self) -> float:
        """The time of the next event (infinity when none is left)."""
        if not self._queue:
            return float("inf")
        head = self._queue[0]
        return float(head._at) if COMPILED else float(head[0])

    def step(self) -> None:
        """Process the next event (as SimPy's ``step``; ``IndexError`` when none is left)."""
        event = self.next_event()
        callbacks, event.callbacks = event.callbacks, None  # processed
        for callback in callbacks:
            callback(event)
        if not event._ok and not hasattr(event, "_defused"):
            _crash(event)

    def run(self, until: float | None = None) -> None:
        """Process events until the clock reaches ``until`` (or, without it, until none is left).

        As in SimPy, ``until`` is an urgent event at ``now + (until - now)``: events at exactly
        that time that were scheduled as normal are left for the next ``run``.
        """
        queue = self._queue
        stop: Event | None = None
        if until is not None:
            at = until if isinstance(until, int) else float(until)
            if at <= self.now:
                raise ValueError(f"until ({at}) must be greater than the current simulation time")
            stop = Event(self)
            stop._ok = True
            stop._value = None
            self.schedule(stop, URGENT, at - self.now)
        while queue:
            event = self.next_event()
            if event is stop:
                stop.callbacks = None  # processed
                self._eid += 1  # SimPy schedules its stop event once more on stopping: the same count of events
                return
            callbacks, event.callbacks = event.callbacks, None  # processed
            for callback in callbacks:
                callback(event)
            if not event._ok and not hasattr(event, "_defused"):
                _crash(event)
        if stop is not None:
            raise RuntimeError(f'No scheduled events left but "until" event was not triggered: {stop}')


def _crash(event: Event) -> None:
    """A failed event nobody defused ends the run with (a copy of) its exception, as in SimPy."""
    exc = type(event._value)(*event._value.args)
    exc.__cause__ = event._value
    raise exc


def _move_up(heap: list[Event], pos: i64, event: Event) -> None:
    """Put ``event`` at ``pos`` or above it, past every parent it goes before (heapq's ``_siftdown``).

    "Goes before" is (time, order key) compared in place (one comparison, written out where it runs:
    compiled, a helper function would be a call per level).
    """
    at = event._at
    order = event._order
    while pos > 0:
        parent_pos = (pos - 1) >> 1
        parent = heap[parent_pos]
        if at < parent._at or (at == parent._at and order < parent._order):
            heap[pos] = parent
            pos = parent_pos
        else:
            break
    heap[pos] = event


def _sift_in(heap: list[Event], event: Event) -> None:
    """heapq.heappush on the compiled heap: append, then move up."""
    heap.append(event)
    _move_up(heap, len(heap) - 1, event)


def _sift_out(heap: list[Event]) -> Event:
    """heapq.heappop on the compiled heap: the first event; the last takes its place and sinks (heapq's way)."""
    last = heap.pop()
    if not heap:
        return last
    first = heap[0]
    end: i64 = len(heap)
    pos: i64 = 0
    child: i64 = 1
    while child < end:  # down to a leaf along the earlier children, as heapq's _siftup
        earlier = heap[child]
        right = child + 1
        if right < end:
            other = heap[right]
            if not (earlier._at < other._at or (earlier._at == other._at and earlier._order < other._order)):
                earlier = other
                child = right
        heap[pos] = earlier
        pos = child
        child = 2 * pos + 1
    _move_up(heap, pos, last)  # then up to where the last event belongs
    return first
