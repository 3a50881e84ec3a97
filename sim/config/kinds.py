"""Which kind of input file a YAML is, from its top-level keys alone (no heavy imports).

``acutesim validate`` and ``acutesim experiment`` accept several kinds of file; deciding the kind
before importing the simulation keeps ``validate`` fast (the sensitivity and experiment modules pull
in the whole model).
"""

from __future__ import annotations

from typing import Any


def is_sensitivity_file(data: dict[str, Any]) -> bool:
    """A sensitivity experiment: a scenario pair with evidence ranges."""
    return "ranges" in data and "scenarios" in data


def is_ranges_file(data: dict[str, Any]) -> bool:
    """A bare evidence-ranges file (checked against scenarios only through a sensitivity file)."""
    return isinstance(data.get("ranges"), dict) and "scenarios" not in data


def is_experiment_file(data: dict[str, Any]) -> bool:
    """An experiment: scenarios and a grid, not one region's scenario."""
    return "scenarios" in data and "region" not in data and "ranges" not in data
