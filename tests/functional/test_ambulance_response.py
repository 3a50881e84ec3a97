"""Ambulance response counted from the call, in parts that add up, with drives to the patient's place.

Test plan (conservation, metamorphic relation, closed form): in a short noord status-quo run
(a) every A1/A2 response is the sum of its parts (answer, triage, vehicle_wait, turnout, drive),
so the part means add up to the mean response, and no part is negative; (b) the response KPIs
are ordered p50 <= p90 <= p95 and the within-norm share agrees with the recorded responses;
(c) metamorphic: doubling the detour factor doubles the road km of every drive (the patients' places
and, while the vehicles are at their posts, the vehicles chosen are the same): with the drive-time
spread switched off, each early drive is exactly the drive model's time for twice the km of a drive
of the base run (read back through the model's inverse), and the mean drive grows accordingly;
(d) the patients' places follow the settlement geometry: the mean distance from the town hall is the
closed-form mixture of town and countryside (2/3 of each disc's radius), the share within the town's radius is
the town share plus the countryside's part of that disc, and mean cos(theta) = 0.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.chain.model import Model
from sim.chain.record import RESPONSE_PARTS, response_key, response_part_key
from sim.config.loader import load_scenario
from sim.measure import kpis as K
from tests.helpers import ROOT

SQ = ROOT / "scenarios/noord/status_quo.yaml"


def _model(days: float = 3.0, detour: float | None = None, warmup_days: float = 0.5) -> Model:
    over: dict = {"run": {"days": days, "warmup_days": warmup_days}}
    if detour is not None:
        over["care"] = {"travel": {"detour_factor": {"value": detour, "estimate": "test: metamorphic"}},
                        "ambulance": {"urgent_drive_variation": {"dist": "fixed", "mean": 1, "cv": None,
                                                                 "estimate": "test: no spread"}}}
    return Model(load_scenario(SQ, over), 0).run()


@pytest.fixture(scope="module")
def model() -> Model:
    return _model()


def test_parts_add_up_to_the_response(model: Model) -> None:
    met = model.metrics
    k = K.compute(model)
    for u in ("A1", "A2"):
        total = met.tally_array(response_key(u))
        parts = np.vstack([met.tally_array(response_part_key(u, part)) for part in RESPONSE_PARTS])
        assert len(total) > 50 and parts.shape == (len(RESPONSE_PARTS), len(total))
        assert parts.min() >= 0.0
        assert parts.sum(axis=0) == pytest.approx(total, abs=1e-9)
        name = u.lower()
        means = [k[f"{name}_response_part_mean.{part}"] for part in RESPONSE_PARTS]
        assert sum(means) == pytest.approx(k[f"{name}_response_time_mean"], rel=1e-12)
        assert k[f"{name}_response_time_p50"] <= k[f"{name}_response_time_p90"] <= k[f"{name}_response_time_p95"]
        assert k[f"{name}_response_part_mean.drive"] > 0 and k[f"{name}_response_part_mean.turnout"] > 0
    norm = model.scenario.care.ambulance.a1_norm_min.value
    a1 = met.tally_array(response_key("A1"))
    assert k["a1_on_scene_15min_share"] == pytest.approx(float((a1 <= norm).mean()))


def test_doubling_the_detour_doubles_every_drives_km(model: Model) -> None:
    """The places are drawn per patient and the nearest vehicle is the same when all road km scale alike:
    with every vehicle at its post at the start, the first drives double exactly."""
    detour = model.scenario.care.travel.detour_factor.value
    single, doubled = _model(1.0, detour, warmup_days=0), _model(1.0, 2 * detour, warmup_days=0)
    for u in ("A1", "A2"):
        key = response_part_key(u, "drive")
        base, dbl = single.metrics.tally_array(key), doubled.metrics.tally_array(key)
        # The first responses (vehicles still at their posts) come in another order (longer drives arrive
        # later), but each doubled drive is twice a drive of the base run; on average the drive doubles.
        assert len(dbl) > 50
        drive = single.scenario.care.ambulance.urgent_drive()
        expected = np.array([drive.minutes(2 * drive.km_within(b)) for b in base])
        for d in dbl[:10]:
            assert np.isclose(expected, d, rtol=1e-9, atol=0).any()
        assert dbl.mean() == pytest.approx(expected.mean(), rel=0.15)
        assert base.mean() < dbl.mean() < 2 * base.mean()  # longer trips go faster on average
        for part in ("answer", "triage", "turnout"):  # untouched by the roads, up to who arrived in the day
            same = (single.metrics.tally_array(response_part_key(u, part)).mean(),
                    doubled.metrics.tally_array(response_part_key(u, part)).mean())
            assert same[1] == pytest.approx(same[0], rel=0.05)


def test_patients_live_in_the_town_or_on_their_municipality_disc(model: Model) -> None:
    ctx = model.ctx
    town = model.scenario.care.travel.settlement()
    s = town.share
    rng = np.random.default_rng(3)
    subareas = rng.integers(0, len(ctx.areas), 40_000)
    ps = [ctx.new_patient("call_112", int(i), "A1", "somatic", 0.0) for i in subareas]
    r = np.array([p.place_r for p in ps])
    big_r = np.array([ctx.areas[p.subarea].radius_km for p in ps])
    small_r = np.array([town.town_radius_km(ctx.areas[p.subarea]) for p in ps])
    cos = np.array([p.place_cos for p in ps])
    assert 0 < s < 1 and (r <= big_r + 1e-12).all()
    assert r.mean() == pytest.approx((2 / 3 * (s * small_r + (1 - s) * big_r)).mean(), rel=0.02)
    in_town = (r <= small_r + 1e-12).mean()
    assert in_town == pytest.approx(s + (1 - s) * ((small_r / big_r) ** 2).mean(), abs=0.01)
    assert cos.mean() == pytest.approx(0.0, abs=0.01)
