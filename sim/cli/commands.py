"""The ``acutesim`` commands: each reads its arguments, calls the layers below and prints.

Scenario, experiment and results arguments are paths a user typed: as given when they
exist, else relative to the project root (:func:`sim.paths.user_path`), so every command
works from any folder. Shipped inputs and default outputs come from :mod:`sim.paths`.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sim import paths
from sim.cli.progress import Progress
from sim.config.loader import ScenarioError, capacity_warnings, load_scenario, read_yaml
from sim.config.schema import Scenario
from sim.paths import user_path
from sim.run import manifest


def _warn(loaded: list[tuple[object, Scenario]]) -> None:
    """One warning line on stderr for legitimate but alarming what-ifs (zero capacity, zero demand)."""
    parts: list[str] = []
    for where, scenario in loaded:
        found = capacity_warnings(scenario)
        if found and f"{where}: {'; '.join(found)}" not in parts:
            parts.append(f"{where}: {'; '.join(found)}")
    if parts:
        print(f"warning: {' | '.join(parts)} (a legitimate what-if: make sure it is meant)", file=sys.stderr)


def _load(path: Path, overrides: dict | None = None) -> Scenario:
    """The one check before any simulation: load and validate, and warn once about empty capacity or demand."""
    scenario = load_scenario(path, overrides)
    _warn([(path, scenario)])
    return scenario


def _scenarios(args: argparse.Namespace) -> Path:
    """The scenarios folder: ``--scenarios`` as typed, else the project's."""
    return user_path(args.scenarios) if args.scenarios else paths.scenarios_dir()


def _targets(args: argparse.Namespace) -> Path:
    """The calibration file with the published targets: ``--targets``, else the shipped one."""
    return user_path(args.targets) if args.targets else paths.calibration_targets()


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
    from sim.config.kinds import is_experiment_file, is_ranges_file, is_sensitivity_file

    path = user_path(args.scenario)
    data = read_yaml(path)
    if is_sensitivity_file(data):
        from sim.fit.sensitivity import load_sensitivity

        loaded = load_sensitivity(path)
        print(f"{args.scenario}: ok (sensitivity {loaded.exp.name}, {len(loaded.params)} range(s) checked against "
              f"{' and '.join(loaded.exp.scenarios)})")
        return 0
    if is_ranges_file(data):
        from sim.fit.sensitivity import load_ranges

        ranges = load_ranges(path)
        print(f"{args.scenario}: ok ({len(ranges.ranges)} range(s); a sensitivity file that uses them checks them "
              f"against its scenarios)")
        return 0
    if is_experiment_file(data):
        from sim.run.experiment import load_experiment

        exp, points = load_experiment(path)
        _warn([(path, p.scenario) for p in points])
        if exp.precision is not None:
            _check_precision_kpi(path, exp.precision.kpi, [p.scenario for p in points])
        print(f"{args.scenario}: ok (experiment {exp.name}, {len(points)} design point(s))")
        return 0
    scenario = _load(path)
    print(f"{args.scenario}: ok (region {scenario.region}, setting {scenario.setting})")
    return 0


def _claim(out: Path, command: str, inputs: dict, args: argparse.Namespace) -> None:
    """Refuse an --out folder of another command or other inputs (unless --overwrite)."""
    manifest.claim(out, manifest.manifest(command, inputs), args.overwrite)


