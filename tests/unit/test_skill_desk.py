"""The zcc's skill-based desk, and the pooling effect of work locations.

Test plan (queueing theory: Erlang C; deterministic routing cases):
- routing: a call is answered by the free group with the fewest skills that
  holds its skill; a freed member takes the most urgent, then oldest call
  among its skills; a call no group can answer is refused on validation;
- queueing theory: one skill, k separate locations each with c staff and
  Poisson calls are k independent M/M/c queues, the pooled desk with k*c
  staff is one M/M/kc queue; the simulation matches Erlang C for both, and the
  pooled desk reaches a service level with no more staff than the separate ones;
- trunk reservation: a group that keeps k members free takes another group's
  calls only while more than k of its members are free, now and when one comes free;
- overflow: with an overflow threshold, separate locations wait less than
  without it (a long-waiting call is taken by an idle location).
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine.flow import run_flow
from sim.engine.kernel import Environment
from sim.engine.stats import PoolProbes
from sim.resources import SkillDesk
from sim.theory.queueing import mmc_mean_wait, mmc_wait_within, servers_for_service_level


def _desk(env, groups: dict[str, tuple[set[str], int]], overflow=None) -> SkillDesk:
    desk = SkillDesk(env, "zcc", {g: frozenset(s) for g, (s, _) in groups.items()}, PoolProbes.detached(), overflow)
    for i, (_, n) in enumerate(groups.values()):
        desk.set_capacity(i, n)
    return desk


def test_nurses_keep_one_free_for_their_own_calls():
    env = Environment()
    groups = {"nurse": frozenset({"ambulance_nurse", "gp_triagist"}), "triagist": frozenset({"gp_triagist"})}
    desk = SkillDesk(env, "zcc", groups, PoolProbes.detached(), keep_free={"nurse": 1})
    desk.set_capacity(0, 2)
    desk.set_capacity(1, 1)
    assert desk.request("gp_triagist", 3, None) == (desk, 1)  # the triagist
    assert desk.request("gp_triagist", 3, None) == (desk, 0)  # a nurse: two free, one stays free
    waiting = desk.request("gp_triagist", 3, None)
    assert not isinstance(waiting, tuple)  # the last free nurse is kept for 112 transfers
    assert desk.request("ambulance_nurse", 1, None) == (desk, 0)  # ... and takes one
    desk.release(0)  # a nurse comes free, but only one is free: the HAP call keeps waiting
    assert not waiting.triggered
    desk.release(1)  # the triagist comes free and takes it
    assert waiting.triggered and waiting.value == (desk, 1)


def test_specialists_answer_first_and_free_staff_take_best_call():
    env = Environment()
    desk = _desk(env, {"nurse": ({"ambulance_nurse", "gp_triagist"}, 1), "triagist": ({"gp_triagist"}, 1)})
    seat = desk.request("gp_triagist", 3, None)
    assert seat == (desk, 1)  # the triagist, not the more versatile nurse
    seat2 = desk.request("gp_triagist", 3, None)
    assert seat2 == (desk, 0)  # now the nurse helps out
    waiting_low = desk.request("gp_triagist", 4, None)
    waiting_urgent = desk.request("ambulance_nurse", 1, None)
    desk.release(0)  # the nurse comes free: the urgent ambulance-nurse call goes first
    env.run()
    assert waiting_urgent.value == (desk, 0) and not waiting_low.triggered
    desk.release(1)
    env.run()
    assert waiting_low.value == (desk, 1)


def _feed(env, desks: list[SkillDesk], gaps, service, where) -> np.ndarray:
    """Poisson callers to the given desks; returns each caller's wait for an answer."""
    waits = np.zeros(len(gaps))

    def caller(i):
        asked = env.now
        seat = yield desks[where[i]].request("gp_triagist", 3, None)
        waits[i] = env.now - asked
        yield env.timeout(service[i])
        seat[0].release(seat[1])

    def source():
        for i in range(len(gaps)):
            yield env.timeout(gaps[i])
            run_flow(caller(i))

    run_flow(source())
    env.run()
    return waits


def _mmc_sim(desks: list[SkillDesk], env, per_min: float, handling: float, n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    gaps, service = rng.exponential(1 / per_min, n), rng.exponential(handling, n)
    where = rng.integers(0, len(desks), n)
    return _feed(env, desks, gaps, service, where)[n // 10:]


def test_separate_and_pooled_locations_match_erlang_c():
    per_min, handling, c, k = 0.5, 6.0, 2, 2  # each location: 0.25/min x 6 min = 1.5 Erlang on 2 staff
    sep_env = Environment()
    separate = [_desk(sep_env, {"triagist": ({"gp_triagist"}, c)}) for _ in range(k)]
    sep = _mmc_sim(separate, sep_env, per_min, handling, 150_000, 1)
    pool_env = Environment()
    pooled = _mmc_sim([_desk(pool_env, {"triagist": ({"gp_triagist"}, k * c)})], pool_env, per_min, handling,
                      150_000, 1)
    load = per_min * handling
    assert sep.mean() == pytest.approx(mmc_mean_wait(c, load / k, handling), rel=0.08)
    assert pooled.mean() == pytest.approx(mmc_mean_wait(k * c, load, handling), rel=0.08)
    assert (pooled <= 2).mean() == pytest.approx(mmc_wait_within(k * c, load, handling, 2.0), abs=0.015)
    assert pooled.mean() < sep.mean()


@pytest.mark.parametrize("load,target", [(1.5, 0.8), (4.0, 0.9), (12.0, 0.8)])
def test_pooled_staff_never_exceed_separate_staff(load, target):
    for k in (2, 3, 4):
        separate = k * servers_for_service_level(load / k, 6.0, 2.0, target)
        pooled = servers_for_service_level(load, 6.0, 2.0, target)
        assert pooled <= separate


def test_overflow_shortens_waits_at_separate_locations():
    def run(overflow):
        env = Environment()
        desks = [_desk(env, {"triagist": ({"gp_triagist"}, 2)}, overflow) for _ in range(2)]
        for d in desks:
            d.peers = [o for o in desks if o is not d]
        rng = np.random.default_rng(5)
        n = 40_000
        gaps, service = rng.exponential(1 / 0.55, n), rng.exponential(6.0, n)
        where = (rng.random(n) < 0.7).astype(int)  # unbalanced: location 1 gets 70% of calls
        waits = _feed(env, desks, gaps, service, where)
        return waits.mean(), sum(d.waiting[s] for d in desks for s in d.waiting)

    without, left1 = run(None)
    with_overflow, left2 = run(1.0)
    assert with_overflow < 0.7 * without
    assert left1 == left2 == 0
