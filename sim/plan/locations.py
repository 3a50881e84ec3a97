"""Location planning for the zcc: where to work, and what each layout costs in staff and commute.

``acutesim locations SCENARIO --max K``

**Layouts.** For k = 1..K the work locations are the population-weighted
p-median (:func:`sim.derive.region_inputs.p_median`) of the region's sub-areas among the
candidate towns: those with a HAP, an SEH or the meldkamer in the scenario's
resources. Staff live where the population lives (or as
``zcc.locations.staff_residence`` says) and work at the nearest location, so
the p-median minimises the mean commute; commute mean and 95th percentile
come from :func:`sim.geo.sites.commute_minutes`, as in the model.

**FTE per layout and mode.** The target is ``zcc.service_level.share`` of
patient-line calls answered within ``zcc.handling.patient_line.answer_norm_min``
(``zcc_answer_within_2min_share``). Rosters are built by Erlang C at a common
level ``u`` from the offered loads of :mod:`sim.plan.staffing` (per primary staff
group and hour of week):

* ``pooled``: one virtual queue, so the region-wide roster is Erlang C on the
  whole load at level ``u``;
* ``separate``: location j answers the sub-areas nearest to it, i.e. its
  residence share s_j of the load, and the model gives it the same share of
  every region-wide roster (:func:`sim.geo.sites.split_roster`). Each location
  needs Erlang C servers c_j for load s_j x load at level ``u`` (at least
  ``zcc.service_level.minimum_staff``), and the region-wide roster per hour is
  the smallest one whose split gives every location its c_j.

The level ``u`` is then found by bisection on [0.5, 0.995] (``steps`` runs):
the smallest ``u`` whose roster, simulated (``-n`` replications of ``--days``
days, same seed for every layout), meets the target overall. FTE is that
roster's staff hours / ``staffing.fte_hours_per_week``. A pooled zcc is one
queue wherever its staff sit, so its roster is found once and holds for every
k; separate with k = 1 is the same desk as pooled.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.config.loader import ScenarioError
from sim.config.schema import Scenario, ServiceLevel
from sim.geo.sites import commute_minutes, nearest_site, site_shares, split_roster
from sim.measure.kpis import within_norm_kpi
from sim.plan.staffing import (
    Loads,
    erlang_start,
    fte_and_cost,
    measure,
    offered_loads,
    option_from,
    with_option,
    zcc_of,
)
from sim.theory.queueing import servers_for_service_level


def patient_kpi(scenario: Scenario) -> str:
    """The patient line's within-norm share KPI, named with the scenario's answer norm."""
    z = scenario.zcc
    assert z is not None
    return within_norm_kpi("zcc", z.handling.patient_line.answer_norm_min.value)
COLUMNS = ("k", "sites", "mode", "fte", "answer_within_2min_share", "commute_mean_min", "commute_p95_min")


@dataclass(frozen=True)
class Layout:
    """k work locations: sub-area indices and site names."""

    k: int
    sites: tuple[int, ...]
    names: tuple[str, ...]


@dataclass
class Row:
    """One line of ``locations.csv`` plus what is needed to rerun it."""

    layout: Layout
    mode: str
    fte: float
    share: float
    commute_mean: float
    commute_p95: float
    level: float
    rosters: dict[str, list[int]]


def service_level_of(scenario: Scenario) -> ServiceLevel:
    """The zcc's service level (share answered in time, minimum staff) that locations are staffed to."""
    level = zcc_of(scenario).service_level
    if level is None:
        raise ScenarioError(f"{scenario.name}: key zcc.service_level: location planning needs a zcc scenario with "
                            f"a service level (share, minimum_staff)")
    return level


def _geography(scenario: Scenario):
    from sim.geo.regions import road_km_matrix, subareas_of

    areas = subareas_of(scenario.region)
    t = scenario.care.travel
    return areas, road_km_matrix(areas, t.detour_factor.value, t.settlement())


def candidate_sites(scenario: Scenario) -> list[int]:
    """Sub-area indices of the towns with a HAP, an SEH or the meldkamer."""
    areas, _ = _geography(scenario)
    idx = {a.code: i for i, a in enumerate(areas)}
    res = scenario.resources
    codes = {h.subarea for h in res.haps.values()} | {s.subarea for s in res.sehs.values()} | {res.meldkamer.subarea}
    return sorted(idx[c] for c in codes)


def residence(scenario: Scenario) -> np.ndarray:
    """Where staff live: ``zcc.locations.staff_residence`` or the population (as the model)."""
    areas, _ = _geography(scenario)
    loc = zcc_of(scenario).locations
    if loc.staff_residence:
        return np.array([loc.staff_residence.get(a.code, 0.0) for a in areas], dtype=float)
    return np.array([a.population for a in areas], dtype=float)


