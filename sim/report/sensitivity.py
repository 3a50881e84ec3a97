"""Text and HTML of a sensitivity result: the effect with two intervals and what drives it.

A compare output's interval is stochastic (replications). A sensitivity folder
(``acutesim sensitivity``, :mod:`sim.fit.sensitivity`) adds the interval over the evidence ranges
and the inputs that drive the effect most. :func:`summary_text` prints it, :func:`compare_note`
adds it to ``acutesim compare`` when a result for the same scenario pair exists under
``results/``, and :func:`write_sensitivity_report` writes the folder's ``report.html``.
"""

from __future__ import annotations

import csv
import html
import math
import shlex
from pathlib import Path
from typing import Any

from sim import __version__, paths
from sim.fit.sensitivity import FoundSummary, find_summary, morris_noise_floor, read_summary
from sim.measure.format import units
from sim.report.plots import Figure, plot_effect_intervals, plot_sensitivity_indices
from sim.run.results import ResultsError
from sim.run.runner import Difference

TITLES = {"seh_arrivals_per_day": "SEH arrivals", "ambulance_deployments_per_day": "ambulance deployments",
          "chain_cost_per_day": "chain cost per day", "staff_cost_per_day": "desk staff cost per day",
          "re_presentations_per_day": "re-presentations within 72 h",
          "time_to_care_within_window_share": "time to care within the NTS window"}
STATED = ("seh_arrivals_per_day", "ambulance_deployments_per_day")


def _pct(x: float | None) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:+.1f}%"


def _num(x: float | None) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x:+,.1f}" if abs(x) < 1000 else f"{x:+,.0f}"


def _absolute(kpi: str, values: list[float | None]) -> list[str]:
    """Absolute differences in the KPI's own unit, all with the same decimals: 3 for a share, none from
    a thousand (euros), else 1."""
    finite = [abs(float(v)) for v in values if v is not None and not math.isnan(float(v))]
    digits = 3 if units(kpi) == "share" else 0 if finite and max(finite) >= 1000 else 1
    return ["n/a" if v is None or math.isnan(float(v)) else f"{float(v):+,.{digits}f}" for v in values]


def _drivers(s: dict[str, Any]) -> str:
    names = ", ".join(d["parameter"] for d in s.get("drivers", [])) or "none found"
    return f"{names} ({s['ranked_by']})" if s.get("ranked_by") else names


def effect_line(kpi: str, s: dict[str, Any], stochastic: tuple[float, float, float] | None = None) -> str:
    """'SEH arrivals: -3.5% (stochastic 95%: ..; over the evidence ranges: ..); driven most by a, b, c'.

    ``stochastic`` (relative mean, low, high) replaces the sensitivity run's own nominal interval (a
    compare of a whole year pins it better than the sensitivity's short runs).
    """
    base = s.get("base_mean") or float("nan")
    if stochastic is None:
        lo = s["stochastic_low"] / base if s.get("stochastic_low") is not None else None
        hi = s["stochastic_high"] / base if s.get("stochastic_high") is not None else None
        rel = s.get("rel")
    else:
        rel, lo, hi = stochastic
    return (f"{TITLES.get(kpi, kpi)}: {_pct(rel)} (stochastic 95%: {_pct(lo)} to {_pct(hi)}; over the evidence "
            f"ranges: {_pct(s.get('rel_uncertainty_low'))} to {_pct(s.get('rel_uncertainty_high'))}); "
            f"driven most by {_drivers(s)}")


def _run_line(summary: dict[str, Any]) -> str:
    stages = ", ".join(f"{name} {v['samples']} samples" for name, v in summary.get("stages", {}).items())
    return (f"{summary['name']}: {summary['base']} vs {summary['alt']}, {stages}, {summary['replications']} "
            f"replication(s) of {summary['days']:g} days each, seed {summary['seed']}")


def summary_text(summary: dict[str, Any]) -> str:
    lines = [f"\nSensitivity over the evidence ranges ({_run_line(summary)})"]
    for kpi, s in summary["kpis"].items():
        lines.append(f"  {effect_line(kpi, s)}")
        values = [s.get(k) for k in ("diff", "stochastic_low", "stochastic_high", "uncertainty_low",
                                     "uncertainty_high")]
        d, lo, hi, ulo, uhi = _absolute(kpi, values)
        lines.append(f"      absolute ({units(kpi)}): {d} (stochastic {lo} to {hi}; evidence ranges {ulo} to {uhi}, "
                     f"{s.get('samples')} samples)")
    lines.append(f"  The stochastic interval holds the inputs as given; {spread_text(summary)}.")
    return "\n".join(lines)