def cmd_run(args: argparse.Namespace) -> int:
    from sim.report.tables import kpi_table
    from sim.run.runner import run_id, run_scenario

    scenario = _load(user_path(args.scenario), _scenario_overrides(args))
    out = Path(args.out) if args.out else paths.results_dir() / scenario.name / run_id(scenario)
    n = scenario.run.replications
    _claim(out, "run", {"scenario": manifest.scenario_hash(scenario), "replications": n,
                        "event_log": bool(args.event_log)}, args)
    print(f"acutesim: {scenario.name} (region {scenario.region}), {n} replication(s) of "
          f"{scenario.run.days:g} days after {scenario.run.warmup_days:g} days warm-up, seed {scenario.run.seed}",
          file=sys.stderr)
    progress = Progress("replication")
    summary = run_scenario(scenario, out, n, event_log=args.event_log, progress=progress, on_resume=progress.resumed,
                           workers=_workers(args))
    print(kpi_table(summary))
    print(f"\nresults: {out}/summary.csv, {out}/replications.csv, {out}/scenario.resolved.yaml")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from sim.report.tables import comparison_report
    from sim.run.runner import run_comparison, run_id

    overrides = _scenario_overrides(args)
    base = load_scenario(user_path(args.base), overrides)
    alt = load_scenario(user_path(args.alt), overrides)
    _warn([(user_path(args.base), base), (user_path(args.alt), alt)])
    if base.region != alt.region:
        print(f"note: comparing different regions ({base.region} vs {alt.region}): no common random numbers",
              file=sys.stderr)
    if base.run.seed != alt.run.seed:
        print("error: the two scenarios have different seeds; pass --seed to compare them with common random "
              "numbers", file=sys.stderr)
        return 2
    n = args.replications or max(base.run.replications, alt.run.replications)
    out = Path(args.out) if args.out else paths.results_dir() / f"{base.name}__vs__{alt.name}" / run_id(alt)
    _claim(out, "compare", {"base": manifest.scenario_hash(base), "alt": manifest.scenario_hash(alt),
                            "replications": n}, args)
    print(f"acutesim: {base.name} vs {alt.name}, {n} paired replication(s) of {base.run.days:g} days, "
          f"seed {base.run.seed}", file=sys.stderr)
    progress = Progress("replication pair")
    diffs = run_comparison(base, alt, out, n, progress, workers=_workers(args), on_resume=progress.resumed)
    print(comparison_report(diffs))
    if alt.setting != base.setting:
        from sim.report.sensitivity import compare_note

        models = {"base": manifest.model_hash(base), "alt": manifest.model_hash(alt)}
        print(compare_note(paths.results_dir(), base.name, alt.name, diffs, models))
    print(f"\nresults: {out}/comparison.csv, {out}/replications.csv, {out}/base.resolved.yaml, {out}/alt.resolved.yaml")
    print(f"report:  acutesim report {out}")
    return 0


def _check_precision_kpi(path: Path, kpi: str, scenarios: list[Scenario]) -> None:
    """Refuse an unknown ``precision.kpi`` before the first batch (from a half-day run of each setting)."""
    from sim.plan.staffing import kpi_names

    names: set[str] = set()
    for setting in {s.setting for s in scenarios}:
        names |= set(kpi_names(next(s for s in scenarios if s.setting == setting)))
    if kpi not in names:
        import difflib

        similar = difflib.get_close_matches(kpi, sorted(names), n=3) or sorted(names)[:3]
        raise ScenarioError(f"{path}: key precision.kpi: unknown KPI '{kpi}'; similar names: {', '.join(similar)}")


def cmd_experiment(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from sim.config.kinds import is_sensitivity_file
    from sim.run.experiment import (
        collect,
        execute,
        load_experiment,
        remove_corrupt,
        run_sequential,
        tasks_for,
        write_results,
    )

    if is_sensitivity_file(read_yaml(user_path(args.experiment))):
        raise ScenarioError(f"{user_path(args.experiment)}: key ranges: a sensitivity file; run it with "
                            f"`acutesim sensitivity {args.experiment}`")
    exp, points = load_experiment(user_path(args.experiment))
    _warn([(user_path(args.experiment), p.scenario) for p in points])
    if exp.precision is not None:
        _check_precision_kpi(user_path(args.experiment), exp.precision.kpi, [p.scenario for p in points])
    # --out as typed (from the current folder); the file's out: relative to the project root.
    out = Path(args.out) if args.out else paths.root() / exp.out if exp.out else \
        paths.results_dir() / "experiments" / exp.name
    _claim(out, "experiment", {"experiment": exp.name}, args)
    tasks = tasks_for(points, exp.replications, out)
    workers = _workers(args)
    corrupt = remove_corrupt(tasks)
    if corrupt:
        print(f"note: {len(corrupt)} stored replication(s) could not be read (empty or corrupt, e.g. {corrupt[0]}): "
              f"removed, they run again", file=sys.stderr)
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
    if exp.pairs:
        _print_pairs(out / "pairs.csv", list(exp.grid))
    print(f"results: {out}/summary.csv, {out}/results.parquet (one row per design point x replication x kpi)"
          + (f", {out}/pairs.csv (each pair at equal grid values)" if exp.pairs else ""))
    return 0


PAIR_KPIS = ("seh_arrivals_per_day", "ambulance_deployments_per_day", "re_presentations_per_day",
             "under_triage_per_day", "time_to_care_within_window_share", "time_to_care_within_window_share.u2",
             "a1_on_scene_15min_share")


def _print_pairs(path: Path, grid_keys: list[str]) -> None:
    """The headline KPIs of pairs.csv: base, alternative and the paired difference with its 95% interval."""
    import csv

    with path.open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["kpi"] in PAIR_KPIS]
    for r in rows:
        grid = ", ".join(f"{k}={r[k]}" for k in grid_keys if r.get(k))
        print(f"{Path(r['reference']).stem} -> {Path(r['scenario']).stem}" + (f" [{grid}]" if grid else "")
              + f"  {r['kpi']}: {float(r['base_mean']):.4g} -> {float(r['alt_mean']):.4g}, "
              f"diff {float(r['diff_mean']):+.4g} ({float(r['diff_ci_low']):+.4g} to {float(r['diff_ci_high']):+.4g})")


