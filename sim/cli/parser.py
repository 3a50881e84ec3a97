"""The ``acutesim`` argument parser: every command and option, and nothing else.

It imports no command module (only the standard library and the name of the root variable from
:mod:`sim.paths`), so documentation (``sim.cli.docs``) can read it and the commands
(``sim.cli.commands``) can change without touching it. Paths default to ``None``; the
commands fill in the project's folders from :mod:`sim.paths`.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable
from typing import NoReturn

from sim.paths import ROOT_ENV

# The bounds of sim.config.schema (repeated here so that the parser imports no other layer; a
# test keeps them equal), and the most local workers.
MAX_DAYS = 3_650.0
MAX_REPLICATIONS = 10_000
MAX_SEED = 2**63 - 1
MAX_WORKERS = 1_024


class OneLineParser(argparse.ArgumentParser):
    """Argument mistakes are one line on stderr (no usage block) and exit 2."""

    def error(self, message: str) -> NoReturn:
        print(f"error: {self.prog}: {message}", file=sys.stderr)
        raise SystemExit(2)


def _whole(low: int, high: int, what: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number of {what}, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"expected {what} from {low} to {high}, got {value}")
        return value
    parse.__name__ = what
    return parse


def _days(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of days, got {text!r}") from None
    if not (math.isfinite(value) and 0 < value <= MAX_DAYS):
        raise argparse.ArgumentTypeError(f"expected a finite number of days > 0 and at most {MAX_DAYS:g}, "
                                         f"got {text!r}")
    return value


_WORKERS = _whole(1, MAX_WORKERS, "workers")
_REPS = _whole(1, MAX_REPLICATIONS, "replications")
_SEED = _whole(0, MAX_SEED, "seed")


def _add_workers(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workers", type=_WORKERS, help="simulations run in parallel (default: all cores)")


def _add_overwrite(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--overwrite", action="store_true",
                        help="write into an --out folder made by another command or from other inputs "
                             "(its acutesim files are removed first)")


def _add_scenarios(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scenarios", help="scenario folder (default: scenarios/ of the project)")


def package_version() -> str:
    """The installed acutesim version (package metadata, so it is written once: pyproject.toml)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("acutesim")
    except PackageNotFoundError:  # a source tree that was never installed
        return "unknown (not installed)"


