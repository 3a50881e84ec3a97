"""What the planner's web app does, without Streamlit: testable as plain functions.

The page (:mod:`sim.app.page`) only draws widgets; everything it shows or runs comes from here:

* a region's map points (municipality centroids, HAPs, SEHs, ambulance posts, the meldkamer and
  the zcc work locations) from ``sim/data/municipalities.csv`` and the shipped scenarios;
* a scenario-III **variant** (:class:`Variant`) written as an overlay YAML that ``extends:`` the
  shipped ``zcc.yaml``: every changed number carries ``estimate: changed in the app``, so the
  loader's provenance (and ``acutesim params``) shows where it came from;
* a comparison of the status quo and the variant through the command line's own machinery
  (:func:`sim.run.runner.run_comparison`, :mod:`sim.run.manifest`), in a background thread
  (:class:`Job`) that the page polls; the results folder is keyed by a hash of both resolved
  scenarios, the seed, the replications and the days, so the same variant is never run twice;
* the results as ``compare`` and ``report`` give them, and the location planner
  (:func:`sim.plan.locations.plan`) as a background job too.

Every bad input ends in one line, the same the command line prints (:func:`one_line`).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sim import paths
from sim.config.loader import ScenarioError, load_scenario
from sim.config.schema import Scenario
from sim.geo.regions import known_regions, subareas_of
from sim.run import manifest
from sim.run.runner import Difference

APP_ESTIMATE = "changed in the app"

# The main uncertain shares a planner may change: dotted key -> label. Each is a figure with
# ``value:`` and ``estimate:`` in the shipped national zcc inputs (scenarios/_national/zcc.yaml).
SHARES: dict[str, str] = {
    "zcc.flows.warm_transfer_share.A2": "share of A2 112 calls warm-transferred to the zcc",
    "zcc.substitution.ambulance": "share of zcc ambulance cases offered an alternative",
    "zcc.substitution.seh": "share of GP referrals to the SEH where an alternative is sought",
}
# The admission window: the shipped variant that lets short-stay (ELV), geriatric rehab (GRZ) and
# crisis beds admit around the clock with a shorter transfer lag (each region's zcc_247_admission.yaml).
ADMISSION_247 = "admission_247.yaml"

# CPU seconds per simulated day (warm-up included) per million inhabitants, measured on this
# project's 2-core machine (noord, 1.77 million: 4 replications x 37 days in 9 s of CPU).
SECONDS_PER_DAY_PER_MILLION = 0.035
START_SECONDS = 3.0


_LOCK = threading.Lock()


def one_line(exc: BaseException) -> str:
    """The one line the command line prints for an error (sim/cli/main.py), never a traceback."""
    if isinstance(exc, ScenarioError):
        return f"error: {exc}"
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return f"error: {where}{exc.strerror or exc}"
    text = str(exc).strip().splitlines()
    return f"error: {text[0] if text else type(exc).__name__}"


# ----------------------------------------------------------------------------- regions and map


def regions() -> list[str]:
    """Regions with a shipped status quo and zcc scenario."""
    return [r for r in known_regions() if paths.region_scenario(r, "zcc").exists()
            and paths.region_scenario(r, "status_quo").exists()]


def shipped(region: str, name: str = "zcc") -> Path:
    return paths.region_scenario(region, name)


_LOADED: dict[tuple[str, int, str], Scenario] = {}


def load(path: Path, overrides: dict[str, Any] | None = None) -> Scenario:
    """``load_scenario``, remembered per file, its modification time and the overrides.

    The page reruns on every click; loading and validating a scenario takes about half a second,
    so a file seen before is not read again (the scenarios are never modified in place).
    """
    p = Path(path)
    try:
        stamp = p.stat().st_mtime_ns
    except OSError:
        return load_scenario(p, overrides)  # the loader's one-line error
    key = (str(p.resolve()), stamp, json.dumps(overrides, sort_keys=True))
    with _LOCK:
        found = _LOADED.get(key)
    if found is None:
        found = load_scenario(p, overrides)
        with _LOCK:
            if len(_LOADED) > 64:
                _LOADED.clear()
            _LOADED[key] = found
    return found


@dataclass(frozen=True)
class Point:
    """One marker on the region map."""

    kind: str  # municipality, HAP, SEH, ambulance post, meldkamer, zcc location
    name: str
    code: str
    lat: float
    lon: float
    size: float  # inhabitants for municipalities, places or vehicles for sites, 1 otherwise


KINDS = ("municipality", "HAP", "SEH", "ambulance post", "meldkamer", "zcc location")


def map_points(scenario: Scenario, sites: list[str] | None = None) -> list[Point]:
    """The region's municipalities and every site of ``scenario``.

    ``sites`` (sub-area codes) replaces the scenario's zcc work locations (the variant being built).
    """
    areas = {a.code: a for a in subareas_of(scenario.region)}
    out = [Point("municipality", a.name, a.code, a.lat, a.lon, float(a.population)) for a in areas.values()]

    def at(kind: str, name: str, code: str, size: float = 1.0) -> None:
        a = areas.get(code)
        if a is not None:
            out.append(Point(kind, name, code, a.lat, a.lon, size))

    res = scenario.resources
    for name, hap in res.haps.items():
        at("HAP", name, hap.subarea)
    for name, seh in res.sehs.items():
        at("SEH", name, seh.subarea, float(seh.places.value))
    for name, post in res.ambulance.posts.items():
        at("ambulance post", name, post.subarea, float(post.vehicles.value))
    at("meldkamer", "meldkamer", res.meldkamer.subarea)
    if sites is not None:
        for code in sites:
            at("zcc location", f"zcc {areas[code].name}" if code in areas else code, code)
    elif scenario.zcc is not None:
        for name, site in scenario.zcc.locations.sites.items():
            at("zcc location", name, site.subarea)
    return out


def candidates(scenario: Scenario) -> dict[str, str]:
    """Towns a zcc may work in (with a HAP, an SEH or the meldkamer): sub-area code -> municipality name."""
    from sim.plan.locations import candidate_sites

    areas = subareas_of(scenario.region)
    return {areas[i].code: areas[i].name for i in candidate_sites(scenario)}


def p_median_sites(scenario: Scenario, k: int) -> list[str]:
    """The planner's k locations (population-weighted p-median, as ``acutesim locations``): sub-area codes."""
    from sim.plan.locations import layouts

    areas = subareas_of(scenario.region)
    found = layouts(scenario, k)
    return [areas[i].code for i in found[-1].sites] if found else []


