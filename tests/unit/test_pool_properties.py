"""Property tests of the capacity pool (Hypothesis).

Test plan (conservation and the capacity invariant, on generated cases): for any
sequence of requests (priorities, patience, holding times) and capacity changes:
every request is granted or gives up exactly once, busy never exceeds the
capacity at the time of a grant, and nothing is left waiting once capacity is
ample; with a reserve (trunk reservation), a request that is not entitled to
the reserve is never granted beyond capacity minus the reserve (at least one),
and an entitled request is granted at once while a unit is free.
"""

from __future__ import annotations

import simpy
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.engine.flow import run_flow
from sim.engine.stats import PoolProbes
from sim.resources import CapacityPool

request = st.tuples(
    st.floats(0, 5),                        # gap before the request
    st.integers(0, 3),                      # priority
    st.one_of(st.none(), st.floats(0, 8)),  # patience
    st.floats(0.1, 10),                     # holding time
)


@settings(max_examples=150, deadline=None)
@given(st.lists(request, min_size=1, max_size=60), st.integers(0, 4), st.lists(st.integers(0, 4), max_size=5),
       st.integers(0, 2))
def test_every_request_resolved_once(requests, capacity, changes, reserve):
    env = simpy.Environment()
    pool = CapacityPool(env, "desk", capacity, PoolProbes.detached())
    pool.keep_reserve(reserve, 0)
    outcome: list[bool] = []
    over_capacity = []

    def caller(hold, prio, patience):
        granted = yield pool.request(prio, patience)
        outcome.append(granted)
        if granted:
            limit = pool.capacity if prio == 0 or not reserve else max(pool.capacity - reserve, min(pool.capacity, 1))
            if pool.busy > limit and pool.capacity >= 0:
                over_capacity.append((env.now, pool.busy, pool.capacity))
            yield env.timeout(hold)
            pool.release()

    def source():
        for gap, prio, patience, hold in requests:
            yield env.timeout(gap)
            run_flow(caller(hold, prio, patience))

    def roster():
        for c in changes:
            yield env.timeout(7)
            pool.set_capacity(c)
        yield env.timeout(7)
        pool.set_capacity(5)  # ample at the end: nobody may be left waiting

    run_flow(source())
    run_flow(roster())
    env.run()
    assert len(outcome) == len(requests)
    assert pool.waiting == 0 and pool.busy == 0
    assert not over_capacity


def test_reserve_keeps_a_unit_for_urgent_requests():
    env = simpy.Environment()
    pool = CapacityPool(env, "desk", 3, PoolProbes.detached())
    pool.keep_reserve(1, for_priority=0)
    assert pool.request(1) is True and pool.request(1) is True
    waiting = pool.request(1)
    assert waiting is not True and pool.busy == 2  # the third unit is kept
    assert pool.request(0) is True and pool.busy == 3  # an urgent request takes it at once
    pool.release()  # the urgent call ends: the kept unit is free again, the regular caller still waits
    env.run()
    assert not waiting.triggered and pool.busy == 2
    pool.release()  # a regular call ends: the waiting regular caller gets that unit
    env.run()
    assert waiting.value is True and pool.busy == 2
    lone = CapacityPool(env, "night", 1, PoolProbes.detached())
    lone.keep_reserve(1, for_priority=0)
    assert lone.request(1) is True  # a lone server answers every line
