"""Command line: ``acutesim run`` and ``acutesim validate``."""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

from sim.config.loader import ScenarioError, load_scenario


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
    from sim.report.tables import kpi_table
    from sim.run.runner import run_id, run_scenario

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
    from sim.report.tables import comparison_report
    from sim.run.runner import run_comparison, run_id

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

    from sim.run.experiment import collect, execute, load_experiment, run_sequential, tasks_for, write_results

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
    from sim.measure.warmup import check

    scenario = load_scenario(args.scenario)
    result = check(scenario, args.level, args.replications, args.days)
    verdict = "suffices" if result.suffices else "is too short"
    print(f"{args.scenario}: MSER-5 on daily {result.level} occupancy ({args.replications} replications, "
          f"{len(result.daily)} days from the start): truncation point {result.truncation_days} days; "
          f"the configured warm-up of {result.configured_days:g} days {verdict}"
          + ("" if result.suffices else f" (use at least {result.truncation_days} days)"))
    return 0 if result.suffices else 1


def cmd_report(args: argparse.Namespace) -> int:
    from sim.report.html import build_report
    from sim.run.results import ResultsError

    try:
        out = build_report(args.results, args.out)
    except ResultsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"report: {out}")
    return 0


def cmd_derive_regions(args: argparse.Namespace) -> int:
    from sim.derive.region_inputs import write_all

    for path in write_all(Path(args.scenarios)):
        print(f"wrote {path}")
    return 0


CALIBRATION_FILE = Path("calibration") / "targets.yaml"


def cmd_calibrate(args: argparse.Namespace) -> int:
    from sim.fit.calibration import base_raws, calibrate, write_overlay
    from sim.run.national import aggregate
    from sim.geo.regions import known_regions
    from sim.fit.targets import fit_table, format_fit_table, load_calibration

    cal = load_calibration(args.file)
    d = cal.defaults
    days, seed = args.days or d.days, args.seed if args.seed is not None else d.seed
    if args.national:
        regions, name = known_regions(), "national"
    else:
        region = args.region or d.region
        if region not in known_regions():
            raise ScenarioError(f"--region: unknown region '{region}'; expected one of {', '.join(known_regions())}")
        regions, name = [region], region
    scenarios = Path(args.scenarios)
    raws = base_raws(regions, d.base, scenarios, days, seed)
    print(f"acutesim: calibrating {len(cal.parameters)} parameter(s) to {len(cal.targets)} target(s) on {name} "
          f"({len(regions)} region(s), {days:g} days, seed {seed}, {args.replications} replication(s) per evaluation)",
          file=sys.stderr)
    polish_days = d.polish_days if args.polish_days is None else args.polish_days
    polish = base_raws(regions, d.base, scenarios, polish_days, seed) if polish_days > 0 else None
    result, problem = calibrate(cal, raws, str(args.file), args.replications, _workers(args), aggregate,
                                args.max_evaluations, report=lambda s: print(s, file=sys.stderr), polish=polish,
                                polish_evaluations=args.polish_evaluations)
    out = Path(args.out) if args.out else Path("calibration") / "calibrated" / f"{name}.yaml"
    why = (f"fitted to {args.file} by `acutesim calibrate {'--national' if args.national else '--region ' + name}` "
           f"(seed {seed}, {days:g} days{f', polished on {polish_days:g} days' if polish_days else ''})")
    header = (f"# Calibrated inputs for {name}, written by `acutesim calibrate` (sim/fit/calibration.py); do not edit.\n"
              f"# {len(cal.parameters)} parameters fitted to {len(cal.targets)} targets of {args.file}, "
              f"seed {seed}, {days:g} days x {args.replications} replication(s) per evaluation"
              f"{f', polished on {polish_days:g} days' if polish_days else ''},\n"
              f"# {result.evaluations} evaluations, {f'converged: every target within {d.converged_share_of_tolerance:.0%} of its tolerance' if result.converged else 'NOT converged: best point found'}.\n"
              f"# Fitted values: " + ", ".join(f"{k} {v:g}" for k, v in result.values.items()) + "\n")
    write_overlay(out, raws, result, problem.params, header, why)
    print(f"wrote {out}", file=sys.stderr)
    from sim.fit.calibration import prepare
    from sim.run.national import run_national
    from sim.config.schema import Scenario

    check_days = polish_days or days
    check = {r: Scenario.model_validate(prepare(raw, check_days, seed)) for r, raw in result.calibrated.items()}
    national, _ = run_national(check, args.check_replications, _workers(args))
    rows = fit_table(cal, national)
    print(format_fit_table(rows))
    fit_path = out.with_suffix(".fit.md")
    fit_path.write_text(f"# Fit of {out.name} ({args.check_replications} replications x {check_days:g} days, seed {seed})\n\n"
                        + format_fit_table(rows, markdown=True) + "\n", encoding="utf-8")
    print(f"\nfit table: {fit_path}")
    return 0 if all(r.within for r in rows) else 1


