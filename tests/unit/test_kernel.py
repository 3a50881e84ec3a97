"""The model's event kernel (sim/engine/kernel.py) against SimPy's semantics.

Test plan (deterministic cases worked out by hand, and SimPy as the reference):
- events at the same time are processed by priority (urgent first), then in the order they were
  scheduled, whichever way they were made (timeout, succeed, schedule);
- a timeout carries its value to the waiting flow, and a negative delay is refused;
- ``run(until=t)`` stops with the clock at ``t``, leaves normal events at ``t`` for the next run,
  refuses a time not after now, and without ``until`` runs until no event is left;
- a failed event nobody defuses ends the run with its exception; a defused one does not;
- an M/M/c with patience (many ties: integer times) run through the same flows and pool on both
  environments gives the identical event trace, clock times to the bit, and the same number of
  scheduled events.
"""

from __future__ import annotations

import random

import pytest
import simpy

from sim.engine.flow import run_flow
from sim.engine.kernel import NORMAL, URGENT, Environment
from sim.engine.stats import PoolProbes
from sim.resources import CapacityPool
from tests.helpers import events_scheduled, in_pure_python_core


def test_same_time_events_go_by_priority_then_creation_order():
    env = Environment()
    seen: list[str] = []

    def mark(name: str):
        return lambda _e: seen.append(name)

    env.timeout(1.0).callbacks.append(mark("timeout a"))
    for name, priority in (("normal via schedule", NORMAL), ("urgent", URGENT)):
        ev = env.event()
        ev._ok, ev._value = True, None  # triggered, as a timeout is (and as the model's stop event is made)
        ev.callbacks.append(mark(name))
        env.schedule(ev, priority, 1.0)
    env.timeout(1.0).callbacks.append(mark("timeout b"))
    env.timeout(0.5).callbacks.append(lambda _e: env.event().succeed().callbacks.append(mark("succeeded at 0.5")))
    env.run()
    assert seen == ["succeeded at 0.5", "urgent", "timeout a", "normal via schedule", "timeout b"]
    assert env.now == 1.0


def test_timeout_value_reaches_the_flow():
    env = Environment()
    got: list[tuple[float, object]] = []

    def flow():
        value = yield env.timeout(2.5, value="done")
        got.append((env.now, value))
        value = yield env.timeout(0)
        got.append((env.now, value))

    run_flow(flow())
    env.run()
    assert got == [(2.5, "done"), (2.5, None)]
    with pytest.raises(ValueError):
        env.timeout(-1.0)


def test_run_until_stops_at_that_time_and_leaves_its_normal_events():
    env = Environment()
    seen: list[float] = []
    for t in (1.0, 2.0, 3.0, 4.0):
        env.timeout(t).callbacks.append(lambda _e: seen.append(env.now))
    env.run(until=3.0)
    assert env.now == 3.0 and seen == [1.0, 2.0]  # the urgent stop goes before the timeout at 3
    env.run(until=3.5)
    assert env.now == 3.5 and seen == [1.0, 2.0, 3.0]
    with pytest.raises(ValueError):
        env.run(until=3.5)
    env.run()
    assert env.now == 4.0 and seen == [1.0, 2.0, 3.0, 4.0]


def test_run_until_after_the_last_event_moves_the_clock():
    env = Environment()
    env.timeout(1.0)
    env.run(until=10)
    assert env.now == 10


def test_event_state_and_failure():
    env = Environment()
    ev = env.event()
    assert not ev.triggered and not ev.processed
    with pytest.raises(AttributeError):
        _ = ev.value
    ev.succeed(7)
    assert ev.triggered and ev.ok and ev.value == 7
    with pytest.raises(RuntimeError):
        ev.succeed(8)
    env.run()
    assert ev.processed

    bad = env.event().fail(KeyError("x"))
    with pytest.raises(KeyError):
        env.run()
    assert bad.processed

    handled = env.event()
    handled.callbacks.append(lambda e: setattr(e, "defused", True))
    handled.fail(ValueError("handled"))
    env.run()  # defused: no exception
    assert handled.defused


