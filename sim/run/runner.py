"""Run replications of a scenario and summarise them with confidence intervals.

Each replication's KPIs are appended to ``replications.csv`` as soon as it
finishes, so an interrupted run keeps every finished replication. The fully
resolved scenario is written next to the results, and the daily bed occupancy
of every replication to ``levels.csv`` (see :mod:`sim.measure.levels`).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import math
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.chain.model import Model
from sim.config.loader import resolved_yaml
from sim.config.schema import Scenario
from sim.engine.eventlog import EventLog
from sim.geo.regions import subareas_of
from sim.measure import kpis
from sim.measure.format import units
from sim.measure.levels import daily_occupancy, write_levels

# The columns of summary.csv and comparison.csv (README's table), written once; ``unit`` last,
# from sim.measure.format.units, the same label the terminal tables and the report show.
SUMMARY_COLUMNS = ("kpi", "mean", "ci_low", "ci_high", "n", "unit")
# The alternative's own interval comes last (after the unit, so that older readers by position keep
# working): it is the only interval of a KPI the status quo does not have (the zcc's answer times).
COMPARISON_COLUMNS = ("kpi", "base_mean", "alt_mean", "diff_mean", "diff_ci_low", "diff_ci_high", "rel_change", "unit",
                      "alt_ci_low", "alt_ci_high")


@dataclass(frozen=True)
class Summary:
    """Mean and 95% t-interval of one KPI over replications."""

    kpi: str
    mean: float
    ci_low: float
    ci_high: float
    n: int


def replications_of(jobs: Sequence[tuple[Scenario, int, Path | None]], workers: int,
                    fn: Callable[..., Any] | None = None, *, scheduler: str | None = None
                    ) -> Iterator[tuple[int, Any]]:
    """Run (scenario, replication, event-log path) jobs; yield (job index, result) as each finishes.

    ``fn`` runs one job (default :func:`run_replication`, whose result is the KPIs).
    With ``workers`` > 1 the jobs run in a local process pool, with ``scheduler`` (a Dask
    scheduler address) on that cluster; results are the same either way, because each
    replication depends only on its scenario, seed and number. Jobs are handed out longest first.
    """
    run: Callable[..., Any] = fn or run_replication
    # Longest first: a pool that takes the big jobs (a large region, a long run) early ends
    # with small ones, so no worker idles at the end while one big job finishes.
    order = sorted(range(len(jobs)), key=lambda i: -_expected_cost(jobs[i]))
    if scheduler:  # a Dask cluster, as for experiments
        from distributed import Client
        from distributed import as_completed as dask_completed

        with Client(scheduler) as client:
            dask_futures = {client.submit(run, *jobs[i], pure=False): i for i in order}
            try:
                for fut in dask_completed(list(dask_futures)):
                    yield dask_futures[fut], fut.result()
            except BaseException:
                client.cancel(list(dask_futures))
                raise
        return
    if workers <= 1 or len(jobs) <= 1:
        for i, job in enumerate(jobs):
            yield i, run(*job)
        return
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from sim.run.workers import init_worker, stop

    pool = ProcessPoolExecutor(max_workers=min(workers, len(jobs)), initializer=init_worker)
    try:
        futures = {pool.submit(run, *jobs[i]): i for i in order}
        for fut in as_completed(futures):
            yield futures[fut], fut.result()
    except BaseException:
        stop(pool)
        raise
    pool.shutdown()


def _expected_cost(job: tuple[Scenario, int, Path | None]) -> float:
    """Population times simulated days: what one replication's run time grows with."""
    scenario = job[0]
    try:
        population = sum(a.population for a in subareas_of(scenario.region))
        return population * (scenario.run.days + scenario.run.warmup_days)
    except (AttributeError, KeyError, TypeError):
        return 0.0


def _simulate(scenario: Scenario, replication: int, event_log_path: Path | None, sample_levels: bool) -> Model:
    log = EventLog(event_log_path, replication) if event_log_path else None
    try:
        return Model(scenario, replication, event_log=log, sample_levels=sample_levels).run()
    finally:
        if log is not None:
            log.close()


def run_replication(scenario: Scenario, replication: int, event_log_path: Path | None = None) -> dict[str, float]:
    """Simulate one replication and return its KPIs."""
    return kpis.compute(_simulate(scenario, replication, event_log_path, False))


def run_replication_with_levels(scenario: Scenario, replication: int, event_log_path: Path | None = None
                                ) -> tuple[dict[str, float], dict[str, list[float]]]:
    """Simulate one replication; return its KPIs and the daily bed occupancy (see :mod:`sim.measure.levels`).

    Sampling the pools hourly only reads them, so the KPIs equal :func:`run_replication`'s.
    """
    model = _simulate(scenario, replication, event_log_path, True)
    assert model.samples is not None  # built with sample_levels=True
    return kpis.compute(model), daily_occupancy(model.samples)


