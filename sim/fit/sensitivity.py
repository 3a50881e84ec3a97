"""Global sensitivity analysis over the evidence ranges (``acutesim sensitivity``).

How sure is the effect of scenario III? The compare output's interval is stochastic only: it says
how well the replications pin the effect *for the inputs as given*. Many of those inputs are
estimates. An evidence-ranges file (``scenarios/_national/evidence_ranges.yaml``) gives each
uncertain input a plausible range ``low``..``high`` with its reasoning, evidence and provenance;
this module propagates those ranges:

1. **Morris screening** (elementary effects, SALib) over every range: ``r`` trajectories of
   ``k + 1`` points each, cheap enough for all inputs; ``mu_star`` ranks them.
2. **Sobol' indices** (Saltelli/Jansen estimators, SALib, first order ``S1`` and total ``ST``) for the
   few inputs Morris ranks highest (the others stay at the scenario's value).

Inputs are sampled uniformly within their ranges: SALib samples the unit hypercube and
:func:`values_of` maps it onto ``low + u (high - low)``, so a zero-width range is allowed and is
simply a constant. Each sample becomes two design points of the experiment engine
(:mod:`sim.run.experiment`): the status quo and scenario III with the sample's values, run with the
same seed and replication numbers (common random numbers within each sample, and in fact across
samples too). Points are filed by the hash of their resolved scenario, so a rerun skips what is
done, and a status quo that no range touches is one point shared by all samples. The KPI of a sample
is the paired difference zcc - status quo, averaged over its replications.

The evaluation is pluggable (:class:`Evaluation`): :class:`SimulationEvaluation` runs the model,
:class:`AnalyticEvaluation` evaluates a known function of the sampled values instead (the Ishigami
function's indices are known exactly; the tests recover them through this same code).

Outputs (folder ``out``): ``<stage>/samples.csv`` (the sampled values), ``<stage>/results.csv``
(per sample and KPI: status quo, zcc, difference, relative change), ``<stage>/indices.csv``,
``nominal.csv`` (the effect at the scenario's own values with its stochastic 95% interval),
``summary.csv`` and ``sensitivity.json`` (per KPI: nominal effect, stochastic interval, uncertainty
interval over the evidence ranges = 2.5-97.5 percentiles of the sample effects, top drivers).
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from sim import paths
from sim.config.loader import ScenarioError, load_model_file, load_raw, load_scenario
from sim.config.provenance import source_problem
from sim.config.schema import MAX_DAYS, MAX_REPLICATIONS, MAX_SEED, Scenario
from sim.run import manifest
from sim.run.experiment import DesignPoint, Evaluate, content_key, execute, merge_overrides, nest, tasks_for
from sim.run.runner import paired

SIGNIFICANT = 6  # digits of sampled values written into the scenarios
HEADLINE_KPIS = ["seh_arrivals_per_day", "ambulance_deployments_per_day", "chain_cost_per_day", "staff_cost_per_day"]
SUMMARY = "sensitivity.json"
DRIVERS = 3

_CONFIG = ConfigDict(extra="forbid", allow_inf_nan=False)


# ------------------------------------------------------------------------------------------ inputs
class Range(BaseModel):
    """A plausible range for one input, with its reasoning and exactly one of ``source:``/``estimate:``."""

    model_config = _CONFIG
    low: float = Field(strict=True)
    high: float = Field(strict=True)
    unit: str = ""
    evidence: str = ""
    source: str | None = None
    estimate: str | None = None

    @model_validator(mode="after")
    def _check(self) -> Range:
        if self.low > self.high:
            raise ValueError(f"low {self.low:g} is above high {self.high:g}")
        if (self.source is None) == (self.estimate is None):
            raise ValueError("needs exactly one of 'source:' (document and year) or 'estimate:' (reasoning)")
        if self.source is not None:
            problem = source_problem(self.source)
            if problem:
                raise ValueError(f"source: {problem}; a range without a document is an estimate: with reasoning")
        return self


class RangesFile(BaseModel):
    """An evidence-ranges file: dotted scenario keys, each with its range."""

    model_config = _CONFIG
    description: str = ""
    ranges: dict[str, Range] = Field(min_length=1)


class MorrisSpec(BaseModel):
    model_config = _CONFIG
    trajectories: int = Field(ge=2, le=1000, strict=True)
    levels: int = Field(default=4, ge=2, le=20, strict=True)

    @model_validator(mode="after")
    def _even(self) -> MorrisSpec:
        if self.levels % 2:
            raise ValueError(f"levels: expected an even number of grid levels (got {self.levels})")
        return self


class SobolSpec(BaseModel):
    model_config = _CONFIG
    samples: int = Field(ge=2, le=65536, strict=True)  # N base samples; N (k + 2) evaluations
    inputs: int = Field(default=3, ge=1, le=100, strict=True)  # after Morris: each rank_by KPI's top inputs
    parameters: list[str] | None = None  # or these, named


class UncertaintySpec(BaseModel):
    """Uncertainty propagation: every input drawn uniformly within its range at once (Latin hypercube).

    The interval over the evidence ranges is read from these samples. Morris samples lie on a grid
    whose end levels carry half the weight, and Sobol' varies only the top inputs, so neither is a
    draw from the ranges.
    """

    model_config = _CONFIG
    samples: int = Field(ge=8, le=65536, strict=True)


Method = Literal["morris", "sobol", "morris_sobol"]
StageName = Literal["morris", "sobol", "uncertainty"]


class SensitivityFile(BaseModel):
    """A sensitivity experiment: the scenario pair, the ranges, the method and the budget."""

    model_config = _CONFIG
    name: str
    description: str = ""
    scenarios: list[str] = Field(min_length=2, max_length=2)  # status quo first, then the alternative
    ranges: str
    method: Method = "morris_sobol"
    morris: MorrisSpec | None = None
    sobol: SobolSpec | None = None
    uncertainty: UncertaintySpec | None = None  # the interval over the ranges (else read from the Morris samples)
    replications: int = Field(ge=1, le=MAX_REPLICATIONS, strict=True)
    nominal_replications: int = Field(default=3, ge=2, le=MAX_REPLICATIONS, strict=True)  # the stochastic interval
    seed: int = Field(ge=0, le=MAX_SEED, strict=True)
    days: float | None = Field(default=None, gt=0, le=MAX_DAYS, strict=True)
    warmup_days: float | None = Field(default=None, ge=0, le=MAX_DAYS, strict=True)
    kpis: list[str] = Field(default_factory=lambda: list(HEADLINE_KPIS), min_length=1)
    rank_by: list[str] | None = None  # KPIs whose Morris ranking picks the Sobol inputs (default: first two)
    out: str | None = None

    @model_validator(mode="after")
    def _stages(self) -> SensitivityFile:
        if self.method in ("morris", "morris_sobol") and self.morris is None:
            raise ValueError(f"morris: method {self.method} needs morris: {{trajectories: R}}")
        if self.method in ("sobol", "morris_sobol") and self.sobol is None:
            raise ValueError(f"sobol: method {self.method} needs sobol: {{samples: N}}")
        return self


def load_ranges(path: str | Path) -> RangesFile:
    return load_model_file(path, RangesFile)


# ------------------------------------------------------------------------------------- parameters
Key = tuple[str, ...]


@dataclass(frozen=True)
class Parameter:
    """Where one range acts in the scenarios: the number it sets and the figure that owns it."""

    key: str
    low: float
    high: float
    nominal: float
    path: Key  # to the number
    owner: Key  # the figure (mapping with source/estimate) that holds it
    zcc_only: bool
    shares: dict[str, float] | None = None  # the mix, when the number is one share of it
    note: str = ""

    def value(self, u: float) -> float:
        return _round(self.low + u * (self.high - self.low))


def _round(x: float) -> float:
    return float(f"{x:.{SIGNIFICANT}g}")


def _number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _get(raw: Any, path: Key) -> Any:
    node = raw
    for part in path:
        if not isinstance(node, dict) or part not in node:
            raise KeyError(part)
        node = node[part]
    return node


def _owner(raw: dict[str, Any], path: Key) -> Key:
    for n in range(len(path) - 1, 0, -1):
        node = _get(raw, path[:n])
        if isinstance(node, dict) and any(k in node for k in ("source", "estimate")):
            return path[:n]
    return path[:-1]


def _locate(raw: dict[str, Any], parts: Key) -> Key | None:
    """The path to the number a range key names: the key itself, or a figure's ``value``."""
    try:
        node = _get(raw, parts)
    except KeyError:
        return None
    if isinstance(node, dict) and _number(node.get("value")):
        return parts + ("value",)
    return parts if _number(node) else None


