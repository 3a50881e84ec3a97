"""A telephone call to a desk: wait in the queue, maybe hang up and call again."""

from __future__ import annotations

from typing import Callable, Generator

from sim.chain.patient import Patient

URGENCY_PRIORITY = {"U0": 0, "U1": 1, "U2": 2, "U3": 3, "U4": 4, "U5": 5,
                    "A0": 0, "A1": 1, "A2": 2, "B": 4, "": 3}


def phone_call(m, kit, p: Patient, request: Callable, *args) -> Generator:
    """Ring a desk until answered or the caller gives up.

    ``request(*args, patience)`` asks the desk for a staff member. Returns what
    the desk granted (``True``, or a seat at a skill desk) or a false value when
    the caller gave up for good. The caller's flow must release the staff member
    after the handling time.
    """
    env, metrics, key = m.env, m.metrics, kit.name
    for attempt in range(kit.max_redials + 1):
        rang = env.now
        answered = yield request(*args, kit.patience())
        waited = env.now - rang
        metrics.counts[f"{key}.attempts"] += 1
        if answered:
            metrics.tally(f"{key}.answer_wait", waited)
            if waited <= kit.norm:
                metrics.counts[f"{key}.answered_within_norm"] += 1
            m.log(p, "answered", key)
            return answered
        metrics.counts[f"{key}.abandoned"] += 1
        m.log(p, "hung_up", key)
        if attempt == kit.max_redials or kit.u() >= kit.redial_probability:
            return None
        yield env.timeout(kit.redial_delay())
    return None
