"""One self-contained HTML page for a results folder (``acutesim report``).

The page holds what was run (scenarios, region, days, replications, seed), the
KPI table (for a comparison: base, alternative, paired difference with its 95%
interval, relative change, unit), the figures of :mod:`sim.report.plots` embedded as
base64 SVG images, the location trade-off when ``locations.csv`` is present,
every input figure with its source or estimate (:mod:`sim.config.provenance`), and the
command that reproduces the results. No external CSS, scripts, fonts or
images: the file can be mailed or archived on its own and opens offline.
"""

from __future__ import annotations

import base64
import html
import math
import shlex
from pathlib import Path

from sim import __version__, paths
from sim.config.provenance import InputFigure, input_figures
from sim.measure.format import fmt, signed, units
from sim.report.plots import Figure, plot_all, read_locations
from sim.report.sensitivity import section_for_compare, write_sensitivity_report
from sim.report.tables import HEADLINE, MECHANISMS, with_norms
from sim.run.manifest import model_hash
from sim.run.results import Results, ResultsError, load_results

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;margin:2rem auto;max-width:1150px;
 padding:0 1rem;color:#222;line-height:1.4}
h1{font-size:1.6rem;margin-bottom:.2rem} h2{font-size:1.25rem;margin-top:2.2rem;border-bottom:1px solid #ddd}
h3{font-size:1.05rem}
table{border-collapse:collapse;font-size:.85rem;margin:.6rem 0} th,td{padding:.2rem .55rem;border-bottom:1px solid #eee;
 vertical-align:top} th{background:#f4f4f4;text-align:left} td.n{text-align:right;font-variant-numeric:tabular-nums;
 white-space:nowrap} tr.differs td{background:#fff6e0}
dl.meta{display:grid;grid-template-columns:max-content auto;gap:.15rem 1rem} dl.meta dt{font-weight:600}
figure{margin:1.2rem 0} figure img{max-width:100%;height:auto;display:block} figcaption{font-size:.85rem;color:#555}
details{margin:.4rem 0} summary{cursor:pointer;font-weight:600}
.src{font-size:.8rem;color:#444} .kind{font-size:.75rem;color:#777;white-space:nowrap}
footer{margin-top:3rem;font-size:.8rem;color:#555;border-top:1px solid #ddd;padding-top:.6rem}
code{font-size:.85em;background:#f4f4f4;padding:0 .2rem}
table.inputs td:first-child{overflow-wrap:anywhere;min-width:15rem;max-width:19rem;
  font-family:ui-monospace,monospace;font-size:.78rem}
table.inputs td{max-width:14rem} table.inputs td:last-child{max-width:none;min-width:22rem;font-size:.8rem;color:#444}
"""

SCENARIO_TITLES = {"base": "base", "alt": "alternative", "scenario": "scenario"}


def _e(x: object) -> str:
    return html.escape(str(x), quote=True)


def _float(row: dict[str, str], key: str) -> float:
    try:
        return float(row.get(key, "nan"))
    except ValueError:
        return math.nan


def _table(header: list[str], rows: list[list[str]], numeric: set[int], classes: list[str] | None = None,
           table_class: str = "") -> str:
    """An HTML table; cells are escaped here, columns in ``numeric`` right-aligned."""
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = []
    for i, row in enumerate(rows):
        cls = f' class="{classes[i]}"' if classes and classes[i] else ""
        cells = "".join(f'<td class="n">{_e(c)}</td>' if j in numeric else f"<td>{_e(c)}</td>"
                        for j, c in enumerate(row))
        body.append(f"<tr{cls}>{cells}</tr>")
    cls = f' class="{table_class}"' if table_class else ""
    return f"<table{cls}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


# ------------------------------------------------------------------ KPIs
def _present(res: Results, names: list[str]):
    """(name, table row) for each of ``names`` that the results table has, in that order."""
    by = {r["kpi"]: r for r in res.table}
    return [(name, by[name]) for name in names if name in by]


def comparison_rows(res: Results, names: list[str]) -> list[list[str]]:
    """Rows of the comparison table (KPI, base, alt, difference, 95% CI, change, unit) for ``names``."""
    rows = []
    for name, r in _present(res, names):
        lo, hi, rel = _float(r, "diff_ci_low"), _float(r, "diff_ci_high"), _float(r, "rel_change")
        ci = "-" if math.isnan(lo) else f"{signed(lo)} to {signed(hi)}"
        rows.append([name, fmt(_float(r, "base_mean")), fmt(_float(r, "alt_mean")), signed(_float(r, "diff_mean")),
                     ci, "-" if math.isnan(rel) else f"{rel:+.1%}", units(name)])
    return rows


def summary_rows(res: Results, names: list[str]) -> list[list[str]]:
    """Rows of a run's KPI table (KPI, mean, 95% CI, n, unit) for ``names``."""
    rows = []
    for name, r in _present(res, names):
        lo, hi = _float(r, "ci_low"), _float(r, "ci_high")
        ci = "-" if math.isnan(lo) else f"{fmt(lo)} to {fmt(hi)}"
        rows.append([name, fmt(_float(r, "mean")), ci, r.get("n", ""), units(name)])
    return rows


def _kpi_section(res: Results) -> str:
    every = [r["kpi"] for r in res.table]
    if res.kind == "compare":
        header = ["KPI", f"base: {res.names['base']}", f"alt: {res.names['alt']}", "alt − base",
                  "95% CI of difference", "change", "unit"]
        numeric = {1, 2, 3, 4, 5}
        rows = comparison_rows
        intro = (f"<p>Paired over {res.replications} replications with common random numbers: the difference "
                 "is computed replication by replication; its 95% Student-t interval excludes zero when the "
                 "change stands out from the noise.</p>")
    else:
        header, numeric, rows = ["KPI", "mean", "95% CI", "n", "unit"], {1, 2, 3}, summary_rows
        intro = f"<p>Mean and 95% Student-t interval over {res.replications} replications.</p>"
    parts = ["<h2>Key performance indicators</h2>", intro, "<h3>Headline</h3>",
             _table(header, rows(res, with_norms(HEADLINE, every)), numeric)]
    mech = rows(res, with_norms(MECHANISMS, every))
    if mech and res.kind == "compare":
        parts += ["<h3>Mechanisms</h3>", _table(header, mech, numeric)]
    parts += [f"<details><summary>All {len(every)} KPIs</summary>", _table(header, rows(res, every), numeric),
              "</details>"]
    return "\n".join(parts)


# --------------------------------------------------------------- figures
def _embed(fig: Figure) -> str:
    data = base64.b64encode(fig.svg.read_bytes()).decode("ascii")
    return (f'<figure id="fig-{_e(fig.name)}"><img class="plot" alt="{_e(fig.title)}" '
            f'src="data:image/svg+xml;base64,{data}"><figcaption><b>{_e(fig.title)}.</b> {_e(fig.caption)}'
            f"</figcaption></figure>")


def _locations_table(res: Results) -> str:
    if res.locations_csv is None:
        return ""
    rows = read_locations(res.locations_csv)
    cols = list(rows[0])
    return (f"<details><summary>Location layouts ({len(rows)}, from {_e(res.locations_csv.name)})</summary>"
            + _table(cols, [[r[c] for c in cols] for r in rows], set(range(3, len(cols)))) + "</details>")


# ---------------------------------------------------------------- inputs
def _inputs_section(res: Results) -> str:
    lists = {label: input_figures(res.scenarios[label]) for label in res.labels}
    parts = ["<h2>Inputs and their sources</h2>",
             "<p>Every figure of the resolved scenario file(s) in this folder: dotted key, value (lists of more "
             "than a few values as count, min, mean and max), and its <code>source</code> (document, year) or "
             "<code>estimate</code> (the reasoning). Settings are choices without a source.</p>"]
    if res.kind == "compare":
        base = {f.key: f for f in lists["base"]}
        alt = {f.key: f for f in lists["alt"]}
        keys = list(dict.fromkeys([*base, *alt]))
        empty = InputFigure("", "(not in this scenario)", "", "")

        def row(k: str) -> list[str]:
            b, a = base.get(k, empty), alt.get(k, empty)
            text = b.text if (b.kind, b.text) == (a.kind, a.text) or not a.text else (
                a.text if not b.text else f"base: {b.text} | alt: {a.text}")
            return [k, b.value, a.value, a.kind or b.kind, text]

        header = ["key", f"base: {res.names['base']}", f"alt: {res.names['alt']}", "kind", "source or estimate"]
        differs = [k for k in keys if base.get(k, empty).value != alt.get(k, empty).value and k != "name"]
        parts += [f"<h3>Inputs that differ ({len(differs)})</h3>",
                  _table(header, [row(k) for k in differs], set(), table_class="inputs")]
        groups = _grouped(keys)
        for section, ks in groups.items():
            parts.append(f"<details><summary>{_e(section)} ({len(ks)})</summary>"
                         + _table(header, [row(k) for k in ks], set(),
                                  ["differs" if k in differs else "" for k in ks], "inputs") + "</details>")
    else:
        figs = {f.key: f for f in lists["scenario"]}
        for section, ks in _grouped(list(figs)).items():
            parts.append(f"<details><summary>{_e(section)} ({len(ks)})</summary>"
                         + _table(["key", "value", "kind", "source or estimate"],
                                  [[k, figs[k].value, figs[k].kind, figs[k].text] for k in ks], set(),
                                  table_class="inputs") + "</details>")
    return "\n".join(parts)


def _grouped(keys: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for k in keys:
        out.setdefault(k.split(".")[0].split("[")[0], []).append(k)
    return out


# ------------------------------------------------------------------ page
def reproduce_command(res: Results) -> str:
    """The command line that runs the same scenarios again (the resolved files carry seed and days)."""
    folder = res.folder
    n = str(res.replications)
    if res.kind == "compare":
        args = ["acutesim", "compare", str(folder / "base.resolved.yaml"), str(folder / "alt.resolved.yaml"), "-n", n]
    else:
        args = ["acutesim", "run", str(folder / "scenario.resolved.yaml"), "-n", n]
    return " ".join(shlex.quote(a) for a in args)


def _meta(res: Results) -> str:
    items = []
    for label in res.labels:
        sc = res.scenarios[label]
        items.append((f"{SCENARIO_TITLES[label]} scenario",
                      f"{res.names[label]} (setting {sc.get('setting', '?')}) — {sc.get('description', '')}"))
    regions = sorted({str(res.scenarios[label].get("region", "?")) for label in res.labels})
    items += [("region", ", ".join(regions)),
              ("simulated days", f"{res.run_setting('days')} after {res.run_setting('warmup_days')} days warm-up, "
                                 f"from {res.run_setting('start_date')}"),
              ("replications", str(res.replications) + (" (paired, common random numbers)" if res.kind == "compare"
                                                        else "")),
              ("seed", str(res.run_setting("seed"))),
              ("results folder", str(res.folder))]
    return '<dl class="meta">' + "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in items) + "</dl>"


def _headline_sentence(res: Results) -> str:
    """One sentence on the SEH load, the number the evaluators ask for first."""
    seh = "seh_arrivals_per_day"
    if res.kind != "compare" or not res.has(seh):
        return ""
    row = next((r for r in res.table if r["kpi"] == seh), None)
    if row is None:
        return ""
    d, lo, hi, rel = (_float(row, k) for k in ("diff_mean", "diff_ci_low", "diff_ci_high", "rel_change"))
    if math.isnan(d):
        return ""
    ci = "" if math.isnan(lo) else f" (95% interval {signed(lo)} to {signed(hi)})"
    return (f"<p><b>SEH arrivals per day:</b> {fmt(_float(row, 'base_mean'))} in {_e(res.names['base'])}, "
            f"{fmt(_float(row, 'alt_mean'))} in {_e(res.names['alt'])}: {signed(d)}{ci}, "
            f"{'-' if math.isnan(rel) else f'{rel:+.1%}'}.</p>")


def render(res: Results, figures: list[Figure], folder_arg: str) -> str:
    """The whole page as a string."""
    if res.kind == "compare":
        title = f"acutesim: {res.names['base']} vs {res.names['alt']}"
    else:
        title = f"acutesim: {res.names['scenario']}"
    figure_html = "\n".join(_embed(f) for f in figures if f.name != "location_tradeoff")
    location = [f for f in figures if f.name == "location_tradeoff"]
    sections = [
        f"<h1>{_e(title)}</h1>",
        "<p>Discrete-event simulation of the Dutch acute care chain"
        + (" — comparison of two scenarios." if res.kind == "compare" else " — one scenario.") + "</p>",
        _meta(res), _headline_sentence(res), _kpi_section(res),
        section_for_compare(paths.results_dir(), res.names["base"], res.names["alt"],
                            {label: model_hash(res.scenarios[label]) for label in res.labels})
        if res.kind == "compare" else "",
        "<h2>Figures</h2>", figure_html or "<p>No figures apply to this folder.</p>",
    ]
    if location:
        sections += ["<h2>zcc work locations</h2>", _embed(location[0]), _locations_table(res)]
    sections.append(_inputs_section(res))
    cmd = reproduce_command(res)
    sections.append(f"<footer>acutesim {_e(__version__)}. Reproduce: <code>{_e(cmd)}</code> "
                    f"(the resolved files carry the seed and the days), then "
                    f"<code>acutesim report {_e(shlex.quote(folder_arg))}</code>.</footer>")
    body = "\n".join(s for s in sections if s)
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_e(title)}</title><style>{CSS}</style></head><body>\n{body}\n</body></html>\n")


def build_sensitivity_report(folder: Path | str, out: Path | str | None = None) -> Path:
    """The report of an ``acutesim sensitivity`` folder (default ``FOLDER/report.html``)."""
    return write_sensitivity_report(folder, out, CSS)


def build_report(folder: Path | str, out: Path | str | None = None) -> Path:
    """Write the report of a results folder (default ``FOLDER/report.html``); figures go next to it in ``figures/``."""
    res = load_results(folder)
    out = Path(out) if out else res.folder / "report.html"
    if out.is_dir():
        raise ResultsError(f"{out}: is a folder; give a file name for --out")
    try:
        figures = plot_all(res, out.parent / "figures")
    except ValueError as exc:  # a locations.csv that is not as expected
        raise ResultsError(str(exc).splitlines()[0]) from None
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(res, figures, str(folder)), encoding="utf-8")
    return out



def national_budget_page(rows: list[dict], title: str, out: Path) -> Path:
    """A self-contained page of the per-region budget table of ``acutesim national --alt`` (the NZa's question:
    what does a zcc cost per region, per inhabitant and per answered call, and what does the chain save)."""
    head = ["region", "inhabitants", "zcc budget (EUR M a year)", "per inhabitant (EUR)",
            "staff cost change (EUR M a year)", "cost per answered call (EUR)",
            "chain cost change (EUR M a year, 95% interval)", "SEH arrivals change (95% interval)"]
    body = []
    for r in rows:
        cells = [str(r["region"]), f"{r['population']:,.0f}", f"{r['zcc_budget_meur']:.1f}",
                 f"{r['zcc_budget_eur_per_inhabitant']:.2f}", f"{r['staff_cost_change_meur']:+.1f}",
                 f"{r['cost_per_call_base']:.2f} → {r['cost_per_call_alt']:.2f}",
                 f"{r['chain_cost_change_meur']:+.1f} ({r['chain_cost_change_low']:+.1f} to "
                 f"{r['chain_cost_change_high']:+.1f})",
                 f"{r['seh_arrivals_change']:+.1%} ({r['seh_arrivals_change_low']:+.1%} to "
                 f"{r['seh_arrivals_change_high']:+.1%})"]
        body.append("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in cells) + "</tr>")
    table = ("<table><thead><tr>" + "".join(f"<th>{_e(h)}</th>" for h in head) + "</tr></thead><tbody>"
             + "".join(body) + "</tbody></table>")
    page = (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{_e(title)}</title>'
            f"<style>{CSS}</style></head><body>\n<h1>{_e(title)}</h1>\n"
            "<p>Each region's status quo and scenario III run with the same patients (common random numbers). "
            "The zcc budget (staff at its derived rosters, work locations, ICT, regiearts) and the staff costs "
            "follow from rosters and unit costs, so they carry no stochastic interval; the chain cost and the "
            "SEH arrivals carry the paired 95% interval over replications.</p>\n"
            f"{table}\n<footer>acutesim {_e(__version__)}</footer></body></html>\n")
    out.write_text(page, encoding="utf-8")
    return out
