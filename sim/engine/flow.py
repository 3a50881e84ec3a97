"""A light process runner for patient flows.

Patient flows are plain generators that ``yield`` what they wait for. A SimPy
event suspends the flow until it fires, exactly like a SimPy process; any
other yielded object is an answer that is already known (a desk with a free
triagist, a free bed) and is sent straight back without scheduling an event.
This keeps flows readable while a patient costs only the events where time
really passes: that is where the model's speed comes from (see benchmarks/).
Each event is waited on by exactly one flow (requests and timeouts are made
per wait), so the flow can travel on the event itself.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from simpy.events import Event


def run_flow(flow: Generator, value: Any = None) -> None:
    """Advance ``flow`` until it waits on an event (or ends)."""
    send = flow.send
    try:
        while True:
            item = send(value)
            if isinstance(item, Event):
                item._flow = flow  # type: ignore[attr-defined]  # the waiting flow travels with its event
                item.callbacks.append(_resume)
                return
            value = item
    except StopIteration:
        return


def _resume(event: Event) -> None:
    run_flow(event._flow, event._value)  # type: ignore[attr-defined]