def cmd_sensitivity(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from sim.fit.sensitivity import check_kpis, load_sensitivity, run_sensitivity
    from sim.plan.staffing import kpi_names
    from sim.report.sensitivity import summary_text

    path = user_path(args.experiment)
    loaded = load_sensitivity(path)
    exp = loaded.exp
    plain = loaded.scenarios
    _warn([(path, s) for s in plain.values()])
    check_kpis(loaded, set(kpi_names(plain["base"])) | set(kpi_names(plain["alt"])))
    out = Path(args.out) if args.out else paths.root() / exp.out if exp.out else \
        paths.results_dir() / "sensitivity" / exp.name
    _claim(out, "sensitivity", {"sensitivity": exp.name}, args)
    workers = _workers(args)
    where = f"Dask scheduler {args.scheduler}" if args.scheduler else f"{workers} local worker(s)"
    print(f"acutesim: sensitivity {exp.name}: {loaded.base_names[0]} vs {loaded.base_names[1]}, {len(loaded.params)} "
          f"range(s), {exp.method}, {exp.replications} replication(s) of {loaded.days:g} days per sample, seed "
          f"{exp.seed}, on {where}; results in {out}", file=sys.stderr)

    def progress(iterable, total):
        return tqdm(iterable, total=total, unit="run", file=sys.stderr, dynamic_ncols=True)

    summary = run_sensitivity(loaded, out, workers=workers, scheduler=args.scheduler, progress=progress,
                              say=lambda text: print(f"  {text}", file=sys.stderr))
    print(summary_text(summary))
    print(f"\nresults: {out}/summary.csv, {out}/sensitivity.json, {out}/<stage>/samples.csv|results.csv|indices.csv")
    print(f"report:  acutesim report {out}")
    return 0


def cmd_warmup(args: argparse.Namespace) -> int:
    from sim.measure.warmup import check

    scenario = _load(user_path(args.scenario))
    print(f"acutesim: warm-up check of {scenario.name}: daily {args.level} occupancy from the start, "
          f"{args.replications} replication(s)", file=sys.stderr)
    result = check(scenario, args.level, args.replications, args.days, progress=Progress("replication"))
    verdict = "suffices" if result.suffices else "is too short"
    print(f"{args.scenario}: MSER-5 on daily {result.level} occupancy ({args.replications} replications, "
          f"{len(result.daily)} days from the start): truncation point {result.truncation_days} days; "
          f"the configured warm-up of {result.configured_days:g} days {verdict}"
          + ("" if result.suffices else f" (use at least {result.truncation_days} days)"))
    return 0 if result.suffices else 1


def cmd_report(args: argparse.Namespace) -> int:
    from sim.report.html import build_report, build_sensitivity_report
    from sim.run.results import ResultsError

    folder = user_path(args.results)
    made = manifest.read(folder) if folder.is_dir() else None
    if made is not None and made["command"] not in ("run", "compare", "sensitivity"):
        print(f"error: {folder}: made by `acutesim {made['command']}`; a report reads a run, compare or sensitivity "
              f"folder", file=sys.stderr)
        return 2
    sensitivity = made is not None and made["command"] == "sensitivity"
    try:
        out = build_sensitivity_report(folder, args.out) if sensitivity else build_report(folder, args.out)
    except ResultsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"report: {out}")
    return 0


