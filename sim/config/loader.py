"""Read scenario YAML files: resolve ``extends:``, merge overrides, validate.

A scenario may extend one or more others (``extends: base.yaml`` or a list,
paths relative to the file) and override single values by giving just the
nested keys it changes; a distribution given with its ``dist:`` and provenance
is replaced whole (no ``cv`` of the one before survives). A figure overridden
with a new ``value`` must state its own ``source:`` or ``estimate:`` so
provenance never silently outlives the number it described.

This module is the one place that resolves ``extends:`` and merges: :func:`resolve`
returns the merged mapping with the file that set every leaf (used for error
messages and by the parameter tables of :mod:`sim.report.parameters`).

Every problem is raised as :class:`ScenarioError` whose message is one line
naming the file (the one that set the offending key), the key and what is expected.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import re
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from sim.config.constants import HOURS_PER_WEEK
from sim.config.provenance import PROVENANCE_KEYS
from sim.config.schema import Scenario
from sim.geo.regions import known_regions

# Replaced whole by an override, never merged: a mix is one distribution, a set of
# zcc work locations is one layout (and so is a distribution given anew, see _new_dist).
REPLACED_WHOLE = ("shares", "sites")
VALUE_KEYS = ("value", "values", "shares", "mean", "dist", "cv")


# libyaml's C parser when present (several times faster on the long roster files).
_YAML_BASE: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _DuplicateKey(yaml.YAMLError):
    def __init__(self, key: Any, first: int, second: int) -> None:
        super().__init__(f"duplicate key {key!r}")
        self.key, self.first, self.second = key, first, second


class _Loader(_YAML_BASE):
    """The safe loader that refuses a key given twice in one mapping and keeps an impossible date as text.

    PyYAML keeps the last of two equal keys without a word, and raises a bare ``ValueError``
    on ``2024-02-30``; as text the date reaches the schema, whose message names its key.

    Scenario files are mostly short plain scalars that repeat (roster values, shares): the tag
    of such a scalar and the value it stands for are worked out once per process and looked up
    after that (both depend on the text alone; the values kept are numbers, booleans, None
    and strings, which cannot change).
    """

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is yaml.ScalarNode and len(value) <= _SHORT and not self.yaml_path_resolvers:
            key = (value, implicit)
            tag = _TAGS.get(key)
            if tag is None:
                tag = _TAGS[key] = super().resolve(kind, value, implicit)
            return tag
        return super().resolve(kind, value, implicit)

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        if type(node) is yaml.ScalarNode and len(node.value) <= _SHORT:
            key = (node.tag, node.value)
            known = _SCALARS.get(key)
            if known is not None:
                return known[0]
            data = super().construct_object(node, deep)
            if type(data) in _KEPT:
                _SCALARS[key] = (data,)
            return data
        return super().construct_object(node, deep)


# Short plain scalars: their tags and values, once worked out (see _Loader).
_SHORT = 32
_TAGS: dict[tuple[str, Any], str] = {}
_SCALARS: dict[tuple[str, str], tuple[Any]] = {}
_KEPT = (int, float, bool, str, type(None))


def _construct_map(loader: Any, node: yaml.MappingNode) -> Any:
    data: dict[Any, Any] = {}
    yield data
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:  # the keys written here; those of a merge (<<) may be overridden
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node, deep=True)
        try:
            if key in seen:
                raise _DuplicateKey(key, seen[key], key_node.start_mark.line + 1)
            seen[key] = key_node.start_mark.line + 1
        except TypeError:  # an unhashable key: construct_mapping says so
            break
    loader.flatten_mapping(node)
    data.update(loader.construct_mapping(node, deep=True))


def _construct_timestamp(loader: Any, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_YAML_LOADER = _Loader


class ScenarioError(Exception):
    """A scenario file is wrong; the message is one line: file, key, expectation."""


# Parsed files by their text: an experiment loads the same chain of files once per design
# point, and parsing dominates loading (reading and hashing the text is cheap).
_PARSED: dict[str, dict[str, Any]] = {}


def read_yaml(path: Path) -> dict[str, Any]:
    """The mapping in a YAML file (a fresh copy); every problem is one line (:class:`ScenarioError`)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(f"{path}: file not found") from None
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"{path}: not a UTF-8 text file (byte 0x{exc.object[exc.start]:02x} at offset "
                            f"{exc.start}); expected a YAML file") from None
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read file ({exc.strerror or exc})") from None
    if "\x00" in text:
        raise ScenarioError(f"{path}: a binary file (it holds NUL bytes); expected a YAML text file")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if digest in _PARSED:
        return _fresh(_PARSED[digest])
    data = _parse(path, text)
    if len(_PARSED) > 256:
        _PARSED.clear()
    _PARSED[digest] = _fresh(data)
    return data


