"""Generated parts of the documentation: ``docs/parameters.md`` and the marked sections of ``docs/model.md``.

``docs/model.md`` is hand-written prose (the STRESS-DES model description) with sections that
must follow the code, between ``<!-- generated:NAME -->`` and ``<!-- /generated:NAME -->``
markers. This module rebuilds those sections from the code and the default region's scenarios,
so the description cannot drift from the model unnoticed (a test compares them):

- ``kpis``: every KPI name with its unit (one short replication of the status quo and of
  scenario III, completed with the outcome, stream and alternative names of the schema);
- ``streams``: the demand streams (entities) with their pathway entry and the region's volume;
- ``resources``: the capacity pools of the region, status quo and scenario III;
- ``random_streams``: the named random streams the model draws from (recorded while it is built);
- ``software``: the dependencies declared in ``pyproject.toml``;
- ``cli``: the commands of ``acutesim`` (from the argparse parser).
"""

from __future__ import annotations

import argparse
import re
import tomllib
from pathlib import Path

import numpy as np

from sim import paths
from sim.config.constants import BED_POOL_TITLES, DAYS_PER_COMMON_YEAR
from sim.report import parameters as params

REGION = params.DEFAULT_REGION
_MARKER = re.compile(r"(<!-- generated:(?P<name>[a-z_]+) -->\n)(?P<body>.*?)(<!-- /generated:(?P=name) -->)", re.S)


def _scenario(root: Path, name: str, days: float | None = None):
    from sim.config.loader import load_scenario

    sc = load_scenario(paths.region_scenario(REGION, name, root))
    if days is not None:
        sc = sc.model_copy(update={"run": sc.run.model_copy(update={"days": days, "warmup_days": 1.0})})
    return sc


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------- KPIs
def kpi_names(root: Path) -> tuple[list[str], set[str]]:
    """All KPI names of the status quo and scenario III, and those only scenario III has."""
    from sim.chain.patient import OUTCOMES
    from sim.config.schema import ALTERNATIVES, Streams
    from sim.run.runner import run_replication

    sq = run_replication(_scenario(root, "status_quo", days=2.0), 0)
    zcc = run_replication(_scenario(root, "zcc", days=2.0), 0)
    names = set(sq) | set(zcc)
    # Breakdowns that exist only when the event happened in the short run, completed from the schema.
    names |= {f"outcomes_per_day.{o}" for o in OUTCOMES}
    names |= {f"arrivals_per_day.{s}" for s in Streams.model_fields}
    names |= {f"substitutions_per_day.{a}" for a in ALTERNATIVES}
    zcc_only = {n for n in names if n not in sq and not n.startswith(("outcomes_per_day.", "arrivals_per_day."))}
    return sorted(names), zcc_only


def kpis_section(root: Path) -> str:
    from sim.measure.format import units

    names, zcc_only = kpi_names(root)
    groups: dict[str, list[str]] = {}
    for n in names:
        head, _, tail = n.partition(".")
        groups.setdefault(head, [])
        if tail:
            groups[head].append(tail)
    rows = []
    for head in sorted(groups):
        tails = groups[head]
        member = head if head in names else f"{head}.{tails[0]}"
        if head.startswith("zcc_staff_share"):
            parts = "`.<location>` (one per zcc work location)"
        elif tails and all(re.fullmatch(r"h\d\d", t) for t in tails):
            parts = f"`.{tails[0]}` … `.{tails[-1]}`"
        else:
            parts = ", ".join(f"`.{t}`" for t in tails)
        only = "scenario III" if member in zcc_only else "both"
        label = f"`{head}`" if head in names else f"`{head}.*`"
        rows.append([label, units(member) or "count", parts or "-", only])
    return (f"{len(names)} KPI names ({len(groups)} without their breakdowns), from one short replication "
            f"of `{REGION}` status quo and scenario III; units from `sim.measure.format.units` "
            f"(count: a plain number). "
            f"A KPI with breakdowns also exists as the total unless it is shown as `name.*`.\n\n"
            + _table(["KPI", "unit", "breakdowns", "scenarios"], rows))


# ---------------------------------------------------------------------------- streams
def streams_section(root: Path) -> str:
    from sim.chain.coordination.status_quo import StatusQuo
    from sim.geo.regions import subareas_of

    sc = _scenario(root, "status_quo")
    population = sum(a.population for a in subareas_of(sc.region))
    rows = []
    for name, st in sc.streams:
        rate = st.rate_per_1000_per_year.value
        growth = st.growth.value if st.growth else 1.0
        per_day = rate * population / 1000.0 / DAYS_PER_COMMON_YEAR * growth
        entry = getattr(StatusQuo, name)
        mixes = " / ".join(x for x in ("urgency" if st.urgency_mix else "", "need" if st.need_mix else "") if x)
        rows.append([f"`{name}`", f"`{entry.__qualname__}`", f"{rate:g}",
                     f"{per_day:,.1f}", f"`{st.profile}`", mixes or "-"])
    return (f"Region `{sc.region}`: {len(type(sc.streams).model_fields)} streams, population {population:,} "
            f"(`sim/data/municipalities.csv`).\n\n"
            + _table(["stream", "entry (status quo)", "per 1,000 per year", f"{sc.region} arrivals per day",
                      "profile", "mixes drawn at arrival"], rows))


