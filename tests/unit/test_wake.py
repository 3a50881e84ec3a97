"""Answering a waiting flow without a heap event (sim/engine/flow.py ``wake``), and vehicles that
reach their post without an event (sim/resources/ambulance.py).

Test plan (deterministic cases worked out by hand, and the SimPy reference):
- a caller who waits for a busy desk goes on at the moment the desk is freed, with the value the
  desk gives, and no event is put on the heap for the grant; one whose patience runs out goes on
  at its deadline with ``False``;
- observers added to the request event (as the zcc's per-block counter does) still run, once;
- an event waited on by a SimPy process (not a flow) is answered through the heap as before;
- a vehicle released at a hospital is there until its drive home is over and at its post from
  then on, exactly as with an event at the end of the drive home.
"""

from __future__ import annotations

import simpy

from sim.engine.flow import run_flow, wake
from sim.engine.kernel import Environment
from sim.engine.stats import PoolProbes
from sim.resources import CapacityPool
from sim.resources.ambulance import AmbulanceFleet


def _heap_events(env: Environment) -> int:
    """Events scheduled so far (SimPy numbers every scheduled event)."""
    return env.events_scheduled


def test_waiting_caller_goes_on_when_the_desk_is_freed_without_a_heap_event():
    env = Environment()
    desk = CapacityPool(env, "desk", 1, PoolProbes.detached())
    log: list[tuple[str, float, object]] = []

    def caller(name: str, hold: float, patience: float | None = None):
        got = yield desk.request(0, patience)
        log.append((name, env.now, got))
        if got:
            yield env.timeout(hold)
            desk.release()

    run_flow(caller("first", 5.0))
    run_flow(caller("second", 1.0))
    run_flow(caller("impatient", 1.0, patience=3.0))
    env.run()
    assert log == [("first", 0.0, True), ("impatient", 3.0, False), ("second", 5.0, True)]
    # Events: first's hold, second's hold and one patience event; none for the grant or the give-up.
    assert _heap_events(env) == 3


def test_observers_of_the_request_run_once():
    env = Environment()
    desk = CapacityPool(env, "desk", 0, PoolProbes.detached())
    seen: list[tuple[float, object]] = []

    def caller():
        ev = desk.request(0, None)
        ev.callbacks.append(lambda e: seen.append((env.now, e.value)))
        got = yield ev
        seen.append((env.now, got))

    run_flow(caller())
    env.timeout(2.0).callbacks.append(lambda _e: desk.set_capacity(1))
    env.run()
    assert seen == [(2.0, True), (2.0, True)]  # the flow's resume was added first, then the observer


def test_event_of_a_simpy_process_goes_through_the_heap():
    env = simpy.Environment()
    ev = env.event()
    got: list[tuple[float, object]] = []

    def proc():
        value = yield ev
        got.append((env.now, value))

    env.process(proc())
    env.run(until=1.0)
    wake(ev, "answer")
    assert got == []  # not yet: SimPy's step answers it
    env.run()
    assert got == [(1.0, "answer")]


def test_vehicle_is_at_the_hospital_until_its_drive_home_is_over():
    env = Environment()
    # Two sub-areas: the post (0) and a hospital (1), 10 minutes apart.
    fleet = AmbulanceFleet(env, home=[0], drive_min=[[0.0, 10.0], [10.0, 0.0]], probes=PoolProbes.detached())
    where: list[tuple[float, int]] = []

    def ride(start: float, release_at: int | None):
        yield env.timeout(start)
        vehicle = yield fleet.request(0, 0)
        where.append((env.now, fleet.location[vehicle]))
        if release_at is not None:
            fleet.release(vehicle, release_at)
        else:
            fleet.release(vehicle, 0)

    run_flow(ride(0.0, 1))    # released at the hospital at time 0: home at 10
    run_flow(ride(4.0, 1))    # dispatched from the hospital at 4, released there again: home at 14
    run_flow(ride(13.0, None))  # still at the hospital at 13
    run_flow(ride(20.0, None))  # at its post from 14 on
    env.run()
    assert where == [(0.0, 0), (4.0, 1), (13.0, 1), (20.0, 0)]
    assert _heap_events(env) == 4  # only the rides' own start timeouts
