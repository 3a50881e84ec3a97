"""Rosters follow the work in scenario III (sim/config/zcc_rosters.py).

Test plan:
- metamorphic: with every flow to the zcc switched off, every desk keeps the
  status quo's roster (the same work needs the same people);
- a flow switched off re-derives: without forwarded HAP calls the HAP desks keep
  their rosters and the zcc's triagists drop to the minimum;
- more warm transfers: the 112 desk needs no more people, the zcc's nurses no fewer;
- equal service: every group answers at least its target share in every hour
  (Erlang A, the formula the targets come from);
- budget options: zcc staff cost + the other desks = factor x the status quo's
  triage and coordination staff cost, within one staff hour.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.config import zcc_rosters as zr
from sim.config.loader import load_scenario
from tests.helpers import ROOT

NOORD = ROOT / "scenarios" / "noord"
OFF = {"zcc": {"flows": {"forward_hap_calls": False, "warm_transfer_112": False, "provider_line": False}}}


@pytest.fixture(scope="module")
def sq():
    return load_scenario(NOORD / "status_quo.yaml")


def _rosters(sc):
    res = sc.resources
    return ({n: h.triage.values for n, h in res.haps.items()}, res.meldkamer.desk.values,
            res.elv_point_roster.values)


def test_all_flows_off_keeps_the_status_quo_rosters(sq):
    off = load_scenario(NOORD / "zcc.yaml", OFF)
    assert _rosters(off) == _rosters(sq)


def test_forwarding_off_keeps_hap_rosters_and_frees_triagists(sq):
    sc = load_scenario(NOORD / "zcc.yaml", {"zcc": {"flows": {"forward_hap_calls": False}}})
    assert _rosters(sc)[0] == _rosters(sq)[0]
    least = int(sc.zcc.service_level.minimum_staff.value)
    assert set(sc.zcc.groups["triagist"].rostered.values) == {least}
    on = load_scenario(NOORD / "zcc.yaml")
    assert all(v == 0 for r in _rosters(on)[0].values() for v in r)
    assert sum(on.zcc.groups["triagist"].rostered.values) > 5 * 168


def _share(value: float) -> dict:
    return {"zcc": {"flows": {"warm_transfer_share": {"A2": {"value": value, "estimate": "test"}}}}}


def test_more_warm_transfers_move_work_from_112_to_the_nurses():
    few = load_scenario(NOORD / "zcc.yaml", _share(0.1))
    many = load_scenario(NOORD / "zcc.yaml", _share(0.9))
    assert sum(many.resources.meldkamer.desk.values) <= sum(few.resources.meldkamer.desk.values)
    assert sum(many.zcc.groups["nurse"].rostered.values) > sum(few.zcc.groups["nurse"].rostered.values)


def test_equal_service_meets_every_target():
    sc = load_scenario(NOORD / "zcc.yaml")
    work, targets, _ = zr.zcc_call_work(sc)
    skills = {g: list(spec.skills) for g, spec in sc.zcc.groups.items()}
    groups = zr._group_work(sc, work, targets, skills)
    for g, (w, target) in groups.items():
        share = w.answered_within(sc.zcc.groups[g].rostered.values)
        busy = w.calls_per_min > 0
        assert (share[busy] >= target[busy] - 1e-9).all(), g


@pytest.mark.parametrize("option, factor", [("budget_neutral", 1.0), ("lean", 0.85), ("generous", 1.2)])
def test_budget_options_spend_their_factor_of_the_status_quo(sq, option, factor):
    sc = load_scenario(NOORD / "zcc.yaml", {"zcc": {"staffing": option}})
    st = sc.staffing
    paid = zr.paid_per_rostered_hour
    zcc = sum(sum(g.rostered.values) * g.hourly_cost.value for g in sc.zcc.groups.values()) * paid(sc, "zcc")
    others = (sum(sum(h.triage.values) for h in sc.resources.haps.values()) * st.hourly_cost_hap_triagist.value
              * paid(sc, "hap_triage") + sum(sc.resources.meldkamer.desk.values) * st.hourly_cost_centralist.value
              + sum(sc.resources.elv_point_roster.values) * st.hourly_cost_elv_coordinator.value)
    budget = factor * zr.status_quo_staff_cost_per_week(sq)
    one_hour = max(g.hourly_cost.value for g in sc.zcc.groups.values()) * paid(sc, "zcc")
    assert zcc + others <= budget + 1e-6
    assert zcc + others == pytest.approx(budget, abs=one_hour)
    assert np.isclose(zr.status_quo_staff_cost_per_week(sq), zr.status_quo_staff_cost_per_week(
        load_scenario(NOORD / "status_quo.yaml")))