def cmd_derive_regions(args: argparse.Namespace) -> int:
    from sim.derive.region_inputs import write_all

    for path in write_all(_scenarios(args)):
        print(f"wrote {path}")
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    from sim.fit.calibration import FITTED_VALUES, base_raws, calibrate, fitted_values, write_overlay
    from sim.fit.targets import fit_table, format_fit_table, load_calibration
    from sim.geo.regions import known_regions
    from sim.run.national import aggregate

    file = user_path(args.file) if args.file else paths.calibration_targets()
    cal = load_calibration(file)
    d = cal.defaults
    days, seed = args.days or d.days, args.seed if args.seed is not None else d.seed
    if args.national:
        regions, name = list(known_regions()), "national"
    else:
        region = args.region or d.region
        if region not in known_regions():
            raise ScenarioError(f"--region: unknown region '{region}'; expected one of {', '.join(known_regions())}")
        regions, name = [region], region
    scenarios = _scenarios(args)
    raws = base_raws(regions, d.base, scenarios, days, seed)
    print(f"acutesim: calibrating {len(cal.parameters)} parameter(s) to {len(cal.targets)} target(s) on {name} "
          f"({len(regions)} region(s), {days:g} days, seed {seed}, {args.replications} replication(s) per evaluation)",
          file=sys.stderr)
    polish_days = d.polish_days if args.polish_days is None else args.polish_days
    polish = base_raws(regions, d.base, scenarios, polish_days, seed) if polish_days > 0 else None
    start = fitted_values(user_path(args.start)) if args.start else None
    report = Progress("evaluation").messages("evaluation", args.max_evaluations + args.polish_evaluations,
                                             at_most=True)
    result, problem = calibrate(cal, raws, str(file), args.replications, _workers(args), aggregate,
                                args.max_evaluations, report=report, polish=polish,
                                polish_evaluations=args.polish_evaluations, start=start)
    out = Path(args.out) if args.out else paths.calibrated_dir() / f"{name}.yaml"
    skipped = [f"- {p.name}: `{key}` (source: {source})" for p in problem.params for key, source in p.skipped]
    for line in skipped:
        print(f"  not fitted, sourced: {line[2:]}", file=sys.stderr)
    why = (f"fitted to {file} by `acutesim calibrate {'--national' if args.national else '--region ' + name}` "
           f"(seed {seed}, {days:g} days{f', polished on {polish_days:g} days' if polish_days else ''})")
    state = (f"converged: every target within {d.converged_share_of_tolerance:.0%} of its tolerance"
             if result.converged else "NOT converged: best point found")
    header = (f"# Calibrated inputs for {name}, written by `acutesim calibrate` (sim/fit/calibration.py); "
              f"do not edit.\n"
              f"# {len(cal.parameters)} parameters fitted to {len(cal.targets)} targets of {file}, "
              f"seed {seed}, {days:g} days x {args.replications} replication(s) per evaluation"
              f"{f', polished on {polish_days:g} days' if polish_days else ''},\n"
              f"# {result.evaluations} evaluations, {state}.\n"
              + FITTED_VALUES + ", ".join(f"{k} {v:g}" for k, v in result.values.items()) + "\n")
    write_overlay(out, raws, result, problem.params, header, why)
    print(f"wrote {out}", file=sys.stderr)
    from sim.config.schema import Scenario
    from sim.fit.calibration import prepare
    from sim.run.national import run_national

    check_days = polish_days or days
    check = {r: Scenario.model_validate(prepare(raw, check_days, seed)) for r, raw in result.calibrated.items()}
    national, _ = run_national(check, args.check_replications, _workers(args))
    rows = fit_table(cal, national)
    print(format_fit_table(rows))
    fit_path = out.with_suffix(".fit.md")
    kept = ("\n\nSourced figures matched by a wildcard key and therefore not fitted (a published figure never "
            "moves):\n\n" + "\n".join(skipped)) if skipped else ""
    fit_path.write_text(f"# Fit of {out.name} ({args.check_replications} replications x {check_days:g} days, "
                        f"seed {seed})\n\n" + format_fit_table(rows, markdown=True) + kept + "\n", encoding="utf-8")
    print(f"\nfit table: {fit_path}")
    return 0 if all(r.within for r in rows) else 1


