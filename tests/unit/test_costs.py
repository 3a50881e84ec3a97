"""The cost model: unit costs with provenance, and the cost of one patient added up by hand.

Test plan (deterministic cases and hand computations):
- the cost file (scenarios/_national/costs.yaml): every figure has a source or an estimate, the price
  year is set, every figure of another year has an index factor, an unknown key is refused in one line
  naming the file and key; the desk roles' hourly costs used by the staffing KPIs and the zcc groups are
  the pay build-up of the cost file (gross pay x 12.96 x charges x allowance / productive hours), rounded;
- one patient through the deterministic chain (tests/unit/single_patient.py): a HAP home visit costs
  exactly its tariff, a conveyed A1 ride the base tariff plus the loaded km (patient's place to the
  nearest SEH, computed here by hand) times the km tariff, both indexed by hand; an ambulance that
  treats on scene costs the no-conveyance tariff; a planned ride its base plus the estimated km;
- the components add up to ``chain_cost_per_day`` (conservation) in the one-patient chain.
"""

from __future__ import annotations

import pytest
import yaml

from sim.chain.care.ambulance import Call
from sim.cli.main import main
from sim.config.constants import COST_COMPONENTS, MIN_PER_DAY
from sim.config.loader import load_scenario
from sim.measure import costs as cost_model
from sim.measure.kpis import compute
from tests.helpers import NOORD, ROOT
from tests.unit.single_patient import SQ, TOL, chain, share

COSTS = ROOT / "scenarios" / "_national" / "costs.yaml"


def _figures(tree, prefix=()):
    """(dotted key, mapping) of every figure in the cost file: a mapping with a number in it."""
    if not isinstance(tree, dict):
        return []
    if any(isinstance(v, (int, float)) and not isinstance(v, bool) for v in tree.values()) or "to_price_year" in tree:
        return [(".".join(prefix), tree)]
    return [f for k, v in tree.items() for f in _figures(v, prefix + (str(k),))]


def test_every_unit_cost_has_a_source_or_an_estimate_and_a_year():
    data = yaml.safe_load(COSTS.read_text(encoding="utf-8"))["costs"]
    figures = _figures(data)
    assert len(figures) == 24  # hap 3, ambulance 5, seh, 4 bed days, 2 teams, verkeerde bed, 4 roles, zcc 3, index
    for key, fig in figures:
        given = [k for k in ("source", "estimate") if str(fig.get(k, "")).strip()]
        assert len(given) == 1, f"costs.{key}: needs exactly one of source or estimate"
    price_year = data["index"]["price_year"]
    assert 2020 <= price_year <= 2030
    for key, fig in figures:
        if "year" in fig and "value" in fig:
            assert fig["year"] == price_year or fig["year"] in data["index"]["to_price_year"], key


def test_every_activity_of_the_model_has_a_unit_cost():
    sc = load_scenario(SQ)
    names = {name for name, _c in sc.costs.unit_costs()}
    for need in ("hap.telephone_advice", "hap.consult", "hap.home_visit", "ambulance.urgent_base",
                 "ambulance.planned_base", "ambulance.per_km", "seh_visit", "bed_day.hospital", "bed_day.elv",
                 "bed_day.grz", "bed_day.crisis_bed", "team_visit.district_nursing", "team_visit.ggz_crisis",
                 "verkeerde_bed_day", "zcc.per_location_per_year", "zcc.ict_per_region_per_year",
                 "zcc.regiearts_per_region_per_year"):
        assert need in names


