"""The validation report: analytic checks and the calibrated national status quo against every target.

Writes ``report.md`` with the checks, the fit table and a plot of simulated
against published figures (with 95% intervals and tolerance bands), plus the
national and regional summaries it was made from, so every number in the
report can be traced to a file next to it.
"""

from __future__ import annotations

import platform
from collections.abc import Callable
from pathlib import Path

from sim import paths
from sim.fit.analytic import Check, all_checks
from sim.fit.targets import (
    NOT_AVAILABLE,
    CalibrationFile,
    FitRow,
    fit_table,
    format_fit_table,
    load_calibration,
    validation_table,
)
from sim.measure.format import fmt
from sim.run.national import region_scenarios, run_national
from sim.run.runner import summarise, write_summary


def plot_fit(rows: list[FitRow], path: Path, title: str = "Calibrated national status quo against published figures"
             ) -> list[Path]:
    """Simulated / published per figure with the 95% interval and the tolerance band (PNG and SVG).

    A published range is drawn as a band from its low end to its high end, each widened by the
    tolerance; a figure whose KPI the run does not have is listed without a point.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 0.45 * max(len(rows), 1) + 1.5))
    y = list(range(len(rows)))[::-1]
    for yi, r in zip(y, rows, strict=True):
        lo_pub, hi_pub = r.bounds
        ax.fill_betweenx([yi - 0.35, yi + 0.35], lo_pub * (1 - r.tolerance) / r.published,
                         hi_pub * (1 + r.tolerance) / r.published, color="#d9ead3", lw=0)
        if not r.available:
            continue
        lo, hi = r.ci_low / r.published, r.ci_high / r.published
        ax.errorbar(r.simulated / r.published, yi,
                    xerr=[[max(r.simulated / r.published - lo, 0.0)], [max(hi - r.simulated / r.published, 0.0)]],
                    fmt="o", color="#1f4e79" if r.within else "#c00000", capsize=3)
    ax.axvline(1.0, color="black", lw=0.8)
    ax.set_yticks(y)
    ax.set_yticklabels([f"{r.target} ({r.year})" + ("" if r.available else f" - {NOT_AVAILABLE}") for r in rows])
    ax.set_xlabel("simulated / published (band: published value or range with tolerance; bars: 95% interval)")
    ax.set_title(title)
    fig.tight_layout()
    written = []
    for suffix in (".png", ".svg"):
        out = path.with_suffix(suffix)
        fig.savefig(out, dpi=120)
        written.append(out)
    plt.close(fig)
    return written


def _validation_table(rows: list[FitRow], cal: CalibrationFile) -> str:
    """The independent figures: the fit columns, then measurement or norm, pass/fail and why independent."""
    head = ["figure", "region", "unit", "published", "simulated", "95% interval", "rel. error", "tolerance",
            "evidence", "result", "why independent"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        v = cal.validation[r.target]
        if r.available:
            cells = [fmt(r.simulated), f"{fmt(r.ci_low)} – {fmt(r.ci_high)}", f"{r.relative_error:+.1%}"]
            result = "pass" if r.within else "FAIL"
        else:
            cells, result = [NOT_AVAILABLE, "-", "-"], NOT_AVAILABLE
        where = v.region or "national"
        lines.append("| " + " | ".join([r.target, where, r.unit, r.published_text, *cells, f"±{r.tolerance:.0%}",
                                        v.evidence, result, v.why_independent]) + " |")
    return "\n".join(lines)


def _checks_table(checks: list[Check]) -> str:
    lines = ["| check | quantity | theory | model | tolerance | agrees |", "|---|---|---|---|---|---|"]
    for c in checks:
        lines.append(f"| {c.name} | {c.quantity} | {c.expected:.4g} | {c.observed:.4g} | {c.tolerance_text} | "
                     f"{'yes' if c.passed else 'NO'} |")
    return "\n".join(lines)


def published_sections(cal: CalibrationFile, replications: list[dict[str, float]], out: Path,
                       per_region: dict[str, list[dict[str, float]]] | None = None) -> str:
    """Sections 2 and 3 of the report, kept apart: the targets the calibration used, and the
    independent figures it never saw (with pass/fail); writes their figures to ``out``."""
    rows = fit_table(cal, replications)
    plot_fit(rows, out / "fit")
    n_ok = sum(r.within for r in rows)
    n_missing = sum(not r.available for r in rows)
    missing = f"; {n_missing} without their KPI in this model ({NOT_AVAILABLE})" if n_missing else ""
    independent = validation_table(cal, replications, per_region)
    plot_fit(independent, out / "validation", title="Calibrated national status quo against independent figures")
    n_pass = sum(r.within for r in independent)
    n_unavailable = sum(not r.available for r in independent)
    unavailable = f"; {n_unavailable} without their KPI in this model ({NOT_AVAILABLE})" if n_unavailable else ""
    return f"""## 2. Targets the calibration used