def resolve_parameters(ranges: RangesFile, origin: str | Path, raws: dict[str, dict[str, Any]]) -> list[Parameter]:
    """Match every range to the base scenarios (``raws``: label -> resolved mapping).

    A key names a number of the resolved scenario: a figure (its ``value``), a distribution's
    ``mean`` or ``cv``, or one share of a mix (``....shares.<outcome>``; the other shares keep
    their proportions). ``zcc.*`` keys act on zcc bases only, the others on every base. Errors
    (one line, the ranges file and the key): the key is not in the scenario or names no number,
    the scenario's value lies outside the range, a share range outside 0..1, two ranges on one figure.
    """
    out: list[Parameter] = []
    owners: dict[Key, str] = {}
    for key, spec in ranges.ranges.items():
        where = f"{origin}: key ranges.{key}"
        parts = tuple(key.split("."))
        zcc_only = parts[0] == "zcc"
        bases = {label: raw for label, raw in raws.items() if not zcc_only or raw.get("setting") == "zcc"}
        if not bases:
            raise ScenarioError(f"{where}: a zcc key, but no base scenario has setting zcc")
        found: Key | None = None
        nominal: float | None = None
        for label, raw in bases.items():
            path = _locate(raw, parts)
            if path is None:
                raise ScenarioError(f"{where}: names no number in scenario {label} (expected the dotted key of a "
                                    f"figure with value:, a distribution's mean or cv, or one share of a mix)")
            value = float(_get(raw, path))
            if nominal is not None and value != nominal:
                raise ScenarioError(f"{where}: the base scenarios differ here ({nominal:g} and {value:g}); "
                                    f"a range varies one common value")
            found, nominal = path, value
        assert found is not None and nominal is not None
        if not spec.low <= nominal <= spec.high:
            raise ScenarioError(f"{where}: the scenario's value {nominal:g} lies outside the range "
                                f"[{spec.low:g}, {spec.high:g}]; a range must hold the value it varies around")
        raw = next(iter(bases.values()))
        shares = None
        if len(found) >= 2 and found[-2] == "shares":
            if spec.low < 0 or spec.high > 1:
                raise ScenarioError(f"{where}: a share ranges within 0..1 (got [{spec.low:g}, {spec.high:g}])")
            shares = {str(k): float(v) for k, v in _get(raw, found[:-1]).items()}
            if spec.high < 1 and sum(v for k, v in shares.items() if k != found[-1]) <= 0:
                raise ScenarioError(f"{where}: the mix has no other share to take up the rest")
            owner = found[:-2] if found[:-2] == _owner(raw, found[:-1]) else _owner(raw, found)
        else:
            owner = _owner(raw, found)
        if owner in owners:
            raise ScenarioError(f"{where}: acts on the same figure as ranges.{owners[owner]} "
                                f"({'.'.join(owner)}); give one range per figure")
        owners[owner] = key
        note = (f"sensitivity sample: uniform over the evidence range {spec.low:g} to {spec.high:g} "
                f"({Path(origin).name})")
        out.append(Parameter(key, spec.low, spec.high, nominal, found, owner, zcc_only, shares, note))
    return out


