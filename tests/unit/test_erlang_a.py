"""Erlang A (M/M/c+M), the formula behind 'rosters follow the work' (sim/config/desk_work.py).

Test plan:
- with (almost) infinite patience it equals Erlang C's P(wait <= t);
- it agrees with a direct simulation of an M/M/c+M queue (callers hang up after an
  exponential patience), under and over capacity, within the simulation's noise;
- more servers never answer fewer callers within the norm (monotone, which the
  staffing search relies on).
"""

from __future__ import annotations

import numpy as np
import pytest
import simpy

from sim.theory.queueing import erlang_a_answered_within, mmc_wait_within


def test_infinite_patience_is_erlang_c():
    lam = np.array([0.1, 0.3, 0.45])
    got = erlang_a_answered_within(3, lam, 6.0, 1e12, 2.0)
    want = [mmc_wait_within(3, a * 6.0, 6.0, 2.0) for a in lam]
    assert got == pytest.approx(want, abs=1e-6)


def _simulate(servers: int, lam: float, mean_service: float, mean_patience: float, t: float, n: int,
              seed: int) -> float:
    rng = np.random.default_rng(seed)
    env = simpy.Environment()
    desk = simpy.Resource(env, servers)
    answered_within = [0]

    def caller():
        arrived = env.now
        req = desk.request()
        hang_up = env.timeout(rng.exponential(mean_patience))
        got = yield req | hang_up
        if req not in got:
            req.cancel()
            return
        if env.now - arrived <= t:
            answered_within[0] += 1
        yield env.timeout(rng.exponential(mean_service))
        desk.release(req)

    def source():
        for _ in range(n):
            yield env.timeout(rng.exponential(1 / lam))
            env.process(caller())

    env.process(source())
    env.run()
    return answered_within[0] / n


@pytest.mark.parametrize("servers, lam", [(4, 0.5), (4, 0.8), (2, 0.6)])
def test_agrees_with_simulated_queue(servers, lam):
    # Mean service 6 min, patience 10 min, norm 2 min: load 3.0 and 4.8 on 4 servers, 3.6 on 2
    # (over capacity: only callers who hang up keep the queue finite).
    formula = float(erlang_a_answered_within(servers, lam, 6.0, 10.0, 2.0)[0])
    sim = _simulate(servers, lam, 6.0, 10.0, 2.0, 40_000, seed=servers * 10 + int(lam * 10))
    assert sim == pytest.approx(formula, abs=0.015)


def test_more_servers_never_answer_fewer():
    lam = np.linspace(0.05, 4.0, 40)
    previous = np.zeros_like(lam)
    for c in range(1, 40):
        now = erlang_a_answered_within(c, lam, 9.0, 27.0, 2.0)
        assert (now >= previous - 1e-9).all()
        previous = now
