"""Staffing search: the smallest zcc roster per hour of week and staff group that meets a target.

``acutesim staffing SCENARIO --target "zcc_answer_within_2min_share>=0.9"``

1. **Erlang C start.** The offered load per skill and hour of week comes from
   the national figures scaled to the region (:func:`sim.derive.region_inputs.zcc_workload`,
   the same workloads the budget-neutral option is derived from). Each skill is
   served first by its *primary* group, the holder with the fewest skills (the
   desk routes calls to specialists first). A group's start roster is the fewest
   servers per hour with P(wait <= norm) >= target in an M/M/c queue on the
   group's total load (Erlang C without abandonment: conservative, because
   callers who hang up only shorten the queue), at least ``minimum_staff``.
2. **Refinement by simulation.** The scenario runs with the roster (``-n``
   replications of ``--days`` days, the same seed every iteration, so the
   search is deterministic) and the target KPI is measured per skill and
   4-hour block of the week (``<kpi>_by_block.<skill>.<block>``, mean over
   replications). A block *meets* the target when the lower one-sided
   ``z_score`` (95%) confidence bound of its share, x - z sqrt(x(1-x)/n) with
   n the block's offered calls in the run (from the offered load), is at least
   ``target + margin``: noisy blocks (few calls) need a larger lead, and the
   small fixed margin covers what the binomial bound misses (calls in a busy
   spell are correlated). Where a block misses,
   one staff member of the skill's primary group is added in the hour of the
   block with the lowest Erlang C service level, and in one more hour for each
   further ``slack`` of shortfall. In a 4-hour block where no skill misses,
   a skill with clear slack (bound ``>= target + slack``) loses one person in
   the hour with the highest level, never below the floor. Staff who hold
   several skills take over each other's calls (nurses answer GP triage calls
   when triagists are busy), so a miss of any skill right after a removal in
   its block stops removals in that block for good. The floor is ``minimum_staff`` and,
   for a group that also serves the other telephone line, the Erlang C roster
   of that line's load: calls the target does not measure stay staffed by
   Erlang C at the target share and are not refined. The search
   stops when every measured block meets ``target + margin`` and nothing more
   can be removed, or after ``max_iterations``; it returns the cheapest roster
   that was measured with every block meeting the target (else the last one,
   flagged as not feasible).
3. **Confirmation.** The final roster is run once more with ``confirm_days``
   (reported next to the search's own measurement).

The result is a staffing option (same shape as ``zcc.staffing_options.<name>``)
whose rosters carry an ``estimate:`` saying how they were found.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from sim import paths
from sim.config.constants import BLOCK_HOURS, DAYS_PER_WEEK, HOURS_PER_WEEK
from sim.config.loader import ScenarioError
from sim.config.schema import Scenario, Zcc
from sim.derive.region_inputs import dump_yaml
from sim.theory.queueing import mmc_wait_within, servers_for_service_level

# KPIs that are also measured per block of the week (sim.measure.kpis.zcc_block_kpis), with their line's call types;
# named here with the shipped 2-minute norms: the name carries the line's norm (sim.measure.kpis.within_norm_kpi).
BLOCK_KPIS = {
    "zcc_answer_within_2min_share": "zcc",
    "zcc_provider_answer_within_2min_share": "zcc_provider",
}
_BLOCK_KPI = re.compile(r"^(zcc|zcc_provider)_answer_within_\d+(?:_\d+)?min_share$")


def block_line(kpi: str) -> str | None:
    """The zcc line (``zcc`` or ``zcc_provider``) whose within-norm share ``kpi`` is, whatever the norm."""
    found = _BLOCK_KPI.match(kpi)
    return found.group(1) if found else None
# The telephone line each part of a skill's workload arrives on (see sim.derive.region_inputs.zcc_workload).
_LINE_OF_PART = {
    ("gp_triagist", 0): "zcc", ("ambulance_nurse", 0): "zcc",
    ("mental_health", 0): "zcc", ("mental_health", 1): "zcc_provider",
    ("coordinator", 0): "zcc_provider", ("coordinator", 1): "zcc_provider",
    ("district_nursing", 0): "zcc_provider",
}


class TargetError(ScenarioError):
    """A target expression that cannot be used (one line, printed by the CLI with exit 2)."""


# ------------------------------------------------------------------ target
@dataclass(frozen=True)
class Target:
    """``kpi op value``, e.g. ``zcc_answer_within_2min_share >= 0.9``."""

    kpi: str
    op: str
    value: float

    def met(self, x: float, margin: float = 0.0) -> bool:
        """True if ``x`` meets the target with ``margin`` to spare (NaN never meets it)."""
        if math.isnan(x):
            return False
        return x >= self.value + margin if self.op == ">=" else x <= self.value - margin

    def pessimistic(self, x: float, half_width: float) -> float:
        """The confidence bound on the bad side of the target."""
        return x - half_width if self.op == ">=" else x + half_width

    def slack(self, x: float) -> float:
        """How far ``x`` is on the good side of the target (negative if it misses)."""
        return x - self.value if self.op == ">=" else self.value - x

    def __str__(self) -> str:
        return f"{self.kpi}{self.op}{self.value:g}"


_TARGET = re.compile(r"^\s*([A-Za-z0-9_.]+)\s*(>=|<=)\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*$")


def parse_target(text: str, known: Callable[[], list[str]]) -> Target:
    """Parse ``KPI>=NUMBER`` or ``KPI<=NUMBER`` (no code is evaluated).

    ``known`` lists every KPI name of the scenario; it is only called to explain
    an error. Raises :class:`TargetError` with one line.
    """
    m = _TARGET.match(text)
    if not m:
        raise TargetError(f"--target: expected 'KPI>=NUMBER' or 'KPI<=NUMBER', e.g. "
                          f"'zcc_answer_within_2min_share>=0.9', got {text!r}")
    kpi, op, value = m.group(1), m.group(2), float(m.group(3))
    if block_line(kpi) is None:
        names = known()
        if kpi in names:
            raise TargetError(f"--target: KPI '{kpi}' is not measured per hour block; the staffing search "
                              f"needs one of {', '.join(BLOCK_KPIS)}")
        similar = difflib.get_close_matches(kpi, names, n=5, cutoff=0.5) or list(BLOCK_KPIS)
        raise TargetError(f"--target: unknown KPI '{kpi}'; similar names: {', '.join(similar)}")
    if not 0 <= value <= 1:
        raise TargetError(f"--target: {kpi} is a share: expected a number in [0, 1], got {value:g}")
    return Target(kpi, op, value)


def kpi_names(scenario: Scenario) -> list[str]:
    """All KPI names of a scenario, from a half-day replication without warm-up."""
    from sim.run.runner import run_replication

    return sorted(run_replication(with_run(scenario, days=0.5, warmup_days=0), 0))


# ------------------------------------------------------------------- loads
def zcc_of(scenario: Scenario) -> Zcc:
    """The scenario's zcc section; staffing and location planning need a zcc scenario."""
    if scenario.zcc is None:
        raise ScenarioError(f"{scenario.name}: key setting: the staffing search needs a zcc scenario (setting: zcc)")
    return scenario.zcc


