"""The calibration file: published targets the status quo must reproduce, and the fitted parameters.

Each target maps a published figure to a model KPI (optionally a ratio of two
KPIs) on a stated scale, so the comparison with a simulated run is one
formula for every target: simulated / published - 1, within the tolerance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from sim.config.constants import DAYS_PER_COMMON_YEAR
from sim.config.loader import load_model_file
from sim.measure.format import fmt
from sim.run.runner import t_interval


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Target(_Strict):
    """One published figure and the KPI it is compared with."""

    kpi: str
    per: str | None = None
    value: float = Field(gt=0)
    unit: str
    year: int
    scale: Literal["national", "per_1000", "share", "mean"]
    population: int | None = Field(default=None, gt=0)
    source: str
    tolerance: float | None = Field(default=None, gt=0, lt=1)

    @model_validator(mode="after")
    def _population_for_national(self) -> Target:
        if self.scale == "national" and self.population is None:
            raise ValueError("a national target needs 'population' (CBS, 1 January of the figure's year)")
        return self


class Parameter(_Strict):
    """An uncertain input that calibration may move, within bounds."""

    kind: Literal["value", "scale", "share_scale"]
    keys: list[str] = Field(min_length=1)
    outcome: str | None = None
    bounds: tuple[float, float]
    note: str

    @field_validator("bounds")
    @classmethod
    def _bounds(cls, v: tuple[float, float]) -> tuple[float, float]:
        if not 0 < v[0] < v[1]:
            raise ValueError(f"expected two positive numbers [low, high] with low < high; got [{v[0]:g}, {v[1]:g}]")
        return v

    @model_validator(mode="after")
    def _check(self) -> Parameter:
        if (self.kind == "share_scale") != (self.outcome is not None):
            raise ValueError("'outcome' is required for kind share_scale and only there")
        return self


class Defaults(_Strict):
    tolerance: float = Field(gt=0, lt=1)
    base: str
    region: str
    days: float = Field(gt=0)
    polish_days: float = Field(default=0, ge=0)
    seed: int
    converged_share_of_tolerance: float = Field(gt=0, le=1)
    jacobian_step: float = Field(gt=0, lt=0.5)


class CalibrationFile(_Strict):
    defaults: Defaults
    targets: dict[str, Target] = Field(min_length=1)
    parameters: dict[str, Parameter]

    def tolerance(self, name: str) -> float:
        return self.targets[name].tolerance or self.defaults.tolerance


def load_calibration(path: str | Path) -> CalibrationFile:
    """Read and validate a calibration file; bad input raises a one-line ScenarioError."""
    return load_model_file(path, CalibrationFile)


def simulated(target: Target, kpis: dict[str, float]) -> float:
    """The run's value of ``target`` in the target's own unit (national totals at the figure's population)."""
    for name in (target.kpi, target.per):
        if name is not None and name not in kpis:
            raise KeyError(f"the run has no KPI '{name}'")
    x = kpis[target.kpi]
    if target.per is not None:
        x = x / kpis[target.per] if kpis[target.per] else math.nan
    if target.scale in ("share", "mean"):
        return x
    per_1000_per_year = x * DAYS_PER_COMMON_YEAR / kpis["population"] * 1000.0
    if target.scale == "per_1000":
        return per_1000_per_year
    assert target.population is not None  # the schema requires it for a national target
    return per_1000_per_year * target.population / 1000.0


@dataclass(frozen=True)
class FitRow:
    """Published against simulated for one target."""

    target: str
    unit: str
    published: float
    simulated: float
    ci_low: float
    ci_high: float
    tolerance: float
    source: str
    year: int

    @property
    def relative_error(self) -> float:
        return self.simulated / self.published - 1.0

    @property
    def within(self) -> bool:
        return abs(self.relative_error) <= self.tolerance


def fit_table(cal: CalibrationFile, replications: list[dict[str, float]]) -> list[FitRow]:
    """Every target against the mean and 95% interval over the replications' KPIs."""
    rows = []
    for name, t in cal.targets.items():
        s = t_interval([simulated(t, k) for k in replications])
        rows.append(FitRow(name, t.unit, t.value, s.mean, s.ci_low, s.ci_high, cal.tolerance(name), t.source, t.year))
    return rows


def format_fit_table(rows: list[FitRow], markdown: bool = False) -> str:
    """The fit table as aligned text, or as a Markdown table."""
    head = ["target", "unit", "published", "simulated", "95% interval", "rel. error", "tolerance", "within"]
    body = [[r.target, r.unit, fmt(r.published), fmt(r.simulated), f"{fmt(r.ci_low)} – {fmt(r.ci_high)}",
             f"{r.relative_error:+.1%}", f"±{r.tolerance:.0%}", "yes" if r.within else "NO"] for r in rows]
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        return "\n".join(lines + ["| " + " | ".join(b) + " |" for b in body])
    widths = [max(len(x) for x in col) for col in zip(head, *body, strict=True)]
    line = "  ".join(f"{{:{'<' if i < 2 else '>'}{w}}}" for i, w in enumerate(widths))
    return "\n".join([line.format(*head)] + [line.format(*b) for b in body])