def _mmc_trace(env, customers: int = 400, servers: int = 3, seed: int = 7) -> tuple[list, int]:
    """Trace (time, customer, what) of an M/M/c with patience on ``env``, through the model's pool and flows.

    Times are whole minutes, so arrivals, services and deadlines often coincide and the order of
    same-time events decides the trace.
    """
    rnd = random.Random(seed)
    gaps = [float(rnd.randint(0, 3)) for _ in range(customers)]
    service = [float(rnd.randint(1, 12)) for _ in range(customers)]
    patience = [float(rnd.randint(1, 8)) if rnd.random() < 0.5 else None for _ in range(customers)]
    after = [float(rnd.randint(0, 2)) for _ in range(customers)]
    desk = CapacityPool(env, "desk", servers, PoolProbes.detached(track_waits=True))
    trace: list[tuple[float, int, str]] = []

    def customer(i: int):
        trace.append((env.now, i, "arrive"))
        got = yield desk.request(i % 2, patience[i])
        if not got:
            trace.append((env.now, i, "gave up"))
            return
        trace.append((env.now, i, "served"))
        yield env.timeout(service[i])
        trace.append((env.now, i, "done"))
        if after[i]:
            desk.release_after(after[i])
        else:
            desk.release()

    def source():
        for i in range(customers):
            yield env.timeout(gaps[i])
            run_flow(customer(i))

    run_flow(source())
    roster = [servers, servers - 1, servers + 1, servers]

    def clock():
        for h in range(40):
            desk.set_capacity(roster[h % len(roster)])
            yield env.timeout(30.0)

    run_flow(clock())
    env.run(until=500.5)
    env.run(until=900)
    env.run()
    return trace, events_scheduled(env)


@in_pure_python_core
def test_mmc_trace_is_that_of_simpy():
    ours, our_events = _mmc_trace(Environment())
    theirs, their_events = _mmc_trace(simpy.Environment())
    assert len(ours) > 1000
    assert any(what == "gave up" for _, _, what in ours)
    assert [t.hex() for t, _, _ in ours] == [t.hex() for t, _, _ in theirs]  # the clock to the bit
    assert ours == theirs
    assert our_events == their_events


def test_chooser_takes_the_label_a_scan_of_the_cumulative_shares_takes():
    """Chooser (sim/chain/context.py) bisects; a linear scan for the first share above u is the reference."""
    from sim.chain.context import Chooser
    from sim.engine.rng import Streams

    mix = {"a": 0.2, "b": 0.0, "c": 0.5, "d": 0.3}
    chooser = Chooser(Streams(5, 0).uniform("x"), mix)
    u = Streams(5, 0).uniform("x")  # the same stream: the same draws
    cum = [0.2, 0.2, 0.7, 1.0]
    for _ in range(20_000):
        draw = u()
        expected = next(label for label, c in zip(mix, cum, strict=True) if draw < c)
        assert chooser() == expected


def test_the_compiled_heap_pops_in_the_order_of_heapq_over_tuples():
    """The events' own heap (used compiled, sim/engine/kernel.py) against heapq over (time, priority, id)."""
    import heapq

    from sim.engine.kernel import ORDER_SPAN, Event, _sift_in, _sift_out

    rng = random.Random(4)
    env = Environment()
    ours: list[Event] = []
    theirs: list[tuple[float, int, int, Event]] = []
    popped_ours, popped_theirs = [], []
    for eid in range(20_000):
        if theirs and rng.random() < 0.45:
            popped_ours.append(_sift_out(ours))
            popped_theirs.append(heapq.heappop(theirs)[3])
            continue
        ev = Event(env)
        at, priority = float(rng.randint(0, 300)) / 4, rng.choice((URGENT, NORMAL))  # many equal times
        ev._at, ev._order = at, priority * ORDER_SPAN + eid
        _sift_in(ours, ev)
        heapq.heappush(theirs, (at, priority, eid, ev))
    while theirs:
        popped_ours.append(_sift_out(ours))
        popped_theirs.append(heapq.heappop(theirs)[3])
    assert not ours and len(popped_ours) > 10_000
    assert popped_ours == popped_theirs