def overrides(params: list[Parameter], values: dict[str, float], zcc: bool) -> dict[str, Any]:
    """Scenario overrides that set each parameter to its value (each figure with the sample's estimate)."""
    out: dict[str, Any] = {}
    for p in params:
        if p.zcc_only and not zcc:
            continue
        v = values[p.key]
        rel = p.path[len(p.owner):]
        if p.shares is not None:
            outcome = p.path[-1]
            rest = sum(s for k, s in p.shares.items() if k != outcome)
            mix = {k: (v if k == outcome else (_round(s * (1 - v) / rest) if rest > 0 else 0.0))
                   for k, s in p.shares.items()}
            largest = max((k for k in mix if k != outcome), key=mix.__getitem__, default=None)
            if largest is not None and rest > 0:  # absorbs the rounding so that the mix sums to 1
                mix[largest] = round(1.0 - sum(s for k, s in mix.items() if k != largest), 12)
            figure: dict[str, Any] = nest(rel[:-2], {"shares": mix}) if len(rel) > 2 else {"shares": mix}
        else:
            figure = nest(rel, v)
        figure["estimate"] = p.note
        out = merge_overrides(out, nest(p.owner, figure))
    return out


# --------------------------------------------------------------------------------------- sampling
def problem(names: list[str]) -> dict[str, Any]:
    """SALib's problem on the unit hypercube (values are mapped onto the ranges by :func:`values_of`)."""
    return {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}


def unit_samples(method: StageName, names: list[str], spec: MorrisSpec | SobolSpec | UncertaintySpec,
                 seed: int) -> np.ndarray:
    """Samples of the unit hypercube in SALib's order (its analysis reads the results in that order)."""
    if method == "uncertainty":
        from SALib.sample import latin

        assert isinstance(spec, UncertaintySpec)
        return np.asarray(latin.sample(problem(names), spec.samples, seed=seed))
    if method == "morris":
        from SALib.sample import morris as morris_sample

        assert isinstance(spec, MorrisSpec)
        return np.asarray(morris_sample.sample(problem(names), N=spec.trajectories, num_levels=spec.levels,
                                               seed=seed))
    from SALib.sample import sobol as sobol_sample

    assert isinstance(spec, SobolSpec)
    return np.asarray(sobol_sample.sample(problem(names), spec.samples, calc_second_order=False, scramble=True,
                                          seed=seed))


def values_of(params: list[Parameter], varied: list[str], unit: np.ndarray) -> list[dict[str, float]]:
    """Each sample's value of every parameter: the varied ones from ``unit``, the others at the scenario's."""
    by_key = {p.key: p for p in params}
    rows = []
    for u in unit:
        row = {p.key: p.nominal for p in params}
        for key, x in zip(varied, u, strict=True):
            row[key] = by_key[key].value(float(x))
        rows.append(row)
    return rows


# ------------------------------------------------------------------------------------- evaluation
class Evaluation(Protocol):
    """How a sample becomes design points and what a task computes.

    ``points`` returns the sample's design points by role: ``alt`` (the alternative) and, when the
    KPI is a paired difference, ``base``. ``evaluate`` is None for the simulation (the engine's own
    task), else a module-level function of a design point and a replication number.
    """

    @property
    def evaluate(self) -> Evaluate | None: ...

    def points(self, values: dict[str, float]) -> dict[str, DesignPoint]: ...


