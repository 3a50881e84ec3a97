"""Model components against queueing theory.

Test plan:
- the analytic formulas themselves against textbook values (so they can serve as references);
- a single HAP triage desk fed by Poisson calls with exponential handling
  (the full model, reduced by scenario settings) matches the Erlang C mean wait
  and P(wait <= 2 min);
- a bed pool where a patient who finds no bed leaves at once matches Erlang B
  blocking (for lognormal stays: Erlang B is insensitive to the stay distribution);
- Little's law on a desk: time-average queue length = arrival rate x mean wait,
  and time-average busy triagists = arrival rate x mean handling time.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import simpy

from sim.engine.stats import Metrics
from sim.theory.queueing import erlang_b, erlang_c, mmc_mean_wait, mmc_wait_within, servers_for_service_level
from sim.resources import CapacityPool
from tests.helpers import elv_loss_scenario, mmc_hap_scenario, run

pytestmark = pytest.mark.quick


def test_erlang_formulas_match_textbook_values():
    # Erlang B(c=5, A=3) = 0.1101 (standard traffic table); Erlang C(2, 1) = 1/3.
    assert erlang_b(5, 3.0) == pytest.approx(0.110054, abs=1e-5)
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3, abs=1e-12)
    # M/M/1: Wq = rho/(mu - lambda) = 0.5/(1-0.5) x 1 = 1 for rho 0.5, mean service 1.
    assert mmc_mean_wait(1, 0.5, 1.0) == pytest.approx(1.0)
    assert mmc_wait_within(1, 0.5, 1.0, 0.0) == pytest.approx(0.5)
    assert erlang_c(3, 3.0) == 1.0 and math.isinf(mmc_mean_wait(3, 3.0, 1.0))
    assert servers_for_service_level(2.4, 6.0, 2.0, 0.8) == 4


def test_hap_desk_matches_erlang_c():
    servers, per_hour, handling = 3, 24.0, 6.0  # load 2.4 Erlang, occupancy 0.8
    load = per_hour / 60 * handling
    waits, within = [], []
    for rep in range(3):
        m = run(mmc_hap_scenario(servers, per_hour, handling, days=120), rep)
        w = m.metrics.tally_array("hap_triage.answer_wait")
        waits.append(w.mean())
        within.append((w <= 2.0).mean())
    expected = mmc_mean_wait(servers, load, handling)
    assert np.mean(waits) == pytest.approx(expected, rel=0.10)
    assert np.mean(within) == pytest.approx(mmc_wait_within(servers, load, handling, 2.0), abs=0.02)


def test_desk_little_law_and_utilisation():
    servers, per_hour, handling = 4, 30.0, 6.0
    m = run(mmc_hap_scenario(servers, per_hour, handling, days=60))
    now = m.env.now
    waits = m.metrics.tally_array("hap_triage.answer_wait")
    days = (now - m.metrics.measuring_since) / 1440
    lam = len(waits) / (days * 1440)  # answered calls per minute in the measurement window
    queue = m.metrics.level("hap_triage.queue").mean(now)
    busy = m.metrics.level("hap_triage.busy").mean(now)
    assert queue == pytest.approx(lam * waits.mean(), rel=0.03)
    assert busy == pytest.approx(lam * handling, rel=0.03)


def _loss_pool_blocking(beds: int, arrivals_per_min: float, mean_stay: float, n: int, seed: int) -> float:
    env = simpy.Environment()
    pool = CapacityPool(env, "beds", beds, Metrics())
    rng = np.random.default_rng(seed)
    gaps = rng.exponential(1 / arrivals_per_min, n)
    sigma2 = math.log(1 + 0.8**2)  # lognormal stays, cv 0.8
    stays = rng.lognormal(math.log(mean_stay) - sigma2 / 2, math.sqrt(sigma2), n)
    blocked = [0]

    def source():
        for gap, stay in zip(gaps, stays):
            yield env.timeout(gap)
            if pool.try_now():
                pool.release_after(stay)
            else:
                blocked[0] += 1

    env.process(source())
    env.run()
    return blocked[0] / n


def test_loss_bed_pool_matches_erlang_b():
    beds, load = 20, 17.0
    observed = np.mean([_loss_pool_blocking(beds, load / 100.0, 100.0, 60_000, s) for s in range(3)])
    assert observed == pytest.approx(erlang_b(beds, load), abs=0.01)


def test_request_with_zero_patience_is_a_loss_system():
    """A request with patience 0 is refused when full: the model's 'no bed now' path."""
    env = simpy.Environment()
    pool = CapacityPool(env, "beds", 1, Metrics())
    assert pool.request(0, 0.0) is True
    refused = pool.request(0, 0.0)
    env.run()
    assert refused.value is False and pool.waiting == 0 and pool.busy == 1


def test_elv_pathway_without_waiting_matches_erlang_b():
    """The full provider-request path (ELV point, ELV pool) with no waiting at home."""
    beds, load = 20, 17.0
    blocked = admitted = 0.0
    for rep in range(3):
        m = run(elv_loss_scenario(beds, load, stay_days=2.0, days=400), rep)
        blocked += m.metrics.counts["placement_fallback_seh"]
        admitted += m.metrics.counts["elv_admissions"]
    assert blocked / (blocked + admitted) == pytest.approx(erlang_b(beds, load), abs=0.015)