def layouts(scenario: Scenario, max_k: int) -> list[Layout]:
    """The p-median layout for each k = 1..max_k (fewer if there are fewer candidates)."""
    from sim.derive.region_inputs import p_median, slug

    areas, km = _geography(scenario)
    cands = candidate_sites(scenario)
    out = []
    for k in range(1, min(max_k, len(cands)) + 1):
        chosen = tuple(p_median(areas, km, k, cands))
        out.append(Layout(k, chosen, tuple(f"zcc_{slug(areas[i].name)}" for i in chosen)))
    return out


def commute(scenario: Scenario, layout: Layout) -> tuple[float, float]:
    """Mean and 95th percentile one-way commute (minutes) of the layout's staff."""
    _, km = _geography(scenario)
    speed = zcc_of(scenario).locations.commute_speed_kmh.value
    return commute_minutes(km, list(layout.sites), residence(scenario), speed)


def layout_shares(scenario: Scenario, layout: Layout) -> np.ndarray:
    """Each location's share of staff and calls (residence nearest to it)."""
    _, km = _geography(scenario)
    return site_shares(residence(scenario), nearest_site(km, list(layout.sites)), len(layout.sites))


def region_total(needs: list[int], shares: np.ndarray) -> int:
    """Smallest region-wide staff number whose split over locations gives each at least its need."""
    n = sum(needs)
    while True:
        split = [v[0] for v in split_roster([n], shares)]
        if all(s >= need for s, need in zip(split, needs, strict=True)):
            return n
        n += 1


def rosters_at(loads: Loads, level: float, norm: float, minimum: int,
               shares: np.ndarray | None) -> dict[str, list[int]]:
    """Region-wide rosters at Erlang C level ``level``: pooled if ``shares`` is None, else separate."""
    if shares is None or len(shares) == 1:
        return erlang_start(loads, level, norm, minimum)
    out = {}
    for g in loads.erlang:
        load, handling = loads.total(g), loads.handling[g]
        roster = []
        for a, t in zip(load, handling, strict=True):
            needs = [servers_for_service_level(float(a * s), float(t), norm, level, minimum) if s > 0 else 0
                     for s in shares]
            roster.append(region_total(needs, shares))
        out[g] = roster
    return out


def layout_scenario(scenario: Scenario, layout: Layout, mode: str, rosters: dict[str, list[int]] | None,
                    option_name: str = "located", note: str = "") -> Scenario:
    """The scenario with the layout's locations (and, if given, its rosters as the selected staffing)."""
    data = scenario.model_dump()
    data["zcc"]["locations"]["mode"] = mode
    areas, _ = _geography(scenario)
    data["zcc"]["locations"]["sites"] = {n: {"subarea": areas[i].code}
                                         for n, i in zip(layout.names, layout.sites, strict=True)}
    sc = Scenario.model_validate(data)
    if rosters is not None:
        sc = with_option(sc, option_name, option_from(scenario, rosters, note or option_name, option_name))
    return sc


def find_fte(scenario: Scenario, layout: Layout, mode: str, loads: Loads, replications: int, workers: int,
             steps: int = 5,
             progress: Callable[[str], None] | None = None) -> tuple[float, dict[str, list[int]], float]:
    """Smallest Erlang C level whose roster meets the target in simulation: (level, rosters, share)."""
    z = zcc_of(scenario)
    level = service_level_of(scenario)
    target = level.share.value
    norm = z.handling.patient_line.answer_norm_min.value
    kpi = patient_kpi(scenario)
    minimum = level.minimum_staff.value
    shares = layout_shares(scenario, layout) if mode == "separate" else None
    seen: dict[tuple, float] = {}

    def share_at(level: float) -> tuple[dict[str, list[int]], float]:
        rosters = rosters_at(loads, level, norm, minimum, shares)
        key = tuple(tuple(r) for r in rosters.values())
        if key not in seen:
            seen[key] = measure(layout_scenario(scenario, layout, mode, rosters), replications, workers)[kpi]
            if progress:
                fte, _ = fte_and_cost(scenario, rosters)
                progress(f"k={layout.k} {mode}: level {level:.3f} -> {fte:.1f} FTE, {kpi} = {seen[key]:.3f}")
        return rosters, seen[key]

    lo, hi = 0.5, 0.995
    best = None
    for _ in range(steps):
        mid = (lo + hi) / 2
        rosters, share = share_at(mid)
        if share >= target:
            hi, best = mid, (mid, rosters, share)
        else:
            lo = mid
    if best is None:
        rosters, share = share_at(hi)
        best = (hi, rosters, share)
    return best