def cmd_national(args: argparse.Namespace) -> int:
    from sim.run.national import region_scenarios, run_national
    from sim.report.tables import kpi_table
    from sim.run.runner import summarise, write_summary
    from sim.fit.targets import fit_table, format_fit_table, load_calibration

    regional = region_scenarios(args.scenario, _scenario_overrides(args), Path(args.scenarios))
    first = next(iter(regional.values()))
    n = args.replications or first.run.replications
    out = Path(args.out) if args.out else Path("results") / "national" / Path(args.scenario).stem
    out.mkdir(parents=True, exist_ok=True)
    print(f"acutesim: the Netherlands, {len(regional)} regions x {n} replication(s) of {first.run.days:g} days "
          f"({args.scenario}), seed {first.run.seed}", file=sys.stderr)
    national, per_region = run_national(regional, n, _workers(args),
                                        progress=lambda d, t: print(f"  region-replication {d}/{t} done",
                                                                    file=sys.stderr))
    summary = summarise(national)
    write_summary(summary, out / "summary.csv")
    for region, reps in per_region.items():
        write_summary(summarise(reps), out / f"summary_{region}.csv")
    print(kpi_table(summary))
    cal = load_calibration(args.targets)
    rows = fit_table(cal, national)
    print("\nNational totals against published figures (national counts at the figure year's population):")
    print(format_fit_table(rows))
    (out / "fit.md").write_text(format_fit_table(rows, markdown=True) + "\n", encoding="utf-8")
    print(f"\nresults: {out}/summary.csv (national), {out}/summary_<region>.csv, {out}/fit.md")
    return 0


def cmd_validation_report(args: argparse.Namespace) -> int:
    from sim.fit.validation import write_report

    path = write_report(Path(args.out), args.targets, args.replications, args.days, _workers(args),
                        Path(args.scenarios), progress=lambda s: print(s, file=sys.stderr))
    print(f"wrote {path}")
    return 0


def cmd_params(args: argparse.Namespace) -> int:
    from sim.report import parameters as params

    if args.all:
        text = params.parameters_markdown(args.root)
        out = Path(args.out or Path(args.root) / "docs" / "parameters.md")
    elif args.scenario:
        figs = params.figures(args.scenario)
        text = params.to_csv(figs) if args.format == "csv" else params.to_markdown(figs)
        out = Path(args.out) if args.out else None
    else:
        print("error: give a SCENARIO file or --all", file=sys.stderr)
        return 2
    if out is None:
        sys.stdout.write(text)
        return 0
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}")
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    from sim.cli import docs

    changed = docs.write(args.root, check=args.check)
    for path in changed:
        print(f"{'out of date' if args.check else 'wrote'}: {path}")
    if args.check and changed:
        print("run `acutesim docs` to regenerate", file=sys.stderr)
        return 1
    if not changed:
        print("docs are up to date")
    return 0