@dataclass
class SimulationEvaluation:
    """Each sample as a status-quo and a zcc scenario with the sample's values; simulated."""

    bases: list[tuple[str, Path]]  # (label, file): status quo first, then the alternative
    params: list[Parameter]
    run: dict[str, Any]
    origin: Path
    evaluate: Evaluate | None = None
    _cache: dict[str, DesignPoint] = field(default_factory=dict)
    _zcc: dict[str, bool] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for label, path in self.bases:
            self._zcc[label] = load_raw(path)[0].get("setting") == "zcc"

    def scenarios(self, values: dict[str, float]) -> dict[str, Scenario]:
        """The sample's scenarios by role, loaded and checked like every scenario (not yet keyed)."""
        out = {}
        for role, (label, path) in zip(("base", "alt"), self.bases, strict=True):
            over = merge_overrides({"run": self.run}, overrides(self.params, values, self._zcc[label]))
            out[role] = load_scenario(path, over, overrides_from=self.origin)
        return out

    def points(self, values: dict[str, float]) -> dict[str, DesignPoint]:
        out = {}
        for role, (label, path) in zip(("base", "alt"), self.bases, strict=True):
            over = merge_overrides({"run": self.run}, overrides(self.params, values, self._zcc[label]))
            text = json.dumps([label, over], sort_keys=True)
            if text not in self._cache:
                scenario = load_scenario(path, over, overrides_from=self.origin)
                settings = {p.key: values[p.key] for p in self.params if self._zcc[label] or not p.zcc_only}
                self._cache[text] = DesignPoint(content_key(scenario), label, settings, scenario)
            out[role] = self._cache[text]
        return out


_PLACEHOLDER: Scenario | None = None


def _placeholder() -> Scenario:
    global _PLACEHOLDER
    if _PLACEHOLDER is None:
        _PLACEHOLDER = Scenario.model_construct()
    return _PLACEHOLDER


@dataclass
class AnalyticEvaluation:
    """Each sample as one design point whose KPIs are ``evaluate(point, replication)`` of its values."""

    evaluate: Evaluate
    name: str = "analytic"

    def points(self, values: dict[str, float]) -> dict[str, DesignPoint]:
        key = hashlib.sha256(json.dumps([self.name, values], sort_keys=True).encode()).hexdigest()[:16]
        return {"alt": DesignPoint(key, self.name, dict(values), _placeholder())}


def ishigami(point: DesignPoint, replication: int) -> dict[str, float]:
    """The Ishigami function (a = 7, b = 0.1) of settings x1, x2, x3: a known answer for the indices.

    With x_i uniform on [-pi, pi]: S1 = 0.3139, 0.4424, 0; ST = 0.5576, 0.4424, 0.2437.
    """
    x1, x2, x3 = (float(point.settings[k]) for k in ("x1", "x2", "x3"))
    return {"y": math.sin(x1) + 7.0 * math.sin(x2) ** 2 + 0.1 * x3 ** 4 * math.sin(x1)}


# ------------------------------------------------------------------------------------------ stages
@dataclass
class StageResult:
    """One sampling stage: what was varied, the samples and the per-sample KPI values."""

    name: StageName
    varied: list[str]
    unit: np.ndarray
    values: list[dict[str, float]]
    effect: dict[str, np.ndarray]  # kpi -> per-sample paired difference (alt - base; alt alone without base)
    base: dict[str, np.ndarray]
    alt: dict[str, np.ndarray]
    indices: list[dict[str, Any]] = field(default_factory=list)


Progress = Callable[[Iterable, int], Iterable]


def _kpis_of(path: Path) -> dict[str, float]:
    return {k: float(v) for k, v in json.loads(path.read_text(encoding="utf-8"))["kpis"].items()}


def run_samples(evaluation: Evaluation, samples: list[dict[str, float]], kpis: list[str], replications: int,
                out: Path, workers: int = 1, scheduler: str | None = None, progress: Progress | None = None
                ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], dict[str, np.ndarray],
                           list[dict[str, DesignPoint]]]:
    """Run every sample's design points through the experiment engine; per-sample KPI means.

    Returns (effect, base, alt, points): per KPI an array over samples of the mean over replications
    of alt - base (paired, replication by replication), of base and of alt.
    """
    roles = [evaluation.points(v) for v in samples]
    unique: dict[str, DesignPoint] = {}
    for r in roles:
        for p in r.values():
            unique.setdefault(p.key, p)
    points = list(unique.values())
    tasks = tasks_for(points, replications, out)
    execute(points, tasks, workers=workers, scheduler=scheduler, progress=progress, evaluate=evaluation.evaluate)
    stored = {(t.point, t.replication): t.path for t in tasks}
    cache: dict[tuple[str, int], dict[str, float]] = {}

    def kpis_at(key: str, rep: int) -> dict[str, float]:
        if (key, rep) not in cache:
            cache[(key, rep)] = _kpis_of(stored[(key, rep)])
        return cache[(key, rep)]

    effect = {k: np.zeros(len(samples)) for k in kpis}
    base = {k: np.full(len(samples), np.nan) for k in kpis}
    alt = {k: np.zeros(len(samples)) for k in kpis}
    for i, r in enumerate(roles):
        for kpi in kpis:
            a = [kpis_at(r["alt"].key, rep).get(kpi, 0.0) for rep in range(replications)]
            alt[kpi][i] = float(np.mean(a))
            if "base" in r:
                b = [kpis_at(r["base"].key, rep).get(kpi, 0.0) for rep in range(replications)]
                base[kpi][i] = float(np.mean(b))
                effect[kpi][i] = float(np.mean(np.subtract(a, b)))
            else:
                effect[kpi][i] = alt[kpi][i]
    return effect, base, alt, roles


