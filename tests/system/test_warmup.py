"""Warm-up check (MSER-5).

Test plan: MSER-5 finds no truncation in a stationary series and finds the end
of an initial transient (an exponential approach to the mean) within one batch;
the command reports on a real scenario and exits 0 when the warm-up suffices.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.cli.main import main
from sim.measure.warmup import mser
from tests.helpers import NOORD

pytestmark = pytest.mark.quick


def test_mser_on_stationary_and_transient_series():
    rng = np.random.default_rng(1)
    noise = rng.normal(0, 1, 400)
    assert mser(10 + noise) <= 10
    transient = 10 + noise - 30 * np.exp(-np.arange(400) / 8.0)  # starts far below the mean
    cut = mser(transient)
    assert 20 <= cut <= 60


def test_warmup_command_on_noord(capsys):
    code = main(["warmup", str(NOORD), "--level", "hospital", "-n", "1", "--days", "60"])
    out = capsys.readouterr().out
    assert "MSER-5" in out and "truncation point" in out
    assert code in (0, 1) and (("suffices" in out) == (code == 0))
