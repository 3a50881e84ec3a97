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


def test_equal_service_meets_every_target(sq):
    """Derived on the status quo's rosters (as the loader does): every group, with the spare people of
    groups that also hold its skill, answers at least its target share in every hour with calls."""
    z = load_scenario(NOORD / "zcc.yaml")
    before = z.model_copy(update={"resources": sq.resources})  # the rosters the loader derives from
    skills = {g: list(spec.skills) for g, spec in z.zcc.staff_groups.items()}
    cost = {g: spec.hourly_cost.value for g, spec in z.zcc.staff_groups.items()}
    keep = {g: int(spec.keep_free.value) for g, spec in z.zcc.staff_groups.items() if spec.keep_free is not None}
    derived = zr.derive(before, "equal_service", 1.0, skills, cost, keep)
    assert derived.groups == {g: spec.rostered.values for g, spec in z.zcc.groups.items()}
    work, targets, _ = zr.zcc_call_work(before)
    groups = zr._group_work(before, work, targets, skills)
    helpers = zr._helpers(skills)
    assert helpers["triagist"] == ["nurse"]  # nurses also triage HAP calls
    for g, (w, target) in groups.items():
        staff = np.asarray(derived.groups[g])
        for h in helpers[g]:
            load = groups[h][0].calls_per_min * groups[h][0].mean_service
            staff = staff + np.maximum(0, np.asarray(derived.groups[h]) - np.ceil(load - 1e-9).astype(int)
                                       - keep.get(h, 0))
        share = w.answered_within(staff)
        busy = w.calls_per_min > 0
        assert (share[busy] >= target[busy] - 1e-9).all(), g
        assert target[busy].mean() > 0.3, g  # real targets, not the zero of an emptied desk


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


def test_zcc_callers_are_as_patient_as_hap_callers(sq):
    """The zcc's patient line takes the HAP's callers: their patience is the HAP's as calibrated."""
    z = load_scenario(NOORD / "zcc.yaml")
    assert z.zcc.handling.patient_line.patience.mean == pytest.approx(sq.desks.hap_triage.patience.mean)
    assert z.zcc.handling.patient_line.patience.dist == sq.desks.hap_triage.patience.dist
