"""Experiments: grids of scenario variants x replications, run anywhere, safe to interrupt.

An experiment file names base scenarios and a grid of overrides (any scenario
key, dotted), the replications, the seed and the output folder. Every design
point is keyed by a hash of its fully resolved scenario, and every finished
replication is written atomically to its own file under that key as soon as it
completes. Rerunning the same command therefore skips finished work, a killed
run loses nothing that finished, and a changed scenario file gets a new key, so
old results are never mixed in. Serial runs, a local process pool and a Dask
cluster run the same tasks and give identical files.
"""

from __future__ import annotations

import csv
import itertools
import json
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from sim.config.loader import ScenarioError, load_model_file, load_scenario, resolved_yaml
from sim.config.provenance import PROVENANCE_KEYS
from sim.config.schema import MAX_DAYS, MAX_REPLICATIONS, MAX_SEED, Scenario
from sim.measure.format import units
from sim.run import manifest
from sim.run.runner import SUMMARY_COLUMNS, paired, run_replication, t_interval

_CONFIG = ConfigDict(extra="forbid", allow_inf_nan=False)


class GridFigure(BaseModel):
    """Grid values for a figure, with the provenance that every figure needs."""

    model_config = _CONFIG
    values: list[Any] = Field(min_length=1)
    source: str | None = None
    estimate: str | None = None


class Precision(BaseModel):
    """Sequential replications: add replications until the interval is narrow enough."""

    model_config = _CONFIG
    kpi: str
    relative_half_width: float = Field(gt=0, le=10, strict=True)
    max_replications: int = Field(ge=2, le=MAX_REPLICATIONS, strict=True)


class ExperimentFile(BaseModel):
    """What an experiment file may contain."""

    model_config = _CONFIG
    name: str
    description: str = ""
    scenarios: list[str] = Field(min_length=1)
    grid: dict[str, list[Any] | GridFigure] = Field(default_factory=dict)
    replications: int = Field(ge=1, le=MAX_REPLICATIONS, strict=True)
    seed: int = Field(ge=0, le=MAX_SEED, strict=True)
    days: float | None = Field(default=None, gt=0, le=MAX_DAYS, strict=True)
    out: str | None = None
    precision: Precision | None = None
    # Pairs of base scenarios (as listed in ``scenarios``) compared at equal grid values, e.g. the
    # status quo and scenario III under each stress level: written to pairs.csv.
    pairs: list[tuple[str, str]] = Field(default_factory=list)


@dataclass(frozen=True)
class DesignPoint:
    """One scenario variant: its base file, grid values and resolved scenario."""

    key: str
    base: str
    settings: dict[str, Any]
    scenario: Scenario


@dataclass(frozen=True)
class Task:
    point: str
    replication: int
    path: Path


def nest(path: Sequence[str], value: Any) -> dict[str, Any]:
    """``value`` under the nested keys ``path``: (``a``, ``b``), 1 -> ``{a: {b: 1}}`` (a scenario override)."""
    out: Any = value
    for part in reversed(path):
        out = {part: out}
    return out


