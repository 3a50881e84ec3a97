"""The MSER-5 truncation rule (sim/measure/warmup.py) on series with a known answer.

Test plan (series with a known transient): MSER-5 finds no truncation (at most
two batches) in a stationary series; in a series that starts 30 standard
deviations below its mean and approaches it exponentially (time constant 8, so
the transient sinks below the noise after about 8 ln 30 = 27 observations) it
cuts between 20 and 60. The `acutesim warmup` command is in
tests/system/test_warmup.py.
"""

from __future__ import annotations

import numpy as np

from sim.measure.warmup import mser


def test_mser_on_stationary_and_transient_series():
    rng = np.random.default_rng(1)
    noise = rng.normal(0, 1, 400)
    assert mser(10 + noise) <= 10
    transient = 10 + noise - 30 * np.exp(-np.arange(400) / 8.0)  # starts far below the mean
    cut = mser(transient)
    assert 20 <= cut <= 60
