"""Every input figure of a resolved scenario, with its value and its provenance.

A resolved scenario (``*.resolved.yaml``) holds each number in a small mapping
with ``source:`` or ``estimate:`` (or, for a group of settings, a ``provenance:``
mapping). This walks the scenario and lists each such figure under its dotted
key, its value in one short line (a 168-value roster as min/mean/max) and the
text that justifies it, so a report can show where every input comes from.
Plain settings without provenance (names, modes, the run's seed) are listed
too, marked as settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PROVENANCE_KEYS = ("source", "estimate")
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


def _figure_value(node: dict[str, Any], skip: tuple[str, ...]) -> str:
    rest = {k: v for k, v in node.items() if k not in skip}
    if len(rest) == 1:
        return summarise(next(iter(rest.values())))
    return summarise(rest)


def _provenance(node: dict[str, Any]) -> tuple[str, str]:
    if node.get("source"):
        return "source", str(node["source"])
    if node.get("estimate"):
        return "estimate", str(node["estimate"])
    return "missing", ""


def input_figures(data: dict[str, Any]) -> list[InputFigure]:
    """All figures and settings of a resolved scenario, in file order."""
    out: list[InputFigure] = []

    def walk(node: Any, key: str) -> None:
        if isinstance(node, dict):
            if any(k in node for k in PROVENANCE_KEYS):
                out.append(InputFigure(key, _figure_value(node, PROVENANCE_KEYS), *_provenance(node)))
                return
            if isinstance(node.get("provenance"), dict):
                out.append(InputFigure(key, _figure_value(node, ("provenance",)), *_provenance(node["provenance"])))
                return
            for k, v in node.items():
                walk(v, f"{key}.{k}" if key else str(k))
        elif isinstance(node, list) and any(isinstance(v, dict) for v in node):
            for i, v in enumerate(node):
                walk(v, f"{key}[{i}]")
        else:
            out.append(InputFigure(key, summarise(node), "setting", ""))

    walk(data, "")
    return out
