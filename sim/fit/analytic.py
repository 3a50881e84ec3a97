"""Checks of the full model against queueing theory and conservation (``acutesim validation-report``).

The shipped noord scenario is reduced by settings alone (one stream, one desk
or one bed pool, exponential times) until an analytic result applies, so that
what is checked is the model's own code path:

- Erlang C: one HAP triage desk fed by Poisson calls with exponential handling
  (mean wait and share answered within 2 minutes);
- Erlang B: provider requests for ELV beds that nobody waits for (blocking,
  insensitive to the stay distribution);
- Little's law: time-average queue = arrival rate x mean wait, busy servers =
  arrival rate x mean handling;
- conservation: every patient created ends in exactly one outcome or is still
  in the system at the end.
"""

from __future__ import annotations

import copy
import gc
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim import paths
from sim.chain.model import Model
from sim.config.constants import HOURS_PER_DAY, HOURS_PER_WEEK, MIN_PER_DAY
from sim.config.loader import load_raw
from sim.config.schema import Scenario
from sim.theory.queueing import erlang_b, mmc_mean_wait, mmc_wait_within

EST = "analytic check: reduced scenario"
FLAT = [1.0] * HOURS_PER_WEEK


def noord_raw() -> dict[str, Any]:
    data, _ = load_raw(paths.region_scenario("noord"))
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
    return {"values": [n] * HOURS_PER_WEEK, "estimate": EST}


def per_1000_for(rate_per_hour: float, population: float) -> float:
    """The yearly rate per 1,000 inhabitants that gives ``rate_per_hour`` arrivals per hour."""
    return rate_per_hour * 8760.0 / population * 1000.0


def mmc_hap_scenario(servers: int, calls_per_hour: float, handling_min: float, days: float,
                     patience_min: float = 1e12) -> Scenario:
    """noord reduced to one HAP triage desk fed by Poisson calls: an M/M/c queue."""
    from sim.geo.regions import subareas_of

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
    desk["after_call_work"] = dist("fixed", 0.0)
    desk["mystery_calls"]["per_post_per_hour"] = 0.0
    desk["urgent_line"] = {u: {"value": 0.0, "estimate": EST} for u in desk["urgent_line"]}
    desk["urgent_line_break_in"] = {"value": 1e9, "estimate": EST}  # never: one M/M/c queue
    for u in data["routing"]["hap_triage"]:
        data["routing"]["hap_triage"][u] = {"shares": {"telephone_advice": 1.0}, "estimate": EST}
    first = next(iter(data["resources"]["haps"].values()))
    first["triage_roster"] = roster(servers)
    data["resources"]["haps"] = {"hap_only": first}
    data["resources"]["hap_triage_centres"] = {"triage_only": {"posts": ["hap_only"], "estimate": EST}}
    data["run"].update({"days": days, "warmup_days": 5})
    return build(data)


def elv_loss_scenario(beds: int, load_erlang: float, stay_days: float, days: float) -> Scenario:
    """noord reduced to provider requests for ELV beds that nobody waits for: an M/G/c/c loss system."""
    from sim.geo.regions import subareas_of

    data = only_stream(noord_raw(), "provider_request", 0.0)
    population = sum(a.population for a in subareas_of("noord"))
    per_hour = load_erlang / (stay_days * HOURS_PER_DAY)
    data["streams"]["provider_request"]["rate_per_1000_per_year"]["value"] = per_1000_for(per_hour, population)
    data["routing"]["provider_request"] = {"shares": {"elv": 1.0}, "estimate": EST}
    data["resources"]["elv_point_roster"] = roster(50)  # nobody waits at the desk
    data["resources"]["beds"]["elv"] = {"value": beds, "estimate": EST}
    elv = data["care"]["elv"]
    elv["los"] = dist("lognormal", stay_days * MIN_PER_DAY, 0.8)
    elv["admission_hours"] = {"values": FLAT, "estimate": EST}
    elv["transfer_lag"] = dist("fixed", 0.0)
    elv["max_wait_at_home_hours"] = {"value": 0.0, "estimate": EST}
    elv["initial_occupancy"] = {"value": 0.0, "estimate": EST}
    data["run"].update({"days": days, "warmup_days": 10 * stay_days})
    return build(data)


