"""The calibration file: published targets the status quo must reproduce, and the fitted parameters.

Each target maps a published figure to a model KPI (optionally a ratio of two
KPIs) on a stated scale, so the comparison with a simulated run is one
formula for every target: simulated / published - 1, within the tolerance.
"""

from __future__ import annotations

import math
from collections.abc import Callable
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


class _Figure(_Strict):
    """A published figure (a value, or a published range) and the KPI it is compared with."""

    kpi: str
    per: str | None = None
    value: float | None = Field(default=None, gt=0)
    range: tuple[float, float] | None = None
    unit: str
    year: int
    scale: Literal["national", "per_1000", "share", "mean"]
    population: int | None = Field(default=None, gt=0)
    source: str
    tolerance: float | None = Field(default=None, gt=0, lt=1)

    @field_validator("range")
    @classmethod
    def _range(cls, v: tuple[float, float] | None) -> tuple[float, float] | None:
        if v is not None and not 0 < v[0] <= v[1]:
            raise ValueError(f"expected two positive numbers [low, high] with low <= high; got [{v[0]:g}, {v[1]:g}]")
        return v

    @model_validator(mode="after")
    def _check(self) -> _Figure:
        if (self.value is None) == (self.range is None):
            raise ValueError("give exactly one of 'value' (a published figure) and 'range' (a published range)")
        if self.scale == "national" and self.population is None:
            raise ValueError("a national target needs 'population' (CBS, 1 January of the figure's year)")
        return self

    @property
    def low(self) -> float:
        return self.range[0] if self.range is not None else float(self.value or 0.0)

    @property
    def high(self) -> float:
        return self.range[1] if self.range is not None else float(self.value or 0.0)

    @property
    def centre(self) -> float:
        """The published value, or the middle of the published range."""
        return (self.low + self.high) / 2.0


class Target(_Figure):
    """A published figure the calibration fits the uncertain inputs to.

    ``group`` says what it measures: ``volume`` (counts, shares, lengths of stay) or
    ``performance`` (answer times, response times), which need the capacity to be today's.
    """

    group: Literal["volume", "performance"] = "volume"


class ValidationFigure(_Figure):
    """A published figure the calibration never sees, kept apart to test the calibrated model.

    ``evidence`` says whether it is a measurement or a norm (a norm says what should be, not what
    is); ``why_independent`` why it does not follow from the calibration targets.
    """

    evidence: Literal["measurement", "norm"]
    why_independent: str = Field(min_length=1)
    region: str | None = None  # compared with that ROAZ region's run, not the national aggregate

    @field_validator("region")
    @classmethod
    def _known_region(cls, v: str | None) -> str | None:
        from sim.geo.regions import known_regions

        if v is not None and v not in known_regions():
            raise ValueError(f"unknown region '{v}'; expected one of {', '.join(known_regions())}")
        return v


Figure = _Figure


def relative_error(figure: Figure, x: float) -> float:
    """Relative distance of ``x`` from the published figure: 0 inside a published range, else from its nearer end."""
    if x < figure.low:
        return x / figure.low - 1.0
    if x > figure.high:
        return x / figure.high - 1.0
    return 0.0


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
    """Targets (what the calibration fits to), validation figures (what it never sees), parameters."""

    defaults: Defaults
    targets: dict[str, Target] = Field(min_length=1)
    validation: dict[str, ValidationFigure] = Field(default_factory=dict)
    parameters: dict[str, Parameter]

    @model_validator(mode="after")
    def _apart(self) -> CalibrationFile:
        for name, v in self.validation.items():
            if name in self.targets:
                raise ValueError(f"validation.{name}: a name of a calibration target; keep the two apart")
            for tname, t in self.targets.items():
                if (v.kpi, v.per, v.year, v.source) == (t.kpi, t.per, t.year, t.source):
                    raise ValueError(f"validation.{name}: the same figure as target '{tname}'; "
                                     f"a figure the calibration sees is not independent")
        return self

    def tolerance(self, name: str) -> float:
        figure = self.targets[name] if name in self.targets else self.validation[name]
        return figure.tolerance or self.defaults.tolerance


def load_calibration(path: str | Path) -> CalibrationFile:
    """Read and validate a calibration file; bad input raises a one-line ScenarioError."""
    return load_model_file(path, CalibrationFile)


