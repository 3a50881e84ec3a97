"""Parameter tables generated from the YAML files: every figure with its unit, provenance and file.

A *figure* is a mapping that carries ``source:`` or ``estimate:`` (the project's rule: every
number states where it comes from). For a scenario the table covers the fully resolved scenario
(after ``extends:``), and each figure names the most specific file that set it: the file of the
last ``extends`` step that touched any of its keys, as the loader (:mod:`sim.config.loader`) records
it. Figures are found by the one walker of :mod:`sim.config.provenance`.

Files that are not scenarios (the national input tables ``capacity_figures.yaml``,
``zcc_figures.yaml``, ``profile_shapes.yaml``) are documented as they are, without schema.

Units come from the schema class of each figure and, for plain numbers, from the key name, by
the ordered rules in ``sim/data/units.yaml`` (data, not code).
"""

from __future__ import annotations

import csv
import fnmatch
import io
import os
import types
import typing
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from sim import paths
from sim.config.constants import HOURS_PER_DAY, HOURS_PER_WEEK
from sim.config.loader import Resolved, load_scenario, resolve
from sim.config.provenance import provenance_of, walk
from sim.config.schema import Scenario

UNITS_FILE = paths.DATA_DIR / "units.yaml"
COLUMNS = ("key", "value", "unit", "kind", "provenance", "file")

Path_ = tuple[str, ...]


@dataclass(frozen=True)
class Figure:
    """One documented input figure."""

    key: str
    value: str
    unit: str
    kind: str  # "source" or "estimate"
    provenance: str
    file: str

    def row(self) -> tuple[str, ...]:
        return (self.key, self.value, self.unit, self.kind, self.provenance, self.file)


# ------------------------------------------------------------------------------ units
@lru_cache(maxsize=1)
def _unit_rules() -> list[dict[str, str]]:
    return yaml.safe_load(UNITS_FILE.read_text(encoding="utf-8"))["rules"]


def _unwrap(ann: Any) -> tuple[str, Any]:
    """Classify an annotation: ('model', cls), ('dict'|'list', item annotation) or ('leaf', ann)."""
    origin = typing.get_origin(ann)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(ann) if a is not type(None)]
        return _unwrap(args[0]) if args else ("leaf", ann)
    if origin is dict:
        return "dict", typing.get_args(ann)[1]
    if origin is list:
        return "list", typing.get_args(ann)[0]
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return "model", ann
    return "leaf", ann


def schema_type(path: Path_) -> str | None:
    """Name of the schema class at ``path`` of a scenario (e.g. 'Dist'), or None."""
    ann: Any = Scenario
    for part in path:
        kind, inner = _unwrap(ann)
        if kind == "model":
            if part not in inner.model_fields:
                return None
            ann = inner.model_fields[part].annotation
        elif kind in ("dict", "list"):
            ann = inner
        else:
            return None
    kind, inner = _unwrap(ann)
    return inner.__name__ if kind == "model" else None


def unit_of(key: str, type_name: str | None) -> str:
    """The unit of a figure by the rules of ``sim/data/units.yaml``; '' when none matches."""
    for rule in _unit_rules():
        if "type" in rule and rule["type"] != type_name:
            continue
        if "key" in rule and not fnmatch.fnmatchcase(key, rule["key"]):
            continue
        return rule["unit"]
    return ""


# --------------------------------------------------------------------------- summaries
def _num(x: Any) -> str:
    if isinstance(x, bool):
        return str(x).lower()
    if isinstance(x, int):
        return str(x)
    if isinstance(x, float):
        return f"{x:.6g}"
    return str(x)


def _is_numbers(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in v)


def summarise_list(values: list[Any]) -> str:
    """A list compactly: 168-value hour-of-week series as min/mean/max and sum."""
    if _is_numbers(values) and len(values) in (HOURS_PER_WEEK, HOURS_PER_DAY):
        span = "hour-of-week" if len(values) == HOURS_PER_WEEK else "hour-of-day"
        mean = sum(values) / len(values)
        return (f"{len(values)} {span} values: min {_num(min(values))}, mean {mean:.3g}, "
                f"max {_num(max(values))}; sum {_num(round(sum(values), 6))}")
    if len(values) <= 8:
        return "[" + ", ".join(_any(v) for v in values) + "]"
    if _is_numbers(values):
        return f"{len(values)} values: min {_num(min(values))}, max {_num(max(values))}"
    return f"{len(values)} entries"