def t_interval(values: list[float], level: float = 0.95) -> Summary:
    """Mean and Student-t confidence interval (NaN values are left out)."""
    x = np.asarray([v for v in values if not math.isnan(v)], dtype=float)
    n = len(x)
    if n == 0:
        return Summary("", float("nan"), float("nan"), float("nan"), 0)
    mean = float(x.mean())
    if n < 2:
        return Summary("", mean, float("nan"), float("nan"), n)
    from scipy import stats  # imported on first use: scipy costs a command ~0.5 s of start-up

    half = float(stats.t.ppf(0.5 + level / 2, n - 1) * x.std(ddof=1) / math.sqrt(n))
    return Summary("", mean, mean - half, mean + half, n)


def summarise(reps: list[dict[str, float]]) -> list[Summary]:
    names = list(reps[0]) if reps else []
    out = []
    for name in names:
        s = t_interval([r.get(name, float("nan")) for r in reps])
        out.append(Summary(name, s.mean, s.ci_low, s.ci_high, s.n))
    return out


def run_id(scenario: Scenario) -> str:
    digest = hashlib.sha256(resolved_yaml(scenario).encode()).hexdigest()[:8]
    return f"{dt.datetime.now():%Y%m%d-%H%M%S}-{digest}"


FINISHED = "finished"  # one JSON file per finished replication: what a rerun of the same command continues from


def _finished_path(out_dir: Path, label: str, replication: int) -> Path:
    return out_dir / FINISHED / f"{label}_rep{replication:04d}.json"


def _scenario_key(scenario: Scenario) -> str:
    return hashlib.sha256(resolved_yaml(scenario).encode()).hexdigest()[:16]


def load_finished(out_dir: Path, label: str, replication: int, scenario_key: str
                  ) -> tuple[dict[str, float], dict[str, list[float]]] | None:
    """A replication an interrupted run finished (KPIs and daily levels); a corrupt file is removed."""
    path = _finished_path(out_dir, label, replication)
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["scenario"] != scenario_key:
            return None
        kpis_, levels = data["kpis"], data["levels"]
        if isinstance(kpis_, dict) and isinstance(levels, dict):
            return {k: float(v) for k, v in kpis_.items()}, levels
    except (OSError, ValueError, KeyError, TypeError):
        pass
    path.unlink(missing_ok=True)
    return None


def _store_finished(out_dir: Path, label: str, replication: int, scenario_key: str, result: dict[str, float],
                    daily: dict[str, list[float]]) -> None:
    path = _finished_path(out_dir, label, replication)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.write_text(json.dumps({"scenario": scenario_key, "kpis": result, "levels": daily}), encoding="utf-8")
    os.replace(tmp, path)


