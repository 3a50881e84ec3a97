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
from sim.fit.targets import FitRow, fit_table, format_fit_table, load_calibration
from sim.run.national import region_scenarios, run_national
from sim.run.runner import summarise, write_summary


def plot_fit(rows: list[FitRow], path: Path) -> list[Path]:
    """Simulated / published per target with the 95% interval and the tolerance band (PNG and SVG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 0.45 * len(rows) + 1.5))
    y = list(range(len(rows)))[::-1]
    for yi, r in zip(y, rows, strict=True):
        ax.fill_betweenx([yi - 0.35, yi + 0.35], 1 - r.tolerance, 1 + r.tolerance, color="#d9ead3", lw=0)
        lo, hi = r.ci_low / r.published, r.ci_high / r.published
        ax.errorbar(r.simulated / r.published, yi,
                    xerr=[[r.simulated / r.published - lo], [hi - r.simulated / r.published]],
                    fmt="o", color="#1f4e79" if r.within else "#c00000", capsize=3)
    ax.axvline(1.0, color="black", lw=0.8)
    ax.set_yticks(y)
    ax.set_yticklabels([f"{r.target} ({r.year})" for r in rows])
    ax.set_xlabel("simulated / published (band: tolerance; bars: 95% interval over replications)")
    ax.set_title("Calibrated national status quo against published figures")
    fig.tight_layout()
    written = []
    for suffix in (".png", ".svg"):
        out = path.with_suffix(suffix)
        fig.savefig(out, dpi=120)
        written.append(out)
    plt.close(fig)
    return written


def _checks_table(checks: list[Check]) -> str:
    lines = ["| check | quantity | theory | model | tolerance | agrees |", "|---|---|---|---|---|---|"]
    for c in checks:
        lines.append(f"| {c.name} | {c.quantity} | {c.expected:.4g} | {c.observed:.4g} | {c.tolerance_text} | "
                     f"{'yes' if c.passed else 'NO'} |")
    return "\n".join(lines)


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
    rows = fit_table(cal, national)
    plot_fit(rows, out / "fit")
    n_ok = sum(r.within for r in rows)
    text = f"""# acutesim validation report

acutesim {__version__}, Python {platform.python_version()}; made by `acutesim validation-report`
(targets: `{paths.shown(targets)}`; {replications} replications x {days:g} days after warm-up, seed {seed}; all
{len(regional)} ROAZ regions run together with the shipped `scenarios/<region>/status_quo.yaml`, which
extends the national calibration `calibration/calibrated/national.yaml`).

## 1. Analytic checks

The full model, reduced by scenario settings until theory applies (`sim/fit/analytic.py`):

{_checks_table(checks)}

{sum(c.passed for c in checks)} of {len(checks)} checks agree with theory.

## 2. Calibrated national status quo against published figures

{n_ok} of {len(rows)} targets within tolerance. National counts are compared at the population of
the figure's year (CBS, 1 January): simulated per 1,000 inhabitants x that population.

{format_fit_table(rows, markdown=True)}

![simulated against published](fit.png)

Sources:

""" + "\n".join(f"- **{r.target}** ({r.year}): {r.source}" for r in rows) + """

## 3. Files

- `national_summary.csv`: every national KPI (mean, 95% interval) — volumes summed over regions,
  means and shares weighted by their volume (`sim/run/national.py`);
- `summary_<region>.csv`: the same per region;
- `fit.png`, `fit.svg`: the figure above.

Inputs and their sources: `docs/parameters.md` and each scenario's `scenario.resolved.yaml`.
"""
    path = out / "report.md"
    path.write_text(text, encoding="utf-8")
    return path
