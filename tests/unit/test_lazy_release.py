"""A unit given back later with nobody waiting costs no heap event (sim/resources/pool.py ``release_after``).

Test plan:
- by hand: a triagist whose after-call work ends at 3 is busy until 3 (a caller at 2 waits and is
  answered at 3; a caller at 4 is answered at once) and the busy level's average is that of a
  release at 3; the release costs a heap event only in the first case;
- a booked change of a time-weighted level counts from its own time, also across a reset (the
  end of the warm-up) that comes after it;
- against the reference (an event per release, as before), on random desks with patience,
  roster changes, a gate and after-call work: every grant and give-up at the same time with the
  same answer, and the busy, queue and capacity averages equal to the bit, with fewer heap events.
"""

from __future__ import annotations

import numpy as np

from sim.engine.flow import run_flow
from sim.engine.kernel import Environment
from sim.engine.stats import PoolProbes, TimeWeighted
from sim.resources import CapacityPool
from tests.helpers import in_pure_python_core


class EagerPool(CapacityPool):
    """The reference: every later release is a timeout on the heap."""

    __slots__ = ()

    def release_after(self, delay: float) -> None:
        self.env.timeout(delay).callbacks.append(self._release_event)


def _heap_events(env: Environment) -> int:
    """Events scheduled so far (SimPy numbers every scheduled event)."""
    return env.events_scheduled


def _two_callers(pool_type: type[CapacityPool], second_at: float) -> tuple[list, list, float, int]:
    env = Environment()
    probes = PoolProbes.detached()
    desk = pool_type(env, "desk", 1, probes)
    answered: list[tuple[str, float]] = []

    def caller(name: str, at: float):
        yield env.timeout(at)
        got = yield desk.request(0, None)
        assert got is True
        answered.append((name, env.now))
        yield env.timeout(1.0)
        desk.release_after(2.0 if name == "first" else 0.5)

    run_flow(caller("first", 0.0))
    run_flow(caller("second", second_at))
    busy = []
    env.run(until=2.5)
    busy.append(desk.busy)
    env.run(until=10.0)
    busy.append(desk.busy)
    return answered, busy, probes.busy.mean(10.0), _heap_events(env)


@in_pure_python_core  # the reference is a subclass of the pool (compiled classes take none)
def test_after_call_work_keeps_the_triagist_busy():
    for second_at, answered_at, saved in [(2.0, 3.0, 1), (4.0, 4.0, 2)]:
        _after_call_work(second_at, answered_at, saved)


def _after_call_work(second_at: float, answered_at: float, saved: int) -> None:
    answered, busy, mean, events = _two_callers(CapacityPool, second_at)
    assert answered == [("first", 0.0), ("second", answered_at)]
    assert busy == [1, 0]  # the first caller's after-call work runs until 3
    # Busy from 0 to 3 (call and after-call work), then the second call and its after-call work: 1.5 minutes.
    assert mean == (3.0 + 1.5) / 10.0
    # The same as with an event per release, with one event less for each release nobody waited for
    # (the first's only when the second caller came after it).
    ref_answered, ref_busy, ref_mean, ref_events = _two_callers(EagerPool, second_at)
    assert (answered, busy, mean) == (ref_answered, ref_busy, ref_mean)
    assert ref_events - events == saved


def test_booked_level_change_counts_from_its_own_time():
    level = TimeWeighted()
    level.add(0.0, 2)
    level.add_at(3.0, -1)
    level.add_at(1.0, -1)
    level.add(2.0, 1)  # applies the drop at 1 first: 2 on [0, 1), 1 on [1, 2), 2 from 2
    assert level.level == 2
    assert level.mean(4.0) == (2 * 1 + 1 * 1 + 2 * 1 + 1 * 1) / 4.0  # the drop at 3 is applied by the read-out
    level.add_at(6.0, -1)
    level.reset(7.0)  # the end of the warm-up: the drop at 6 is in the past
    assert level.level == 0
    assert level.mean(9.0) == 0.0


def _desk_run(pool_type: type[CapacityPool], seed: int) -> tuple[list, list[float], int]:
    """A desk with random callers, patience, rosters, a gate and after-call work."""
    rng = np.random.default_rng(seed)
    env = Environment()
    probes = PoolProbes.detached(track_waits=True)
    desk = pool_type(env, "desk", 2, probes)
    log: list[tuple[int, float, bool]] = []
    n = 400
    gaps = rng.exponential(1.0, n).tolist()
    holds = rng.exponential(1.2, n).tolist()
    after = rng.exponential(0.8, n).tolist()
    patience = [None if u < 0.3 else p for u, p in zip(rng.random(n).tolist(), rng.exponential(3.0, n).tolist(),
                                                        strict=True)]
    lazy_direct = rng.random(n).tolist()

    def caller(i: int):
        got = yield desk.request(int(i % 3), patience[i])
        log.append((i, env.now, bool(got)))
        if got:
            yield env.timeout(holds[i])
            if lazy_direct[i] < 0.8:
                desk.release_after(after[i])  # after-call work
            else:
                desk.release()

    def source():
        for i in range(n):
            yield env.timeout(gaps[i])
            run_flow(caller(i))

    def roster():
        for k in range(40):
            yield env.timeout(9.7 + 0.01 * k)
            desk.set_capacity([1, 3, 2, 0, 2][k % 5])
        desk.set_capacity(4)

    def gate():
        while env.now < 300:
            yield env.timeout(23.3)
            desk.set_gate(False)
            yield env.timeout(2.9)
            desk.set_gate(True)

    run_flow(source())
    run_flow(roster())
    run_flow(gate())
    env.run(until=600.0)
    means = [probes.busy.mean(600.0), probes.queue.mean(600.0), probes.capacity.mean(600.0)]
    waits = list(probes._metrics.tally_array("wait")) + list(probes._metrics.tally_array("abandon_wait"))
    return log + [("busy at end", desk.busy, desk.waiting)], means + waits, _heap_events(env)


@in_pure_python_core  # the reference is a subclass of the pool (compiled classes take none)
def test_same_results_as_an_event_per_release():
    for seed in range(8):
        log, stats, events = _desk_run(CapacityPool, seed)
        ref_log, ref_stats, ref_events = _desk_run(EagerPool, seed)
        assert log == ref_log, f"seed {seed}"
        assert stats == ref_stats, f"seed {seed}"  # bit for bit
        assert any(not granted for _, _, granted in log[:-1]) and any(granted for _, _, granted in log[:-1])
        assert events < ref_events
