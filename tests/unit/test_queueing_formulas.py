"""Queueing formulas and the capacity pool as a loss system, without the model.

Test plan (textbook values; Erlang B):
- the analytic formulas (Erlang B, Erlang C, M/M/c waits, staff for a service
  level) against textbook values, so that they can serve as references for the
  functional tests;
- a bare capacity pool where a request that finds no free place leaves at once
  matches Erlang B blocking (for lognormal holding times: Erlang B is
  insensitive to the holding-time distribution);
- a request with patience 0 is refused when the pool is full (the model's
  'no bed now' path).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.engine.flow import run_flow
from sim.engine.kernel import Environment
from sim.engine.stats import PoolProbes
from sim.resources import CapacityPool
from sim.theory.queueing import erlang_b, erlang_c, mmc_mean_wait, mmc_wait_within, servers_for_service_level


def test_erlang_formulas_match_textbook_values():
    # Erlang B(c=5, A=3) = 0.1101 (standard traffic table); Erlang C(2, 1) = 1/3.
    assert erlang_b(5, 3.0) == pytest.approx(0.110054, abs=1e-5)
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3, abs=1e-12)
    # M/M/1: Wq = rho/(mu - lambda) = 0.5/(1-0.5) x 1 = 1 for rho 0.5, mean service 1.
    assert mmc_mean_wait(1, 0.5, 1.0) == pytest.approx(1.0)
    assert mmc_wait_within(1, 0.5, 1.0, 0.0) == pytest.approx(0.5)
    assert erlang_c(3, 3.0) == 1.0 and math.isinf(mmc_mean_wait(3, 3.0, 1.0))
    assert servers_for_service_level(2.4, 6.0, 2.0, 0.8) == 4


def _loss_pool_blocking(beds: int, arrivals_per_min: float, mean_stay: float, n: int, seed: int) -> float:
    env = Environment()
    pool = CapacityPool(env, "beds", beds, PoolProbes.detached())
    rng = np.random.default_rng(seed)
    gaps = rng.exponential(1 / arrivals_per_min, n)
    sigma2 = math.log(1 + 0.8**2)  # lognormal stays, cv 0.8
    stays = rng.lognormal(math.log(mean_stay) - sigma2 / 2, math.sqrt(sigma2), n)
    blocked = [0]

    def source():
        for gap, stay in zip(gaps, stays, strict=True):
            yield env.timeout(gap)
            if pool.try_now():
                pool.release_after(stay)
            else:
                blocked[0] += 1

    run_flow(source())
    env.run()
    return blocked[0] / n


def test_loss_bed_pool_matches_erlang_b():
    beds, load = 20, 17.0
    observed = np.mean([_loss_pool_blocking(beds, load / 100.0, 100.0, 60_000, s) for s in range(3)])
    assert observed == pytest.approx(erlang_b(beds, load), abs=0.01)


def test_request_with_zero_patience_is_a_loss_system():
    """A request with patience 0 is refused when full: the model's 'no bed now' path."""
    env = Environment()
    pool = CapacityPool(env, "beds", 1, PoolProbes.detached())
    assert pool.request(0, 0.0) is True
    refused = pool.request(0, 0.0)
    env.run()
    assert refused.value is False and pool.waiting == 0 and pool.busy == 1