def commute_of(scenario: Scenario, sites: list[str]) -> tuple[float, float]:
    """Mean and 95th percentile one-way staff commute (minutes) to these locations, as the model computes it."""
    from sim.plan.locations import Layout, commute

    index = {a.code: i for i, a in enumerate(subareas_of(scenario.region))}
    layout = Layout(len(sites), tuple(index[c] for c in sites), tuple(sites))
    return commute(scenario, layout)


def commute_by_location(scenario: Scenario, sites: list[str]) -> list[dict[str, Any]]:
    """Per work location: the staff who live nearest to it (their share) and their mean and longest commute.

    As the model: staff live where the population lives (or ``zcc.locations.staff_residence``)
    and work at the nearest location by road (sim.geo.sites); in separate mode a location also
    answers the calls of the same sub-areas.
    """
    from sim.geo.regions import road_km_matrix
    from sim.geo.sites import nearest_site
    from sim.plan.locations import residence

    areas = subareas_of(scenario.region)
    km = road_km_matrix(areas, scenario.care.travel.detour_factor.value, scenario.care.travel.settlement())
    index = {a.code: i for i, a in enumerate(areas)}
    chosen = [index[c] for c in sites]
    nearest = nearest_site(km, chosen)
    weights = residence(scenario)
    assert scenario.zcc is not None
    speed = scenario.zcc.locations.commute_speed_kmh.value
    minutes = km[:, chosen].min(axis=1) / speed * 60.0
    rows = []
    for j, code in enumerate(sites):
        mine = nearest == j
        w = weights[mine]
        share = float(w.sum() / weights.sum())
        mean = float((minutes[mine] * w).sum() / w.sum()) if w.sum() > 0 else math.nan
        longest = float(minutes[mine].max()) if mine.any() else math.nan
        rows.append({"location": f"{areas[chosen[j]].name} ({code})", "staff share": f"{share:.1%}",
                     "mean commute (min)": f"{mean:.1f}", "longest commute (min)": f"{longest:.1f}",
                     "municipalities": int(mine.sum())})
    return rows


