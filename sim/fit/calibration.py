"""Fit uncertain inputs to published targets (``acutesim calibrate``).

The declared parameters (calibration file) are moved within their bounds by
``scipy.optimize.least_squares`` (trust-region reflective) so that every target
is met: the residual of a target is its relative error divided by its tolerance.
Every evaluation runs the same seed and replication numbers (common random
numbers), so the objective changes with the parameters, not with the noise.
The Jacobian is estimated once by forward differences and then kept up to date
with Broyden's rank-one updates, because each evaluation is a simulation run.
The search stops as soon as every target is within a set share of its tolerance
(``converged_share_of_tolerance``, 0.5 in the shipped file: room for
the noise of other seeds and longer runs) or after a budget of evaluations.

The result is a scenario overlay: only the fitted figures, each with an
``estimate:`` that says it was calibrated, from what value, against which targets.
"""

from __future__ import annotations

import copy
import fnmatch
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from scipy.optimize import least_squares

from sim import paths
from sim.config.loader import ScenarioError, load_raw
from sim.config.schema import Scenario
from sim.fit.targets import CalibrationFile, Parameter, relative_error, simulated
from sim.run.runner import replications_of

SIGNIFICANT = 6  # digits of fitted values written to the overlay

Path_ = tuple[str, ...]


def _paths(raw: dict[str, Any], pattern: str) -> list[Path_]:
    """All key paths in ``raw`` matching a dotted pattern (``*`` matches one key)."""
    found: list[Path_] = [()]
    for part in pattern.split("."):
        nxt = []
        for p in found:
            node = _get(raw, p)
            if isinstance(node, dict):
                nxt += [p + (k,) for k in node if fnmatch.fnmatchcase(str(k), part)]
        found = nxt
    return found


def _get(raw: dict[str, Any], path: Path_) -> Any:
    node: Any = raw
    for k in path:
        node = node[k]
    return node


def _set(raw: dict[str, Any], path: Path_, value: Any) -> None:
    _get(raw, path[:-1])[path[-1]] = value


def _round(x: float) -> float:
    return float(f"{x:.{SIGNIFICANT}g}")


@dataclass
class Fitted:
    """Where one parameter acts: matched paths, the node that carries provenance, start values.

    ``skipped`` are the figures a wildcard key matched but that carry a ``source:`` (a published
    figure never moves): each as ``(dotted key, source)``, listed in the fit report.
    """

    name: str
    spec: Parameter
    paths: list[Path_]
    start: float
    owners: list[Path_] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


WILDCARD = "*?["  # fnmatch's special characters: a key with one of them is a wildcard key


def source_of(raw: dict[str, Any], path: Path_) -> str | None:
    """The ``source:`` of the figure that holds ``path`` (the nearest enclosing provenance), else None.

    A figure carries exactly one of ``source:``/``estimate:`` (or a ``provenance:`` mapping with one);
    the nearest mapping on the path that has one decides.
    """
    for n in range(len(path), -1, -1):
        node = _get(raw, path[:n])
        if not isinstance(node, dict):
            continue
        prov = node if any(k in node for k in ("source", "estimate")) else node.get("provenance")
        if isinstance(prov, dict) and any(k in prov for k in ("source", "estimate")):
            return str(prov["source"]) if prov.get("source") else None
    return None


