"""Per-request helpers of the compiled core read the same numbers as the objects they stand for.

- :class:`sim.chain.context.QueueOrder` holds every priority of the scenario's ``priorities`` section;
- :class:`sim.engine.rng.Uniform` and :class:`~sim.engine.rng.Sampler` hand out their stream's numbers
  in the stream's order, across the blocks they draw them in.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.chain.context import QueueOrder
from sim.config.loader import load_scenario
from sim.config.schema import Dist, Priorities, Provenance
from sim.engine.rng import BLOCK, Sampler, Uniform
from tests.helpers import NOORD


def test_queue_order_holds_every_priority_of_the_scenario():
    given = load_scenario(NOORD).priorities
    order = QueueOrder(given)
    fields = set(Priorities.model_fields) - set(Provenance.model_fields)
    assert fields  # a field added to the schema and forgotten here fails below
    for name in fields:
        assert getattr(order, name) == getattr(given, name), name


@pytest.mark.parametrize("n", [1, BLOCK - 1, BLOCK, BLOCK + 1, 3 * BLOCK + 7])
def test_uniform_hands_out_the_generator_numbers_in_order(n: int):
    u = Uniform(np.random.default_rng(11))
    reference = np.random.default_rng(11).random(((n // BLOCK) + 1) * BLOCK)[:n]
    assert [u() for _ in range(n)] == reference.tolist()


def test_sampler_draws_blocks_of_its_distribution_in_order():
    dist = Dist(dist="exponential", mean=4.0, estimate="test")
    s = Sampler(np.random.default_rng(3), dist)
    rng = np.random.default_rng(3)
    reference = np.concatenate([rng.exponential(4.0, BLOCK) for _ in range(3)])
    assert [s() for _ in range(2 * BLOCK + 5)] == reference[: 2 * BLOCK + 5].tolist()
    assert s.mean == 4.0
