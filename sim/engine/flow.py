"""A light process runner for patient flows.

Patient flows are plain generators that ``yield`` what they wait for. An event
(of the model's kernel, :mod:`sim.engine.kernel`, or of SimPy) suspends the flow
until it fires, exactly like a SimPy process; any other yielded object is an
answer that is already known (a desk with a free triagist, a free bed) and is
sent straight back without scheduling an event. This keeps flows readable while
a patient costs only the events where time really passes: that is where the
model's speed comes from (see benchmarks/). Each event is waited on by exactly
one flow (requests and timeouts are made per wait), so the flow can travel on
the event itself.

A resource that answers a waiting request (a freed triagist takes the next
caller, a caller's patience runs out) calls :func:`wake`: the waiting flow goes
on at once, inside the resource's own step, instead of through an event that
SimPy would put on its heap and take off again at the same time.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any, Final

from simpy.events import Event as SimPyEvent

from sim.engine.kernel import Event

# What a flow waits on: an event of the model's kernel, or of SimPy (SimPy processes in tests). The
# kernel's Event is tested first and alone: compiled (sim/native.py), that is one pointer comparison.


_ENDED: Final[Any] = object()
"""What ``next(flow, _ENDED)`` gives when the flow has ended (no exception raised and caught)."""
# Compiled statics: a plain module name is looked up on every use.
_SIMPY_EVENT: Final = SimPyEvent
_NEXT: Final = next


def run_flow(flow: Generator, value: Any = None) -> None:
    """Advance ``flow`` until it waits on an event (or ends)."""
    _advance(flow, value)


def _resume(event: Any) -> None:
    """The event a flow waits on fired: the flow goes on with the event's value (see also :func:`fire`)."""
    _advance(event._flow, event._value)


_RESUME: Final[Callable[[Any], None]] = _resume
"""The callback a waiting flow puts on its event (a compiled static: no module look-up per wait)."""


def _advance(flow: Generator, value: Any) -> None:
    """Send ``value`` into ``flow``, and every answer it yields that is already known, until it waits or ends.

    A flow mostly goes on with nothing (a timeout's value is None): ``next(flow, _ENDED)`` then tells
    its end without a ``StopIteration`` (compiled, a caught exception costs a traceback entry).
    """
    while True:
        if value is None:
            item = _NEXT(flow, _ENDED)
            if item is _ENDED:
                return
        else:
            try:
                item = flow.send(value)
            except StopIteration:
                return
        if isinstance(item, Event):
            item._flow = flow  # the waiting flow travels with its event
            callbacks: list[Any] = item.callbacks
            callbacks.append(_RESUME)
            return
        if isinstance(item, _SIMPY_EVENT):
            item._flow = flow  # type: ignore[attr-defined]
            item.callbacks.append(_RESUME)
            return
        value = item


def wake(event: Any, value: Any) -> None:
    """Answer ``event`` with ``value`` now: its callbacks run (the waiting flow goes on) without a heap event.

    The flow runs before the rest of the current step (a ``succeed`` would run it after every
    event already due at this time), so events at the same time may be handled in another order
    than with ``succeed``; the times are the same. An event no flow waits on (a SimPy process
    waits on it, or nobody yet) is answered with ``succeed`` as before.
    """
    if not hasattr(event, "_flow"):
        event.succeed(value)
        return
    event._ok = True
    event._value = value
    if isinstance(event, Event):
        fire(event)
        return
    callbacks, event.callbacks = event.callbacks, None  # as SimPy's step
    for callback in callbacks:  # the flow's _resume and any observer added before it
        callback(event)


def fire(event: Event) -> None:
    """Run the callbacks of an event being processed, as SimPy's step does (and mark it processed).

    The usual event has one callback, the flow waiting on it: that flow goes on by a direct call
    (compiled, no call through Python's calling convention). Any other list runs in order.
    """
    callbacks, event.callbacks = event.callbacks, None
    if len(callbacks) == 1 and callbacks[0] is _RESUME:
        _advance(event._flow, event._value)
        return
    for callback in callbacks:  # the flow's _resume and any observer added before it
        callback(event)
