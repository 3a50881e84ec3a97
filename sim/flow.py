"""A light process runner for patient flows.

Patient flows are plain generators that ``yield`` what they wait for. A SimPy
event suspends the flow until it fires, exactly like a SimPy process; any
other yielded object is an answer that is already known (a desk with a free
triagist, a free bed) and is sent straight back without scheduling an event.
This keeps flows readable while a patient costs only the events where time
really passes: that is where the model's speed comes from (see benchmarks/).
"""

from __future__ import annotations

from typing import Any, Generator

from simpy.events import Event


def run_flow(flow: Generator, value: Any = None) -> None:
    """Advance ``flow`` until it waits on an event (or ends)."""
    send = flow.send
    try:
        while True:
            item = send(value)
            if isinstance(item, Event):
                item.callbacks.append(lambda ev, f=flow: run_flow(f, ev._value))
                return
            value = item
    except StopIteration:
        return