def primary_groups(scenario: Scenario) -> dict[str, str]:
    """For each skill, the group the desk routes it to first: the holder with the fewest skills."""
    groups = zcc_of(scenario).groups
    order = list(groups)
    out: dict[str, str] = {}
    for skill in sorted({s for g in groups.values() for s in g.skills}):
        holders = [g for g in order if skill in groups[g].skills]
        out[skill] = min(holders, key=lambda g: (len(groups[g].skills), order.index(g)))
    return out


def _national_figures(scenario_path: Path | None) -> dict[str, Any]:
    """The national capacity figures the region's workloads are scaled from.

    Those of the scenarios folder that holds ``scenario_path`` (the nearest folder above it
    with national inputs), else the project's.
    """
    here = scenario_path.resolve().parent if scenario_path else None
    candidates = [paths.national_dir(folder) for folder in ((here, *here.parents) if here else ())]
    for cand in [*candidates, paths.national_dir()]:
        if (cand / "capacity_figures.yaml").exists():
            return yaml.safe_load((cand / "capacity_figures.yaml").read_text(encoding="utf-8"))
    raise ScenarioError(f"{scenario_path}: {paths.NATIONAL}/capacity_figures.yaml not found next to the scenarios")


@dataclass
class Loads:
    """Offered load (Erlang) per hour of week, per staff group and telephone line, with mean handling."""

    erlang: dict[str, dict[str, np.ndarray]]   # group -> line -> 168 loads
    handling: dict[str, np.ndarray]            # group -> 168 mean handling times (min)
    calls: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)  # (line, skill) -> calls per hour

    def total(self, group: str, lines: tuple[str, ...] | None = None) -> np.ndarray:
        parts = self.erlang[group]
        return sum((parts[ln] for ln in parts if lines is None or ln in lines), np.zeros(HOURS_PER_WEEK))