class _VersionAction(argparse.Action):
    """``--version``: the version is read from the package metadata only when asked for.

    Reading it (importing ``importlib.metadata`` and finding the distribution) costs ~30 ms that
    every other command, ``validate`` first, would pay when building the parser.
    """

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, help: str | None = None) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS,
                         help=help or "show program's version number and exit")

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object,
                 option_string: str | None = None) -> None:
        print(f"acutesim {package_version()}")  # on stdout, as argparse's own version action
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="acutesim", description="Simulate the Dutch acute care chain.")
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument("--root", help="project folder with scenarios/, calibration/, results/ and docs/ "
                                       f"(sets ${ROOT_ENV}; default: the checkout that holds the package)")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a scenario and print its KPIs")
    run.add_argument("scenario", help="scenario YAML file or shipped name (e.g. noord/zcc)")
    run.add_argument("-n", "--replications", type=_REPS, help="number of replications (default: the scenario's)")
    run.add_argument("--seed", type=_SEED, help="random seed (default: the scenario's)")
    run.add_argument("--days", type=_days, help="days to simulate after warm-up (default: the scenario's)")
    run.add_argument("--out", help="output folder (default: results/<scenario>/<run-id>/)")
    run.add_argument("--event-log", action="store_true", help="write a per-event Parquet log per replication")
    _add_workers(run)
    _add_overwrite(run)
    val = sub.add_parser("validate", help="check a scenario file")
    val.add_argument("scenario", help="scenario YAML file")
    cmp_ = sub.add_parser("compare", help="run two scenarios with common random numbers and compare them")
    cmp_.add_argument("base", help="base scenario (e.g. the status quo)")
    cmp_.add_argument("alt", help="alternative scenario (e.g. scenario III)")
    cmp_.add_argument("-n", "--replications", type=_REPS, help="paired replications (default: the scenarios')")
    cmp_.add_argument("--seed", type=_SEED, help="random seed for both (default: the scenarios')")
    cmp_.add_argument("--days", type=_days, help="days to simulate after warm-up")
    cmp_.add_argument("--out", help="output folder (default: results/<base>__vs__<alt>/<run-id>/)")
    _add_workers(cmp_)
    _add_overwrite(cmp_)
    exp = sub.add_parser("experiment", help="run a grid of scenario variants x replications (resumable)")
    exp.add_argument("experiment", help="experiment YAML file")
    exp.add_argument("--workers", type=_WORKERS, help="local worker processes (default: all cores)")
    exp.add_argument("--scheduler", help="address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786")
    exp.add_argument("--out", help="output folder (default: the experiment's out, or results/experiments/<name>)")
    _add_overwrite(exp)
    sen = sub.add_parser("sensitivity", help="Morris screening and Sobol' indices of the zcc effect over the "
                                             "evidence ranges (resumable)")
    sen.add_argument("experiment", help="sensitivity YAML file (scenario pair, ranges, method, samples, KPIs)")
    sen.add_argument("--workers", type=_WORKERS, help="local worker processes (default: all cores)")
    sen.add_argument("--scheduler", help="address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786")
    sen.add_argument("--out", help="output folder (default: the file's out, or results/sensitivity/<name>)")
    _add_overwrite(sen)
    wu = sub.add_parser("warmup", help="check whether the configured warm-up is long enough (MSER-5)")
    wu.add_argument("scenario", help="scenario YAML file")
    wu.add_argument("--level", default="hospital",
                    help="level to check: hospital, elv, grz, crisis_bed, seh, verkeerde_bed, ambulance")
    wu.add_argument("-n", "--replications", type=_REPS, default=3)
    wu.add_argument("--days", type=_days, help="days to simulate from the start (default: 4 x warm-up, >= 120)")
    rep = sub.add_parser("report", help="write a self-contained HTML report of a run, compare or sensitivity "
                                        "results folder")
    rep.add_argument("results", help="results folder of 'acutesim run', 'compare' or 'sensitivity'")
    rep.add_argument("--out", help="HTML file to write (default: RESULTS/report.html)")
    loc = sub.add_parser("locations", help="zcc work locations for k = 1..K: FTE and commute per layout and mode")
    loc.add_argument("scenario", help="zcc scenario YAML file")
    loc.add_argument("--max", type=int, default=4, help="largest number of locations (default 4)")
    loc.add_argument("--out", help="output folder (default: results/locations/<scenario>/)")
    loc.add_argument("-n", "--replications", type=_REPS, default=2, help="replications per check (default 2)")
    loc.add_argument("--days", type=_days, default=21, help="days per replication (default 21)")
    loc.add_argument("--seed", type=_SEED, help="random seed (default: the scenario's)")
    _add_workers(loc)
    stf = sub.add_parser("staffing", help="find the smallest zcc roster meeting a target in every hour block")
    stf.add_argument("scenario", help="zcc scenario YAML file")
    stf.add_argument("--target", required=True, help="e.g. \"zcc_answer_within_2min_share>=0.9\"")
    stf.add_argument("--out", help="staffing option file (default: results/staffing/<scenario>/staffing_option.yaml)")
    stf.add_argument("-n", "--replications", type=_REPS, default=2, help="replications per iteration (default 2)")
    stf.add_argument("--days", type=_days, default=21, help="days per replication in the search (default 21)")
    stf.add_argument("--confirm-days", type=_days, default=56, help="days of the confirmation run (default 56)")
    stf.add_argument("--seed", type=_SEED, help="random seed (default: the scenario's)")
    stf.add_argument("--margin", type=float, default=0.01,
                     help="margin the lower 95%% bound of each block must keep above the target (default 0.01)")
    stf.add_argument("--slack", type=float, default=0.05, help="slack above the target that allows removing staff")
    stf.add_argument("--max-iterations", type=int, default=30, help="iterations at most (default 30)")
    stf.add_argument("--option-name", default="searched", help="name of the staffing option (default searched)")
    _add_workers(stf)
    der = sub.add_parser("derive-regions", help="regenerate region capacities from the national figures")
    _add_scenarios(der)
    cal = sub.add_parser("calibrate", help="fit uncertain inputs to published targets (writes a scenario overlay)")
    where = cal.add_mutually_exclusive_group()
    where.add_argument("--region", help="fit one region (default: the calibration file's region)")
    where.add_argument("--national", action="store_true", help="fit all regions together to national figures")
    cal.add_argument("--file", help="calibration file (default: calibration/targets.yaml)")
    cal.add_argument("--days", type=_days, help="days per evaluation (default: the calibration file's)")
    cal.add_argument("--seed", type=_SEED, help="seed (default: the calibration file's)")
    cal.add_argument("--polish-days", type=float,
                     help="days of the polishing runs after the short-run fit (default: the file's; 0 = none)")
    cal.add_argument("--polish-evaluations", type=int, default=6, help="long-run evaluations at most (default 6)")
    cal.add_argument("-n", "--replications", type=_REPS, default=1, help="replications per evaluation (default 1)")
    cal.add_argument("--max-evaluations", type=int, default=60, help="simulation budget (default 60)")
    cal.add_argument("--check-replications", type=int, default=2, help="replications of the final fit check")
    cal.add_argument("--out", help="overlay file (default: calibration/calibrated/<region or national>.yaml)")
    cal.add_argument("--start", help="warm start: begin at the fitted values of an overlay an earlier run wrote")
    _add_scenarios(cal)
    _add_workers(cal)
    nat = sub.add_parser("national", help="run every region together and compare national totals with the targets")
    nat.add_argument("--scenario", default="status_quo.yaml",
                     help="scenario file in each region folder (default: status_quo.yaml)")
    nat.add_argument("--alt", help="a second scenario file in each region folder (e.g. zcc.yaml): run both with common "
                                   "random numbers and write the per-region budget table (budget.md, budget.csv)")
    nat.add_argument("-n", "--replications", type=_REPS, help="replications (default: the scenarios')")
    nat.add_argument("--seed", type=_SEED, help="random seed (default: the scenarios')")
    nat.add_argument("--days", type=_days, help="days to simulate after warm-up")
    nat.add_argument("--targets", help="calibration file with the targets (default: calibration/targets.yaml)")
    nat.add_argument("--out", help="output folder (default: results/national/<scenario>/)")
    _add_scenarios(nat)
    _add_workers(nat)
    nat.add_argument("--scheduler", help="address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786: the "
                     "region replications run on its workers instead of --workers local processes")
    vr = sub.add_parser("validation-report",
                        help="analytic checks and the calibrated national status quo against every target")
    vr.add_argument("--out", help="folder (default: results/validation)")
    vr.add_argument("--targets", help="calibration file with the targets (default: calibration/targets.yaml)")
    vr.add_argument("-n", "--replications", type=_REPS, default=3, help="national replications (default 3)")
    vr.add_argument("--days", type=_days, default=365, help="days per replication (default 365)")
    _add_scenarios(vr)
    _add_workers(vr)
    par = sub.add_parser("params", help="table of every input figure: value, unit, source or estimate, file")
    par.add_argument("scenario", nargs="?", help="scenario (or national input) YAML file")
    par.add_argument("--all", action="store_true", help="write docs/parameters.md (national inputs, noord)")
    par.add_argument("--format", choices=["md", "csv"], default="md", help="output format (default: md)")
    par.add_argument("--out", help="output file (default: stdout; with --all docs/parameters.md)")
    app = sub.add_parser("app", help="start the planner's web app in the browser (needs: pip install -e \".[app]\")")
    app.add_argument("--port", type=_whole(1, 65_535, "port"), default=8501, help="local port (default 8501)")
    app.add_argument("--host", default="localhost", help="address to listen on (default localhost)")
    app.add_argument("--no-browser", action="store_true", help="do not open a browser window (headless servers)")
    doc = sub.add_parser("docs", help="regenerate docs/parameters.md and the generated sections of docs/model.md")
    doc.add_argument("--check", action="store_true", help="only check; exit 1 if a file is out of date")
    return parser