# -------------------------------------------------------------------------- resources
def _hours(values: list[int]) -> int:
    return int(sum(values))


def resources_section(root: Path) -> str:
    sq = _scenario(root, "status_quo")
    zc = _scenario(root, "zcc")
    rows = []

    def both(label: str, a: str, b: str, how: str) -> None:
        rows.append([label, a, b, how])

    r0, r1 = sq.resources, zc.resources
    both("HAP posts", str(len(r0.haps)), str(len(r1.haps)), "nearest post per municipality")
    for what, attr in (("HAP triage desk", "triage_roster"), ("HAP GPs at the post", "gp_roster"),
                       ("HAP visiting cars", "car_roster")):
        h0 = sum(_hours(getattr(h, attr).values) for h in r0.haps.values())
        h1 = sum(_hours(getattr(h, attr).values) for h in r1.haps.values())
        both(what, f"{h0:,} h/week", f"{h1:,} h/week", "roster per hour of week, priority by urgency")
    both("112 meldkamer (dispatch desk)", f"{_hours(r0.meldkamer.desk.values):,} h/week",
         f"{_hours(r1.meldkamer.desk.values):,} h/week", "one desk per region")
    both("ELV coordination point", f"{_hours(r0.elv_point_roster.values):,} h/week",
         f"{_hours(r1.elv_point_roster.values):,} h/week", "status-quo bed requests")
    both("SEHs / treatment places", f"{len(r0.sehs)} / {sum(s.places.value for s in r0.sehs.values())}",
         f"{len(r1.sehs)} / {sum(s.places.value for s in r1.sehs.values())}", "nearest SEH, priority by urgency")
    v0 = sum(p.vehicles.value for p in r0.ambulance.posts.values())
    v1 = sum(p.vehicles.value for p in r1.ambulance.posts.values())
    both("ambulance posts / vehicles", f"{len(r0.ambulance.posts)} / {v0}", f"{len(r1.ambulance.posts)} / {v1}",
         "nearest idle vehicle")
    both("ambulances on duty (mean over the week)", f"{np.mean(r0.ambulance.on_duty.values):.1f}",
         f"{np.mean(r1.ambulance.on_duty.values):.1f}", "on-duty roster caps vehicles in use")
    for kind, title in BED_POOL_TITLES.items():
        both(title, str(r0.beds[kind].value), str(r1.beds[kind].value), "bed pool")
    both("acute district nursing", f"{_hours(r0.district_nursing_roster.values):,} h/week",
         f"{_hours(r1.district_nursing_roster.values):,} h/week", "mobile team")
    both("crisis GGZ teams", f"{_hours(r0.ggz_crisis_roster.values):,} h/week",
         f"{_hours(r1.ggz_crisis_roster.values):,} h/week", "mobile team")
    z = zc.zcc
    for gname, g in z.groups.items():
        both(f"zcc staff group `{gname}` ({', '.join(g.skills)})", "-", f"{_hours(g.rostered.values):,} h/week",
             f"skill-based desk, EUR {g.hourly_cost.value:g}/h")
    both("zcc work locations", "-", f"{len(z.locations.sites)} ({z.locations.mode})",
         ", ".join(f"`{s}`" for s in z.locations.sites))
    return (f"Region `{REGION}`, `status_quo.yaml` and `zcc.yaml` (staffing option `{z.staffing}`); "
            f"h/week = staff (or vehicle) hours per week of the roster.\n\n"
            + _table(["resource", "status quo", "scenario III", "how it is used"], rows))


# ----------------------------------------------------------------------- random streams
def stream_names(root: Path, scenario: str) -> list[str]:
    """The random streams a model of ``scenario`` (region REGION) draws from."""
    from sim.chain.demand import generate_all
    from sim.chain.model import Model

    sc = _scenario(root, scenario, days=1.0)
    m = Model(sc, 0)
    generate_all(sc, m.populations, m.cal, m.streams)
    return list(dict.fromkeys(m.streams.names))