def offered_loads(scenario: Scenario, scenario_path: Path | None = None) -> Loads:
    """Offered load per primary group, hour of week and line, from :func:`sim.derive.region_inputs.zcc_workload`."""
    from sim.derive.region_inputs import zcc_workload

    base = scenario.model_dump(mode="json")
    work = zcc_workload(scenario.region, base, _national_figures(scenario_path), base["zcc"])
    primary = primary_groups(scenario)
    erlang: dict[str, dict[str, np.ndarray]] = {g: {} for g in zcc_of(scenario).groups}
    calls = {g: np.zeros(HOURS_PER_WEEK) for g in erlang}
    by_skill: dict[tuple[str, str], np.ndarray] = {}
    for skill in ("gp_triagist", "ambulance_nurse", "mental_health", "coordinator", "district_nursing"):
        group = primary.get(skill)
        if group is None:
            continue
        parts = work["_parts"].get(skill) or [work[skill]]
        for i, (per_hour, handling) in enumerate(parts):
            line = _LINE_OF_PART[(skill, i)]
            erlang[group][line] = erlang[group].get(line, np.zeros(HOURS_PER_WEEK)) + per_hour * handling / 60.0
            calls[group] += per_hour
            by_skill[(line, skill)] = by_skill.get((line, skill), np.zeros(HOURS_PER_WEEK)) + per_hour
    handling = {}
    for g in erlang:
        total = sum(erlang[g].values(), np.zeros(HOURS_PER_WEEK))
        handling[g] = np.where(calls[g] > 0, total * 60.0 / np.maximum(calls[g], 1e-12), 1.0)
    return Loads(erlang, handling, by_skill)


def erlang_roster(load: np.ndarray, handling: np.ndarray, target: float, norm_min: float,
                  minimum: int) -> list[int]:
    """Fewest servers per hour with P(wait <= norm) >= target (Erlang C), at least ``minimum``."""
    return [servers_for_service_level(float(a), float(t), norm_min, target, minimum)
            for a, t in zip(load, handling, strict=True)]


def erlang_start(loads: Loads, target: float, norm_min: float, minimum: int,
                 lines: tuple[str, ...] | None = None) -> dict[str, list[int]]:
    """Start rosters: Erlang C per group and hour on the group's load (of ``lines``, default all)."""
    return {g: erlang_roster(loads.total(g, lines), loads.handling[g], target, norm_min, minimum)
            for g in loads.erlang}


# ---------------------------------------------------------------- scenarios
def with_run(scenario: Scenario, **run: Any) -> Scenario:
    data = scenario.model_dump()
    data["run"].update(run)
    return Scenario.model_validate(data)


def with_option(scenario: Scenario, name: str, option: dict[str, Any]) -> Scenario:
    """The scenario with a staffing option added and selected."""
    data = scenario.model_dump()
    data["zcc"]["staffing_options"][name] = option
    data["zcc"]["staffing"] = name
    return Scenario.model_validate(data)


def option_from(scenario: Scenario, rosters: dict[str, list[int]], note: str, description: str) -> dict[str, Any]:
    """A staffing option (the scenario's groups, skills and costs) with new rosters."""
    groups = {}
    for g, spec in zcc_of(scenario).groups.items():
        cost = spec.hourly_cost.model_dump(exclude_none=True)
        groups[g] = {"skills": list(spec.skills), "roster": {"values": [int(v) for v in rosters[g]], "estimate": note},
                     "hourly_cost": cost}
    return {"description": description, "groups": groups}


