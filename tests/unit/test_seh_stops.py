"""SEH stops: an ambulance passes a stopped SEH for the nearest open one (deterministic chain).

Test plan (deterministic case and a renewal-theory check):
- one A1 112 call, conveyed, in the deterministic chain: with the nearest SEH in a stop the patient
  arrives at the second-nearest SEH (by road from the patient's municipality), one stop diversion is
  counted; with every SEH in a stop the nearest is used; self-referrals still go to the nearest SEH;
- the stop process of one SEH alone (stopped ``minutes_per_day`` in the long run, mean stop
  ``mean_duration_min``): over 400 simulated days the stopped share is the configured share
  (alternating renewal process: mean stop / (mean stop + mean open)) within a few percent.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.chain import record as rec
from tests.unit.single_patient import chain, mix, share

EST = "unit test"


def _a1(**over) -> dict:
    return {"routing": {"dispatch": mix(A1=1.0), "convey_to_seh": {"A1": share(1.0)}}, **over}


def _by_distance(c) -> list[str]:
    home = c.model.ctx.area_index["GM1680"]
    return [d.name for d in c.model.care.seh.by_distance[home]]


def test_ambulance_passes_a_stopped_seh_for_the_nearest_open_one():
    c = chain(_a1())
    order = _by_distance(c)
    nearest, _km = c.nearest_seh()
    assert order[0] == nearest
    seh = {d.name: d for d in c.model.care.seh.departments}
    seh[order[0]].stopped = True
    p = c.patient("call_112")
    c.enter(p, days=2)
    assert ("seh_arrival", order[1]) in c.log.places(p)
    assert c.count(rec.SEH_STOP_DIVERSIONS) == 1
    q = c.patient("seh_self_referral", urgency="U3", at=c.model.env.now)
    c.enter(q, days=2)
    assert ("seh_arrival", order[0]) in c.log.places(q)  # only ambulances are turned away


def test_every_seh_stopped_means_the_nearest():
    c = chain(_a1())
    for d in c.model.care.seh.departments:
        d.stopped = True
    p = c.patient("call_112")
    c.enter(p, days=2)
    assert ("seh_arrival", _by_distance(c)[0]) in c.log.places(p)
    assert c.count(rec.SEH_STOP_DIVERSIONS) == 0


@pytest.mark.parametrize("minutes", [38.0, 240.0])
def test_stopped_share_is_the_configured_share(minutes):
    stops = {"minutes_per_day": {"value": minutes, "estimate": EST},
             "mean_duration_min": {"value": 100.0, "estimate": EST}}
    c = chain({"care": {"seh": {"stops": stops}}, "run": {"days": 420, "warmup_days": 0}})
    seh = c.model.care.seh
    flows = seh.background()
    assert len(flows) == len(seh.departments)
    c.run(flows[0], days=400)
    level = c.model.metrics.level(rec.SEH_STOPPED)
    share_stopped = level.mean(c.model.env.now)
    assert share_stopped == pytest.approx(minutes / 1440, rel=0.15)
    assert np.isfinite(share_stopped)