def morris_indices(names: list[str], unit: np.ndarray, y: np.ndarray, levels: int, seed: int) -> list[dict[str, Any]]:
    from SALib.analyze import morris as morris_analyze

    if not np.any(y != y[0]):
        return [{"parameter": n, "mu": 0.0, "mu_star": 0.0, "sigma": 0.0, "mu_star_conf": 0.0} for n in names]
    res = morris_analyze.analyze(problem(names), unit, y, num_levels=levels, print_to_console=False, seed=seed)
    return [{"parameter": n, "mu": float(res["mu"][i]), "mu_star": float(res["mu_star"][i]),
             "sigma": float(res["sigma"][i]), "mu_star_conf": float(res["mu_star_conf"][i])}
            for i, n in enumerate(names)]


def sobol_indices(names: list[str], y: np.ndarray, seed: int) -> list[dict[str, Any]]:
    """First-order and total indices; a KPI that does not vary over the samples has every index 0."""
    from SALib.analyze import sobol as sobol_analyze

    if not np.any(y != y[0]):
        return [{"parameter": n, "S1": 0.0, "S1_conf": 0.0, "ST": 0.0, "ST_conf": 0.0} for n in names]
    res = sobol_analyze.analyze(problem(names), y, calc_second_order=False, print_to_console=False, seed=seed)
    return [{"parameter": n, "S1": float(res["S1"][i]), "S1_conf": float(res["S1_conf"][i]),
             "ST": float(res["ST"][i]), "ST_conf": float(res["ST_conf"][i])} for i, n in enumerate(names)]


def run_stage(name: StageName, params: list[Parameter], varied: list[str],
              spec: MorrisSpec | SobolSpec | UncertaintySpec, seed: int, evaluation: Evaluation, kpis: list[str],
              replications: int, out: Path, workers: int = 1, scheduler: str | None = None,
              progress: Progress | None = None) -> StageResult:
    """Sample, run and analyse one stage (Morris, Sobol' or uncertainty) over the ``varied`` parameters."""
    unit = unit_samples(name, varied, spec, seed)
    values = values_of(params, varied, unit)
    effect, base, alt, _ = run_samples(evaluation, values, kpis, replications, out, workers, scheduler, progress)
    stage = StageResult(name, varied, unit, values, effect, base, alt)
    for kpi in kpis if name != "uncertainty" else []:  # uncertainty: the samples are the result
        if name == "morris":
            assert isinstance(spec, MorrisSpec)
            rows = morris_indices(varied, unit, effect[kpi], spec.levels, seed)
        else:
            rows = sobol_indices(varied, effect[kpi], seed)
        stage.indices += [{"kpi": kpi, **r} for r in rows]
    return stage


def top_inputs(stage: StageResult, rank_by: list[str], n: int) -> list[str]:
    """The Sobol' inputs: each ranking KPI's ``n`` inputs with the largest Morris mu_star, together.

    Taken in turn (first of every KPI, then the second, ...), so that every ranking KPI's own top
    ``n`` are in (at most ``n`` times the number of KPIs, fewer where they agree). An input without
    any effect (mu_star 0) is not taken; when no input has one, the first ``n`` in file order.
    """
    ranked: list[list[str]] = []
    for kpi in rank_by:
        rows = sorted((r for r in stage.indices if r["kpi"] == kpi and r["mu_star"] > 0),
                      key=lambda r: (-r["mu_star"], stage.varied.index(r["parameter"])))
        ranked.append([r["parameter"] for r in rows[:n]])
    out: list[str] = []
    for i in range(n):
        for names in ranked:
            if i < len(names) and names[i] not in out:
                out.append(names[i])
    return out or stage.varied[:n]