# What YAML gives that cannot change: shared between copies as they are.
_IMMUTABLE = (str, int, float, type(None), dt.date, bytes)


def _fresh(data: Any) -> Any:
    """A copy of parsed YAML whose mappings and lists are new (values that cannot change are shared).

    What ``copy.deepcopy`` gives for this data, at a fraction of the cost (no memo of every
    object): loading a scenario copies every file of its chain a few times. Anything else YAML
    can give, and a structure that refers to itself (an alias inside its own anchor), goes to
    ``deepcopy``.
    """
    try:
        return _copy_tree(data)
    except RecursionError:
        return copy.deepcopy(data)


def _copy_tree(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _copy_tree(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_copy_tree(v) for v in data]
    if isinstance(data, _IMMUTABLE):
        return data
    return copy.deepcopy(data)


def _parse(path: Path, text: str) -> dict[str, Any]:
    try:
        data = yaml.load(text, Loader=_YAML_LOADER)
    except _DuplicateKey as exc:
        key = _dotted_key(text, exc.second) or str(exc.key)
        raise ScenarioError(f"{path}: key {key}: given twice in one mapping (lines {exc.first} and "
                            f"{exc.second}); keep one") from None
    except RecursionError:
        raise ScenarioError(f"{path}: broken YAML: nested too deeply") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ScenarioError(f"{path}: broken YAML{where}: {problem}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ScenarioError(f"{path}: top level must be a mapping of keys, got {type(data).__name__}")
    return data


def _dotted_key(text: str, line: int) -> str | None:
    """The dotted path of the mapping key written on ``line`` (1-based), from the YAML node tree."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None

    def walk(node: Any, prefix: tuple[str, ...]) -> tuple[str, ...] | None:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                here = prefix + (str(k.value),)
                if k.start_mark.line + 1 == line:
                    return here
                found = walk(v, here)
                if found:
                    return found
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                found = walk(v, prefix + (str(i),))
                if found:
                    return found
        return None

    found = walk(root, ())
    return ".".join(found) if found else None


# The origin of a merged mapping, as a tree of the same shape: an ``int`` (the index of the
# file in :attr:`Resolved.files`) stands for a whole subtree set by one file; a dict has the
# origin of each key. Lists are leaves: a list is set whole by one file.
OriginTree = int | dict[str, "OriginTree"]
Key = tuple[str, ...]


def _merge(base: dict[str, Any], over: dict[str, Any], base_org: OriginTree, over_org: OriginTree,
           path: Path, prefix: Key) -> tuple[dict[str, Any], dict[str, OriginTree]]:
    """Deep-merge ``over`` into a copy of ``base``, moving the origin of every leaf along."""
    out = dict(base)
    org: dict[str, OriginTree] = dict(base_org) if isinstance(base_org, dict) else dict.fromkeys(base, base_org)
    if any(k in over for k in PROVENANCE_KEYS):
        # New provenance replaces the old one entirely (source and estimate exclude each other).
        for k in PROVENANCE_KEYS:
            out.pop(k, None)
            org.pop(k, None)
    elif base and any(k in over for k in VALUE_KEYS) and any(k in base for k in PROVENANCE_KEYS):
        changed = [k for k in VALUE_KEYS if k in over and over[k] != base.get(k)]
        if changed:
            key = ".".join(prefix + (changed[0],))
            raise ScenarioError(
                f"{path}: key {key}: an overridden figure needs its own 'source:' or 'estimate:'"
            )
    for key, val in over.items():
        sub_org = over_org[key] if isinstance(over_org, dict) else over_org
        old = out.get(key)
        if isinstance(val, dict) and isinstance(old, dict) and key not in REPLACED_WHOLE and not _new_dist(val, old):
            out[key], org[key] = _merge(old, val, org[key], sub_org, path, prefix + (str(key),))
        else:
            out[key] = _fresh(val)
            org[key] = sub_org
    return out, org


def _new_dist(over: dict[str, Any], base: dict[str, Any]) -> bool:
    """A distribution given with its kind (``dist:``) and its own provenance replaces the one before it whole.

    Merged key by key, ``{dist: fixed, mean: 5, estimate: ...}`` over a lognormal would keep its ``cv``.
    """
    return "dist" in over and "dist" in base and any(k in over for k in PROVENANCE_KEYS)


def _max_index(org: OriginTree) -> int | None:
    if isinstance(org, int):
        return org
    found = [i for i in map(_max_index, org.values()) if i is not None]
    return max(found) if found else None


@dataclass
class Resolved:
    """A YAML file after ``extends:`` and overrides: the merged mapping and where each leaf came from."""

    data: dict[str, Any]
    files: list[Path] = field(default_factory=list)  # every file of the chain, parents before children
    tree: OriginTree = field(default_factory=dict)

    def origin(self, key: Key) -> Path | None:
        """The most specific file that set ``key`` or any leaf under it (the last in the chain).

        For a key that is not there, the file of its longest present prefix; None when
        not even its first part is there.
        """
        org = self.tree
        for depth, part in enumerate(key):
            if not isinstance(org, dict):
                break
            if part not in org:
                if depth == 0:
                    return None
                break
            org = org[part]
        index = _max_index(org)
        return self.files[index] if index is not None else None

    def leaf_origins(self) -> dict[Key, Path]:
        """The file that set every leaf (lists and empty mappings are leaves)."""
        out: dict[Key, Path] = {}

        def walk(node: Any, org: OriginTree, key: Key) -> None:
            if isinstance(node, dict) and node:
                for k, v in node.items():
                    walk(v, org[k] if isinstance(org, dict) else org, key + (str(k),))
            elif isinstance(org, int):
                out[key] = self.files[org]

        walk(self.data, self.tree, ())
        return out

    def merge(self, over: dict[str, Any], path: Path) -> None:
        """Apply ``over`` (e.g. command-line overrides) as if a file ``path`` extended this one."""
        self.files.append(path)
        self.data, self.tree = _merge(self.data, over, self.tree, len(self.files) - 1, path, ())


def _resolve(path: Path, res: Resolved, chain: tuple[Path, ...]) -> tuple[dict[str, Any], OriginTree]:
    path = path.resolve()
    if path in chain:
        raise ScenarioError(f"{path}: key extends: circular extends chain")
    data = read_yaml(path)
    parents = data.pop("extends", None)
    if parents is None:
        parents = []
    elif isinstance(parents, str):
        parents = [parents]
    elif not (isinstance(parents, list) and all(isinstance(p, str) for p in parents)):
        raise ScenarioError(f"{path}: key extends: expected a file path or a list of file paths")
    merged: dict[str, Any] = {}
    org: OriginTree = {}
    for parent in parents:
        parent_path = (path.parent / parent)
        if not parent_path.exists():
            raise ScenarioError(f"{path}: key extends: file '{parent}' not found")
        parent_data, parent_org = _resolve(parent_path, res, chain + (path,))
        merged, org = _merge(merged, parent_data, org, parent_org, path, ())
    res.files.append(path)
    return _merge(merged, data, org, len(res.files) - 1, path, ())


def resolve(path: str | Path) -> Resolved:
    """Resolve ``extends:`` and overrides of ``path``: the one place that does (scenarios and input tables).

    The merged mapping keeps the origin of every leaf: the file of the last ``extends``
    step that set it (see :meth:`Resolved.origin`).
    """
    res = Resolved({})
    res.data, res.tree = _resolve(Path(path), res, ())
    return res


def _where(res: Resolved, key: Key, path: Path) -> str:
    """The file to name in an error at ``key``: the one that set it, as the user typed it if it is ``path``."""
    origin = res.origin(key)
    return str(path) if origin is None or origin == path.resolve() else str(origin)


M = typing.TypeVar("M", bound=BaseModel)


def load_model_file(path: str | Path, model: type[M]) -> M:
    """Read a YAML file that is not a scenario (experiment, calibration) into ``model``.

    Errors are the same one line as for scenarios: file, key, what is expected.
    """
    path = Path(path)
    data = read_yaml(path)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(x) for x in err["loc"])
        msg = "unknown key" if err["type"] == "extra_forbidden" else _describe(err)
        head = msg.split(": ", 1)[0]
        if ": " in msg and re.fullmatch(r"[\w.]+", head):  # a check of the whole names its key first
            key = f"{key}.{head}" if key else head
            msg = msg.split(": ", 1)[1]
        raise ScenarioError(f"{path}: key {key or '(top level)'}: {msg}") from None


def _describe(err: Mapping[str, Any]) -> str:
    """Turn one pydantic error into 'what is expected'."""
    kind = err["type"]
    msg = err["msg"]
    if kind == "extra_forbidden":
        return "unknown key (not part of the scenario schema)"
    if kind == "missing":
        return "required key is missing"
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    got = err.get("input")
    if kind in ("too_short", "too_long") and isinstance(got, list) and err["loc"] and err["loc"][-1] == "values":
        return f"expected {HOURS_PER_WEEK} hour-of-week values (Monday 00:00 first), got {len(got)}"
    if isinstance(got, (int, float, str)) and not isinstance(got, bool):
        return f"{msg[0].lower()}{msg[1:]} (got {got!r})"
    return msg[0].lower() + msg[1:]


def _allowed_keys(loc: tuple[str, ...]) -> list[str]:
    """The keys the schema accepts at ``loc`` (for 'unknown key' messages)."""
    model: Any = Scenario
    parts = list(loc)
    while parts:
        part = parts.pop(0)
        if not (isinstance(model, type) and issubclass(model, BaseModel)) or part not in model.model_fields:
            return []
        ann = model.model_fields[part].annotation
        if typing.get_origin(ann) is dict:
            ann = typing.get_args(ann)[1]
            if parts:
                parts.pop(0)  # a free key of the mapping (a site or stream name)
            else:
                return []
        else:
            ann = next((a for a in typing.get_args(ann) if isinstance(a, type) and issubclass(a, BaseModel)), ann)
        model = ann
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return []


def load_raw(path: str | Path) -> tuple[dict[str, Any], Resolved]:
    """Resolve extends and overrides; return the merged mapping and its origins."""
    res = resolve(path)
    return res.data, res


def _validated(data: dict[str, Any], res: Resolved, path: Path) -> Scenario:
    """The schema's check of a resolved mapping, its first error as one line naming the file and key."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(str(x) for x in err["loc"])
        key = ".".join(loc) if loc else "(top level)"
        where = _where(res, loc, path)
        desc = _describe(err)
        head = desc.split(": ", 1)[0]
        if ": " in desc and re.fullmatch(r"[\w.]+", head):  # model-level checks put the key in the message
            # absolute (zcc.staffing) from a check of the whole, relative (mean) from a check of a section
            key = head if not loc or head.startswith(key + ".") else f"{key}.{head}"
            desc = desc.split(": ", 1)[1]
            where = _where(res, tuple(key.split(".")), path)
        if err["type"] == "extra_forbidden":
            allowed = _allowed_keys(loc[:-1])
            if allowed:
                desc += f"; expected one of {', '.join(allowed)}"
        raise ScenarioError(f"{where}: key {key}: {desc}") from None


def load_scenario(path: str | Path, overrides: dict[str, Any] | None = None,
                  overrides_from: str | Path = "<command line>") -> Scenario:
    """Load and validate a scenario file. Raises :class:`ScenarioError` (one line).

    ``overrides`` are applied as if a file ``overrides_from`` extended ``path`` (an
    experiment file names itself, so its grid's mistakes are blamed on it). The file as
    written is checked first: an option that replaces a value (``--days 3``) must not let
    a broken one in the file (``days: .nan``) run unnoticed.
    """
    path = Path(path)
    res = resolve(path)
    name = path.stem if path.parent.name in ("", ".") else f"{path.parent.name}_{path.stem}"
    if overrides:
        _validated({"name": name, **copy.deepcopy(res.data)}, res, path)
        res.merge(overrides, Path(overrides_from))
    data = res.data
    data.setdefault("name", name)
    scenario = _validated(data, res, path)
    if scenario.region not in known_regions():
        where = _where(res, ("region",), path)
        raise ScenarioError(
            f"{where}: key region: unknown region '{scenario.region}'; "
            f"expected one of {', '.join(known_regions())}"
        )
    _check_subareas(scenario, res, path)
    _check_calendar(scenario, res, path)
    if scenario.setting == "zcc":
        from sim.config import zcc_rosters

        try:
            scenario = zcc_rosters.apply(scenario)
        except ValueError as exc:  # e.g. a workload no roster can carry
            where = _where(res, ("zcc", "staffing"), path)
            raise ScenarioError(f"{where}: key zcc.staffing: {str(exc).splitlines()[0]}") from None
    return scenario


def _known_holiday_country(code: str) -> bool:
    """Whether ``holidays`` has a calendar for this ISO 3166 alpha-2 code.

    Read from the library's registry of countries: asking for the calendar itself (or listing the
    supported countries) imports every one of its 250 country modules, a third of ``validate``'s time.
    """
    codes = _registry_codes()
    if codes is None:
        try:
            from holidays.registry import COUNTRIES
        except ImportError:  # a holidays release without the registry: ask the slow way
            import holidays

            return code in holidays.list_supported_countries()
        codes = {c for names in COUNTRIES.values() for c in names[1:]}
    # (class name, alpha-2, alpha-3, other codes or class aliases): the codes are the short upper-case names.
    return code in codes and code.isupper() and len(code) <= 3


def _registry_codes() -> set[str] | None:
    """The codes and aliases of ``holidays.registry.COUNTRIES``, read from its source file; None if not readable so.

    Importing even the registry runs the package's ``__init__`` (calendars, ``dateutil``): an
    eighth of ``validate``'s time, for a check that needs one literal table. Read afresh on every
    call (nothing is kept on disk), from the installed package's own file.
    """
    import ast
    import importlib.util

    try:
        spec = importlib.util.find_spec("holidays")
        if spec is None or spec.origin is None:
            return None
        tree = ast.parse(Path(spec.origin).with_name("registry.py").read_text(encoding="utf-8"))
        for node in tree.body:
            target: ast.expr
            value: ast.expr | None
            if isinstance(node, ast.AnnAssign):
                target, value = node.target, node.value
            elif isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
            else:
                continue
            if isinstance(target, ast.Name) and target.id == "COUNTRIES" and value is not None:
                table = ast.literal_eval(value)
                return {c for names in table.values() for c in names[1:]}
    except (ImportError, OSError, ValueError, SyntaxError, TypeError, AttributeError):
        return None
    return None


def _check_calendar(scenario: Scenario, res: Resolved, path: Path) -> None:
    """The holiday country must be known to the ``holidays`` library."""
    country = scenario.calendar.holiday_country
    if not _known_holiday_country(country):
        loc = ("calendar", "holiday_country")
        raise ScenarioError(f"{_where(res, loc, path)}: key {'.'.join(loc)}: unknown holiday country "
                            f"'{country}'; expected an ISO country code such as NL") from None


def capacity_warnings(scenario: Scenario) -> list[str]:
    """Legitimate but alarming what-ifs: a desk, fleet or pool with no capacity all week, a stream with no demand."""
    rs = scenario.resources
    rosters: list[tuple[str, list[int]]] = [("resources.meldkamer.roster", rs.meldkamer.desk.values),
                                            ("resources.ambulance.on_duty", rs.ambulance.on_duty.values),
                                            ("resources.district_nursing_roster", rs.district_nursing_roster.values),
                                            ("resources.ggz_crisis_roster", rs.ggz_crisis_roster.values)]
    # In scenario III the zcc takes over the HAP triage desks and the ELV point: empty rosters there are the design.
    # A triage centre answers its posts' callers at one desk: a small post's share of the centre's roster may be
    # zero all week, the centre's may not.
    if scenario.zcc is None:
        rosters.append(("resources.elv_point_roster", rs.elv_point_roster.values))
        rosters += [(f"resources.hap_triage_centres.{c}", values) for c, values in rs.centre_rosters().items()]
    for name, hap in rs.haps.items():
        rosters += [(f"resources.haps.{name}.{k}", getattr(hap, k).values) for k in ("gp_roster", "car_roster")]
    if scenario.zcc is not None:
        rosters += [(f"zcc.staffing_options.{scenario.zcc.staffing}.groups.{g}.roster", spec.rostered.values)
                    for g, spec in scenario.zcc.groups.items()]
    empty = [k for k, values in rosters if not any(values)]
    empty += [f"resources.beds.{k}" for k, c in rs.beds.items() if c.value == 0]
    empty += [f"resources.sehs.{k}.places" for k, c in rs.sehs.items() if c.places.value == 0]
    if not any(p.vehicles.value for p in rs.ambulance.posts.values()):
        empty.append("resources.ambulance.posts")
    idle = [f"streams.{k}" for k, st in scenario.streams
            if st.rate_per_1000_per_year.value == 0 or not any(scenario.profiles[st.profile].values)
            or (st.growth is not None and st.growth.value == 0)]
    out = []
    if empty:
        out.append(f"zero capacity all week at {', '.join(empty)} (nobody is ever served there)")
    if idle:
        out.append(f"zero demand in {', '.join(idle)}")
    return out


def _check_subareas(scenario: Scenario, res: Resolved, path: Path) -> None:
    """Every site must stand in a sub-area of the scenario's region."""
    from sim.geo.regions import subareas_of

    codes = {s.code for s in subareas_of(scenario.region)}
    rs = scenario.resources
    sites: list[tuple[tuple[str, ...], str]] = [(("resources", "meldkamer", "subarea"), rs.meldkamer.subarea)]
    sites += [(("resources", "haps", k, "subarea"), v.subarea) for k, v in rs.haps.items()]
    sites += [(("resources", "sehs", k, "subarea"), v.subarea) for k, v in rs.sehs.items()]
    sites += [(("resources", "ambulance", "posts", k, "subarea"), v.subarea) for k, v in rs.ambulance.posts.items()]
    if scenario.zcc is not None:
        zl = scenario.zcc.locations
        sites += [(("zcc", "locations", "sites", k, "subarea"), v.subarea) for k, v in zl.sites.items()]
        sites += [(("zcc", "locations", "staff_residence", k), k) for k in (zl.staff_residence or {})]
    for loc, code in sites:
        if code not in codes:
            raise ScenarioError(
                f"{_where(res, loc, path)}: key {'.'.join(loc)}: sub-area '{code}' "
                f"is not a municipality (CBS code) of region '{scenario.region}'"
            )


def resolved_yaml(scenario: Scenario) -> str:
    """The fully resolved scenario as YAML, to store next to results."""
    # libyaml's emitter when present: the same text as the pure-Python one (checked on every shipped
    # scenario), four times faster; an experiment hashes it once per design point.
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(scenario.model_dump(mode="json"), Dumper=dumper, sort_keys=False, allow_unicode=True,
                     width=120)