def spread_text(summary: dict[str, Any]) -> str:
    """How the interval over the evidence ranges was drawn (a Morris grid is not a draw from the ranges)."""
    first: dict[str, Any] = next(iter(summary.get("kpis", {}).values()), {})
    source = first.get("spread_from", "morris")
    if source == "uncertainty":
        how = ("every uncertain input drawn uniformly within its range at once (Latin hypercube, "
               f"{first.get('samples')} samples)")
    elif source == "morris":
        how = ("the Morris samples (a grid whose end levels carry half the weight, so the interval is wider than "
               "a uniform draw would give; add `uncertainty: {samples: N}` to the file for a proper draw)")
    else:
        how = "the Sobol' samples (only the top inputs vary; add `uncertainty: {samples: N}` for a draw of all)"
    return (f"the interval over the evidence ranges is the middle 95% of the effect with {how}; short runs put "
            f"some replication noise in it")


def _stale(found: FoundSummary) -> str:
    made = "before acutesim recorded the inputs of a sensitivity result" if "models" not in found.summary \
        else "from other inputs (a scenario file, the evidence ranges' base or the model changed since)"
    return (f"the newest sensitivity result for this pair, {paths.shown(found.folder)}, was made {made}; its "
            f"intervals would not describe these scenarios. Rerun `acutesim sensitivity FILE --overwrite` for them")


def compare_note(results: Path, base_name: str, alt_name: str, diffs: list[Difference],
                 models: dict[str, str] | None = None) -> str:
    """The compare output's SEH and ambulance effect with both intervals, or how to get the second one.

    ``models`` (the pair's model hashes by role) keeps a sensitivity result of other inputs with the
    same scenario names from being quoted as if it were this pair's.
    """
    found = find_summary(results, base_name, alt_name, models)
    if found is None:
        return (f"\nOver the evidence ranges: no sensitivity result for {base_name} vs {alt_name} under {results}; "
                f"the interval above is stochastic only. Run `acutesim sensitivity FILE` (e.g. "
                f"scenarios/experiments/noord_sensitivity.yaml) to get the interval over the evidence ranges and "
                f"the inputs that drive the effect.")
    if not found.same_inputs:
        return f"\nOver the evidence ranges: the interval above is stochastic only; {_stale(found)}."
    summary = found.summary
    by_kpi = {d.kpi: d for d in diffs}
    lines = [f"\nHow sure is the effect (sensitivity result {paths.shown(found.folder)}: {_run_line(summary)}):"]
    for kpi in STATED:
        s = summary["kpis"].get(kpi)
        if s is None:
            continue
        d = by_kpi.get(kpi)
        own = (d.rel_change, d.diff_ci_low / d.base_mean, d.diff_ci_high / d.base_mean) \
            if d is not None and d.base_mean else None
        lines.append(f"  {effect_line(kpi, s, own)}")
    return "\n".join(lines)


# ------------------------------------------------------------------ HTML
def _e(x: object) -> str:
    return html.escape(str(x), quote=True)


