"""Property tests of the capacity pool (Hypothesis).

Test plan (conservation and the capacity invariant, on generated cases): for any
sequence of requests (priorities, patience, holding times) and capacity changes:
every request is granted or gives up exactly once, busy never exceeds the
capacity at the time of a grant, and nothing is left waiting once capacity is
ample; with break-in, a request entitled to it never waits longer than the
break-in time, and only such requests are ever granted beyond the capacity.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sim.engine.flow import run_flow
from sim.engine.kernel import Environment
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
       st.integers(0, 2))  # break-in after 1 or 2 minutes for priority 0 (0: no break-in)
def test_every_request_resolved_once(requests, capacity, changes, break_in):
    env = Environment()
    pool = CapacityPool(env, "desk", capacity, PoolProbes.detached())
    if break_in:
        pool.allow_break_in(float(break_in), 0)
    late = []
    outcome: list[bool] = []
    over_capacity = []

    def caller(hold, prio, patience):
        asked = env.now
        granted = yield pool.request(prio, patience)
        outcome.append(granted)
        if break_in and not changes and capacity and prio == 0 and granted and env.now - asked > break_in + 1e-9:
            late.append((asked, env.now))
        if granted:
            if pool.busy > pool.capacity and pool.capacity >= 0 and not (break_in and prio == 0):
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
    assert not late


def test_break_in_answers_an_urgent_request_when_nobody_comes_free():
    env = Environment()
    pool = CapacityPool(env, "desk", 1, PoolProbes.detached())
    pool.allow_break_in(0.5, for_priority=0)
    assert pool.request(1) is True  # the only triagist is on a regular call
    regular, urgent = pool.request(1), pool.request(0)
    env.run(until=0.49)
    assert not urgent.triggered
    env.run(until=0.51)
    assert urgent.value is True and pool.busy == 2  # answered on top of the capacity
    assert not regular.triggered  # the regular caller still waits
    pool.release()
    pool.release()
    env.run(until=1)
    assert regular.value is True and pool.busy == 1