@dataclass(frozen=True)
class Check:
    """One analytic check: what theory says, what the model gave, and whether they agree."""

    name: str
    quantity: str
    expected: float
    observed: float
    tolerance: float
    absolute: bool = False

    @property
    def passed(self) -> bool:
        gap = abs(self.observed - self.expected)
        return gap <= (self.tolerance if self.absolute else self.tolerance * abs(self.expected))

    @property
    def tolerance_text(self) -> str:
        return f"±{self.tolerance:g}" if self.absolute else f"±{self.tolerance:.0%}"


def erlang_c_checks(replications: int = 3, days: float = 120) -> list[Check]:
    servers, per_hour, handling = 3, 24.0, 6.0  # 2.4 Erlang, occupancy 0.8
    load = per_hour / 60 * handling
    waits, within = [], []
    for rep in range(replications):
        model = run(mmc_hap_scenario(servers, per_hour, handling, days=days), rep)
        w = model.metrics.tally_array("hap_triage.answer_wait")
        waits.append(w.mean())
        within.append((w <= 2.0).mean())
    return [
        Check("Erlang C (M/M/3, 0.8 occupancy), HAP triage desk", "mean wait (min)",
              mmc_mean_wait(servers, load, handling), float(np.mean(waits)), 0.10),
        Check("Erlang C (M/M/3, 0.8 occupancy), HAP triage desk", "share answered within 2 min",
              mmc_wait_within(servers, load, handling, 2.0), float(np.mean(within)), 0.02, absolute=True),
    ]


def little_checks(days: float = 60) -> list[Check]:
    servers, per_hour, handling = 4, 30.0, 6.0
    m = run(mmc_hap_scenario(servers, per_hour, handling, days=days))
    now = m.env.now
    waits = m.metrics.tally_array("hap_triage.answer_wait")
    lam = len(waits) / (now - m.metrics.measuring_since)
    return [
        Check("Little's law, HAP triage desk", "mean queue length = arrival rate x mean wait",
              lam * waits.mean(), m.metrics.level("hap_triage.queue").mean(now), 0.03),
        Check("Little's law, HAP triage desk", "mean busy triagists = arrival rate x mean handling",
              lam * handling, m.metrics.level("hap_triage.busy").mean(now), 0.03),
    ]


def erlang_b_checks(replications: int = 3, days: float = 400) -> list[Check]:
    beds, load = 20, 17.0
    blocked = admitted = 0.0
    for rep in range(replications):
        m = run(elv_loss_scenario(beds, load, stay_days=2.0, days=days), rep)
        blocked += m.metrics.counts["placement_fallback_seh"]
        admitted += m.metrics.counts["elv_admissions"]
    return [Check("Erlang B (20 beds, 17 Erlang), ELV pathway without waiting", "share of requests refused",
                  erlang_b(beds, load), blocked / (blocked + admitted), 0.015, absolute=True)]


def conservation_checks(days: float = 10) -> list[Check]:
    data = noord_raw()
    data["run"].update({"days": days, "warmup_days": 2})
    m = Model(build(data), 0, track_alive=True).run()
    gc.collect()  # a patient dropped by a flow without an outcome is freed here
    alive = m.record.alive
    assert alive is not None
    return [Check("Conservation, full noord status quo",
                  "patients created = ended + still held by a waiting flow",
                  float(m.created), float(m.record.ended + len(alive)), 0.0, absolute=True)]


def all_checks() -> list[Check]:
    """Every analytic check, in the order of the report (a few minutes on one core)."""
    return erlang_c_checks() + erlang_b_checks() + little_checks() + conservation_checks()
