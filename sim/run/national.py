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
    ("cost_per_call", "answered_calls_per_day"),
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
SUMMED = ("per_day", "by_hour", "population", "triage_fte", "staff_cost", "zcc_locations", "budget_per_year")


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


# ------------------------------------------------------------------ per-region budget table
BUDGET_COLUMNS = (
    ("population", "inhabitants"),
    ("zcc_budget_meur", "zcc budget, EUR million a year (staff, locations, ICT, regiearts)"),
    ("zcc_budget_eur_per_inhabitant", "zcc budget, EUR per inhabitant a year"),
    ("staff_cost_change_meur", "change in triage and coordination staff cost, EUR million a year"),
    ("cost_per_call_base", "staff cost per answered call, status quo (EUR)"),
    ("cost_per_call_alt", "staff cost per answered call, scenario III (EUR)"),
    ("chain_cost_change_meur", "change in chain cost, EUR million a year (mean)"),
    ("chain_cost_change_low", "95% interval, low"),
    ("chain_cost_change_high", "95% interval, high"),
    ("seh_arrivals_change", "change in SEH arrivals (share)"),
    ("seh_arrivals_change_low", "95% interval, low"),
    ("seh_arrivals_change_high", "95% interval, high"),
)


def budget_rows(base: dict[str, list[dict[str, float]]], alt: dict[str, list[dict[str, float]]],
                base_national: list[dict[str, float]], alt_national: list[dict[str, float]],
                days_per_year: float) -> list[dict[str, float | str]]:
    """The regional variation the NZa asks about: one row per region and one for the Netherlands.

    Paired over replications (common random numbers): the chain-cost change and the SEH change
    carry their 95% interval; budgets and staff costs follow from the rosters and are fixed.
    """
    from sim.run.runner import paired

    rows: list[dict[str, float | str]] = []
    for name, b, a in [*((r, base[r], alt[r]) for r in base), ("Netherlands", base_national, alt_national)]:
        d = {x.kpi: x for x in paired(b, a)}
        meur = days_per_year / 1e6
        seh = d["seh_arrivals_per_day"]
        chain = d["chain_cost_per_day"]
        budget = d["zcc_budget_per_year"].alt_mean
        pop = d["population"].base_mean
        rows.append({
            "region": name,
            "population": pop,
            "zcc_budget_meur": budget / 1e6,
            "zcc_budget_eur_per_inhabitant": budget / pop if pop else math.nan,
            "staff_cost_change_meur": d["staff_cost_per_day"].diff_mean * meur,
            "cost_per_call_base": d["cost_per_call"].base_mean,
            "cost_per_call_alt": d["cost_per_call"].alt_mean,
            "chain_cost_change_meur": chain.diff_mean * meur,
            "chain_cost_change_low": chain.diff_ci_low * meur,
            "chain_cost_change_high": chain.diff_ci_high * meur,
            "seh_arrivals_change": seh.diff_mean / seh.base_mean if seh.base_mean else math.nan,
            "seh_arrivals_change_low": seh.diff_ci_low / seh.base_mean if seh.base_mean else math.nan,
            "seh_arrivals_change_high": seh.diff_ci_high / seh.base_mean if seh.base_mean else math.nan,
        })
    return rows


def budget_markdown(rows: list[dict[str, float | str]]) -> str:
    """The budget table for people: EUR million with one decimal, shares in %, intervals in brackets."""
    head = ("| region | inhabitants | zcc budget (EUR M/yr) | per inhabitant (EUR) | staff cost change (EUR M/yr) "
            "| cost per answered call (EUR) | chain cost change (EUR M/yr, 95% interval) "
            "| SEH arrivals change (95% interval) |")
    lines = [head, "| " + " | ".join(["---"] * 8) + " |"]
    for r in rows:
        def f(key: str, spec: str, r: dict[str, float | str] = r) -> str:
            return format(float(r[key]), spec)
        lines.append(
            f"| {r['region']} | {f('population', ',.0f')} | {f('zcc_budget_meur', '.1f')} "
            f"| {f('zcc_budget_eur_per_inhabitant', '.2f')} | {f('staff_cost_change_meur', '+.1f')} "
            f"| {f('cost_per_call_base', '.2f')} -> {f('cost_per_call_alt', '.2f')} "
            f"| {f('chain_cost_change_meur', '+.1f')} ({f('chain_cost_change_low', '+.1f')} to "
            f"{f('chain_cost_change_high', '+.1f')}) | {f('seh_arrivals_change', '+.1%')} "
            f"({f('seh_arrivals_change_low', '+.1%')} to {f('seh_arrivals_change_high', '+.1%')}) |")
    return "\n".join(lines) + "\n"


def write_budget_csv(rows: list[dict[str, float | str]], path: Path) -> None:
    import csv

    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["region", *(k for k, _ in BUDGET_COLUMNS)])
        for r in rows:
            writer.writerow([r["region"], *(repr(float(r[k])) for k, _ in BUDGET_COLUMNS)])
