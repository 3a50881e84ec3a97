"""The full model, reduced by scenario settings, against queueing theory.

Test plan (queueing theory: Erlang C, Erlang B, Little's law; the formulas
themselves are checked in tests/unit/test_queueing_formulas.py):
- a single HAP triage desk fed by Poisson calls with exponential handling
  (the full model, reduced by scenario settings) matches the Erlang C mean wait
  and P(wait <= 2 min);
- provider requests for ELV beds that nobody waits for (the full ELV point and
  ELV pool path) match Erlang B blocking;
- Little's law on a desk: time-average queue length = arrival rate x mean wait,
  and time-average busy triagists = arrival rate x mean handling time.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.theory.queueing import erlang_b, mmc_mean_wait, mmc_wait_within
from tests.helpers import elv_loss_scenario, mmc_hap_scenario, run


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


def test_elv_pathway_without_waiting_matches_erlang_b():
    """The full provider-request path (ELV point, ELV pool) with no waiting at home."""
    beds, load = 20, 17.0
    blocked = admitted = 0.0
    for rep in range(3):
        m = run(elv_loss_scenario(beds, load, stay_days=2.0, days=400), rep)
        blocked += m.metrics.counts["placement_fallback_seh"]
        admitted += m.metrics.counts["elv_admissions"]
    assert blocked / (blocked + admitted) == pytest.approx(erlang_b(beds, load), abs=0.015)