def test_an_unknown_cost_key_is_refused_in_one_line(tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text(f"extends: {NOORD}\ncosts:\n  hap:\n    video_consult: {{value: 50, year: 2024, estimate: x}}\n",
                    encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "costs.hap.video_consult" in err[0] and "bad.yaml" in err[0]


def test_a_figure_of_another_year_needs_an_index_factor():
    with pytest.raises(Exception, match="to_price_year"):
        load_scenario(SQ, {"costs": {"seh_visit": {"value": 300, "year": 2011, "estimate": "test"}}})


def test_desk_hourly_costs_are_the_pay_build_up():
    sc = load_scenario(SQ)
    pay = {role: p.hourly for role, p in sc.costs.desk_staff.items()}
    assert pay["hap_triagist"] == pytest.approx(2760 * 12.96 * 1.3 * 1.2 / 1600)  # by hand: 34.88
    st = sc.staffing
    assert st.hourly_cost_hap_triagist.value == round(pay["hap_triagist"])
    assert st.hourly_cost_centralist.value == round(pay["centralist"])
    assert st.hourly_cost_elv_coordinator.value == round(pay["elv_coordinator"])
    groups = yaml.safe_load((ROOT / "scenarios" / "_national" / "zcc.yaml").read_text())["zcc"]["staff_groups"]
    role = {"triagist": "hap_triagist", "nurse": "centralist", "ggz": "ggz_nurse", "coordinator": "elv_coordinator"}
    assert set(groups) == set(role)
    for group, spec in groups.items():
        assert spec["hourly_cost"]["value"] == round(pay[role[group]]), group


# ------------------------------------------------------------- one patient, by hand
def _costs(c) -> dict[str, float]:
    """Euros of each component over the whole run (per-day costs times the days run)."""
    m = c.model
    days = (m.env.now - m.metrics.measuring_since) / MIN_PER_DAY
    return {k: v * days for k, v in cost_model.component_costs(m, days, 0.0).items()}


def _index(sc, year: int) -> float:
    return 1.0 if year == sc.costs.index.price_year else sc.costs.index.to_price_year[year]


def test_one_hap_home_visit_costs_its_tariff():
    c = chain()
    hap = c.model.care.hap
    p = c.patient("hap_call", urgency="U2")
    c.run(hap.home_visit(p, hap.post_of[p.subarea]))
    cost = _costs(c)
    tariff = c.scenario.costs.hap.home_visit
    assert tariff.value == 225.92 and tariff.year == 2024  # the 2024 tariff, no index
    assert cost["hap"] == pytest.approx(225.92, abs=1e-6)
    assert sum(cost.values()) == pytest.approx(225.92, abs=1e-6)  # nothing else in the chain cost anything


def test_one_conveyed_a1_ride_costs_base_plus_loaded_km():
    c = chain({"routing": {"convey_to_seh": {"A1": share(1.0)}}})
    sc = c.scenario
    p = c.patient("call_112", urgency="A1")
    c.run(c.model.care.ambulance.job(p, Call.at(0.0)))
    km = c.seh_drive_km(p)  # patient's place to the nearest SEH, by hand
    amb = sc.costs.ambulance
    assert (amb.urgent_base.value, amb.per_km.value, amb.urgent_base.year) == (740.81, 4.23, 2020)
    expected = (740.81 + km * 4.23) * _index(sc, 2020)
    cost = _costs(c)
    assert c.count("ambulance_loaded_km") == pytest.approx(km, abs=1e-9)
    assert cost["ambulance"] == pytest.approx(expected, abs=1e-6)
    assert cost["seh"] == pytest.approx(sc.costs.seh_visit.value * _index(sc, sc.costs.seh_visit.year), abs=1e-6)


def test_an_ambulance_treating_on_scene_costs_the_no_conveyance_tariff():
    c = chain()  # convey_to_seh is 0
    p = c.patient("call_112", urgency="A2")
    c.run(c.model.care.ambulance.job(p, Call.at(0.0)))
    nc = c.scenario.costs.ambulance.no_conveyance
    assert _costs(c)["ambulance"] == pytest.approx(nc.value * _index(c.scenario, nc.year), abs=1e-9)
    assert c.count("ambulance_loaded_km") == 0


def test_a_planned_ride_costs_its_base_plus_the_estimated_km():
    c = chain()
    p = c.patient("ambulance_planned")
    c.run(c.model.care.ambulance.planned_ride(p))
    amb = c.scenario.costs.ambulance
    expected = (328.66 + amb.planned_ride_km.value * 4.23) * _index(c.scenario, 2020)
    assert _costs(c)["ambulance"] == pytest.approx(expected, abs=1e-6)


def test_components_add_up_to_the_chain_cost():
    c = chain({"routing": {"convey_to_seh": {"A1": share(1.0)}, "seh_admit": {"ambulance": share(1.0)}}})
    p = c.patient("call_112", urgency="A1")
    c.run(c.model.care.ambulance.job(p, Call.at(0.0)), days=12)
    k = compute(c.model)
    parts = [k[f"chain_cost_per_day.{name}"] for name in COST_COMPONENTS]
    assert all(v >= 0 for v in parts)
    assert k["chain_cost_per_day.hospital"] > 0 and k["chain_cost_per_day.ambulance"] > 0
    assert k["chain_cost_per_day"] == pytest.approx(sum(parts), rel=0, abs=TOL * 1e3)
    assert k["chain_cost_per_day.desk_staff"] == k["staff_cost_per_day"]
    assert k["chain_cost_per_day.zcc_facilities"] == 0.0  # status quo: no zcc
