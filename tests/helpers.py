"""Shared test helpers: the shipped noord scenario and synthetic variants of it."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from sim.loader import load_raw
from sim.model import Model
from sim.schema import Scenario

ROOT = Path(__file__).resolve().parent.parent
NOORD = ROOT / "scenarios" / "noord" / "status_quo.yaml"
EST = "test fixture"
FLAT = [1.0] * 168


def noord_raw() -> dict[str, Any]:
    data, _ = load_raw(NOORD)
    data.setdefault("name", "noord_status_quo")
    return copy.deepcopy(data)


def build(data: dict[str, Any]) -> Scenario:
    return Scenario.model_validate(data)


def run(scenario: Scenario, replication: int = 0) -> Model:
    return Model(scenario, replication).run()


def only_stream(data: dict[str, Any], keep: str, per_1000: float) -> dict[str, Any]:
    """Switch off every demand stream except ``keep``, which gets a flat profile."""
    data["profiles"]["flat"] = {"values": FLAT, "estimate": EST}
    for name, stream in data["streams"].items():
        stream["rate_per_1000_per_year"] = {"value": per_1000 if name == keep else 0.0, "estimate": EST}
        if name == keep:
            stream["profile"] = "flat"
    return data


def dist(kind: str, mean: float, cv: float | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"dist": kind, "mean": mean, "estimate": EST}
    if cv is not None:
        out["cv"] = cv
    return out


def roster(n: int) -> dict[str, Any]:
    return {"values": [n] * 168, "estimate": EST}


def per_1000_for(rate_per_hour: float, population: float) -> float:
    """The yearly rate per 1,000 inhabitants that gives ``rate_per_hour`` arrivals per hour."""
    return rate_per_hour * 8760.0 / population * 1000.0


def mmc_hap_scenario(servers: int, calls_per_hour: float, handling_min: float, days: float,
                     patience_min: float = 1e12) -> Scenario:
    """noord reduced to one HAP triage desk fed by Poisson calls: an M/M/c queue."""
    from sim.regions import subareas_of

    data = only_stream(noord_raw(), "hap_call", 0.0)
    population = sum(a.population for a in subareas_of("noord"))
    data["streams"]["hap_call"]["rate_per_1000_per_year"]["value"] = per_1000_for(calls_per_hour, population)
    data["streams"]["hap_call"]["urgency_mix"] = {"shares": {"U3": 1.0}, "estimate": EST}
    data["streams"]["hap_call"]["need_mix"] = {"shares": {"somatic": 1.0}, "estimate": EST}
    desk = data["desks"]["hap_triage"]
    desk["handling"] = dist("exponential", handling_min)
    desk["gp_input_share"] = {"value": 0.0, "estimate": EST}
    desk["patience"] = dist("exponential", patience_min)
    desk["redial_probability"] = {"value": 0.0, "estimate": EST}
    for u in data["routing"]["hap_triage"]:
        data["routing"]["hap_triage"][u] = {"shares": {"telephone_advice": 1.0}, "estimate": EST}
    first = next(iter(data["resources"]["haps"].values()))
    first["triage_roster"] = roster(servers)
    data["resources"]["haps"] = {"hap_only": first}
    data["run"].update({"days": days, "warmup_days": 5})
    return build(data)


def elv_loss_scenario(beds: int, load_erlang: float, stay_days: float, days: float) -> Scenario:
    """noord reduced to provider requests for ELV beds that nobody waits for: an M/G/c/c loss system."""
    from sim.regions import subareas_of

    data = only_stream(noord_raw(), "provider_request", 0.0)
    population = sum(a.population for a in subareas_of("noord"))
    per_hour = load_erlang / (stay_days * 24)
    data["streams"]["provider_request"]["rate_per_1000_per_year"]["value"] = per_1000_for(per_hour, population)
    data["routing"]["provider_request"] = {"shares": {"elv": 1.0}, "estimate": EST}
    data["resources"]["elv_point_roster"] = roster(50)  # nobody waits at the desk
    data["resources"]["elv_beds"] = {"value": beds, "estimate": EST}
    elv = data["care"]["elv"]
    elv["los"] = dist("lognormal", stay_days * 1440, 0.8)
    elv["admission_hours"] = {"values": FLAT, "estimate": EST}
    elv["transfer_lag"] = dist("fixed", 0.0)
    elv["max_wait_at_home_hours"] = {"value": 0.0, "estimate": EST}
    elv["initial_occupancy"] = {"value": 0.0, "estimate": EST}
    data["run"].update({"days": days, "warmup_days": 10 * stay_days})
    return build(data)