def _any(v: Any) -> str:
    if isinstance(v, list):
        return summarise_list(v)
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {_any(x)}" for k, x in v.items()) + "}"
    return _num(v)


def summarise(items: dict[str, Any]) -> str:
    """The value part of a figure (everything but its provenance), in one short line."""
    if "dist" in items:
        d = items["dist"]
        if d == "fixed":
            return f"fixed {_num(items.get('mean'))}"
        cv = f", cv {_num(items['cv'])}" if items.get("cv") is not None else ""
        return f"{d}, mean {_num(items.get('mean'))}{cv}"
    if set(items) == {"value"}:
        return _num(items["value"])
    if set(items) == {"values"}:
        return summarise_list(items["values"])
    if set(items) == {"shares"} and isinstance(items["shares"], dict):
        return ", ".join(f"{k} {_num(v)}" for k, v in items["shares"].items())
    return "; ".join(f"{k}: {_any(v)}" for k, v in items.items())


# ----------------------------------------------------------------------------- figures
def _relative(path: Path, base: Path) -> str:
    try:
        return Path(os.path.relpath(path, base)).as_posix()
    except ValueError:  # another drive (Windows)
        return path.as_posix()


def figures_of(res: Resolved, file: Path, base: Path, typed: bool) -> list[Figure]:
    """The figures of a resolved file; ``typed`` looks units up by schema class."""
    out = []
    for key, items, prov in walk(res.data):
        path = tuple(str(p) for p in key)
        name = ".".join(path)
        type_name = schema_type(path) if typed else ("Dist" if "dist" in items else None)
        kind, text = provenance_of(prov)
        out.append(Figure(name, summarise(items), unit_of(name, type_name), kind, text,
                          _relative(res.origin(path) or file, base)))
    return out


def figures(path: str | Path, base: str | Path | None = None) -> list[Figure]:
    """All figures of a scenario (validated first: bad input raises ScenarioError) or input table."""
    path = Path(path)
    base = Path(base) if base is not None else paths.root()
    res = resolve(path)
    if "setting" in res.data:  # a scenario; anything else is an input table
        scenario = load_scenario(path)  # one-line errors for a broken scenario, before documenting it
        computed = computed_rosters(scenario, res, path, base)
        replaced = {f.key for f in computed}
        return [f for f in figures_of(res, path, base, typed=True) if f.key not in replaced] + computed
    return figures_of(res, path, base, typed=False)


def computed_rosters(scenario: Any, res: Resolved, file: Path, base: Path) -> list[Figure]:
    """Desk rosters the loader computed, with the file of what they were computed from.

    From head counts (sim/config/rosters.py) in every scenario; in scenario III every
    desk's roster follows the work (sim/config/zcc_rosters.py): the ELV point's replaces
    the status quo's and the zcc's staff groups get derived rosters (and their pay rows).
    """
    raw = res.data.get("resources", {})
    rows: list[tuple[Path_, Any, Path_]] = []
    zcc_setting = scenario.setting == "zcc" and scenario.zcc is not None
    for name, site in scenario.resources.haps.items():
        if "triage_roster" not in raw.get("haps", {}).get(name, {}):
            rows.append((("resources", "haps", name, "triage_roster"), site.triage,
                         ("resources", "haps", name, "triagists")))
    if "roster" not in raw.get("meldkamer", {}):
        rows.append((("resources", "meldkamer", "roster"), scenario.resources.meldkamer.desk,
                     ("resources", "meldkamer", "centralists_weekday_day")))
    out = []
    if zcc_setting:
        z = scenario.zcc
        rows.append((("resources", "elv_point_roster"), scenario.resources.elv_point_roster,
                     ("zcc", "flows", "provider_line_hours")))
        if z.option.rule is not None:
            for g, spec in z.groups.items():
                rows.append((("zcc", "staffing_options", z.staffing, "groups", g, "roster"), spec.rostered,
                             ("zcc", "staff_groups", g)))
                for field in ("hourly_cost", "keep_free"):
                    figure = getattr(spec, field)
                    if figure is None:
                        continue
                    key = ("zcc", "staffing_options", z.staffing, "groups", g, field)
                    kind, text = provenance_of(figure.model_dump())
                    out.append(Figure(".".join(key), summarise({"value": figure.value}),
                                      unit_of(".".join(key), type(figure).__name__), kind, text,
                                      _relative(res.origin(("zcc", "staff_groups", g)) or file, base)))
    for path, roster, from_key in rows:
        name = ".".join(path)
        out.append(Figure(name, summarise({"values": roster.values}), unit_of(name, "Roster"), "estimate",
                          roster.estimate or "", _relative(res.origin(from_key) or file, base)))
    return out