# ------------------------------------------------------------------------------------------ outputs
def _write_csv(path: Path, header: list[str], rows: Iterable[list[Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".csv.tmp")
    with tmp.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows([repr(x) if isinstance(x, float) else x for x in row] for row in rows)
    os.replace(tmp, path)


def write_stage(stage: StageResult, params: list[Parameter], kpis: list[str], out: Path) -> None:
    keys = [p.key for p in params]
    folder = out / stage.name
    _write_csv(folder / "samples.csv", ["sample", *keys], ([i, *(v[k] for k in keys)] for i, v in
                                                           enumerate(stage.values)))
    rows = []
    for i in range(len(stage.values)):
        for kpi in kpis:
            b, a, d = float(stage.base[kpi][i]), float(stage.alt[kpi][i]), float(stage.effect[kpi][i])
            rel = d / b if b and not math.isnan(b) else float("nan")
            rows.append([i, kpi, b, a, d, rel])
    _write_csv(folder / "results.csv", ["sample", "kpi", "base_mean", "alt_mean", "diff", "rel_change"], rows)
    if stage.name == "uncertainty":
        return
    measures = ["mu", "mu_star", "sigma", "mu_star_conf"] if stage.name == "morris" else \
        ["S1", "S1_conf", "ST", "ST_conf"]
    _write_csv(folder / "indices.csv", ["kpi", "parameter", *measures],
               ([r["kpi"], r["parameter"], *(r[m] for m in measures)] for r in stage.indices))


def morris_noise_floor(noise_sd: float, levels: int) -> float:
    """The mu_star that replication noise alone gives (no input has an effect).

    An elementary effect is (y2 - y1) / delta with delta = levels / (2 (levels - 1)) on the unit scale;
    with independent noise of sd ``noise_sd`` in each y its sd is sqrt(2) noise_sd / delta, and the mean
    of its absolute value is that times sqrt(2 / pi). Common random numbers make the real floor lower.
    """
    delta = levels / (2 * (levels - 1))
    return math.sqrt(2) * noise_sd / delta * math.sqrt(2 / math.pi)


def _percentile(x: np.ndarray, q: float) -> float:
    x = x[~np.isnan(x)]
    return float(np.percentile(x, q)) if len(x) else float("nan")


def summarise(stages: list[StageResult], nominal: dict[str, dict[str, float]], kpis: list[str],
              meta: dict[str, Any], ranked: list[str] | None = None) -> dict[str, Any]:
    """Per KPI: the effect at the scenario's values with its stochastic interval, the uncertainty
    interval over the evidence ranges and the inputs that drive it most.

    The uncertainty interval is the 2.5-97.5 percentile range of the sample effects of the stage that
    draws every input from its range (the uncertainty stage when it ran; else Morris, else Sobol').
    The drivers of a KPI whose Morris ranking chose the Sobol' inputs (``ranked``) are ranked by
    Sobol' ``ST``; those of the other KPIs by Morris ``mu_star`` over every input (the Sobol' inputs
    need not be theirs).
    """
    by_name = {s.name: s for s in stages}
    spread = by_name.get("uncertainty", stages[0])
    out: dict[str, Any] = {**meta, "kpis": {}}
    for kpi in kpis:
        d = spread.effect[kpi]
        b = spread.base[kpi]
        with np.errstate(invalid="ignore", divide="ignore"):
            rel = d / b
        use_sobol = "sobol" in by_name and ("morris" not in by_name or ranked is None or kpi in ranked)
        ranking = by_name.get("sobol") if use_sobol else by_name.get("morris")
        measure = "ST" if use_sobol else "mu_star"
        rows = sorted((r for r in (ranking.indices if ranking else []) if r["kpi"] == kpi), key=lambda r: -r[measure])
        nom = nominal.get(kpi, {})
        out["kpis"][kpi] = {
            "base_mean": nom.get("base_mean", float("nan")),
            "diff": nom.get("diff_mean", float("nan")),
            "stochastic_low": nom.get("diff_ci_low", float("nan")),
            "stochastic_high": nom.get("diff_ci_high", float("nan")),
            "rel": nom.get("rel_change", float("nan")),
            "uncertainty_low": _percentile(d, 2.5),
            "uncertainty_high": _percentile(d, 97.5),
            "rel_uncertainty_low": _percentile(rel, 2.5),
            "rel_uncertainty_high": _percentile(rel, 97.5),
            "samples": int(len(d)),
            "spread_from": spread.name,
            # Replication noise of one sample's effect (sd of the paired differences at the scenario's values,
            # over the replications a sample runs): an index of that order cannot be told from noise.
            "noise_sd": nom.get("diff_sd", float("nan")) / math.sqrt(meta.get("replications", 1)),
            "ranked_by": f"{ranking.name} {measure}" if ranking else "",
            "drivers": [{"parameter": r["parameter"], measure: r[measure]} for r in rows if r[measure] > 0][:DRIVERS],
        }
    return out


def _json_safe(x: Any) -> Any:
    if isinstance(x, float):
        return None if math.isnan(x) or math.isinf(x) else x
    if isinstance(x, dict):
        return {k: _json_safe(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_json_safe(v) for v in x]
    return x


def write_summary(summary: dict[str, Any], out: Path) -> None:
    tmp = out / f"{SUMMARY}.tmp"
    tmp.write_text(json.dumps(_json_safe(summary), indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, out / SUMMARY)
    rows = []
    for kpi, s in summary["kpis"].items():
        drivers = [d["parameter"] for d in s["drivers"]] + [""] * DRIVERS
        rows.append([kpi, s["base_mean"], s["diff"], s["stochastic_low"], s["stochastic_high"],
                     s["uncertainty_low"], s["uncertainty_high"], s["rel"], s["rel_uncertainty_low"],
                     s["rel_uncertainty_high"], s["samples"], *drivers[:DRIVERS]])
    _write_csv(out / "summary.csv", ["kpi", "base_mean", "diff_nominal", "stochastic_ci_low", "stochastic_ci_high",
                                     "uncertainty_low", "uncertainty_high", "rel_nominal", "rel_uncertainty_low",
                                     "rel_uncertainty_high", "samples", "driver_1", "driver_2", "driver_3"], rows)


def read_summary(folder: Path) -> dict[str, Any] | None:
    path = folder / SUMMARY
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("kpis"), dict) else None


@dataclass(frozen=True)
class FoundSummary:
    """The newest sensitivity result for a scenario pair; ``same_inputs`` when it was made from the
    very model inputs asked about (same resolved scenarios apart from their run settings)."""

    folder: Path
    summary: dict[str, Any]
    same_inputs: bool


def find_summary(results: Path, base_name: str, alt_name: str,
                 models: dict[str, str] | None = None) -> FoundSummary | None:
    """The sensitivity result under ``results`` for this scenario pair.

    With ``models`` (the pair's :func:`sim.run.manifest.model_hash` by role) a result of the same
    inputs is preferred over a newer one of the same names made from other inputs (a scenario
    file, the calibration or the model changed since); among equals the newest wins.
    """
    found = []
    for depth in ("*", "*/*", "*/*/*"):
        for path in results.glob(f"{depth}/{SUMMARY}"):
            data = read_summary(path.parent)
            if data and data.get("base") == base_name and data.get("alt") == alt_name:
                same = models is None or data.get("models") == models
                found.append((same, path.stat().st_mtime, path.parent, data))
    if not found:
        return None
    same, _, folder, data = max(found, key=lambda f: (f[0], f[1]))
    return FoundSummary(folder, data, same)


# ------------------------------------------------------------------------------------------ driver
@dataclass
class Loaded:
    exp: SensitivityFile
    path: Path
    ranges_path: Path
    params: list[Parameter]
    evaluation: SimulationEvaluation
    base_names: tuple[str, str]
    region: str
    days: float
    warmup_days: float
    scenarios: dict[str, Scenario]  # the pair at the scenario's own values, by role (base, alt)


def load_sensitivity(path: str | Path) -> Loaded:
    """Read a sensitivity file, its ranges and base scenarios, and check every range against them.

    Every range is tried at both ends (all other inputs at the scenario's values), so a range that
    would make a scenario invalid is refused now, in one line, not in the middle of the run.
    """
    path = Path(path)
    exp = load_model_file(path, SensitivityFile)
    ranges_path = path.parent / exp.ranges
    if not ranges_path.is_file():
        raise ScenarioError(f"{path}: key ranges: file '{exp.ranges}' not found")
    ranges = load_ranges(ranges_path)
    bases: list[tuple[str, Path]] = []
    raws: dict[str, dict[str, Any]] = {}
    for i, base in enumerate(exp.scenarios):
        base_path = path.parent / base
        if not base_path.is_file():
            raise ScenarioError(f"{path}: key scenarios.{i}: file '{base}' not found")
        bases.append((base, base_path))
        raws[base] = load_raw(base_path)[0]
    params = resolve_parameters(ranges, ranges_path, raws)
    known = {p.key for p in params}
    if exp.sobol and exp.sobol.parameters:
        for name in exp.sobol.parameters:
            if name not in known:
                raise ScenarioError(f"{path}: key sobol.parameters: '{name}' is not a key of {exp.ranges}")
    run: dict[str, Any] = {"seed": exp.seed, "replications": exp.replications}
    if exp.days is not None:
        run["days"] = exp.days
    if exp.warmup_days is not None:
        run["warmup_days"] = exp.warmup_days
    evaluation = SimulationEvaluation(bases, params, run, ranges_path)
    nominal = {p.key: p.nominal for p in params}
    plain = evaluation.scenarios(nominal)
    for p in params:
        for end in (p.low, p.high):
            if end == p.nominal:
                continue
            try:
                evaluation.scenarios({**nominal, p.key: end})
            except ScenarioError as exc:
                raise ScenarioError(f"{ranges_path}: key ranges.{p.key}: at {end:g} the scenario is refused "
                                    f"({str(exc).split(': ', 1)[-1]})") from None
    names = (plain["base"].name, plain["alt"].name)
    return Loaded(exp, path, ranges_path, params, evaluation, names, plain["alt"].region, plain["alt"].run.days,
                  plain["alt"].run.warmup_days, plain)


def check_kpis(loaded: Loaded, available: set[str]) -> None:
    for i, kpi in enumerate(loaded.exp.kpis):
        if kpi not in available:
            import difflib

            similar = difflib.get_close_matches(kpi, sorted(available), n=3)
            raise ScenarioError(f"{loaded.path}: key kpis.{i}: unknown KPI '{kpi}'"
                                + (f"; similar names: {', '.join(similar)}" if similar else ""))
    for i, kpi in enumerate(loaded.exp.rank_by or []):
        if kpi not in loaded.exp.kpis:
            raise ScenarioError(f"{loaded.path}: key rank_by.{i}: '{kpi}' is not one of kpis")


def run_sensitivity(loaded: Loaded, out: Path, workers: int = 1, scheduler: str | None = None,
                    progress: Progress | None = None, say: Callable[[str], None] = lambda text: None
                    ) -> dict[str, Any]:
    """Morris over all ranges and/or Sobol' over the top inputs; write every output; return the summary."""
    exp, params = loaded.exp, loaded.params
    keys = [p.key for p in params]
    stages: list[StageResult] = []
    common = dict(evaluation=loaded.evaluation, kpis=exp.kpis, replications=exp.replications, out=out,
                  workers=workers, scheduler=scheduler, progress=progress)
    nominal_values = {p.key: p.nominal for p in params}
    nominal_reps = max(exp.replications, exp.nominal_replications)
    say(f"nominal point (every input at the scenario's value): {nominal_reps} paired replications")
    roles = loaded.evaluation.points(nominal_values)
    run_samples(loaded.evaluation, [nominal_values], exp.kpis, nominal_reps, out, workers, scheduler, progress)
    if exp.method in ("morris", "morris_sobol"):
        assert exp.morris is not None
        n = (len(keys) + 1) * exp.morris.trajectories
        say(f"morris: {exp.morris.trajectories} trajectories x {len(keys) + 1} points = {n} samples")
        stage = run_stage("morris", params, keys, exp.morris, exp.seed, **common)  # type: ignore[arg-type]
        write_stage(stage, params, exp.kpis, out)
        stages.append(stage)
    if exp.method in ("sobol", "morris_sobol"):
        assert exp.sobol is not None
        if exp.sobol.parameters:
            varied = list(exp.sobol.parameters)
        elif stages:
            varied = top_inputs(stages[0], exp.rank_by or exp.kpis[:2], exp.sobol.inputs)
        else:
            varied = keys
        n = exp.sobol.samples * (len(varied) + 2)
        say(f"sobol: {exp.sobol.samples} x ({len(varied)} + 2) = {n} samples over {', '.join(varied)}")
        stage = run_stage("sobol", params, varied, exp.sobol, exp.seed, **common)  # type: ignore[arg-type]
        write_stage(stage, params, exp.kpis, out)
        stages.append(stage)
    if exp.uncertainty is not None:
        say(f"uncertainty: {exp.uncertainty.samples} samples, every input drawn within its range (Latin hypercube)")
        stage = run_stage("uncertainty", params, keys, exp.uncertainty, exp.seed, **common)  # type: ignore[arg-type]
        write_stage(stage, params, exp.kpis, out)
        stages.append(stage)
    nominal = _nominal(roles, exp.kpis, nominal_reps, out)
    _write_csv(out / "nominal.csv", ["kpi", "base_mean", "alt_mean", "diff_mean", "diff_ci_low", "diff_ci_high",
                                     "rel_change", "n"],
               ([k, *(nominal[k][c] for c in ("base_mean", "alt_mean", "diff_mean", "diff_ci_low", "diff_ci_high",
                                               "rel_change")), nominal_reps] for k in exp.kpis))
    meta: dict[str, Any] = {"name": exp.name, "base": loaded.base_names[0], "alt": loaded.base_names[1],
            "models": {role: manifest.model_hash(sc) for role, sc in loaded.scenarios.items()},
            "region": loaded.region,
            "days": loaded.days, "warmup_days": loaded.warmup_days, "replications": exp.replications,
            "nominal_replications": nominal_reps,
            "seed": exp.seed, "method": exp.method, "ranges": str(exp.ranges), "file": paths.shown(loaded.path),
            "parameters": [{"key": p.key, "low": p.low, "high": p.high, "nominal": p.nominal} for p in params],
            "stages": {s.name: {"samples": len(s.values), "varied": s.varied,
                                **({"levels": exp.morris.levels} if s.name == "morris" and exp.morris else {})}
                       for s in stages}}
    ranked = None if exp.sobol is not None and exp.sobol.parameters else (exp.rank_by or exp.kpis[:2])
    summary = summarise(stages, nominal, exp.kpis, meta, ranked)
    write_summary(summary, out)
    return summary


def _nominal(roles: dict[str, DesignPoint], kpis: list[str], replications: int, out: Path
             ) -> dict[str, dict[str, float]]:
    """The effect at the scenario's own values: paired 95% t-interval over the replications."""
    def reps(point: DesignPoint) -> list[dict[str, float]]:
        return [_kpis_of(t.path) for t in tasks_for([point], replications, out)]

    alt = reps(roles["alt"])
    base = reps(roles["base"]) if "base" in roles else [dict.fromkeys(kpis, 0.0) for _ in alt]
    diffs = {d.kpi: d for d in paired([{k: r.get(k, 0.0) for k in kpis} for r in base],
                                      [{k: r.get(k, 0.0) for k in kpis} for r in alt])}
    out_rows: dict[str, dict[str, float]] = {}
    for k in kpis:
        d = diffs[k]
        sd = float(np.std([a.get(k, 0.0) - b.get(k, 0.0) for a, b in zip(alt, base, strict=True)], ddof=1))
        out_rows[k] = {"base_mean": d.base_mean, "alt_mean": d.alt_mean, "diff_mean": d.diff_mean,
                       "diff_ci_low": d.diff_ci_low, "diff_ci_high": d.diff_ci_high, "rel_change": d.rel_change,
                       "diff_sd": sd}
    return out_rows


def analytic_run(ranges: RangesFile, origin: str, evaluate: Evaluate, method: StageName,
                 spec: MorrisSpec | SobolSpec, seed: int, kpis: list[str], out: Path, workers: int = 1
                 ) -> StageResult:
    """One stage over every range with an analytic ``evaluate`` in place of the simulation (tests, checks)."""
    params = [Parameter(k, r.low, r.high, _round((r.low + r.high) / 2), (k,), (), False, None, "")
              for k, r in ranges.ranges.items()]
    keys = [p.key for p in params]
    return run_stage(method, params, keys, spec, seed, AnalyticEvaluation(evaluate, origin), kpis, 1, out,
                     workers=workers)