def fte_and_cost(scenario: Scenario, rosters: dict[str, list[int]]) -> tuple[float, float]:
    """FTE and staff cost per day of zcc rosters (the formulas of sim.measure.kpis.staffing_kpis)."""
    groups = zcc_of(scenario).groups
    hours = {g: float(sum(r)) for g, r in rosters.items()}
    fte = sum(hours.values()) / scenario.staffing.fte_hours_per_week.value
    cost = sum(hours[g] * groups[g].hourly_cost.value for g in hours) / DAYS_PER_WEEK
    return fte, cost


def measure(scenario: Scenario, replications: int, workers: int) -> dict[str, float]:
    """Mean of every KPI over replications 0..n-1 (NaN-skipping)."""
    from sim.run.runner import replications_of

    reps: list[dict[str, float]] = [{}] * replications
    for i, k in replications_of([(scenario, r, None) for r in range(replications)], workers):
        reps[i] = k
    out = {}
    for name in reps[0]:
        vals = [r[name] for r in reps if not math.isnan(r.get(name, float("nan")))]
        out[name] = float(np.mean(vals)) if vals else float("nan")
    return out


# ------------------------------------------------------------------ search
@dataclass
class SearchResult:
    """The roster found, how it was found and what it achieved."""

    rosters: dict[str, list[int]]
    iterations: int
    converged: bool
    measured: dict[str, float]
    history: list[tuple[int, float, float, int]] = field(default_factory=list)  # (iter, fte, kpi, missing blocks)
    feasible: bool = False  # the roster was measured with every block meeting the target