def run_scenario(
    scenario: Scenario,
    out_dir: Path,
    replications: int,
    event_log: bool = False,
    progress: Callable[[int, int], None] | None = None,
    workers: int = 1,
    on_resume: Callable[[int, int], None] | None = None,
) -> list[Summary]:
    """Run ``replications`` replications, writing results into ``out_dir`` as they finish.

    Replications finished by an interrupted run of the same scenario into the same folder
    are kept (``finished/``) and not run again; ``on_resume(kept, total)`` hears of them first.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "scenario.resolved.yaml").write_text(resolved_yaml(scenario), encoding="utf-8")
    key = _scenario_key(scenario)
    reps: dict[int, dict[str, float]] = {}
    levels: dict[tuple[str, int], dict[str, list[float]]] = {}
    for r in range(replications):
        found = load_finished(out_dir, "scenario", r, key)
        if found is not None:
            reps[r], levels[("scenario", r)] = found
    if on_resume and reps:
        on_resume(len(reps), replications)
    jobs = [(scenario, r, out_dir / f"events_rep{r:03d}.parquet" if event_log else None)
            for r in range(replications) if r not in reps]
    numbers = [job[1] for job in jobs]
    with (out_dir / "replications.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["replication", "kpi", "value"])
        for r in sorted(reps):
            writer.writerows([r, k, repr(float(v))] for k, v in reps[r].items())
        for i, (result, daily) in replications_of(jobs, workers, run_replication_with_levels):
            r = numbers[i]
            reps[r] = result
            levels[("scenario", r)] = daily
            writer.writerows([r, k, repr(float(v))] for k, v in result.items())
            fh.flush()
            os.fsync(fh.fileno())
            _store_finished(out_dir, "scenario", r, key, result, daily)
            if progress:
                progress(len(reps), replications)
    summary = summarise([reps[r] for r in sorted(reps)])
    write_summary(summary, out_dir / "summary.csv")
    write_levels(out_dir / "levels.csv", levels, with_scenario=False)
    return summary


def write_summary(summary: list[Summary], path: Path) -> None:
    tmp = path.with_suffix(".csv.tmp")
    with tmp.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(SUMMARY_COLUMNS)
        for s in summary:
            writer.writerow([s.kpi, repr(float(s.mean)), repr(float(s.ci_low)), repr(float(s.ci_high)), s.n,
                             units(s.kpi)])
    os.replace(tmp, path)


@dataclass(frozen=True)
class Difference:
    """A KPI in two scenarios run with common random numbers, and their paired difference."""

    kpi: str
    base_mean: float
    alt_mean: float
    diff_mean: float
    diff_ci_low: float
    diff_ci_high: float
    rel_change: float
    n: int
    alt_ci_low: float = float("nan")  # the alternative's own 95% interval (for KPIs only it has: the zcc's)
    alt_ci_high: float = float("nan")


def paired(base: list[dict[str, float]], alt: list[dict[str, float]]) -> list[Difference]:
    """Paired 95% t-intervals of alt - base, replication by replication (same random numbers)."""
    names = list(dict.fromkeys([*base[0], *alt[0]]))
    out = []
    for name in names:
        # A volume that a scenario does not have (warm transfers in the status quo) is zero.
        absent = 0.0 if "_per_day" in name else float("nan")
        b = [r.get(name, absent) for r in base]
        a = [r.get(name, absent) for r in alt]
        d = t_interval([y - x for x, y in zip(b, a, strict=True)])
        own = t_interval(a)
        bm, am = t_interval(b).mean, own.mean
        rel = d.mean / bm if bm and not math.isnan(bm) else float("nan")
        out.append(Difference(name, bm, am, d.mean, d.ci_low, d.ci_high, rel, d.n, own.ci_low, own.ci_high))
    return out


def run_comparison(base: Scenario, alt: Scenario, out_dir: Path, replications: int,
                   progress: Callable[[int, int], None] | None = None, workers: int = 1,
                   on_resume: Callable[[int, int], None] | None = None) -> list[Difference]:
    """Run both scenarios with the same seeds, replication by replication; write comparison.csv.

    Pairs finished by an interrupted run into the same folder are kept; ``on_resume(kept, total)``
    hears of them first.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "base.resolved.yaml").write_text(resolved_yaml(base), encoding="utf-8")
    (out_dir / "alt.resolved.yaml").write_text(resolved_yaml(alt), encoding="utf-8")
    keys = {"base": _scenario_key(base), "alt": _scenario_key(alt)}
    results: dict[tuple[str, int], dict[str, float]] = {}
    levels: dict[tuple[str, int], dict[str, list[float]]] = {}
    for r in range(replications):
        for label in ("base", "alt"):
            found = load_finished(out_dir, label, r, keys[label])
            if found is not None:
                results[(label, r)], levels[(label, r)] = found
    kept = sum(1 for r in range(replications) if ("base", r) in results and ("alt", r) in results)
    if on_resume and kept:
        on_resume(kept, replications)
    labels = [(label, r) for r in range(replications) for label in ("base", "alt") if (label, r) not in results]
    jobs = [(base if label == "base" else alt, r, None) for label, r in labels]
    with (out_dir / "replications.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["scenario", "replication", "kpi", "value"])
        for label, r in sorted(results, key=lambda k: (k[1], k[0] != "base")):
            writer.writerows([label, r, k, repr(float(v))] for k, v in results[(label, r)].items())
        for i, (result, daily) in replications_of(jobs, workers, run_replication_with_levels):
            label, r = labels[i]
            results[(label, r)] = result
            levels[(label, r)] = daily
            writer.writerows([label, r, k, repr(float(v))] for k, v in result.items())
            fh.flush()
            os.fsync(fh.fileno())
            _store_finished(out_dir, label, r, keys[label], result, daily)
            pairs_done = sum(1 for q in range(replications) if ("base", q) in results and ("alt", q) in results)
            if progress and ("base", r) in results and ("alt", r) in results:
                progress(pairs_done, replications)
    diffs = paired([results[("base", r)] for r in range(replications)],
                   [results[("alt", r)] for r in range(replications)])
    tmp = out_dir / "comparison.csv.tmp"
    with tmp.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(COMPARISON_COLUMNS)
        for d in diffs:
            writer.writerow([d.kpi, *(repr(float(x)) for x in (d.base_mean, d.alt_mean, d.diff_mean,
                                                                d.diff_ci_low, d.diff_ci_high, d.rel_change)),
                             units(d.kpi), repr(float(d.alt_ci_low)), repr(float(d.alt_ci_high))])
    os.replace(tmp, out_dir / "comparison.csv")
    write_levels(out_dir / "levels.csv", levels, with_scenario=True)
    return diffs