# ----------------------------------------------------------------------------- the variant


def _get(data: dict[str, Any], key: str) -> Any:
    node: Any = data
    for part in key.split("."):
        node = node[part]
    return node


def _put(data: dict[str, Any], key: str, value: Any) -> None:
    parts = key.split(".")
    node = data
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value


@dataclass(frozen=True)
class Variant:
    """A scenario-III variant as the planner sets it: locations, mode, staffing and the uncertain shares."""

    region: str
    sites: tuple[str, ...]  # sub-area codes of the zcc work locations
    mode: str  # pooled or separate
    staffing: str
    shares: tuple[tuple[str, float], ...] = ()  # (dotted key, value) for keys of SHARES
    admission_247: bool = False  # ELV, GRZ and crisis beds admit around the clock (scenarios/_national/admission_247)

    def share(self, key: str) -> float:
        return dict(self.shares)[key]


def default_variant(region: str) -> Variant:
    """The shipped zcc scenario of a region as a variant (nothing changed yet)."""
    sc = load(shipped(region))
    assert sc.zcc is not None
    data = sc.model_dump()
    return Variant(region, tuple(s.subarea for s in sc.zcc.locations.sites.values()), sc.zcc.locations.mode,
                   sc.zcc.staffing, tuple((k, float(_get(data, k)["value"])) for k in SHARES))


def staffing_options(region: str) -> dict[str, str]:
    """The shipped staffing options of a region's zcc: name -> description."""
    sc = load(shipped(region))
    assert sc.zcc is not None
    return {name: opt.description for name, opt in sc.zcc.staffing_options.items()}


def admission_file() -> Path:
    return paths.national_dir() / ADMISSION_247


def overlay(variant: Variant, extends: str | list[str]) -> dict[str, Any]:
    """The overlay mapping: only what differs from the shipped zcc scenario, every number with its provenance.

    ``extends`` is the shipped zcc scenario and, with ``admission_247``, the shipped admission
    variant after it (its figures keep their own estimates).
    """
    from sim.derive.region_inputs import slug

    shipped_variant = default_variant(variant.region)
    areas = {a.code: a for a in subareas_of(variant.region)}
    body: dict[str, Any] = {}
    if variant.sites != shipped_variant.sites:
        unknown = [c for c in variant.sites if c not in areas]
        if unknown:
            raise ScenarioError(f"app: key zcc.locations.sites: '{unknown[0]}' is not a municipality of "
                                f"region {variant.region}")
        if not variant.sites:
            raise ScenarioError("app: key zcc.locations.sites: choose at least one work location")
        _put(body, "zcc.locations.sites", {f"zcc_{slug(areas[c].name)}": {"subarea": c} for c in variant.sites})
    if variant.mode != shipped_variant.mode:
        _put(body, "zcc.locations.mode", variant.mode)
    if variant.staffing != shipped_variant.staffing:
        _put(body, "zcc.staffing", variant.staffing)
    for key, value in variant.shares:
        if not math.isclose(value, shipped_variant.share(key), abs_tol=1e-12):
            _put(body, key, {"value": float(value), "estimate": APP_ESTIMATE})
    digest = hashlib.sha256(json.dumps({**body, "admission_247": variant.admission_247},
                                       sort_keys=True).encode()).hexdigest()[:8]
    return {"extends": extends, "name": f"{variant.region}_zcc_app_{digest}", **body}


