"""The Netherlands as a whole: every ROAZ region run for the same replications, KPIs added up.

Regions are independent models (no patients cross a region border), so a
national replication is the set of region replications with the same number
and seed. Volumes (``*_per_day``, ``*_by_hour``, ``population``, FTE and cost)
are summed; means and shares are averaged with the weight of the volume they
are a mean or share of, so that national figures equal what one national
model with the same patients would report.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sim import paths
from sim.config.loader import load_scenario
from sim.config.schema import Scenario
from sim.geo.regions import known_regions
from sim.run.runner import replications_of

# Mean/share KPIs by name prefix -> the volume KPI that weighs them nationally (first match wins).
WEIGHTS: tuple[tuple[str, str], ...] = (
    # staff cost per answered call: weighted by answered calls, the national figure is total cost / total calls
    *((f"cost_per_call.{desk}", f"answered_calls_per_day.{desk}")
      for desk in ("hap_triage", "dispatch_112", "elv_point", "zcc")),
    ("seh_los_mean.home", "seh_departures_per_day.home"),
    ("seh_los_mean.admitted", "seh_departures_per_day.admitted"),
    ("seh_admitted_share", "seh_departures_per_day"),
    ("seh_", "seh_arrivals_per_day"),
    ("a1_", "ambulance_deployments_per_day.a1"),
    ("a2_", "ambulance_deployments_per_day.a2"),
    ("ambulance_", "ambulance_deployments_per_day"),
    ("hap_", "hap_contacts_per_day"),
    ("dispatch_", "arrivals_per_day.call_112"),
    ("elv_point_", "arrivals_per_day.provider_request"),
    ("placement_", "elv_admissions_per_day"),
    ("hospital_", "hospital_admissions_per_day"),
    ("elv_", "elv_admissions_per_day"),
    ("grz_", "grz_admissions_per_day"),
    ("crisis_bed_", "crisis_bed_admissions_per_day"),
    ("zcc_", "zcc_patient_calls_per_day"),
)
SUMMED = ("per_day", "by_hour", "population", "triage_fte", "staff_cost", "zcc_locations")


def is_summed(kpi: str) -> bool:
    return any(s in kpi for s in SUMMED)


def weight_of(kpi: str) -> str:
    for prefix, weight in WEIGHTS:
        if kpi.startswith(prefix):
            return weight
    return "population"


def aggregate(by_region: dict[str, dict[str, float]]) -> dict[str, float]:
    """National KPIs of one replication from the regions' KPIs of that replication."""
    names: list[str] = []
    for k in by_region.values():
        names += [n for n in k if n not in names]
    out: dict[str, float] = {}
    for name in names:
        values = [(k.get(name, math.nan), k) for k in by_region.values()]
        if is_summed(name):
            out[name] = sum(v for v, _ in values if not math.isnan(v))
            continue
        weight = weight_of(name)
        pairs = [(v, k.get(weight, 0.0)) for v, k in values if not math.isnan(v)]
        total = sum(w for _, w in pairs)
        out[name] = sum(v * w for v, w in pairs) / total if total > 0 else math.nan
    return out


def region_scenarios(file_name: str = "status_quo.yaml", overrides: dict[str, Any] | None = None,
                     scenarios: Path | None = None) -> dict[str, Scenario]:
    """Each region's scenario of that file name (e.g. status_quo.yaml, zcc.yaml, uncalibrated.yaml).

    ``scenarios`` is the scenarios folder (default: the project's).
    """
    return {r: load_scenario(paths.region_dir(r, scenarios) / file_name, overrides) for r in known_regions()}


def run_national(regional: dict[str, Scenario], replications: int, workers: int = 1,
                 progress: Callable[[int, int], None] | None = None, scheduler: str | None = None,
                 ) -> tuple[list[dict[str, float]], dict[str, list[dict[str, float]]]]:
    """Run every region ``replications`` times; return national KPIs per replication and regional KPIs.

    Region replications are independent jobs: on ``workers`` local processes (largest regions
    first) or on the Dask cluster at ``scheduler``, as experiments are.
    """
    jobs = [(sc, rep, None) for sc in regional.values() for rep in range(replications)]
    keys = [(region, rep) for region in regional for rep in range(replications)]
    results: dict[tuple[str, int], dict[str, float]] = {}
    for i, kpis in replications_of(jobs, workers, scheduler=scheduler):
        results[keys[i]] = kpis
        if progress:
            progress(len(results), len(jobs))
    per_region = {r: [results[(r, rep)] for rep in range(replications)] for r in regional}
    national = [aggregate({r: results[(r, rep)] for r in regional}) for rep in range(replications)]
    return national, per_region