def cmd_national(args: argparse.Namespace) -> int:
    from sim.fit.targets import fit_table, format_fit_table, load_calibration
    from sim.report.tables import kpi_table
    from sim.run.national import region_scenarios, run_national
    from sim.run.runner import summarise, write_summary

    regional = region_scenarios(args.scenario, _scenario_overrides(args), _scenarios(args))
    first = next(iter(regional.values()))
    n = args.replications or first.run.replications
    out = Path(args.out) if args.out else paths.results_dir() / "national" / Path(args.scenario).stem
    out.mkdir(parents=True, exist_ok=True)
    print(f"acutesim: the Netherlands, {len(regional)} regions x {n} replication(s) of {first.run.days:g} days "
          f"({args.scenario}), seed {first.run.seed}", file=sys.stderr)
    where = f"Dask scheduler {args.scheduler}" if args.scheduler else f"{_workers(args)} local worker(s)"
    print(f"acutesim: on {where}", file=sys.stderr)
    national, per_region = run_national(regional, n, _workers(args), progress=Progress("region-replication"),
                                        scheduler=args.scheduler)
    summary = summarise(national)
    write_summary(summary, out / "summary.csv")
    for region, reps in per_region.items():
        write_summary(summarise(reps), out / f"summary_{region}.csv")
    print(kpi_table(summary))
    cal = load_calibration(_targets(args))
    rows = fit_table(cal, national)
    print("\nNational totals against published figures (national counts at the figure year's population):")
    print(format_fit_table(rows))
    (out / "fit.md").write_text(format_fit_table(rows, markdown=True) + "\n", encoding="utf-8")
    print(f"\nresults: {out}/summary.csv (national), {out}/summary_<region>.csv, {out}/fit.md")
    if args.alt:
        from sim.config.constants import DAYS_PER_YEAR
        from sim.run.national import budget_markdown, budget_rows, write_budget_csv

        alt_regional = region_scenarios(args.alt, _scenario_overrides(args), _scenarios(args))
        print(f"acutesim: {args.alt} in every region, the same {n} replication(s)", file=sys.stderr)
        alt_national, alt_per_region = run_national(
            alt_regional, n, _workers(args),
            progress=Progress("region-replication"), scheduler=args.scheduler)
        budget = budget_rows(per_region, alt_per_region, national, alt_national, DAYS_PER_YEAR)
        table = budget_markdown(budget)
        (out / "budget.md").write_text(f"# {args.alt} against {args.scenario}, per region\n\n{table}",
                                       encoding="utf-8")
        write_budget_csv(budget, out / "budget.csv")
        from sim.report.html import national_budget_page

        national_budget_page(budget, f"acutesim: {args.alt} against {args.scenario}, per ROAZ region",
                             out / "budget.html")
        print(f"\n{args.alt} against {args.scenario} per region (paired replications):")
        print(table)
        print(f"results: {out}/budget.md, {out}/budget.csv, {out}/budget.html")
    return 0


def cmd_validation_report(args: argparse.Namespace) -> int:
    from sim.fit.validation import write_report

    out = Path(args.out) if args.out else paths.results_dir() / "validation"
    path = write_report(out, _targets(args), args.replications, args.days, _workers(args),
                        _scenarios(args), progress=Progress("step").messages())
    print(f"wrote {path}")
    return 0


def cmd_params(args: argparse.Namespace) -> int:
    from sim.cli import docs
    from sim.report import parameters as params

    out: Path | None
    if args.all:
        text = params.parameters_markdown(paths.root())
        out = Path(args.out) if args.out else docs.parameters_doc()
    elif args.scenario:
        figs = params.figures(user_path(args.scenario), paths.root())
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

    changed = docs.write(paths.root(), check=args.check)
    for path in changed:
        print(f"{'out of date' if args.check else 'wrote'}: {path}")
    if args.check and changed:
        print("run `acutesim docs` to regenerate", file=sys.stderr)
        return 1
    if not changed:
        print("docs are up to date")
    return 0


def _layout_progress(max_k: int) -> Callable[[str], None]:
    """Progress of the location planner: its messages name the layout and mode (``k=2 pooled: ...``).

    The planner searches ``max_k`` rosters: the pooled one once (a pooled zcc is one queue
    wherever its staff sit, and one location is the same pooled or separate), then separate for
    k = 2..max_k; a search counts as done once the next one starts.
    """
    progress = Progress("layout")
    total = max_k
    seen: list[str] = []

    def show(message: str) -> None:
        stage = message.split(":", 1)[0]
        if stage not in seen:
            seen.append(stage)
        progress.note(f"layout {len(seen)}/{total}, {message}", len(seen) - 1, total)
    return show


