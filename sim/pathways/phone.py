"""A telephone call to a desk: wait in the queue, maybe hang up and call again."""

from __future__ import annotations

from typing import Generator

from sim.patient import Patient
from sim.resources import CapacityPool

URGENCY_PRIORITY = {"U0": 0, "U1": 1, "U2": 2, "U3": 3, "U4": 4, "U5": 5,
                    "A0": 0, "A1": 1, "A2": 2, "B": 4, "": 3}


def phone_call(m, desk: CapacityPool, kit, p: Patient, priority: int = 0) -> Generator:
    """Ring the desk until answered or the caller gives up; True if answered.

    When answered, one staff member of ``desk`` is held by the caller; the
    caller's flow must release it after the handling time.
    """
    env, metrics, key = m.env, m.metrics, kit.name
    for attempt in range(kit.max_redials + 1):
        rang = env.now
        answered = yield desk.request(priority, kit.patience())
        waited = env.now - rang
        metrics.count(f"{key}.attempts")
        if answered:
            metrics.tally(f"{key}.answer_wait", waited)
            if waited <= kit.norm:
                metrics.count(f"{key}.answered_within_norm")
            m.log(p, "answered", key)
            return True
        metrics.count(f"{key}.abandoned")
        m.log(p, "hung_up", key)
        if attempt == kit.max_redials or kit.u() >= kit.redial_probability:
            return False
        yield env.timeout(kit.redial_delay())
    return False
