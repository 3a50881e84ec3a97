"""Every input figure of a resolved scenario, with its value and its provenance.

A resolved scenario (``*.resolved.yaml``) holds each number in a small mapping
with ``source:`` or ``estimate:`` (or, for a group of settings, a ``provenance:``
mapping). This walks the scenario and lists each such figure under its dotted
key, its value in one short line (a 168-value roster as min/mean/max) and the
text that justifies it, so a report can show where every input comes from.
Plain settings without provenance (names, modes, the run's seed) are listed
too, marked as settings. :func:`walk` is the one walker over figures: the
parameter tables (:mod:`sim.report.parameters`) use it too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

PROVENANCE_KEYS = ("source", "estimate")
Key = tuple[str | int, ...]
LIST_IN_FULL = 8  # longer lists are summarised


@dataclass(frozen=True)
class InputFigure:
    """One input: dotted key, value in one line, ``source``/``estimate``/``setting`` and its text."""

    key: str
    value: str
    kind: str
    text: str


def _num(x: Any) -> str:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return str(x)
    if isinstance(x, int) or x.is_integer():
        return f"{int(x):d}"
    return f"{x:,.0f}" if abs(x) >= 1e4 else f"{x:.4g}"


def summarise(value: Any) -> str:
    """A value in one short line: lists of numbers longer than a few as n/min/mean/max."""
    if isinstance(value, dict):
        return ", ".join(f"{k} {summarise(v)}" for k, v in value.items())
    if isinstance(value, list):
        numbers = [v for v in value if isinstance(v, (int, float)) and not isinstance(v, bool)]
        if len(value) > LIST_IN_FULL and len(numbers) == len(value):
            return (f"{len(value)} values: min {_num(min(numbers))}, mean {_num(sum(numbers) / len(numbers))}, "
                    f"max {_num(max(numbers))}")
        return "[" + ", ".join(summarise(v) for v in value) + "]"
    if value is None:
        return "-"
    return _num(value)


def provenance_of(node: dict[str, Any] | None) -> tuple[str, str]:
    """``('source', text)``, ``('estimate', text)`` or ``('missing', '')`` of a provenance mapping."""
    node = node or {}
    if node.get("source"):
        return "source", str(node["source"])
    if node.get("estimate"):
        return "estimate", str(node["estimate"])
    return "missing", ""


def walk(tree: Any, settings: bool = False) -> Iterator[tuple[Key, Any, dict[str, Any] | None]]:
    """Every figure of ``tree`` in file order: ``(key, items, provenance)``.

    ``items`` is the figure's mapping without its provenance, ``provenance`` the mapping that
    holds ``source:``/``estimate:`` (the figure itself, or its ``provenance:`` for a group of
    settings). A figure is not searched for figures inside it. List items are keyed by their
    index (an ``int``). With ``settings``, plain values outside any figure come too, as
    ``(key, value, None)``.
    """

    def go(node: Any, key: Key) -> Iterator[tuple[Key, Any, dict[str, Any] | None]]:
        if isinstance(node, dict):
            if any(k in node for k in PROVENANCE_KEYS):
                yield key, {k: v for k, v in node.items() if k not in PROVENANCE_KEYS}, node
            elif isinstance(node.get("provenance"), dict):
                yield key, {k: v for k, v in node.items() if k != "provenance"}, node["provenance"]
            else:
                for k, v in node.items():
                    yield from go(v, key + (str(k),))
        elif isinstance(node, list) and any(isinstance(v, dict) for v in node):
            for i, v in enumerate(node):
                yield from go(v, key + (i,))
        elif settings:
            yield key, node, None

    return go(tree, ())


def dotted(key: Key) -> str:
    """``('a', 'b', 0, 'c')`` as ``a.b[0].c``."""
    return "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else p) for i, p in enumerate(key))


def input_figures(data: dict[str, Any]) -> list[InputFigure]:
    """All figures and settings of a resolved scenario, in file order."""
    out: list[InputFigure] = []
    for key, items, prov in walk(data, settings=True):
        if prov is None:
            out.append(InputFigure(dotted(key), summarise(items), "setting", ""))
        else:
            value = summarise(next(iter(items.values()))) if len(items) == 1 else summarise(items)
            out.append(InputFigure(dotted(key), value, *provenance_of(prov)))
    return out


_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_NOT_A_DOCUMENT = (
    (re.compile(r"\bissues?\b|#\d+", re.IGNORECASE), "cites an issue, not a document"),
    (re.compile(r"\bKPIs?\b"), "cites a KPI, not a document"),
    (re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b"), "names a model key or KPI, not a document"),
)


def source_problem(text: str) -> str | None:
    """Why ``text`` is not a valid ``source:`` (a document with its year), or None when it is.

    A source names a document and its year (four digits); an issue, a KPI or a model key is not a
    document: a figure without one is an ``estimate:`` with its reasoning.
    """
    for pattern, why in _NOT_A_DOCUMENT:
        found = pattern.search(text)
        if found:
            return f"{why} ('{found.group(0)}')"
    if not _YEAR.search(text):
        return "has no year (four digits)"
    return None