def cmd_locations(args: argparse.Namespace) -> int:
    from sim.plan.locations import plan, plot, table, write_csv, write_layouts
    from sim.plan.staffing import with_run

    path = user_path(args.scenario)
    scenario = _load(path, {"run": {"seed": args.seed}} if args.seed is not None else None)
    if scenario.zcc is None:
        print(f"error: {path}: key zcc.service_level: location planning needs a zcc scenario with a service level "
              f"(share, minimum_staff)", file=sys.stderr)
        return 2
    if args.max < 1:
        print("error: --max: expected a number of locations >= 1", file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else paths.results_dir() / "locations" / scenario.name
    out.mkdir(parents=True, exist_ok=True)
    sl = scenario.zcc.service_level.share.value
    print(f"acutesim: locations for {scenario.name}, k = 1..{args.max}, pooled and separate, staffed to "
          f"zcc_answer_within_2min_share >= {sl:g}; {args.replications} replication(s) of {args.days:g} days per "
          f"check, seed {scenario.run.seed}", file=sys.stderr)
    trial = with_run(scenario, days=args.days)
    rows = plan(trial, args.max, args.replications, _workers(args), path, progress=_layout_progress(args.max))
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
    from sim.plan.staffing import (
        fte_and_cost,
        kpi_names,
        measure,
        option_from,
        parse_target,
        search,
        with_option,
        write_option,
    )

    path = user_path(args.scenario)
    scenario = _load(path, {"run": {"seed": args.seed}} if args.seed is not None else None)
    if scenario.zcc is None:
        print(f"error: {path}: key setting: the staffing search needs a zcc scenario (setting: zcc)", file=sys.stderr)
        return 2
    target = parse_target(args.target, lambda: kpi_names(scenario))
    workers = _workers(args)
    run = scenario.model_dump()["run"]
    from sim.plan.staffing import with_run

    trial = with_run(scenario, days=args.days)
    print(f"acutesim: staffing search for {scenario.name}: {target} in every 4-hour block per skill "
          f"(lower 95% bound >= target + {args.margin:g}), {args.replications} replication(s) of {args.days:g} days "
          f"per "
          f"iteration, seed {run['seed']}", file=sys.stderr)
    result = search(trial, target, args.replications, workers, margin=args.margin, slack=args.slack,
                    max_iterations=args.max_iterations, scenario_path=path,
                    progress=Progress("iteration").messages("iteration", args.max_iterations, at_most=True))
    fte, cost = fte_and_cost(scenario, result.rosters)
    current = {g: spec.rostered.values for g, spec in scenario.zcc.groups.items()}
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
    out = Path(args.out) if args.out else paths.results_dir() / "staffing" / scenario.name / "staffing_option.yaml"
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


def cmd_app(args: argparse.Namespace) -> int:
    """Start the Streamlit app (sim/app/page.py) on a local port and open it in the browser; Ctrl-C stops it.

    Streamlit always runs headless (a first non-headless run would stop to ask for an e-mail
    address); this command opens the browser itself once the server answers, unless --no-browser.
    """
    import importlib.util
    import os
    import subprocess
    import threading
    import urllib.request
    import webbrowser

    if importlib.util.find_spec("streamlit") is None:
        print('error: the app needs its optional dependencies: pip install -e ".[app]"', file=sys.stderr)
        return 2
    command = [sys.executable, "-m", "streamlit", "run", str(paths.APP_PAGE),
               "--server.port", str(args.port), "--server.address", args.host, "--server.headless", "true",
               "--browser.gatherUsageStats", "false", "--global.developmentMode", "false",
               "--client.toolbarMode", "viewer"]
    url = f"http://{args.host}:{args.port}"
    print(f"acutesim app: {url} (Ctrl-C stops it)", file=sys.stderr)
    env = {**os.environ, paths.ROOT_ENV: str(paths.root())}
    server = subprocess.Popen(command, env=env)

    def open_when_ready() -> None:
        for _ in range(600):
            if server.poll() is not None:
                return
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1):
                    webbrowser.open(url)
                    return
            except OSError:
                time.sleep(0.2)

    if not args.no_browser:
        threading.Thread(target=open_when_ready, daemon=True).start()
    try:
        return server.wait()
    except KeyboardInterrupt:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "run": cmd_run,
    "validate": cmd_validate,
    "compare": cmd_compare,
    "experiment": cmd_experiment,
    "sensitivity": cmd_sensitivity,
    "warmup": cmd_warmup,
    "report": cmd_report,
    "locations": cmd_locations,
    "staffing": cmd_staffing,
    "derive-regions": cmd_derive_regions,
    "calibrate": cmd_calibrate,
    "national": cmd_national,
    "validation-report": cmd_validation_report,
    "params": cmd_params,
    "docs": cmd_docs,
    "app": cmd_app,
}