def merge_overrides(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Two nested overrides in one; ``b`` wins where both set a value."""
    out = dict(a)
    for k, v in b.items():
        out[k] = merge_overrides(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _override(key: str, value: Any, spec: list[Any] | GridFigure) -> dict[str, Any]:
    """The nested override for one grid value; a figure's value brings the grid's provenance."""
    if isinstance(spec, GridFigure):
        parent, _, leaf = key.rpartition(".")
        note = {k: getattr(spec, k) for k in PROVENANCE_KEYS if getattr(spec, k)}
        return nest(parent.split("."), {leaf: value, **note}) if parent else {leaf: value, **note}
    return nest(key.split("."), value)


def content_key(scenario: Scenario) -> str:
    """A short hash of the resolved scenario: results are filed under what produced them."""
    return manifest.scenario_hash(scenario)


def _distinct(key: str, values: list[Any], path: Path) -> None:
    seen: list[str] = []
    for v in values:
        text = json.dumps(v, sort_keys=True, default=str)
        if text in seen:
            raise ScenarioError(f"{path}: key grid.{key}: the value {v!r} is listed twice (it would count its "
                                f"replications twice)")
        seen.append(text)


def _grid_error(exc: ScenarioError, path: Path, keys: list[str], combo: tuple[Any, ...]) -> ScenarioError:
    """Name the grid key (and its value) when the experiment file's grid caused a scenario error."""
    text = str(exc)
    head = f"{path}: key "
    if text.startswith(head):
        key = text[len(head):].split(":", 1)[0]
        for grid_key, value in zip(keys, combo, strict=True):
            if key == grid_key or key.startswith(grid_key + ".") or grid_key.startswith(key + "."):
                return ScenarioError(f"{head}grid.{grid_key} (value {value!r}){text[len(head) + len(key):]}")
    return exc


def load_experiment(path: str | Path) -> tuple[ExperimentFile, list[DesignPoint]]:
    """Read an experiment file and build its design points (full factorial over the grid).

    A ``zcc.*`` grid key applies only to zcc bases: a status-quo base has no zcc, so it
    is one design point whatever the zcc values (its settings for those keys are empty).
    Mistakes in the grid are blamed on the experiment file and the grid key.
    """
    path = Path(path)
    exp = load_model_file(path, ExperimentFile)
    for i, pair in enumerate(exp.pairs):
        for j, base in enumerate(pair):
            if base not in exp.scenarios:
                raise ScenarioError(f"{path}: key pairs.{i}.{j}: '{base}' is not one of the experiment's scenarios")
    keys = list(exp.grid)
    value_lists = [spec.values if isinstance(spec, GridFigure) else spec for spec in exp.grid.values()]
    for key, values in zip(keys, value_lists, strict=True):
        if not values:
            raise ScenarioError(f"{path}: key grid.{key}: needs at least one value")
        _distinct(key, values, path)
    run: dict[str, Any] = {"seed": exp.seed, "replications": exp.replications}
    if exp.days is not None:
        run["days"] = exp.days
    points = []
    seen: set[str] = set()
    for index, base in enumerate(exp.scenarios):
        base_path = (path.parent / base)
        if not base_path.is_file():
            raise ScenarioError(f"{path}: key scenarios.{index}: file '{base}' not found")
        plain = load_scenario(base_path, {"run": run}, overrides_from=path)
        use = [k.split(".", 1)[0] != "zcc" or plain.setting == "zcc" for k in keys]
        lists = [vals if on else [None] for vals, on in zip(value_lists, use, strict=True)]
        for combo in itertools.product(*lists):
            overrides: dict[str, Any] = {"run": run}
            for key, value, on in zip(keys, combo, use, strict=True):
                if on:
                    overrides = merge_overrides(overrides, _override(key, value, exp.grid[key]))
            try:
                scenario = load_scenario(base_path, overrides, overrides_from=path)
            except ScenarioError as exc:
                raise _grid_error(exc, path, keys, combo) from None
            settings = dict(zip(keys, combo, strict=True))
            point = DesignPoint(content_key(scenario), base, settings, scenario)
            if point.key in seen:
                continue  # the same resolved scenario twice (e.g. a base listed twice): run it once
            seen.add(point.key)
            points.append(point)
    return exp, points


def tasks_for(points: list[DesignPoint], replications: int | dict[str, int], out: Path) -> list[Task]:
    """Replications 0..n-1 of every point (``n`` may differ per point)."""
    count = replications if isinstance(replications, dict) else {p.key: replications for p in points}
    return [Task(p.key, r, out / "replications" / p.key / f"rep{r:04d}.json")
            for p in points for r in range(count[p.key])]


def relative_half_width(values: list[float]) -> float:
    s = t_interval(values)
    if s.n < 2 or s.mean == 0:
        return float("inf")
    return (s.ci_high - s.ci_low) / 2 / abs(s.mean)


def run_sequential(exp: ExperimentFile, points: list[DesignPoint], out: Path, batch: int,
                   run: Callable[[list[Task]], int]) -> dict[str, int]:
    """Replications per point: the experiment's number, then more where the KPI's interval is too wide.

    Adds ``batch`` replications at a time to each point whose relative half-width
    of ``precision.kpi`` exceeds the target, until all meet it or reach the maximum.
    Returns the replications each point ended with.
    """
    count = {p.key: exp.replications for p in points}
    run(tasks_for(points, count, out))
    if exp.precision is None:
        return count
    target = exp.precision
    while True:
        rows = collect(points, tasks_for(points, count, out))
        values: dict[str, list[float]] = {}
        for r in rows:
            if r["kpi"] == target.kpi:
                values.setdefault(r["point"], []).append(r["value"])
        if not values:
            raise ScenarioError(f"precision.kpi: unknown KPI '{target.kpi}'")
        wide = [k for k in count if relative_half_width(values.get(k, [])) > target.relative_half_width
                and count[k] < target.max_replications]
        if not wide:
            return count
        for k in wide:
            count[k] = min(count[k] + batch, target.max_replications)
        run(tasks_for(points, count, out))


def run_task(scenario: Scenario, replication: int, path: str) -> dict[str, float]:
    """Run one replication and write it atomically (temp file, then rename)."""
    result = run_replication(scenario, replication)
    _store(result, replication, path)
    return result


Evaluate = Callable[[DesignPoint, int], dict[str, float]]
"""What one task computes for a design point and replication number: the simulation by default.

A sensitivity analysis can put an analytic function in its place (a known answer checks the
sampling, the engine and the analysis without the simulation's noise). It must be a module-level
function, so that worker processes and Dask can receive it.
"""


def run_point_task(evaluate: Evaluate, point: DesignPoint, replication: int, path: str) -> dict[str, float]:
    """Like :func:`run_task` with ``evaluate`` in place of the simulation."""
    result = {k: float(v) for k, v in evaluate(point, replication).items()}
    _store(result, replication, path)
    return result


def _store(result: dict[str, float], replication: int, path: str) -> None:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".tmp{os.getpid()}")
    tmp.write_text(json.dumps({"replication": replication, "kpis": result}), encoding="utf-8")
    os.replace(tmp, target)