# ------------------------------------------------------------------------------ output
def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def to_markdown(figs: list[Figure]) -> str:
    lines = ["| key | value | unit | kind | source / estimate | file |", "| --- | --- | --- | --- | --- | --- |"]
    for f in figs:
        lines.append("| " + " | ".join([f"`{f.key}`"] + [_cell(x) for x in f.row()[1:]]) + " |")
    return "\n".join(lines) + "\n"


def to_csv(figs: list[Figure]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(f.row() for f in figs)
    return buf.getvalue()


# -------------------------------------------------------------------- docs/parameters.md
NATIONAL_TABLES = ("capacity_figures.yaml", "zcc_figures.yaml", "profile_shapes.yaml")
DEFAULT_REGION = "noord"

_INTRO = """\
# Input parameters

<!-- Generated by `acutesim docs` (or `acutesim params --all`) from the YAML files; do not edit by hand. -->

Every figure of the model's inputs, generated from the YAML files by `sim/report/parameters.py`. A *figure* is
a YAML mapping that carries `source:` (a published document) or `estimate:` (the reasoning); every
number the model uses is one (the schema refuses a figure without provenance). Columns: the dotted
key; the value (168-value hour-of-week rosters and profiles as min / mean / max and their sum — for
a roster the sum is staff hours per week; distributions as kind, mean and coefficient of variation);
the unit (from the schema class and the key name, by the rules in `sim/data/units.yaml`); whether
the figure is a `source` or an `estimate`, and its text; the most specific file that set it, through
`extends:`. Durations are in minutes.

One table per scenario: `acutesim params SCENARIO [--format md|csv]` prints it for any scenario or
input file. The national defaults (`scenarios/_national/status_quo.yaml`, `zcc.yaml`,
`profiles.yaml`) appear in the tables of the default region `{region}`, with their file named;
the region's capacities (`region.yaml`, `zcc_region.yaml`) are derived estimates (see `acutesim
derive-regions` and `docs/model.md`, section 3).
"""


def parameters_markdown(root: str | Path, region: str = DEFAULT_REGION) -> str:
    """The text of ``docs/parameters.md``: national input tables and the default region."""
    root = Path(root).resolve()
    parts = [_INTRO.format(region=region)]
    parts.append("## National input tables\n\nNot scenarios: the figures from which `acutesim derive-regions` "
                 "builds every region's capacities, rosters, profiles and zcc staffing options.\n")
    for name in NATIONAL_TABLES:
        table = paths.national_dir(paths.scenarios_dir(root)) / name
        figs = figures(table, root)
        parts.append(f"### `{_relative(table, root)}` ({len(figs)} figures)\n\n{to_markdown(figs)}")
    sq_path, zcc_path = (paths.region_scenario(region, name, root) for name in ("status_quo", "zcc"))
    sq = figures(sq_path, root)
    parts.append(f"## Status quo, region {region}: `{_relative(sq_path, root)}` ({len(sq)} figures)\n\n"
                 f"The resolved scenario: national defaults, hour-of-week profiles and the region's "
                 f"derived capacities.\n\n{to_markdown(sq)}")
    zcc = figures(zcc_path, root)
    known = {f.key: f for f in sq}
    changed = [f for f in zcc if known.get(f.key) != f]
    parts.append(f"## Scenario III, region {region}: `{_relative(zcc_path, root)}` ({len(changed)} of "
                 f"{len(zcc)} figures)\n\nThe figures that scenario III adds or changes; the other "
                 f"{len(zcc) - len(changed)} are those of the status quo above.\n\n{to_markdown(changed)}")
    return "\n".join(parts)