def _one_line(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def resolve_parameters(cal: CalibrationFile, raw: dict[str, Any], origin: str) -> list[Fitted]:
    """Match each declared parameter to the scenario's uncertain inputs.

    Only estimates may be fitted: a key written out in full that names a sourced figure is an error
    (one line naming the calibration file, the parameter and the key); a wildcard key skips the
    sourced figures it matches (they are listed in :attr:`Fitted.skipped`, and so in the fit report).
    A key that matches nothing, or only sourced figures, is an error.
    """
    out = []
    for name, spec in cal.parameters.items():
        paths: list[Path_] = []
        skipped: list[tuple[str, str]] = []
        for key in spec.keys:
            target = key + ".value" if spec.kind == "value" else key
            matched = _paths(raw, target)
            if spec.kind == "share_scale":
                matched = [p for p in matched if isinstance(_get(raw, p), dict) and "shares" in _get(raw, p)
                           and spec.outcome in _get(raw, p)["shares"]]
            else:
                matched = [p for p in matched if isinstance(_get(raw, p), (int, float))]
            what = f"a mix with outcome '{spec.outcome}'" if spec.kind == "share_scale" else "a number"
            if not matched:
                raise ScenarioError(f"{origin}: key parameters.{name}.keys: '{key}' matches no {what} in the scenario")
            wildcard = any(c in key for c in WILDCARD)
            estimates = []
            for p in matched:
                source = source_of(raw, p)
                if source is None:
                    estimates.append(p)
                elif wildcard:
                    skipped.append((".".join(p), source))
                else:
                    raise ScenarioError(f"{origin}: key parameters.{name}.keys: '{key}' is a sourced figure "
                                        f"(source: {_one_line(source)}); only estimates may be fitted")
            if not estimates:
                raise ScenarioError(f"{origin}: key parameters.{name}.keys: '{key}' matches only sourced "
                                    f"figures; only estimates may be fitted")
            paths += estimates
        if spec.kind == "value":
            starts = {_get(raw, p) for p in paths}
            if len(starts) != 1:
                raise ScenarioError(f"{origin}: key parameters.{name}.keys: kind value needs keys with one common "
                                    f"value, found {sorted(starts)}")
            start = float(starts.pop())
        else:
            start = 1.0
        lo, hi = spec.bounds
        if not lo <= start <= hi:
            raise ScenarioError(f"{origin}: key parameters.{name}.bounds: the scenario's start value {start:g} "
                                f"lies outside [{lo:g}, {hi:g}]")
        owners = [p if spec.kind == "share_scale" else p[:-1] for p in paths]
        out.append(Fitted(name, spec, paths, start, owners, skipped))
    return out


def apply(raw: dict[str, Any], params: list[Fitted], theta: np.ndarray) -> dict[str, Any]:
    """A copy of ``raw`` with parameter values ``theta`` (natural units for kind value, factors otherwise)."""
    data = copy.deepcopy(raw)
    for f, t in zip(params, theta, strict=True):
        for p in f.paths:
            if f.spec.kind == "value":
                _set(data, p, _round(t))
            elif f.spec.kind == "scale":
                _set(data, p, _round(_get(raw, p) * t))
            else:
                shares = dict(_get(raw, p)["shares"])
                old = shares[f.spec.outcome]
                new = min(old * t, 0.999)
                rest = (1.0 - new) / (1.0 - old) if old < 1.0 else 0.0
                shares = {k: _round(new if k == f.spec.outcome else v * rest) for k, v in shares.items()}
                largest = max(shares, key=shares.__getitem__)  # absorbs the rounding so the shares sum to 1
                shares[largest] = round(1.0 - sum(v for k, v in shares.items() if k != largest), 12)
                _get(data, p)["shares"] = shares
    return data


def overlay(raw: dict[str, Any], calibrated: dict[str, Any], params: list[Fitted], why: str) -> dict[str, Any]:
    """The changed figures only, each with an estimate naming the calibration and the value before it."""
    out: dict[str, Any] = {}
    for f in params:
        for owner in f.owners:
            before = _get(raw, owner)
            node = copy.deepcopy(_get(calibrated, owner))
            old_note = before.get("source") or before.get("estimate") or ""
            old_value = before.get("value", before.get("mean", before.get("shares")))
            node.pop("source", None)
            node["estimate"] = (f"calibrated ({f.name}: {f.spec.note}); {why}; before calibration "
                                f"{old_value}: {old_note}")
            target: dict[str, Any] = out
            for k in owner[:-1]:
                target = target.setdefault(k, {})
            target[owner[-1]] = node
    return out


class Stop(Exception):
    """Raised inside the objective to end the search early (converged or out of budget)."""


@dataclass
class Evaluation:
    x: np.ndarray
    residuals: np.ndarray
    kpis: list[dict[str, float]]

    @property
    def cost(self) -> float:
        return float(np.sum(self.residuals ** 2))


class Problem:
    """The calibration as a least-squares problem over normalised parameters (1 = start value)."""

    def __init__(self, cal: CalibrationFile, raws: dict[str, dict[str, Any]], params: list[Fitted],
                 replications: int, workers: int, aggregate: Callable[[dict[str, dict[str, float]]], dict[str, float]],
                 max_evaluations: int, report: Callable[[str], None] = lambda s: None) -> None:
        self.cal, self.raws, self.params = cal, raws, params
        self.replications, self.workers, self.aggregate = replications, workers, aggregate
        self.max_evaluations, self.report = max_evaluations, report
        self.starts = np.array([f.start for f in params])
        self.evaluations: list[Evaluation] = []
        self.tolerances = np.array([cal.tolerance(n) for n in cal.targets])
        self.missing: set[str] = set()
        self._jac: np.ndarray | None = None
        self._jac_at: Evaluation | None = None

    @property
    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        lo = np.array([f.spec.bounds[0] for f in self.params]) / self.starts
        hi = np.array([f.spec.bounds[1] for f in self.params]) / self.starts
        return lo, hi

    def theta(self, x: np.ndarray) -> np.ndarray:
        return self.starts * x

    def scenarios(self, x: np.ndarray) -> dict[str, Scenario]:
        return {r: Scenario.model_validate(apply(raw, self.params, self.theta(x))) for r, raw in self.raws.items()}

    def simulate(self, x: np.ndarray) -> list[dict[str, float]]:
        """KPIs per replication (national aggregate when several regions), same seeds every time."""
        scen = self.scenarios(x)
        jobs = [(sc, rep, None) for sc in scen.values() for rep in range(self.replications)]
        keys = [(r, rep) for r in scen for rep in range(self.replications)]
        results = {keys[i]: k for i, k in replications_of(jobs, self.workers)}
        return [self.aggregate({r: results[(r, rep)] for r in scen}) for rep in range(self.replications)]

    def relative_errors(self, kpis: list[dict[str, float]]) -> np.ndarray:
        """Per target, the relative error of the mean over replications (0 inside a published range).

        A target whose KPI the model does not have is left out of the fit (residual 0), with one
        warning line the first time.
        """
        out = []
        for name, t in self.cal.targets.items():
            try:
                out.append(relative_error(t, float(np.mean([simulated(t, k) for k in kpis]))))
            except KeyError as missing:
                if name not in self.missing:
                    self.missing.add(name)
                    self.report(f"  warning: target {name}: {missing.args[0]}; left out of the fit")
                out.append(0.0)
        return np.array(out)

    def evaluate(self, x: np.ndarray) -> Evaluation:
        x = np.asarray(x, dtype=float)
        for e in self.evaluations:
            if np.array_equal(e.x, x):
                return e
        if len(self.evaluations) >= self.max_evaluations:
            raise Stop("budget")
        kpis = self.simulate(x)
        e = Evaluation(x.copy(), self.relative_errors(kpis) / self.tolerances, kpis)
        self.evaluations.append(e)
        worst = max(self.cal.targets, key=lambda n: abs(e.residuals[list(self.cal.targets).index(n)]))
        i = list(self.cal.targets).index(worst)
        self.report(f"  evaluation {len(self.evaluations)}: cost {e.cost:.3f}, worst target {worst} "
                    f"{e.residuals[i] * self.tolerances[i]:+.1%}")
        return e

    def residuals(self, x: np.ndarray) -> np.ndarray:
        e = self.evaluate(x)
        if np.all(np.abs(e.residuals) <= self.cal.defaults.converged_share_of_tolerance):
            raise Stop("converged")
        return e.residuals

    def jacobian(self, x: np.ndarray) -> np.ndarray:
        e = self.evaluate(x)
        if self._jac is None:
            lo, hi = self.bounds
            jac = np.zeros((len(e.residuals), len(x)))
            for j in range(len(x)):
                step = self.cal.defaults.jacobian_step * max(abs(x[j]), 1e-3)
                if x[j] + step > hi[j]:
                    step = -step
                xs = x.copy()
                xs[j] += step
                jac[:, j] = (self.evaluate(xs).residuals - e.residuals) / step
            self._jac = jac
        elif self._jac_at is not None and not np.array_equal(self._jac_at.x, x):
            dx = x - self._jac_at.x
            dr = e.residuals - self._jac_at.residuals
            self._jac = self._jac + np.outer(dr - self._jac @ dx, dx) / float(dx @ dx)
        self._jac_at = e
        return self._jac

    def best(self) -> Evaluation:
        return min(self.evaluations, key=lambda e: e.cost)


@dataclass(frozen=True)
class Result:
    values: dict[str, float]          # parameter name -> fitted value (natural units or factor)
    calibrated: dict[str, dict[str, Any]]  # region -> calibrated raw scenario
    evaluations: int
    converged: bool


def _search(problem: Problem, x0: np.ndarray) -> bool:
    """Run the bounded least-squares search from ``x0``.

    True when every target got within the convergence share of its tolerance.
    """
    lo, hi = problem.bounds
    try:
        least_squares(problem.residuals, np.clip(x0, lo, hi), jac=problem.jacobian, bounds=(lo, hi), method="trf",
                      x_scale=1.0, xtol=1e-4, ftol=1e-4, max_nfev=problem.max_evaluations)
    except Stop as stop:
        return str(stop) == "converged"
    return False


FITTED_VALUES = "# Fitted values: "  # the overlay's header line that lists the fitted values (name value, ...)


def fitted_values(overlay: Path) -> dict[str, float]:
    """The fitted values an overlay written by ``acutesim calibrate`` lists in its header (a warm start)."""
    for line in overlay.read_text(encoding="utf-8").splitlines():
        if line.startswith(FITTED_VALUES):
            pairs = [item.strip().rsplit(" ", 1) for item in line[len(FITTED_VALUES):].split(",") if item.strip()]
            try:
                return {name: float(value) for name, value in pairs}
            except ValueError:
                break
    raise ScenarioError(f"{overlay}: no '{FITTED_VALUES.strip('# ').strip()}' header line written by acutesim "
                        f"calibrate")


def calibrate(cal: CalibrationFile, raws: dict[str, dict[str, Any]], origin: str, replications: int,
              workers: int, aggregate, max_evaluations: int,
              report: Callable[[str], None] = lambda s: None,
              polish: dict[str, dict[str, Any]] | None = None, polish_evaluations: int = 6,
              start: dict[str, float] | None = None) -> tuple[Result, Problem]:
    """Fit the parameters; the regions in ``raws`` are evaluated together (national) or alone.

    With ``polish`` (the same regions with a longer run, e.g. a whole year, so that seasons and
    public holidays weigh as they do in use), the short-run fit is the start of a second search on
    the long runs that reuses the short runs' Jacobian: a few long evaluations instead of a new
    finite-difference Jacobian.
    """
    first = next(iter(raws.values()))
    params = resolve_parameters(cal, first, origin)
    problem = Problem(cal, raws, params, replications, workers, aggregate, max_evaluations, report)
    # A warm start (``start``: fitted values of an earlier run) begins where that run ended.
    x0 = np.array([(start or {}).get(p.name, s0) / s0 if s0 else 1.0
                   for p, s0 in zip(params, problem.starts, strict=True)])
    converged = _search(problem, x0)
    final, evaluations = problem, len(problem.evaluations)
    if polish is not None:
        report("  polishing on the long runs, starting from the short-run fit:")
        long = Problem(cal, polish, params, replications, workers, aggregate, polish_evaluations, report)
        long._jac = problem._jac
        converged = _search(long, problem.best().x)
        final, evaluations = long, evaluations + len(long.evaluations)
    theta = final.theta(final.best().x)
    values = {f.name: _round(t) for f, t in zip(params, theta, strict=True)}
    calibrated = {r: apply(raw, params, theta) for r, raw in (polish or raws).items()}
    return Result(values, calibrated, evaluations, converged), final


def prepare(raw: dict[str, Any], days: float, seed: int) -> dict[str, Any]:
    data = copy.deepcopy(raw)
    data["run"] = {**data.get("run", {}), "days": days, "seed": seed}
    return data


def base_raws(regions: list[str], base_file: str, scenarios: Path, days: float, seed: int) -> dict[str, dict[str, Any]]:
    out = {}
    for region in regions:
        raw, _ = load_raw(paths.region_dir(region, scenarios) / base_file)
        raw.setdefault("name", f"{region}_{Path(base_file).stem}")
        out[region] = prepare(raw, days, seed)
    return out


def write_overlay(path: Path, raws: dict[str, dict[str, Any]], result: Result, params: list[Fitted],
                  header: str, why: str) -> None:
    """Write the calibrated figures as a scenario overlay that status-quo scenarios extend."""
    first = next(iter(raws))
    data = overlay(raws[first], result.calibrated[first], params, why)
    text = header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")

