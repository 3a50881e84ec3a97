"""Bed pools start at their planned occupancy with equilibrium remaining stays.

Test plan (renewal theory; the scenario's inputs): the residual-stay sampler
matches renewal theory (mean remaining stay = E[L^2] / (2 E[L]) = mean (1 +
cv^2) / 2 for any stay law); a model's bed pools start at initial_occupancy x
capacity. That a full simulated year stays stable is checked on the shipped run
in tests/system/test_volumes.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.chain.model import Model
from sim.config.loader import load_scenario
from sim.config.schema import Dist
from sim.engine.rng import residual_stays
from tests.helpers import NOORD


@pytest.mark.parametrize("kind,cv", [("lognormal", 0.7), ("gamma", 1.5), ("exponential", None)])
def test_residual_stay_matches_renewal_theory(kind, cv):
    dist = Dist(dist=kind, mean=10.0, cv=cv, estimate="t")
    draws = residual_stays(np.random.default_rng(3), dist, 40_000)
    expected = 10.0 * (1 + (cv if cv is not None else 1.0) ** 2) / 2
    assert draws.mean() == pytest.approx(expected, rel=0.04)


def test_pools_start_at_planned_occupancy():
    sc = load_scenario(NOORD)
    m = Model(sc, 0)
    assert set(m.beds) == {"hospital", "elv", "grz", "crisis_bed"}
    for kind, pool in m.beds.items():
        planned = getattr(sc.care, kind).initial_occupancy.value * pool.capacity
        assert pool.busy == round(planned)
