"""Metamorphic relation: scenario III with every zcc mechanism off is the status quo.

Test plan (metamorphic relation): take noord's zcc scenario, switch off every
flow to the zcc (HAP forwarding, warm transfer, provider line, self-triage
visibility), remove spreading, give the zcc no staff and no facility costs (housing,
ICT, regiearts at EUR 0) and the chain the status quo's rosters and staffing; with
common random numbers every status-quo KPI must be identical, bit for bit. Any zcc
effect that leaks outside its mechanisms (a shared sampler, a shared random stream, a
changed service time) breaks it: the ambulance handover overwritten by the zcc's
warm-transfer handover did.
"""

from __future__ import annotations

import math

import pytest

from sim.config.loader import load_scenario
from sim.config.schema import Scenario
from sim.run.runner import run_replication
from tests.helpers import ROOT

RUN = {"run": {"days": 4, "warmup_days": 1}}


def zcc_switched_off(zcc: Scenario, status_quo: Scenario) -> Scenario:
    """The zcc scenario with no flow to the zcc, no zcc staff or facility costs, and the status quo's rosters."""
    z = zcc.zcc
    assert z is not None
    flows = z.flows.model_copy(update={"forward_hap_calls": False, "warm_transfer_112": False,
                                       "provider_line": False, "self_triage_visible": False})
    option = z.option
    groups = {name: g.model_copy(update={"roster": g.roster.model_copy(update={"values": [0] * 168})})
              for name, g in option.groups.items()}
    off = z.model_copy(update={"flows": flows, "spreading": None,
                               "staffing_options": {z.staffing: option.model_copy(update={"groups": groups})}})
    facilities = zcc.costs.zcc
    free = facilities.model_copy(update={k: getattr(facilities, k).model_copy(update={"value": 0.0})
                                         for k in type(facilities).model_fields})
    costs = zcc.costs.model_copy(update={"zcc": free})
    return zcc.model_copy(update={"resources": status_quo.resources, "staffing": status_quo.staffing, "zcc": off,
                                  "costs": costs})


def _equal(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


@pytest.mark.parametrize("replication", [0, 1])
def test_zcc_with_every_mechanism_off_is_the_status_quo(replication: int) -> None:
    sq = load_scenario(ROOT / "scenarios/noord/status_quo.yaml", RUN)
    zcc = load_scenario(ROOT / "scenarios/noord/zcc.yaml", RUN)
    base = run_replication(sq, replication)
    off = run_replication(zcc_switched_off(zcc, sq), replication)
    assert len(base) > 100, "too few status-quo KPIs for the relation to mean anything"
    differ = [k for k in base if k not in off or not _equal(base[k], off[k])]
    assert not differ, f"{len(differ)} status-quo KPIs differ, e.g. " + ", ".join(
        f"{k}: {base[k]} vs {off.get(k)}" for k in differ[:5])


def test_switched_off_zcc_still_has_its_zcc_parts() -> None:
    """The relation is not vacuous: the switched-off scenario is a zcc scenario with a zcc desk."""
    sq = load_scenario(ROOT / "scenarios/noord/status_quo.yaml", RUN)
    off = run_replication(zcc_switched_off(load_scenario(ROOT / "scenarios/noord/zcc.yaml", RUN), sq), 0)
    assert "zcc_locations" in off and off["zcc_patient_calls_per_day"] == 0.0 and off["warm_transfers_per_day"] == 0.0