def _read_csv(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for r in rows:
        row: dict[str, Any] = {}
        for k, v in r.items():
            try:
                row[k] = float(v)
            except (TypeError, ValueError):
                row[k] = v
        out.append(row)
    return out


def headline_table(summary: dict[str, Any]) -> str:
    head = ["KPI (effect zcc − status quo)", "at the scenario's values", "stochastic 95% interval",
            "over the evidence ranges (2.5–97.5%)", "relative", "relative over the ranges", "driven most by"]
    rows = []
    for kpi, s in summary["kpis"].items():
        rows.append([TITLES.get(kpi, kpi), _num(s.get("diff")),
                     f"{_num(s.get('stochastic_low'))} to {_num(s.get('stochastic_high'))}",
                     f"{_num(s.get('uncertainty_low'))} to {_num(s.get('uncertainty_high'))}", _pct(s.get("rel")),
                     f"{_pct(s.get('rel_uncertainty_low'))} to {_pct(s.get('rel_uncertainty_high'))}", _drivers(s)])
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{''.join(f'<th>{_e(h)}</th>' for h in head)}</tr></thead><tbody>{body}</tbody></table>"


def section_for_compare(results: Path, base_name: str, alt_name: str, models: dict[str, str] | None = None) -> str:
    """The compare report's section: both intervals and the drivers, or how to get them."""
    found = find_summary(results, base_name, alt_name, models)
    if found is None:
        return ("<h2>How sure is the effect</h2><p>The intervals above are stochastic only (replications, inputs as "
                "given). Run <code>acutesim sensitivity FILE</code> for this scenario pair (example: "
                "<code>scenarios/experiments/noord_sensitivity.yaml</code>) to add the interval over the evidence "
                "ranges and the inputs that drive the effect.</p>")
    if not found.same_inputs:
        return (f"<h2>How sure is the effect</h2><p>The intervals above are stochastic only: {_e(_stale(found))}.</p>")
    return (f"<h2>How sure is the effect</h2><p>From the sensitivity result <code>{_e(paths.shown(found.folder))}"
            f"</code> ({_e(_run_line(found.summary))}).</p>" + headline_table(found.summary))


def _embed(fig: Figure) -> str:
    import base64

    data = base64.b64encode(fig.svg.read_bytes()).decode("ascii")
    return (f'<figure id="fig-{_e(fig.name)}"><img class="plot" alt="{_e(fig.title)}" '
            f'src="data:image/svg+xml;base64,{data}"><figcaption><b>{_e(fig.title)}.</b> {_e(fig.caption)}'
            f"</figcaption></figure>")


def write_sensitivity_report(folder: Path | str, out: Path | str | None, css: str) -> Path:
    """``report.html`` of a sensitivity folder: headline effects with both intervals, tornado charts, ranges.

    Use :func:`sim.report.html.build_sensitivity_report` (it passes the report style).
    """
    folder = Path(folder)
    summary = read_summary(folder)
    if summary is None:
        raise ResultsError(f"{folder}: no readable sensitivity.json (the run did not finish; rerun "
                           f"`acutesim sensitivity` to complete it)")
    target = Path(out) if out else folder / "report.html"
    if target.is_dir():
        raise ResultsError(f"{target}: is a folder; give a file name for --out")
    figures_dir = target.parent / "figures"
    kpis = list(summary["kpis"])
    figures = plot_effect_intervals(summary, figures_dir)
    if (folder / "sobol" / "indices.csv").is_file():
        figures += plot_sensitivity_indices(_read_csv(folder / "sobol" / "indices.csv"), "ST", kpis, figures_dir,
                                            "sobol")
    if (folder / "morris" / "indices.csv").is_file():
        levels = summary.get("stages", {}).get("morris", {}).get("levels", 4)
        floors = {k: morris_noise_floor(s["noise_sd"], levels) for k, s in summary["kpis"].items()
                  if isinstance(s.get("noise_sd"), (int, float))}
        figures += plot_sensitivity_indices(_read_csv(folder / "morris" / "indices.csv"), "mu_star", kpis,
                                            figures_dir, "morris", floors=floors)
    ranges = "".join(f"<tr><td><code>{_e(p['key'])}</code></td><td>{p['low']:g}</td><td>{p['nominal']:g}</td>"
                     f"<td>{p['high']:g}</td></tr>" for p in summary.get("parameters", []))
    title = f"acutesim sensitivity: {summary['base']} vs {summary['alt']}"
    body = "\n".join([
        f"<h1>{_e(title)}</h1>",
        f"<p>{_e(_run_line(summary))}. Ranges: <code>{_e(summary.get('ranges', ''))}</code>; region "
        f"{_e(summary.get('region', ''))}.</p>",
        "<h2>Headline effects with two intervals</h2>",
        "<p>The stochastic interval is the paired 95% t-interval over replications with every input as given; "
        f"{_e(spread_text(summary))}.</p>",
        headline_table(summary),
        "<h2>Figures</h2>", "\n".join(_embed(f) for f in figures),
        "<h2>Evidence ranges</h2><table><thead><tr><th>input</th><th>low</th><th>scenario</th><th>high</th></tr>"
        f"</thead><tbody>{ranges}</tbody></table>",
        f"<footer>acutesim {_e(__version__)}. Reproduce: <code>acutesim sensitivity "
        f"{_e(shlex.quote(str(summary.get('file', ''))))}</code>, then <code>acutesim report "
        f"{_e(shlex.quote(str(folder)))}</code>.</footer>",
    ])
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
                      f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{_e(title)}</title>'
                      f"<style>{css}</style></head><body>\n{body}\n</body></html>\n", encoding="utf-8")
    return target