def _dump(data: dict[str, Any], header: str) -> str:
    class Flow(yaml.SafeDumper):
        pass

    def seq(dumper: yaml.SafeDumper, value: list) -> yaml.Node:
        flow = all(not isinstance(x, dict | list) for x in value)
        return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)

    Flow.add_representer(list, seq)
    return header + yaml.dump(data, Dumper=Flow, sort_keys=False, allow_unicode=True, width=120)


def variant_yaml(variant: Variant, n: int, days: float, seed: int) -> tuple[str, str]:
    """The overlay as a file for the command line: (file name, text); it goes into scenarios/<region>/."""
    body = overlay(variant, ["zcc.yaml", f"../{paths.NATIONAL}/{ADMISSION_247}"] if variant.admission_247
                   else "zcc.yaml")
    name = body["name"]
    header = (f"# A scenario-III variant made in `acutesim app`; every changed number says '{APP_ESTIMATE}'.\n"
              f"# Save as scenarios/{variant.region}/{name}.yaml and rerun the comparison from the command line:\n"
              f"#   acutesim compare {variant.region}/status_quo {variant.region}/{name} -n {n} --days {days:g} "
              f"--seed {seed}\n")
    return f"{name}.yaml", _dump(body, header)


def app_dir() -> Path:
    """Where the app writes variants and results: the project's ``results/app/`` (or ``$ACUTESIM_APP_DIR``)."""
    return paths.app_results_dir()


def write_variant(variant: Variant) -> Path:
    """Write the overlay next to the app's results (``extends:`` the shipped file by a relative path)."""
    folder = app_dir() / "variants" / variant.region
    folder.mkdir(parents=True, exist_ok=True)
    target = shipped(variant.region).resolve()
    inside = folder.resolve().is_relative_to(paths.root().resolve())
    # Relative inside the project (the folder moves with the checkout), else absolute.
    def ref(target: Path) -> str:
        return os.path.relpath(target, folder.resolve()) if inside else str(target)

    body = overlay(variant, [ref(target), ref(admission_file().resolve())] if variant.admission_247 else ref(target))
    path = folder / f"{body['name']}.yaml"
    text = _dump(body, f"# A scenario-III variant made in `acutesim app` (every changed number: '{APP_ESTIMATE}').\n")
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


@dataclass(frozen=True)
class Change:
    """A value the app changed, as the parameter tables show it."""

    key: str
    value: str
    unit: str
    provenance: str


def changes(overlay_path: Path) -> list[Change]:
    """Every figure the overlay sets (with its provenance, as ``acutesim params`` lists it), plus locations and mode."""
    from sim.report.parameters import figures

    body = yaml.safe_load(overlay_path.read_text(encoding="utf-8")) or {}
    out = [Change(f.key, f.value, f.unit, f"{f.kind}: {f.provenance}") for f in figures(overlay_path)
           if Path(f.file).name in (overlay_path.name, ADMISSION_247)]
    zcc = body.get("zcc", {})
    if "sites" in zcc.get("locations", {}):
        out.append(Change("zcc.locations.sites", ", ".join(zcc["locations"]["sites"]), "work locations",
                          f"setting: {APP_ESTIMATE}"))
    for key in ("mode",):
        if key in zcc.get("locations", {}):
            out.append(Change(f"zcc.locations.{key}", str(zcc["locations"][key]), "", f"setting: {APP_ESTIMATE}"))
    if "staffing" in zcc:
        out.append(Change("zcc.staffing", str(zcc["staffing"]), "staffing option", f"setting: {APP_ESTIMATE}"))
    return out