These published figures are what `acutesim calibrate` fitted the uncertain inputs to (section
`targets:` of the calibration file), so meeting them shows the fit, not the model's validity.
{n_ok} of {len(rows)} targets within tolerance{missing}.
National counts are compared at the population of the figure's year (CBS, 1 January): simulated
per 1,000 inhabitants x that population. A published range is met inside the range widened by the
tolerance.

{format_fit_table(rows, markdown=True)}

![simulated against the calibration targets](fit.png)

Sources:

""" + "\n".join(f"- **{r.target}** ({r.year}): {r.source}" for r in rows) + f"""

## 3. Independent figures (never seen by the calibration)

Published figures in section `validation:` of the calibration file, which `acutesim calibrate`
never reads. Each says whether it is a measurement or a norm and why it does not follow from the
targets above. {n_pass} of {len(independent)} pass{unavailable}.

{_validation_table(independent, cal)}

![simulated against the independent figures](validation.png)

Sources:

""" + "\n".join(f"- **{r.target}** ({r.year}): {r.source}" for r in independent) + """
"""


def write_report(out: Path, targets: str | Path, replications: int, days: float, workers: int,
                 scenarios: Path, progress: Callable[[str], None] = lambda s: None) -> Path:
    """Run the checks and the national status quo; write ``out/report.md`` and its figures and tables."""
    from sim import __version__

    out.mkdir(parents=True, exist_ok=True)
    cal = load_calibration(targets)
    progress("analytic checks (Erlang C, Erlang B, Little's law, conservation) ...")
    checks = all_checks()
    regional = region_scenarios("status_quo.yaml", {"run": {"days": days}}, scenarios)
    seed = next(iter(regional.values())).run.seed
    progress(f"national status quo: {len(regional)} regions x {replications} replication(s) x {days:g} days ...")
    national, per_region = run_national(regional, replications, workers,
                                        progress=lambda d, t: progress(f"  region-replication {d}/{t} done"))
    write_summary(summarise(national), out / "national_summary.csv")
    for region, reps in per_region.items():
        write_summary(summarise(reps), out / f"summary_{region}.csv")
    text = f"""# acutesim validation report

acutesim {__version__}, Python {platform.python_version()}; made by `acutesim validation-report`
(targets: `{paths.shown(targets)}`; {replications} replications x {days:g} days after warm-up, seed {seed}; all
{len(regional)} ROAZ regions run together with the shipped `scenarios/<region>/status_quo.yaml`, which
extends the national calibration `calibration/calibrated/national.yaml`).

## 1. Analytic checks

The full model, reduced by scenario settings until theory applies (`sim/fit/analytic.py`):

{_checks_table(checks)}

{sum(c.passed for c in checks)} of {len(checks)} checks agree with theory.

{published_sections(cal, national, out, per_region)}
## 4. Files

- `national_summary.csv`: every national KPI (mean, 95% interval) — volumes summed over regions,
  means and shares weighted by their volume (`sim/run/national.py`);
- `summary_<region>.csv`: the same per region;
- `fit.png`, `fit.svg`, `validation.png`, `validation.svg`: the figures above.

Inputs and their sources: `docs/parameters.md` and each scenario's `scenario.resolved.yaml`.
"""
    path = out / "report.md"
    path.write_text(text, encoding="utf-8")
    return path