def plan(scenario: Scenario, max_k: int, replications: int, workers: int, scenario_path: Path | None = None,
         progress: Callable[[str], None] | None = None) -> list[Row]:
    """Every layout k = 1..max_k in pooled and separate mode, with its FTE and commute."""
    loads = offered_loads(scenario, scenario_path)
    rows: list[Row] = []
    pooled = None
    for layout in layouts(scenario, max_k):
        mean, p95 = commute(scenario, layout)
        for mode in ("pooled", "separate"):
            if mode == "pooled" or layout.k == 1:
                if pooled is None:
                    pooled = find_fte(scenario, layout, "pooled", loads, replications, workers, progress=progress)
                level, rosters, share = pooled
            else:
                level, rosters, share = find_fte(scenario, layout, mode, loads, replications, workers,
                                                 progress=progress)
            fte, _ = fte_and_cost(scenario, rosters)
            rows.append(Row(layout, mode, fte, share, mean, p95, level, rosters))
    return rows


def write_csv(rows: list[Row], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        for r in rows:
            w.writerow([r.layout.k, ";".join(r.layout.names), r.mode, f"{r.fte:.2f}", f"{r.share:.4f}",
                        f"{r.commute_mean:.2f}", f"{r.commute_p95:.2f}"])


def table(rows: list[Row]) -> str:
    head = f"{'k':>2}  {'mode':<9}{'FTE':>7}{'answered<=2min':>16}{'commute mean':>14}{'p95':>7}  sites"
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(f"{r.layout.k:>2}  {r.mode:<9}{r.fte:>7.1f}{r.share:>16.3f}{r.commute_mean:>14.1f}"
                     f"{r.commute_p95:>7.1f}  {';'.join(r.layout.names)}")
    return "\n".join(lines)


def plot(rows: list[Row], out: Path, title: str) -> list[Path]:
    """Trade-off plot: FTE against mean commute, one labelled point per layout and mode (PNG and SVG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for mode, marker in (("pooled", "o"), ("separate", "s")):
        pts = [r for r in rows if r.mode == mode]
        ax.scatter([r.commute_mean for r in pts], [r.fte for r in pts], marker=marker, label=mode)
        for r in pts:
            ax.annotate(f"k={r.layout.k} {mode}", (r.commute_mean, r.fte), textcoords="offset points",
                        xytext=(5, 4 if mode == "pooled" else -10), fontsize=8)
    ax.set_xlabel("mean staff commute, one way (minutes)")
    ax.set_ylabel("zcc FTE meeting the service level")
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    paths = [out / "tradeoff.png", out / "tradeoff.svg"]
    for p in paths:
        fig.savefig(p, dpi=150)
    plt.close(fig)
    return paths


def write_layouts(scenario: Scenario, scenario_path: Path, rows: list[Row], out: Path, command: str) -> list[Path]:
    """One runnable scenario per layout and mode: extends the input, sets locations and staffing."""
    from sim.derive.region_inputs import dump_yaml

    folder = out / "layouts"
    folder.mkdir(parents=True, exist_ok=True)
    areas, _ = _geography(scenario)
    target = service_level_of(scenario).share.value
    paths = []
    for r in rows:
        name = f"zcc_{r.layout.k}loc_{r.mode}"
        note = (f"found by `{command}`: Erlang C at level {r.level:.3f} per staff group and hour"
                + (", each location its residence share of the load" if r.mode == "separate" and r.layout.k > 1 else "")
                + f", the lowest level whose roster met {patient_kpi(scenario)}>={target:g} in simulation "
                  f"({r.share:.3f})")
        option = option_from(scenario, r.rosters, note, f"{name}: {r.fte:.1f} FTE for {r.layout.k} location(s), "
                                                         f"{r.mode}")
        body = {"extends": os.path.relpath(scenario_path.resolve(), folder.resolve()),
                "name": f"{scenario.name}_{r.layout.k}loc_{r.mode}",
                "zcc": {"locations": {"mode": r.mode,
                                      "sites": {n: {"subarea": areas[i].code}
                                                for n, i in zip(r.layout.names, r.layout.sites, strict=True)}},
                        "staffing": "located", "staffing_options": {"located": option}}}
        path = folder / f"{name}.yaml"
        path.write_text(dump_yaml(body, f"# Generated by `acutesim locations`: {r.layout.k} location(s), {r.mode} "
                                    f"mode, staffed to the service level.\n"), encoding="utf-8")
        paths.append(path)
    return paths