def random_streams_section(root: Path) -> str:
    sq = stream_names(root, "status_quo")
    zc = stream_names(root, "zcc_spreading")
    groups: dict[str, list[str]] = {}
    for n in sorted(set(sq) | set(zc)):
        head = n.split(".")[0]
        groups.setdefault(head, []).append(f"`{n}`" + ("" if n in sq else " (III)"))
    rows = [[f"`{h}`", str(len(v)), ", ".join(v)] for h, v in groups.items()]
    return (f"{len(set(sq) | set(zc))} named streams ({len(sq)} in the status quo; (III) = scenario III only, "
            f"recorded while building `{REGION}` status quo and `zcc_spreading`). Each is a PCG64 generator "
            f"seeded by `SeedSequence(seed, spawn_key=(replication, hash(name)))`.\n\n"
            + _table(["group", "streams", "names"], rows))


# ---------------------------------------------------------------------------- software
def _requirement(dep: str) -> tuple[str, str]:
    """Split a requirement like 'dask[distributed]>=2024.1' into name and version specifier."""
    m = re.match(r"\s*([A-Za-z0-9_.\-]+(?:\[[^\]]*\])?)\s*(.*)", dep)
    if m is None:
        raise ValueError(f"pyproject.toml: cannot read the requirement {dep!r}")
    return m.group(1), m.group(2).strip() or "any"


def software_section(root: Path) -> str:
    meta = tomllib.loads(paths.pyproject(root).read_text(encoding="utf-8"))["project"]
    rows = [["Python", meta["requires-python"], "language"]]
    rows += [[f"`{n}`", v, "runtime"] for n, v in map(_requirement, meta["dependencies"])]
    extras: dict[str, list[str]] = {}  # package -> [version, uses...], in the order first declared
    for extra, use in (("app", "web app (`acutesim app`)"), ("test", "tests")):
        for n, v in map(_requirement, meta.get("optional-dependencies", {}).get(extra, [])):
            extras.setdefault(n, [v]).append(use)
    rows += [[f"`{n}`", found[0], "; ".join(found[1:])] for n, found in extras.items()]
    return (f"`{meta['name']}` {meta['version']}, declared in `pyproject.toml` (minimum versions):\n\n"
            + _table(["package", "version", "used for"], rows))


# --------------------------------------------------------------------------------- CLI
def _usage(name: str, parser: argparse.ArgumentParser) -> str:
    parts = [f"acutesim {name}"]
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        if not action.option_strings:
            name = action.metavar if isinstance(action.metavar, str) and action.metavar else action.dest
            parts.append(name.upper() if action.nargs != "?" else f"[{name.upper()}]")
            continue
        flag = max(action.option_strings, key=len)
        if action.nargs == 0:
            parts.append(f"[{flag}]")
        else:
            metavar = action.metavar or (("|".join(action.choices)) if action.choices else action.dest.upper())
            parts.append(f"[{flag} {metavar}]")
    return " ".join(parts)


def cli_section(root: Path) -> str:
    from sim.cli.parser import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {a.dest: a.help or "" for a in sub._choices_actions}
    rows = [[f"`{_usage(name, p)}`", helps.get(name, "")] for name, p in sub.choices.items()]
    return ("Every command also runs as `python -m sim ...`, and takes `--root DIR` before the command "
            "(the project folder with `scenarios/`, `calibration/`, `results/` and `docs/`; default: the "
            "checkout that holds the package).\n\n" + _table(["command", "what it does"], rows))


# ------------------------------------------------------------------------------ driver
SECTIONS = {
    "kpis": kpis_section,
    "streams": streams_section,
    "resources": resources_section,
    "random_streams": random_streams_section,
    "software": software_section,
    "cli": cli_section,
}


def fill(text: str, sections: dict[str, str]) -> str:
    """Replace the body of every marked section of ``text`` whose name is in ``sections``."""
    def sub(m: re.Match) -> str:
        name = m.group("name")
        if name not in sections:
            return m.group(0)
        body = sections[name]
        return f"{m.group(1)}{body}{'' if body.endswith(chr(10)) else chr(10)}{m.group(4)}"

    return _MARKER.sub(sub, text)


def marked_sections(text: str) -> list[str]:
    return [m.group("name") for m in _MARKER.finditer(text)]


def expected(root: str | Path) -> dict[Path, str]:
    """What the generated documentation files should contain, by path."""
    root = Path(root).resolve()
    out = {parameters_doc(root): params.parameters_markdown(root)}
    model = paths.docs_dir(root) / "model.md"
    if model.exists():
        text = model.read_text(encoding="utf-8")
        names = marked_sections(text)
        out[model] = fill(text, {n: SECTIONS[n](root) for n in names if n in SECTIONS})
    return out


def parameters_doc(root: Path | None = None) -> Path:
    return paths.docs_dir(root) / "parameters.md"


def write(root: str | Path, check: bool = False) -> list[Path]:
    """Regenerate the docs; return the files that were (with ``check``: that would be) changed."""
    changed = []
    for path, text in expected(root).items():
        old = path.read_text(encoding="utf-8") if path.exists() else None
        if old != text:
            changed.append(path)
            if not check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
    return changed
