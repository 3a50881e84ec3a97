"""Command line: ``acutesim run`` and ``acutesim validate``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from sim.loader import ScenarioError, load_scenario


def _scenario_overrides(args: argparse.Namespace) -> dict:
    run: dict = {}
    if getattr(args, "seed", None) is not None:
        run["seed"] = args.seed
    if getattr(args, "days", None) is not None:
        run["days"] = args.days
    if getattr(args, "replications", None) is not None:
        run["replications"] = args.replications
    return {"run": run} if run else {}


def _workers(args: argparse.Namespace) -> int:
    import os

    return args.workers or os.cpu_count() or 1


def cmd_validate(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    print(f"{args.scenario}: ok (region {scenario.region}, setting {scenario.setting})")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from sim.report import kpi_table
    from sim.runner import run_id, run_scenario

    scenario = load_scenario(args.scenario, _scenario_overrides(args))
    out = Path(args.out) if args.out else Path("results") / scenario.name / run_id(scenario)
    n = scenario.run.replications
    print(f"acutesim: {scenario.name} (region {scenario.region}), {n} replication(s) of "
          f"{scenario.run.days:g} days after {scenario.run.warmup_days:g} days warm-up, seed {scenario.run.seed}",
          file=sys.stderr)
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        elapsed = time.perf_counter() - started
        eta = elapsed / done * (total - done)
        print(f"  replication {done}/{total} done ({elapsed:.0f} s, about {eta:.0f} s to go)", file=sys.stderr)

    summary = run_scenario(scenario, out, n, event_log=args.event_log, progress=progress,
                           workers=_workers(args))
    print(kpi_table(summary))
    print(f"\nresults: {out}/summary.csv, {out}/replications.csv, {out}/scenario.resolved.yaml")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from sim.report import comparison_report
    from sim.runner import run_comparison, run_id

    overrides = _scenario_overrides(args)
    base = load_scenario(args.base, overrides)
    alt = load_scenario(args.alt, overrides)
    if base.region != alt.region:
        print(f"note: comparing different regions ({base.region} vs {alt.region}): no common random numbers",
              file=sys.stderr)
    if base.run.seed != alt.run.seed:
        print("error: the two scenarios have different seeds; pass --seed to compare them with common random "
              "numbers", file=sys.stderr)
        return 2
    n = args.replications or max(base.run.replications, alt.run.replications)
    out = Path(args.out) if args.out else Path("results") / f"{base.name}__vs__{alt.name}" / run_id(alt)
    print(f"acutesim: {base.name} vs {alt.name}, {n} paired replication(s) of {base.run.days:g} days, "
          f"seed {base.run.seed}", file=sys.stderr)
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        elapsed = time.perf_counter() - started
        print(f"  replication pair {done}/{total} done ({elapsed:.0f} s, about "
              f"{elapsed / done * (total - done):.0f} s to go)", file=sys.stderr)

    diffs = run_comparison(base, alt, out, n, progress, workers=_workers(args))
    print(comparison_report(diffs))
    print(f"\nresults: {out}/comparison.csv, {out}/replications.csv, {out}/base.resolved.yaml, {out}/alt.resolved.yaml")
    print(f"report:  acutesim report {out}")
    return 0


def cmd_experiment(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from sim.experiment import collect, execute, load_experiment, run_sequential, tasks_for, write_results

    exp, points = load_experiment(args.experiment)
    out = Path(args.out or exp.out or Path("results") / "experiments" / exp.name)
    tasks = tasks_for(points, exp.replications, out)
    workers = _workers(args)
    done_before = sum(t.path.exists() for t in tasks)
    where = f"Dask scheduler {args.scheduler}" if args.scheduler else f"{workers} local worker(s)"
    print(f"acutesim: experiment {exp.name}: {len(points)} design point(s) x {exp.replications} replication(s); "
          f"{done_before} already done, {len(tasks) - done_before} to run on {where}; results in {out}",
          file=sys.stderr)

    def progress(iterable, total):
        return tqdm(iterable, total=total, unit="replication", file=sys.stderr, dynamic_ncols=True)

    def run(batch_tasks):
        return execute(points, batch_tasks, workers=workers, scheduler=args.scheduler, progress=progress)

    count = run_sequential(exp, points, out, max(workers, 2), run)
    tasks = tasks_for(points, count, out)
    write_results(exp, points, collect(points, tasks), out)
    if exp.precision is not None:
        print(f"precision: {exp.precision.kpi} within ±{exp.precision.relative_half_width:.1%} needed "
              f"{min(count.values())}-{max(count.values())} replications per design point "
              f"(maximum {exp.precision.max_replications})", file=sys.stderr)
    print(f"results: {out}/summary.csv, {out}/results.parquet (one row per design point x replication x kpi)")
    return 0


def cmd_warmup(args: argparse.Namespace) -> int:
    from sim.warmup import check

    scenario = load_scenario(args.scenario)
    result = check(scenario, args.level, args.replications, args.days)
    verdict = "suffices" if result.suffices else "is too short"
    print(f"{args.scenario}: MSER-5 on daily {result.level} occupancy ({args.replications} replications, "
          f"{len(result.daily)} days from the start): truncation point {result.truncation_days} days; "
          f"the configured warm-up of {result.configured_days:g} days {verdict}"
          + ("" if result.suffices else f" (use at least {result.truncation_days} days)"))
    return 0 if result.suffices else 1


def cmd_report(args: argparse.Namespace) -> int:
    from sim.html_report import build_report
    from sim.results import ResultsError

    try:
        out = build_report(args.results, args.out)
    except ResultsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"report: {out}")
    return 0


def cmd_derive_regions(args: argparse.Namespace) -> int:
    from sim.derive import write_all

    for path in write_all(Path(args.scenarios)):
        print(f"wrote {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="acutesim", description="Simulate the Dutch acute care chain.")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a scenario and print its KPIs")
    run.add_argument("scenario", help="scenario YAML file")
    run.add_argument("-n", "--replications", type=int, help="number of replications (default: the scenario's)")
    run.add_argument("--seed", type=int, help="random seed (default: the scenario's)")
    run.add_argument("--days", type=float, help="days to simulate after warm-up (default: the scenario's)")
    run.add_argument("--out", help="output folder (default: results/<scenario>/<run-id>/)")
    run.add_argument("--event-log", action="store_true", help="write a per-event Parquet log per replication")
    run.add_argument("--workers", type=int, help="replications run in parallel (default: all cores)")
    run.set_defaults(func=cmd_run)
    val = sub.add_parser("validate", help="check a scenario file")
    val.add_argument("scenario", help="scenario YAML file")
    val.set_defaults(func=cmd_validate)
    cmp_ = sub.add_parser("compare", help="run two scenarios with common random numbers and compare them")
    cmp_.add_argument("base", help="base scenario (e.g. the status quo)")
    cmp_.add_argument("alt", help="alternative scenario (e.g. scenario III)")
    cmp_.add_argument("-n", "--replications", type=int, help="paired replications (default: the scenarios')")
    cmp_.add_argument("--seed", type=int, help="random seed for both (default: the scenarios')")
    cmp_.add_argument("--days", type=float, help="days to simulate after warm-up")
    cmp_.add_argument("--out", help="output folder (default: results/<base>__vs__<alt>/<run-id>/)")
    cmp_.add_argument("--workers", type=int, help="replications run in parallel (default: all cores)")
    cmp_.set_defaults(func=cmd_compare)
    exp = sub.add_parser("experiment", help="run a grid of scenario variants x replications (resumable)")
    exp.add_argument("experiment", help="experiment YAML file")
    exp.add_argument("--workers", type=int, help="local worker processes (default: all cores)")
    exp.add_argument("--scheduler", help="address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786")
    exp.add_argument("--out", help="output folder (default: the experiment's out, or results/experiments/<name>)")
    exp.set_defaults(func=cmd_experiment)
    wu = sub.add_parser("warmup", help="check whether the configured warm-up is long enough (MSER-5)")
    wu.add_argument("scenario", help="scenario YAML file")
    wu.add_argument("--level", default="hospital",
                    help="level to check: hospital, elv, grz, crisis_bed, seh, verkeerde_bed, ambulance")
    wu.add_argument("-n", "--replications", type=int, default=3)
    wu.add_argument("--days", type=float, help="days to simulate from the start (default: 4 x warm-up, >= 120)")
    wu.set_defaults(func=cmd_warmup)
    rep = sub.add_parser("report", help="write a self-contained HTML report of a run or compare results folder")
    rep.add_argument("results", help="results folder of 'acutesim run' or 'acutesim compare'")
    rep.add_argument("--out", help="HTML file to write (default: RESULTS/report.html)")
    rep.set_defaults(func=cmd_report)
    der = sub.add_parser("derive-regions", help="regenerate region capacities from the national figures")
    der.add_argument("--scenarios", default="scenarios", help="scenario folder (default: scenarios)")
    der.set_defaults(func=cmd_derive_regions)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ScenarioError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: every finished replication is kept; rerun the same command to continue", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