def _readable(path: Path) -> bool:
    """A stored replication that parses: JSON with its KPIs as numbers."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return isinstance(data, dict) and isinstance(data.get("kpis"), dict) and \
            all(isinstance(v, (int, float)) for v in data["kpis"].values())
    except (OSError, ValueError):
        return False


def remove_corrupt(tasks: list[Task]) -> list[Path]:
    """Remove stored replications that do not parse (0-byte, truncated, overwritten); they are rerun."""
    bad = [t.path for t in tasks if t.path.exists() and not _readable(t.path)]
    for path in bad:
        path.unlink()
    return bad


def _pending(tasks: list[Task]) -> list[Task]:
    """Tasks without a finished file; half-written files of a killed run and corrupt ones are removed."""
    for folder in {t.path.parent for t in tasks}:
        for stale in folder.glob("*.tmp*") if folder.exists() else ():
            stale.unlink()
    remove_corrupt(tasks)
    return [t for t in tasks if not t.path.exists()]


def execute(points: list[DesignPoint], tasks: list[Task], workers: int = 1, scheduler: str | None = None,
            progress: Callable[[Iterable, int], Iterable] | None = None, evaluate: Evaluate | None = None) -> int:
    """Run the tasks not yet done; returns how many ran. Serial, process pool or Dask.

    ``evaluate`` replaces the simulation of a design point (see :data:`Evaluate`); by default each
    task simulates the point's scenario.
    """
    todo = _pending(tasks)
    if not todo:
        return 0
    if evaluate is not None:
        point_of = {p.key: p for p in points}

        def job(t: Task) -> tuple[Callable[..., Any], tuple[Any, ...]]:
            return run_point_task, (evaluate, point_of[t.point], t.replication, str(t.path))
    else:
        scenario_of = {p.key: p.scenario for p in points}

        def job(t: Task) -> tuple[Callable[..., Any], tuple[Any, ...]]:
            return run_task, (scenario_of[t.point], t.replication, str(t.path))
    _dispatch(job, todo, workers, scheduler, progress)
    return len(todo)


def _dispatch(job: Callable[[Task], tuple[Callable[..., Any], tuple[Any, ...]]], todo: list[Task], workers: int,
              scheduler: str | None, progress: Callable[[Iterable, int], Iterable] | None) -> None:
    """Run each task's ``job`` (a function and its arguments): on a Dask cluster, a process pool or serially."""
    wrap = progress or (lambda it, total: it)
    if scheduler:
        from distributed import Client, as_completed

        with Client(scheduler) as client:
            futures = [client.submit(fn, *args, pure=False) for fn, args in map(job, todo)]
            try:
                for fut in wrap(as_completed(futures), len(futures)):
                    fut.result()
            except KeyboardInterrupt:
                client.cancel(futures)
                raise
    elif workers > 1:
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures import as_completed as done

        from sim.run.workers import init_worker, stop

        pool = ProcessPoolExecutor(max_workers=workers, initializer=init_worker)
        futures = [pool.submit(fn, *args) for fn, args in map(job, todo)]
        try:
            for fut in wrap(done(futures), len(futures)):
                fut.result()
        except BaseException:
            stop(pool)
            raise
        pool.shutdown()
    else:
        for t in wrap(todo, len(todo)):
            fn, args = job(t)
            fn(*args)


def _cell(value: Any) -> Any:
    return value if isinstance(value, (int, float, str, bool)) or value is None else json.dumps(value, sort_keys=True)


def collect(points: list[DesignPoint], tasks: list[Task]) -> list[dict[str, Any]]:
    """The tidy results table: one row per design point x replication x KPI."""
    by_point = {p.key: p for p in points}
    rows = []
    for t in tasks:
        if not t.path.exists():
            continue
        data = json.loads(t.path.read_text(encoding="utf-8"))
        p = by_point[t.point]
        design = {"point": p.key, "scenario": p.base, **{k: _cell(v) for k, v in p.settings.items()}}
        for kpi, value in data["kpis"].items():
            rows.append({**design, "replication": t.replication, "kpi": kpi, "value": float(value)})
    return rows