# ----------------------------------------------------------------------------- running


def run_overrides(n: int, days: float, seed: int | None) -> dict[str, Any]:
    run: dict[str, Any] = {"replications": n, "days": days}
    if seed is not None:
        run["seed"] = seed
    return {"run": run}


@dataclass(frozen=True)
class Plan:
    """A comparison ready to run: both scenarios (with the run settings applied) and its folder."""

    base: Scenario
    alt: Scenario
    replications: int
    folder: Path
    inputs: dict[str, Any]

    @property
    def done(self) -> bool:
        """Run before with the same resolved scenarios, seed, replications and days."""
        made = manifest.read(self.folder)
        return (self.folder / "comparison.csv").exists() and made is not None and \
            made.get("inputs") == self.inputs


def run_key(base: Scenario, alt: Scenario, n: int) -> str:
    """The results folder's name: a hash of both resolved scenarios (which hold seed and days) and n."""
    text = json.dumps({"base": manifest.scenario_hash(base), "alt": manifest.scenario_hash(alt), "n": n,
                       "seed": base.run.seed, "days": base.run.days}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def plan_comparison(variant_path: Path, region: str, n: int, days: float, seed: int | None = None) -> Plan:
    """Load and check both scenarios as ``acutesim compare`` does; raises ScenarioError (one line)."""
    overrides = run_overrides(n, days, seed)
    base = load(shipped(region, "status_quo"), overrides)
    alt = load(variant_path, overrides)
    if base.run.seed != alt.run.seed:
        raise ScenarioError(f"{variant_path}: key run.seed: the two scenarios have different seeds")
    inputs = {"base": manifest.scenario_hash(base), "alt": manifest.scenario_hash(alt), "replications": n}
    return Plan(base, alt, n, app_dir() / "runs" / run_key(base, alt, n), inputs)


def workers() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


def estimate_seconds(scenario: Scenario, n: int, days: float, scenarios: int = 2, cores: int | None = None) -> float:
    """Rough wall-clock time of ``scenarios`` x ``n`` replications of ``days`` (plus warm-up) on ``cores``."""
    millions = sum(a.population for a in subareas_of(scenario.region)) / 1e6
    cpu = SECONDS_PER_DAY_PER_MILLION * millions * (days + scenario.run.warmup_days) * scenarios * n
    return START_SECONDS + cpu / max(1, min(cores or workers(), scenarios * n))


@dataclass
class Job:
    """A long task in a background thread; the page polls ``done``/``total``/``error``/``finished``."""

    name: str
    total: int
    done: int = 0
    messages: list[str] = field(default_factory=list)
    error: str | None = None
    finished: bool = False
    started: float = field(default_factory=time.monotonic)
    result: Any = None
    thread: threading.Thread | None = None

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def status(self) -> str:
        """One line: how far, how long so far and to go (the command line's progress line)."""
        if self.error:
            return self.error
        if self.finished:
            return f"{self.name}: done in {self.elapsed:.0f} s"
        to_go = f", about {self.elapsed / self.done * (self.total - self.done):.0f} s to go" if self.done else ""
        last = f" - {self.messages[-1]}" if self.messages else ""
        return f"{self.name}: {self.done}/{self.total} done ({self.elapsed:.0f} s{to_go}){last}"


_JOBS: dict[str, Job] = {}


def job(key: str) -> Job | None:
    with _LOCK:
        return _JOBS.get(key)


def start(key: str, name: str, total: int, work: Callable[[Job], Any]) -> Job:
    """Start ``work(job)`` in a background thread unless the same key is already running or finished well."""
    with _LOCK:
        found = _JOBS.get(key)
        if found is not None and (not found.finished or found.error is None):
            return found
        new = Job(name, total)

        def body() -> None:
            try:
                new.result = work(new)
            except BaseException as exc:  # shown on the page as one line, like the command line
                new.error = one_line(exc)
                new.messages.append(traceback.format_exc(limit=1).splitlines()[-1])
            finally:
                new.finished = True

        new.thread = threading.Thread(target=body, name=f"acutesim-app-{key}", daemon=True)
        _JOBS[key] = new
        new.thread.start()
        return new


def run(plan: Plan, job_: Job | None = None) -> Path:
    """Run (or continue, or reuse) the comparison in its folder, as ``acutesim compare --out FOLDER`` does."""
    from sim.run.runner import run_comparison

    if plan.done:
        if job_ is not None:
            job_.done = job_.total
        return plan.folder
    manifest.claim(plan.folder, manifest.manifest("compare", plan.inputs), overwrite=False)

    def progress(done: int, total: int) -> None:
        if job_ is not None:
            job_.done, job_.total = done, total

    run_comparison(plan.base, plan.alt, plan.folder, plan.replications, progress, workers=workers())
    return plan.folder


def start_comparison(plan: Plan) -> Job:
    return start(plan.folder.name, "replication pairs", plan.replications, lambda j: run(plan, j))


# ----------------------------------------------------------------------------- results


def read_differences(folder: Path) -> list[Difference]:
    """``comparison.csv`` back as the compare command's differences."""
    import csv

    with (folder / "comparison.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    n = manifest.read(folder) or {}
    reps = int(n.get("inputs", {}).get("replications", 0))
    nan = "nan"  # folders written before comparison.csv carried the alternative's own interval
    return [Difference(r["kpi"], float(r["base_mean"]), float(r["alt_mean"]), float(r["diff_mean"]),
                       float(r["diff_ci_low"]), float(r["diff_ci_high"]), float(r["rel_change"]), reps,
                       float(r.get("alt_ci_low") or nan), float(r.get("alt_ci_high") or nan))
            for r in rows]


def ambulance_kpis(names: list[str]) -> list[str]:
    """Ambulance performance: deployments, response norms and times, utilisation, avoided rides."""
    return [k for k in names if k.startswith(("ambulance_", "a1_", "a2_", "b_")) and "by_hour" not in k
            and "_response_part_" not in k]


def cost_kpis(names: list[str]) -> list[str]:
    return [k for k in names if "cost" in k or "budget" in k or k.endswith("_fte")]


def desk_kpis(names: list[str]) -> list[str]:
    """Answer times and shares of every desk (HAP, 112, zcc), the distribution's buckets excluded."""
    return [k for k in names if k.startswith(("hap_answer", "dispatch_answer", "zcc_answer", "hap_abandoned",
                                              "zcc_abandoned")) and "_answer_within." not in k]


def table_rows(diffs: list[Difference], names: list[str]) -> list[dict[str, Any]]:
    """Rows of a results table as the compare command prints them (formatted numbers and the unit)."""
    from sim.measure.format import fmt, signed, units
    from sim.report.tables import with_norms

    by = {d.kpi: d for d in diffs}
    out = []

    def cell(text: str) -> str:  # a lone "-" would be drawn as a Markdown bullet
        return "n/a" if text == "-" else text

    for name in with_norms(names, by):
        d = by.get(name)
        if d is None:
            continue
        if not math.isnan(d.diff_ci_low):
            ci = f"{signed(d.diff_ci_low)} to {signed(d.diff_ci_high)}"
        elif math.isnan(d.base_mean) and not math.isnan(d.alt_ci_low):  # a KPI of the variant only (the zcc's)
            ci = f"variant {fmt(d.alt_ci_low)} to {fmt(d.alt_ci_high)}"
        else:
            ci = "-"
        out.append({"KPI": name, "status quo": cell(fmt(d.base_mean)), "variant": cell(fmt(d.alt_mean)),
                    "variant - status quo": cell(signed(d.diff_mean)), "95% interval": cell(ci),
                    "change": "n/a" if math.isnan(d.rel_change) else f"{d.rel_change:+.1%}", "unit": units(name)})
    return out


def seh_difference(diffs: list[Difference]) -> str:
    """The SEH arrivals difference as the page shows it (and the browser test reads it back)."""
    from sim.measure.format import signed

    d = next(x for x in diffs if x.kpi == "seh_arrivals_per_day")
    return signed(d.diff_mean)


def report_and_figures(folder: Path) -> list[Any]:
    """Write the folder's HTML report (as ``acutesim report``) and return its figures, drawn once.

    The figures (:class:`sim.report.plots.Figure`: SEH arrivals by hour, answer times, flows,
    occupancy, with 95% bands) are the report's own PNG files in ``figures/``.
    """
    from sim.report.html import render
    from sim.report.plots import plot_all
    from sim.run.results import load_results

    res = load_results(folder)
    figs = plot_all(res, folder / "figures")
    out = folder / "report.html"
    tmp = folder / "report.html.tmp"
    tmp.write_text(render(res, figs, str(folder)), encoding="utf-8")
    os.replace(tmp, out)
    return figs


def downloads(folder: Path) -> dict[str, Path]:
    """The files a planner can take away: the report, the CSVs."""
    return {name: folder / name for name in ("report.html", "comparison.csv", "replications.csv", "levels.csv")
            if (folder / name).exists()}


# ----------------------------------------------------------------------------- the location planner


def locations_key(scenario: Scenario, max_k: int, n: int, days: float) -> str:
    text = json.dumps({"scenario": manifest.scenario_hash(scenario), "max": max_k, "n": n, "days": days},
                      sort_keys=True)
    return "locations-" + hashlib.sha256(text.encode()).hexdigest()[:16]


def locations_plan(variant_path: Path, max_k: int, n: int, days: float) -> tuple[str, Path]:
    """The job key and folder of ``acutesim locations`` on the variant; raises ScenarioError (one line)."""
    scenario = load(variant_path)
    if scenario.zcc is None:
        raise ScenarioError(f"{variant_path}: key zcc.service_level: location planning needs a zcc scenario with a "
                            f"service level (share, minimum_staff)")
    if not 1 <= max_k <= 8:
        raise ScenarioError("app: key locations.max: expected a number of locations from 1 to 8")
    key = locations_key(scenario, max_k, n, days)
    return key, app_dir() / "locations" / key


def locations_done(out: Path) -> bool:
    return (out / "locations.csv").exists() and (out / "tradeoff.png").exists()


def start_locations(variant_path: Path, max_k: int, n: int, days: float) -> tuple[Job, Path]:
    """``acutesim locations`` in the background: its table, CSV and trade-off plot in the app's folder."""
    from sim.plan.locations import plan, plot, write_csv
    from sim.plan.staffing import with_run

    key, out = locations_plan(variant_path, max_k, n, days)
    scenario = load(variant_path)
    stages = max_k  # the pooled roster once, then separate for k = 2..max_k (sim.plan.locations.plan)

    def work(j: Job) -> Path:
        if locations_done(out):
            j.done = j.total
            return out
        out.mkdir(parents=True, exist_ok=True)
        seen: list[str] = []

        def progress(message: str) -> None:
            stage = message.split(":", 1)[0]
            if stage not in seen:
                seen.append(stage)
            j.done = len(seen) - 1
            j.messages.append(message)

        rows = plan(with_run(scenario, days=days), max_k, n, workers(), variant_path, progress=progress)
        write_csv(rows, out / "locations.csv")
        plot(rows, out, f"{scenario.name}: staff against commute per zcc layout")
        j.done = j.total
        return out

    return start(key, "roster searches", stages, work), out


def read_locations(folder: Path) -> list[dict[str, str]]:
    from sim.report.plots import read_locations as read

    return read(folder / "locations.csv")
