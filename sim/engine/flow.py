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

from collections.abc import Generator
from typing import Any

from simpy.events import Event as SimPyEvent

from sim.engine.kernel import Event

# What a flow waits on: an event of the model's kernel, or of SimPy (SimPy processes in tests). The
# kernel's Event is tested first and alone: compiled (sim/native.py), that is one pointer comparison.


def run_flow(flow: Generator, value: Any = None) -> None:
    """Advance ``flow`` until it waits on an event (or ends)."""
    send = flow.send
    try:
        while True:
            item = send(value)
            if isinstance(item, Event) or isinstance(item, SimPyEvent):
                item._flow = flow  # type: ignore[union-attr]  # the waiting flow travels with its event
                item.callbacks.append(_resume)
                return
            value = item
    except StopIteration:
        return


def _resume(event: Any) -> None:
    """The event a flow waits on fired: the flow goes on with the event's value.

    The loop of :func:`run_flow`, repeated here rather than called: it runs on every event.
    """
    flow = event._flow
    send = flow.send
    value = event._value
    try:
        while True:
            item = send(value)
            if isinstance(item, Event) or isinstance(item, SimPyEvent):
                item._flow = flow  # type: ignore[union-attr]
                item.callbacks.append(_resume)
                return
            value = item
    except StopIteration:
        return


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
    callbacks, event.callbacks = event.callbacks, None  # as SimPy's step
    for callback in callbacks:  # the flow's _resume and any observer added before it
        callback(event)