def _blocks() -> list[tuple[str, range]]:
    from sim.measure.kpis import block_name

    return [(block_name(b, BLOCK_HOURS), range(b * BLOCK_HOURS, (b + 1) * BLOCK_HOURS))
            for b in range(HOURS_PER_WEEK // BLOCK_HOURS)]


def _level(servers: int, load: float, handling: float, norm: float) -> float:
    return mmc_wait_within(servers, load, handling, norm) if load > 0 else 1.0


def search(scenario: Scenario, target: Target, replications: int, workers: int = 1, margin: float = 0.01,
           slack: float = 0.05, max_iterations: int = 30, z_score: float = 1.645, scenario_path: Path | None = None,
           progress: Callable[[str], None] | None = None, trace: list | None = None) -> SearchResult:
    """Find the roster (see the module docstring). ``scenario.run`` sets seed and days."""
    z = zcc_of(scenario)
    line = block_line(target.kpi)
    assert line is not None  # checked by parse_target
    other = tuple(ln for ln in BLOCK_KPIS.values() if ln != line)
    kit = z.handling.patient_line if line == "zcc" else z.handling.provider_line
    norm = kit.answer_norm_min.value
    minimum = z.service_level.minimum_staff.value
    loads = offered_loads(scenario, scenario_path)
    rosters = erlang_start(loads, target.value, norm, minimum)
    floor = erlang_start(loads, target.value, norm, minimum, lines=other)
    primary = primary_groups(scenario)
    from sim.measure.kpis import ZCC_LINE_CALLS

    skills = sorted({z.skills[t] for t in ZCC_LINE_CALLS[line]})
    frozen: set[str] = set()  # blocks that missed right after a removal: no removals there any more
    reduced: set[str] = set()  # blocks where staff were removed in the last iteration
    history = []
    blocks = _blocks()
    per_run = scenario.run.days / DAYS_PER_WEEK * replications
    calls = {(skill, name): float(loads.calls.get((line, skill), np.zeros(HOURS_PER_WEEK))[list(hours)].sum()) * per_run
             for skill in skills for name, hours in blocks}
    measured: dict[str, float] = {}
    best: tuple[float, dict[str, list[int]], dict[str, float]] | None = None
    converged = False
    it = 0
    for it in range(1, max_iterations + 1):
        trial = with_option(scenario, "search", option_from(scenario, rosters, "search", "search"))
        measured = measure(trial, replications, workers)
        shares = {(skill, name): measured.get(f"{target.kpi}_by_block.{skill}.{name}", float("nan"))
                  for skill in skills for name, _ in blocks}
        shares_raw = dict(shares)
        # Pessimistic one-sided confidence bound of each block's share (binomial, Wald).
        shares = {key: target.pessimistic(x, z_score * math.sqrt(max(x * (1 - x), 0.0) / max(calls[key], 1.0)))
                  for key, x in shares.items()}
        misses = {key: x for key, x in shares.items() if not math.isnan(x) and not target.met(x, margin)}
        if not misses:
            fte, _ = fte_and_cost(scenario, rosters)
            if best is None or fte < best[0]:
                best = (fte, {g: list(r) for g, r in rosters.items()}, measured)
        added = removed = 0
        missed = {name for _, name in misses}
        frozen |= missed & reduced
        reduced = set()
        for (skill, name), hours in ((key, dict(blocks)[key[1]]) for key in shares):
            g = primary[skill]
            load, handling = loads.total(g), loads.handling[g]
            x = shares[(skill, name)]
            if (skill, name) in misses:
                # The further below, the more hours of the block get one more person (lowest Erlang C level first).
                n = min(len(hours), 1 + int((margin - target.slack(x)) / slack))
                levels = {h: _level(rosters[g][h], float(load[h]), float(handling[h]), norm) for h in hours}
                for h in sorted(hours, key=lambda h: (levels[h], h))[:n]:
                    rosters[g][h] += 1
                    added += 1
            elif name not in frozen and name not in missed and not math.isnan(x) and target.slack(x) >= slack:
                cands = [h for h in hours if rosters[g][h] > floor[g][h]]
                if cands:
                    h = max(cands, key=lambda h: (_level(rosters[g][h] - 1, float(load[h]), float(handling[h]), norm),
                                                  -h))
                    rosters[g][h] -= 1
                    removed += 1
                    reduced.add(name)
        fte, _ = fte_and_cost(scenario, rosters)
        history.append((it, fte, measured.get(target.kpi, float("nan")), len(misses)))
        if trace is not None:
            trace.append({key: (round(x, 3), round(shares_raw[key], 3), round(calls[key]))
                          for key, x in misses.items()})
        if progress:
            progress(f"iteration {it}: {target.kpi} = {measured.get(target.kpi, float('nan')):.3f}, "
                     f"{len(misses)} skill block(s) with bound below {target.value + margin:g}: "
                     f"+{added} / -{removed} staff hours, "
                     f"{fte:.1f} FTE next")
        if not added and not removed:
            converged = True
            break
    if best is not None:
        return SearchResult(best[1], it, converged, best[2], history, feasible=True)
    return SearchResult(rosters, it, converged, measured, history, feasible=False)


# ------------------------------------------------------------------ output
def write_option(scenario: Scenario, scenario_path: Path, rosters: dict[str, list[int]], note: str,
                 option_name: str, out: Path) -> tuple[Path, Path]:
    """Write the staffing option (``zcc.staffing_options.<name>``) and a scenario that selects it."""
    import os

    out.parent.mkdir(parents=True, exist_ok=True)
    fte, cost = fte_and_cost(scenario, rosters)
    option = option_from(scenario, rosters, note, f"{option_name}: {sum(map(sum, rosters.values()))} staff hours "
                                                  f"a week ({fte:.1f} FTE, EUR {cost:,.0f} a day)")
    out.write_text(dump_yaml({"zcc": {"staffing_options": {option_name: option}}},
                         f"# Generated by `acutesim staffing`: a zcc staffing option ({note}).\n"
                         f"# Use it with the scenario next to it, or extend it from your own scenario.\n"),
                   encoding="utf-8")
    scen = out.with_name(out.stem + ".scenario.yaml")
    rel_in = os.path.relpath(scenario_path.resolve(), scen.parent.resolve())
    scen.write_text(dump_yaml({"extends": [rel_in, out.name], "name": f"{scenario.name}_{option_name}",
                           "zcc": {"staffing": option_name}},
                          f"# Generated by `acutesim staffing`: {scenario_path} with the staffing option found.\n"),
                    encoding="utf-8")
    return out, scen