def write_results(exp: ExperimentFile, points: list[DesignPoint], rows: list[dict[str, Any]], out: Path) -> None:
    """Parquet results table, CSV summary per design point and KPI, the resolved design points."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out.mkdir(parents=True, exist_ok=True)
    design_cols = ["point", "scenario", *exp.grid]
    if rows:
        table = pa.Table.from_pylist([{**{c: (None if r.get(c) is None else str(r.get(c))) for c in design_cols},
                                       "replication": r["replication"], "kpi": r["kpi"], "value": r["value"]}
                                      for r in rows])
        tmp = out / "results.parquet.tmp"
        pq.write_table(table, tmp)
        os.replace(tmp, out / "results.parquet")
    groups: dict[tuple, list[float]] = {}
    design_of: dict[str, dict[str, Any]] = {}
    for r in rows:
        groups.setdefault((r["point"], r["kpi"]), []).append(r["value"])
        design_of[r["point"]] = {c: r.get(c) for c in design_cols}
    tmp = out / "summary.csv.tmp"
    with tmp.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow([*design_cols, *SUMMARY_COLUMNS])
        for (point, kpi), values in groups.items():
            s = t_interval(values)
            writer.writerow([*design_of[point].values(), kpi, repr(s.mean), repr(s.ci_low), repr(s.ci_high), s.n,
                             units(kpi)])
    os.replace(tmp, out / "summary.csv")
    _write_differences(points, rows, design_cols, out)
    if exp.pairs:
        _write_pairs(exp, points, rows, out)
    for p in points:
        folder = out / "replications" / p.key
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "scenario.resolved.yaml").write_text(resolved_yaml(p.scenario), encoding="utf-8")


def _write_pairs(exp: ExperimentFile, points: list[DesignPoint], rows: list[dict[str, Any]], out: Path) -> None:
    """Each pair's second base against its first at the same grid values, paired over replications.

    A grid key the reference does not use (a ``zcc.*`` key on a status-quo base) is not matched.
    Columns: ``reference,scenario,<grid keys>,kpi,base_mean,alt_mean,diff_mean,diff_ci_low,diff_ci_high,
    rel_change,n,unit`` (base = the pair's first scenario).
    """
    reps: dict[str, dict[int, dict[str, float]]] = {}
    for r in rows:
        reps.setdefault(r["point"], {}).setdefault(r["replication"], {})[r["kpi"]] = r["value"]
    keys = list(exp.grid)
    tmp = out / "pairs.csv.tmp"
    with tmp.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["reference", "scenario", *keys, "kpi", "base_mean", "alt_mean", "diff_mean",
                         "diff_ci_low", "diff_ci_high", "rel_change", "n", "unit"])
        for ref_base, alt_base in exp.pairs:
            for alt in (p for p in points if p.base == alt_base):
                ref = next((p for p in points if p.base == ref_base and all(
                    v is None or v == alt.settings[k] for k, v in p.settings.items())), None)
                if ref is None:
                    continue
                common = sorted(set(reps.get(ref.key, {})) & set(reps.get(alt.key, {})))
                if not common:
                    continue
                for d in paired([reps[ref.key][r] for r in common], [reps[alt.key][r] for r in common]):
                    writer.writerow([ref_base, alt_base, *(_cell(alt.settings[k]) for k in keys), d.kpi,
                                     repr(d.base_mean), repr(d.alt_mean), repr(d.diff_mean), repr(d.diff_ci_low),
                                     repr(d.diff_ci_high), repr(d.rel_change), d.n, units(d.kpi)])
    os.replace(tmp, out / "pairs.csv")


def _write_differences(points: list[DesignPoint], rows: list[dict[str, Any]], design_cols: list[str],
                       out: Path) -> None:
    """Every design point against the first, paired over replications (all points share the seed)."""
    reps: dict[str, dict[int, dict[str, float]]] = {}
    design_of: dict[str, dict[str, Any]] = {}
    for r in rows:
        reps.setdefault(r["point"], {}).setdefault(r["replication"], {})[r["kpi"]] = r["value"]
        design_of[r["point"]] = {c: r.get(c) for c in design_cols}
    reference = points[0].key
    tmp = out / "differences.csv.tmp"
    with tmp.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow([*design_cols, "reference", "kpi", "diff_mean", "diff_ci_low", "diff_ci_high",
                         "rel_change", "n", "unit"])
        for p in points[1:]:
            common = sorted(set(reps.get(reference, {})) & set(reps.get(p.key, {})))
            if not common:
                continue
            diffs = paired([reps[reference][r] for r in common], [reps[p.key][r] for r in common])
            for d in diffs:
                writer.writerow([*design_of[p.key].values(), reference, d.kpi, repr(d.diff_mean),
                                 repr(d.diff_ci_low), repr(d.diff_ci_high), repr(d.rel_change), d.n, units(d.kpi)])
    os.replace(tmp, out / "differences.csv")
