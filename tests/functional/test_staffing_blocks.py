"""The per-block KPIs that the staffing search measures, on a short zcc run.

Test plan (conservation): the per-block counts add up to the line's own counts,
and the block shares weighted by their calls give the overall
zcc_answer_within_2min_share, so the block KPIs describe the same calls.
"""

from __future__ import annotations

import pytest

from sim.chain.model import Model
from sim.config.loader import load_scenario
from tests.helpers import ROOT

NOORD_ZCC = ROOT / "scenarios" / "noord" / "zcc.yaml"


def test_block_counts_add_up_to_the_line_counts():
    sc = load_scenario(NOORD_ZCC, {"run": {"days": 2, "warmup_days": 1}})
    m = Model(sc, 0).run()
    c = m.metrics.counts
    for line in ("zcc_patient_line", "zcc_provider_line"):
        attempts = sum(v for k, v in c.items() if k.startswith(f"{line}.by_block.") and k.endswith(".attempts"))
        within = sum(v for k, v in c.items() if k.startswith(f"{line}.by_block.") and k.endswith(".within"))
        assert attempts == c[f"{line}.attempts"] > 0
        assert within == c[f"{line}.answered_within_norm"]


def test_block_kpis_weighted_by_calls_give_the_overall_share():
    from sim.measure.kpis import compute

    sc = load_scenario(NOORD_ZCC, {"run": {"days": 2, "warmup_days": 1}})
    m = Model(sc, 0).run()
    k = compute(m)
    c = m.metrics.counts
    blocks = [n for n in k if n.startswith("zcc_answer_within_2min_share_by_block.") and n.count(".") == 1]
    assert len(blocks) == 42 and blocks[0].endswith(".mon00") and blocks[-1].endswith(".sun20")
    num = den = 0.0
    for b in range(42):
        n = sum(v for key, v in c.items() if key.startswith("zcc_patient_line.by_block.")
                and key.endswith(f".{b}.attempts"))
        if n:
            num += k[blocks[b]] * n
            den += n
    assert num / den == pytest.approx(k["zcc_answer_within_2min_share"], rel=1e-12)