def cmd_locations(args: argparse.Namespace) -> int:
    from sim.plan.locations import plan, plot, table, write_csv, write_layouts
    from sim.plan.staffing import with_run

    path = Path(args.scenario)
    scenario = load_scenario(path, {"run": {"seed": args.seed}} if args.seed is not None else None)
    if scenario.zcc is None or scenario.zcc.service_level is None:
        print(f"error: {path}: key zcc.service_level: location planning needs a zcc scenario with a service level "
              f"(share, minimum_staff)", file=sys.stderr)
        return 2
    if args.max < 1:
        print("error: --max: expected a number of locations >= 1", file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else Path("results") / "locations" / scenario.name
    out.mkdir(parents=True, exist_ok=True)
    sl = scenario.zcc.service_level.share.value
    print(f"acutesim: locations for {scenario.name}, k = 1..{args.max}, pooled and separate, staffed to "
          f"zcc_answer_within_2min_share >= {sl:g}; {args.replications} replication(s) of {args.days:g} days per "
          f"check, seed {scenario.run.seed}", file=sys.stderr)
    started = time.perf_counter()
    trial = with_run(scenario, days=args.days)
    rows = plan(trial, args.max, args.replications, _workers(args), path,
                progress=lambda msg: print(f"  {msg} ({time.perf_counter() - started:.0f} s)", file=sys.stderr))
    command = (f"acutesim locations {args.scenario} --max {args.max} -n {args.replications} --days {args.days:g} "
               f"--seed {scenario.run.seed}")
    write_csv(rows, out / "locations.csv")
    figures = plot(rows, out, f"{scenario.name}: staff against commute per zcc layout")
    scenarios = write_layouts(scenario, path, rows, out, command)
    print(table(rows))
    print(f"\nresults: {out}/locations.csv, {', '.join(str(f) for f in figures)}, {len(scenarios)} layout scenarios "
          f"in {out}/layouts/")
    return 0


def cmd_staffing(args: argparse.Namespace) -> int:
    from sim.plan.staffing import fte_and_cost, kpi_names, measure, parse_target, search, with_option, option_from, \
        write_option

    path = Path(args.scenario)
    scenario = load_scenario(path, {"run": {"seed": args.seed}} if args.seed is not None else None)
    if scenario.zcc is None:
        print(f"error: {path}: key setting: the staffing search needs a zcc scenario (setting: zcc)", file=sys.stderr)
        return 2
    target = parse_target(args.target, lambda: kpi_names(scenario))
    workers = _workers(args)
    run = scenario.model_dump()["run"]
    from sim.plan.staffing import with_run

    trial = with_run(scenario, days=args.days)
    print(f"acutesim: staffing search for {scenario.name}: {target} in every 4-hour block per skill "
          f"(lower 95% bound >= target + {args.margin:g}), {args.replications} replication(s) of {args.days:g} days per "
          f"iteration, seed {run['seed']}", file=sys.stderr)
    started = time.perf_counter()
    result = search(trial, target, args.replications, workers, margin=args.margin, slack=args.slack,
                    max_iterations=args.max_iterations, scenario_path=path,
                    progress=lambda msg: print(f"  {msg} ({time.perf_counter() - started:.0f} s)", file=sys.stderr))
    fte, cost = fte_and_cost(scenario, result.rosters)
    current = {g: spec.roster.values for g, spec in scenario.zcc.option.groups.items()}
    fte0, cost0 = fte_and_cost(scenario, current)
    confirm = with_run(scenario, days=args.confirm_days)
    confirmed = measure(with_option(confirm, "searched", option_from(scenario, result.rosters, "searched", "")),
                        args.replications, workers)
    blocks = [k for k in confirmed if k.startswith(f"{target.kpi}_by_block.") and k.count(".") == 2]
    blocks = [k for k in blocks if not math.isnan(confirmed[k])]
    below = [k for k in blocks if not target.met(confirmed[k])]
    command = (f"acutesim staffing {args.scenario} --target \"{target}\" -n {args.replications} --days {args.days:g} "
               f"--seed {run['seed']} --margin {args.margin:g}")
    note = (f"found by `{command}`: Erlang C start, then refined by simulation until every 4-hour block of "
            f"every skill met {target} (lower 95% confidence bound at least the target + {args.margin:g})"
            + ("" if result.feasible else f" (no roster met it within {result.iterations} iterations: the last one)"))
    out = Path(args.out) if args.out else Path("results") / "staffing" / scenario.name / "staffing_option.yaml"
    option_path, scen_path = write_option(scenario, path, result.rosters, note, args.option_name, out)
    print(f"{'option':<22}{'FTE':>8}{'EUR/day':>10}")
    print(f"{scenario.zcc.staffing:<22}{fte0:>8.1f}{cost0:>10,.0f}")
    print(f"{args.option_name:<22}{fte:>8.1f}{cost:>10,.0f}")
    state = ("converged" if result.converged else "stopped at --max-iterations") + (
        ", cheapest roster meeting every block" if result.feasible else ", NO roster met every block: the last one")
    print(f"search: {result.iterations} iteration(s), {state}; "
          f"{target.kpi} = {result.measured.get(target.kpi, float('nan')):.3f} in the search")
    print(f"confirmation ({args.replications} x {args.confirm_days:g} days): {target.kpi} = "
          f"{confirmed.get(target.kpi, float('nan')):.3f}; {len(below)} of {len(blocks)} blocks below {target.value:g}"
          + (f" ({', '.join(b.split('.', 1)[1] for b in below[:6])})" if below else ""))
    print(f"results: {option_path}, {scen_path}")
    return 0


def _add_workers(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workers", type=int, help="simulations run in parallel (default: all cores)")


def _add_scenarios(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scenarios", default="scenarios", help="scenario folder (default: scenarios)")


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
    _add_workers(run)
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
    _add_workers(cmp_)
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
    loc = sub.add_parser("locations", help="zcc work locations for k = 1..K: FTE and commute per layout and mode")
    loc.add_argument("scenario", help="zcc scenario YAML file")
    loc.add_argument("--max", type=int, default=4, help="largest number of locations (default 4)")
    loc.add_argument("--out", help="output folder (default: results/locations/<scenario>/)")
    loc.add_argument("-n", "--replications", type=int, default=2, help="replications per check (default 2)")
    loc.add_argument("--days", type=float, default=21, help="days per replication (default 21)")
    loc.add_argument("--seed", type=int, help="random seed (default: the scenario's)")
    _add_workers(loc)
    loc.set_defaults(func=cmd_locations)
    stf = sub.add_parser("staffing", help="find the smallest zcc roster meeting a target in every hour block")
    stf.add_argument("scenario", help="zcc scenario YAML file")
    stf.add_argument("--target", required=True, help="e.g. \"zcc_answer_within_2min_share>=0.9\"")
    stf.add_argument("--out", help="staffing option file (default: results/staffing/<scenario>/staffing_option.yaml)")
    stf.add_argument("-n", "--replications", type=int, default=2, help="replications per iteration (default 2)")
    stf.add_argument("--days", type=float, default=21, help="days per replication in the search (default 21)")
    stf.add_argument("--confirm-days", type=float, default=56, help="days of the confirmation run (default 56)")
    stf.add_argument("--seed", type=int, help="random seed (default: the scenario's)")
    stf.add_argument("--margin", type=float, default=0.01,
                     help="margin the lower 95%% bound of each block must keep above the target (default 0.01)")
    stf.add_argument("--slack", type=float, default=0.05, help="slack above the target that allows removing staff")
    stf.add_argument("--max-iterations", type=int, default=30, help="iterations at most (default 30)")
    stf.add_argument("--option-name", default="searched", help="name of the staffing option (default searched)")
    _add_workers(stf)
    stf.set_defaults(func=cmd_staffing)
    der = sub.add_parser("derive-regions", help="regenerate region capacities from the national figures")
    _add_scenarios(der)
    der.set_defaults(func=cmd_derive_regions)
    cal = sub.add_parser("calibrate", help="fit uncertain inputs to published targets (writes a scenario overlay)")
    where = cal.add_mutually_exclusive_group()
    where.add_argument("--region", help="fit one region (default: the calibration file's region)")
    where.add_argument("--national", action="store_true", help="fit all regions together to national figures")
    cal.add_argument("--file", default=str(CALIBRATION_FILE), help="calibration file (default: calibration/targets.yaml)")
    cal.add_argument("--days", type=float, help="days per evaluation (default: the calibration file's)")
    cal.add_argument("--seed", type=int, help="seed (default: the calibration file's)")
    cal.add_argument("--polish-days", type=float,
                     help="days of the polishing runs after the short-run fit (default: the file's; 0 = none)")
    cal.add_argument("--polish-evaluations", type=int, default=6, help="long-run evaluations at most (default 6)")
    cal.add_argument("-n", "--replications", type=int, default=1, help="replications per evaluation (default 1)")
    cal.add_argument("--max-evaluations", type=int, default=60, help="simulation budget (default 60)")
    cal.add_argument("--check-replications", type=int, default=2, help="replications of the final fit check")
    cal.add_argument("--out", help="overlay file (default: calibration/calibrated/<region or national>.yaml)")
    _add_scenarios(cal)
    _add_workers(cal)
    cal.set_defaults(func=cmd_calibrate)
    nat = sub.add_parser("national", help="run every region together and compare national totals with the targets")
    nat.add_argument("--scenario", default="status_quo.yaml", help="scenario file in each region folder (default: status_quo.yaml)")
    nat.add_argument("-n", "--replications", type=int, help="replications (default: the scenarios')")
    nat.add_argument("--seed", type=int, help="random seed (default: the scenarios')")
    nat.add_argument("--days", type=float, help="days to simulate after warm-up")
    nat.add_argument("--targets", default=str(CALIBRATION_FILE), help="calibration file with the targets")
    nat.add_argument("--out", help="output folder (default: results/national/<scenario>/)")
    _add_scenarios(nat)
    _add_workers(nat)
    nat.set_defaults(func=cmd_national)
    vr = sub.add_parser("validation-report", help="analytic checks and the calibrated national status quo against every target")
    vr.add_argument("--out", default=str(Path("results") / "validation"), help="folder (default: results/validation)")
    vr.add_argument("--targets", default=str(CALIBRATION_FILE), help="calibration file with the targets")
    vr.add_argument("-n", "--replications", type=int, default=3, help="national replications (default 3)")
    vr.add_argument("--days", type=float, default=365, help="days per replication (default 365)")
    _add_scenarios(vr)
    _add_workers(vr)
    vr.set_defaults(func=cmd_validation_report)
    par = sub.add_parser("params", help="table of every input figure: value, unit, source or estimate, file")
    par.add_argument("scenario", nargs="?", help="scenario (or national input) YAML file")
    par.add_argument("--all", action="store_true", help="write docs/parameters.md (national inputs, noord)")
    par.add_argument("--format", choices=["md", "csv"], default="md", help="output format (default: md)")
    par.add_argument("--out", help="output file (default: stdout; with --all docs/parameters.md)")
    par.add_argument("--root", default=".", help="project folder for --all (default: .)")
    par.set_defaults(func=cmd_params)
    doc = sub.add_parser("docs", help="regenerate docs/parameters.md and the generated sections of docs/model.md")
    doc.add_argument("--check", action="store_true", help="only check; exit 1 if a file is out of date")
    doc.add_argument("--root", default=".", help="project folder (default: .)")
    doc.set_defaults(func=cmd_docs)
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
