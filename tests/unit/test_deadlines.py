"""One event for many deadlines (sim/engine/deadlines.py) against a timeout per item.

Test plan (an independent reference, the obvious implementation): items get random deadlines and
some are settled (answered) at random earlier or later times; a timeout per item and
:class:`Deadlines` must expire exactly the same items at exactly the same times, in the same order,
equal deadlines in the order added; and the shared timer must put fewer events on the heap.
"""

from __future__ import annotations

import random

from sim.engine.deadlines import Deadlines
from sim.engine.flow import run_flow
from sim.engine.kernel import Environment
from tests.helpers import events_scheduled


def _scenario(seed: int) -> list[tuple[float, float, float]]:
    """(arrival, patience, settled_after) per item; patience sometimes equal to test ties."""
    rng = random.Random(seed)
    out = []
    t = 0.0
    for _ in range(400):
        t += rng.expovariate(1.0)
        patience = rng.choice([2.0, rng.expovariate(0.3)])
        out.append((t, patience, rng.expovariate(0.25)))
    return out


def _run(items: list[tuple[float, float, float]], shared: bool) -> tuple[list[tuple[float, int]], int]:
    env = Environment()
    pending: dict[int, bool] = {}
    expired: list[tuple[float, int]] = []

    def expire(i: int) -> None:
        pending[i] = False
        expired.append((env.now, i))

    deadlines = Deadlines(env, expire, lambda i: pending[i])

    def item(i: int, arrival: float, patience: float, settled: float):
        yield env.timeout(arrival)
        pending[i] = True
        if shared:
            deadlines.add(patience, i)
        else:
            env.timeout(patience).callbacks.append(lambda _e: expire(i) if pending[i] else None)
        yield env.timeout(settled)
        pending[i] = False

    for i, (a, p, s) in enumerate(items):
        run_flow(item(i, a, p, s))
    env.run()
    return expired, events_scheduled(env)


def test_shared_deadlines_expire_exactly_what_a_timeout_per_item_expires():
    for seed in range(5):
        items = _scenario(seed)
        reference, events_reference = _run(items, shared=False)
        got, events_shared = _run(items, shared=True)
        assert got == reference
        assert 50 < len(reference) < len(items)  # some expire, many are settled first: the test can fail
        assert events_shared < events_reference