def simulated(target: Figure, kpis: dict[str, float]) -> float:
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


NOT_AVAILABLE = "KPI not available"


@dataclass(frozen=True)
class FitRow:
    """Published against simulated for one figure (``low``/``high``: a published range)."""

    target: str
    unit: str
    published: float
    simulated: float
    ci_low: float
    ci_high: float
    tolerance: float
    source: str
    year: int
    low: float | None = None
    high: float | None = None
    available: bool = True

    @property
    def bounds(self) -> tuple[float, float]:
        return (self.low if self.low is not None else self.published,
                self.high if self.high is not None else self.published)

    @property
    def relative_error(self) -> float:
        lo, hi = self.bounds
        if self.simulated < lo:
            return self.simulated / lo - 1.0
        if self.simulated > hi:
            return self.simulated / hi - 1.0
        return 0.0 if lo < hi else self.simulated / self.published - 1.0

    @property
    def within(self) -> bool:
        """Inside the published value or range widened by the tolerance (never for a missing KPI)."""
        return self.available and abs(self.relative_error) <= self.tolerance

    @property
    def published_text(self) -> str:
        lo, hi = self.bounds
        return f"{fmt(lo)} – {fmt(hi)}" if lo < hi else fmt(self.published)


def fit_rows(figures: dict[str, Target] | dict[str, ValidationFigure], tolerance: Callable[[str], float],
             replications: list[dict[str, float]],
             per_region: dict[str, list[dict[str, float]]] | None = None) -> list[FitRow]:
    """Each figure against the mean and 95% interval over the replications' KPIs.

    A figure with a ``region`` is compared with that region's replications (``per_region``).
    A figure whose KPI the run does not have gets a row marked not available (the KPI may be
    built on another branch), never an error.
    """
    rows = []
    for name, t in figures.items():
        low, high = (t.low, t.high) if t.range is not None else (None, None)
        region = getattr(t, "region", None)
        reps = replications if region is None else (per_region or {}).get(region, [])
        try:
            if not reps:
                raise KeyError(region)
            s = t_interval([simulated(t, k) for k in reps])
        except KeyError:
            rows.append(FitRow(name, t.unit, t.centre, math.nan, math.nan, math.nan, tolerance(name), t.source,
                               t.year, low, high, available=False))
            continue
        rows.append(FitRow(name, t.unit, t.centre, s.mean, s.ci_low, s.ci_high, tolerance(name), t.source, t.year,
                           low, high))
    return rows


def fit_table(cal: CalibrationFile, replications: list[dict[str, float]]) -> list[FitRow]:
    """Every calibration target against the mean and 95% interval over the replications' KPIs."""
    return fit_rows(cal.targets, cal.tolerance, replications)


def validation_table(cal: CalibrationFile, replications: list[dict[str, float]],
                     per_region: dict[str, list[dict[str, float]]] | None = None) -> list[FitRow]:
    """Every independent validation figure against the replications' KPIs (a regional one against its region's)."""
    return fit_rows(cal.validation, cal.tolerance, replications, per_region)


def format_fit_table(rows: list[FitRow], markdown: bool = False) -> str:
    """The fit table as aligned text, or as a Markdown table; a missing KPI is said, not computed."""
    head = ["target", "unit", "published", "simulated", "95% interval", "rel. error", "tolerance", "within"]
    body = []
    for r in rows:
        if not r.available:
            body.append([r.target, r.unit, r.published_text, NOT_AVAILABLE, "-", "-", f"±{r.tolerance:.0%}", "-"])
            continue
        body.append([r.target, r.unit, r.published_text, fmt(r.simulated), f"{fmt(r.ci_low)} – {fmt(r.ci_high)}",
                     f"{r.relative_error:+.1%}", f"±{r.tolerance:.0%}", "yes" if r.within else "NO"])
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        return "\n".join(lines + ["| " + " | ".join(b) + " |" for b in body])
    widths = [max(len(x) for x in col) for col in zip(head, *body, strict=True)]
    line = "  ".join(f"{{:{'<' if i < 2 else '>'}{w}}}" for i, w in enumerate(widths))
    return "\n".join([line.format(*head)] + [line.format(*b) for b in body])
