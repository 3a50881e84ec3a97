"""Read a results folder written by ``acutesim run`` or ``acutesim compare``.

One place that knows the folder layout (see the README's table), so the plots
and the HTML report read the same thing: per scenario the KPIs of every
replication, the summary or comparison table, the resolved scenario(s), the
daily bed occupancy (``levels.csv``) and a location trade-off (``locations.csv``)
when present. A folder that is neither kind raises :class:`ResultsError` with
one line saying what is missing.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from sim.measure.levels import read_levels
from sim.run.runner import t_interval


class ResultsError(ValueError):
    """A results folder that cannot be read; the message is one line."""


@dataclass(frozen=True)
class Band:
    """Mean and 95% t-interval over replications (interval NaN with one replication)."""

    mean: float
    low: float
    high: float


def band(values: np.ndarray) -> Band:
    s = t_interval([float(v) for v in values])
    return Band(s.mean, s.ci_low, s.ci_high)


@dataclass
class Results:
    """Everything in one results folder.

    ``labels`` are ``("base", "alt")`` for a comparison and ``("scenario",)`` for a
    run; ``names`` maps a label to the scenario's name; ``reps`` maps a label to
    ``kpi -> values over replications`` (sorted by replication number).
    """

    folder: Path
    kind: str
    labels: tuple[str, ...]
    names: dict[str, str]
    scenarios: dict[str, dict[str, Any]]
    scenario_files: dict[str, Path]
    reps: dict[str, dict[str, np.ndarray]]
    table: list[dict[str, str]]
    levels: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    locations_csv: Path | None = None

    @property
    def replications(self) -> int:
        return max((len(v) for kpis in self.reps.values() for v in kpis.values()), default=0)

    def values(self, label: str, kpi: str) -> np.ndarray:
        """A KPI's replication values in one scenario (empty if the scenario does not have it)."""
        return self.reps.get(label, {}).get(kpi, np.empty(0))

    def has(self, kpi: str) -> bool:
        return any(np.isfinite(self.values(label, kpi)).any() for label in self.labels)

    def run_setting(self, key: str) -> Any:
        """A ``run:`` setting (days, warmup_days, seed) of the first scenario."""
        return self.scenarios[self.labels[0]].get("run", {}).get(key)


def _read_csv(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            return list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ResultsError(f"{path}: cannot read ({exc})") from None


def read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ResultsError(f"{path}: cannot read the resolved scenario ({str(exc).splitlines()[0]})") from None
    if not isinstance(data, dict):
        raise ResultsError(f"{path}: expected a resolved scenario (a mapping)")
    return data


def _replications(path: Path, default_label: str) -> dict[str, dict[str, np.ndarray]]:
    rows = _read_csv(path)
    need = {"replication", "kpi", "value"}
    if rows and not need <= set(rows[0]):
        raise ResultsError(f"{path}: expected columns [scenario,]replication,kpi,value")
    by: dict[str, dict[str, dict[int, float]]] = {}
    try:
        for r in rows:
            label = r.get("scenario") or default_label
            by.setdefault(label, {}).setdefault(r["kpi"], {})[int(r["replication"])] = float(r["value"])
    except ValueError as exc:
        raise ResultsError(f"{path}: expected numbers in replication and value ({exc})") from None
    out: dict[str, dict[str, np.ndarray]] = {}
    for label, kpis in by.items():
        reps = sorted({rep for values in kpis.values() for rep in values})
        # A KPI a replication does not have (a volume of a desk that never rang) is NaN there.
        out[label] = {k: np.array([v.get(rep, math.nan) for rep in reps]) for k, v in kpis.items()}
    return out


def load_results(folder: Path | str) -> Results:
    """Read a ``run`` or ``compare`` results folder."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ResultsError(f"{folder}: no such results folder")
    labels: tuple[str, ...]
    if (folder / "comparison.csv").exists():
        kind, labels, table_file = "compare", ("base", "alt"), "comparison.csv"
        files = {"base": folder / "base.resolved.yaml", "alt": folder / "alt.resolved.yaml"}
    elif (folder / "summary.csv").exists():
        kind, labels, table_file = "run", ("scenario",), "summary.csv"
        files = {"scenario": folder / "scenario.resolved.yaml"}
    else:
        raise ResultsError(f"{folder}: expected a results folder of 'acutesim run' (summary.csv) "
                           f"or 'acutesim compare' (comparison.csv)")
    for path in [*files.values(), folder / "replications.csv"]:
        if not path.exists():
            raise ResultsError(f"{path}: missing (a {kind} folder has it)")
    scenarios = {label: read_yaml(path) for label, path in files.items()}
    reps = _replications(folder / "replications.csv", labels[0])
    table = _read_csv(folder / table_file)
    if not table or "kpi" not in table[0]:
        raise ResultsError(f"{folder / table_file}: expected a header with a kpi column and at least one row")
    levels = {}
    if (folder / "levels.csv").exists():
        try:
            levels = read_levels(folder / "levels.csv")
        except (KeyError, ValueError) as exc:
            raise ResultsError(f"{folder / 'levels.csv'}: expected columns [scenario,]replication,day,pool,"
                               f"occupancy with numbers ({exc})") from None
    locations = folder / "locations.csv"
    return Results(folder, kind, labels, {lb: str(sc.get("name", lb)) for lb, sc in scenarios.items()},
                   scenarios, files, reps, table, levels, locations if locations.exists() else None)
