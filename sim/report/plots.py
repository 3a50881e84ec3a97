"""Figures of a results folder, each saved as PNG and SVG.

Every plot shows the mean over replications with a 95% t-interval band, one
colour per scenario (status quo blue, the alternative orange), so a reader sees
whether a difference stands out from the replication noise. The functions take
a :class:`sim.run.results.Results` (or, for the location trade-off, a CSV path) and an
output folder, and return the files they wrote (none when the folder holds no
data for that figure). Matplotlib runs on the Agg backend: no display needed.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import PathPatch  # noqa: E402
from matplotlib.path import Path as MplPath  # noqa: E402

from sim.config.constants import BED_POOL_TITLES, BED_POOLS  # noqa: E402
from sim.measure.kpis import ANSWER_WITHIN_MIN, answer_within_label  # noqa: E402
from sim.run.results import Results, band  # noqa: E402

COLOURS = {"base": "#1f77b4", "alt": "#e8710a", "scenario": "#1f77b4"}
DESKS = (("hap", "HAP triage"), ("dispatch", "112 dispatch"), ("elv_point", "ELV coordination point"),
         ("zcc", "zcc patient line"), ("zcc_provider", "zcc provider line"))
LOCATION_COLUMNS = ("k", "sites", "mode", "fte", "answer_within_2min_share", "commute_mean_min", "commute_p95_min")
# Deterministic SVG ids and no timestamps: the same results give the same files.
plt.rcParams.update({"svg.hashsalt": "acutesim", "font.size": 9, "axes.titlesize": 10,
                     "axes.spines.top": False, "axes.spines.right": False})


@dataclass(frozen=True)
class Figure:
    """A written figure: its title, a one-sentence caption and its files."""

    name: str
    title: str
    caption: str
    png: Path
    svg: Path


def save(fig: plt.Figure, out_dir: Path, name: str) -> tuple[Path, Path]:
    """Write ``name.png`` and ``name.svg`` and close the figure."""
    out_dir.mkdir(parents=True, exist_ok=True)
    png, svg = out_dir / f"{name}.png", out_dir / f"{name}.svg"
    fig.savefig(png, dpi=110, bbox_inches="tight", metadata={"Software": None})
    fig.savefig(svg, bbox_inches="tight", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return png, svg


def bands(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per column of a (replications x points) matrix: mean, lower and upper 95% bound."""
    cols = [band(matrix[:, j]) for j in range(matrix.shape[1])]
    return (np.array([c.mean for c in cols]), np.array([c.low for c in cols]), np.array([c.high for c in cols]))


def _series(res: Results, label: str, kpis: list[str]) -> np.ndarray | None:
    """A (replications x KPIs) matrix for one scenario, or None if it has none of them."""
    cols = [res.values(label, k) for k in kpis]
    n = max((len(c) for c in cols), default=0)
    if n == 0 or not any(np.isfinite(c).any() for c in cols if len(c)):
        return None
    return np.column_stack([c if len(c) == n else np.full(n, math.nan) for c in cols])


def _line_with_band(ax, x, matrix: np.ndarray, colour: str, label: str, marker: str | None = None,
                    limits: tuple[float, float] = (0.0, math.inf)) -> None:
    """Mean line and its 95% band, the band drawn within the quantity's possible range ``limits``."""
    mean, low, high = bands(matrix)
    ax.plot(x, mean, color=colour, label=label, marker=marker, markersize=3, linewidth=1.6)
    if np.isfinite(low).any():
        ax.fill_between(x, np.clip(low, *limits), np.clip(high, *limits), color=colour, alpha=0.22, linewidth=0)


def _legend_below(fig: plt.Figure, axes) -> None:
    """One legend for all panels (a scenario may be missing from the first panel)."""
    entries: dict[str, Any] = {}
    for ax in axes:
        for handle, name in zip(*ax.get_legend_handles_labels(), strict=True):
            entries.setdefault(name, handle)
    fig.legend(list(entries.values()), list(entries), loc="lower center", ncol=len(entries), frameon=False,
               bbox_to_anchor=(0.5, -0.02))


def _finish_panels(fig: plt.Figure, axes, used: int, title: str, bottom: float) -> None:
    """Blank the unused panels of a grid, one legend below, the title, and a layout that leaves room."""
    for ax in list(axes.flat)[used:]:
        ax.axis("off")
    _legend_below(fig, axes.flat)
    fig.suptitle(title)
    fig.tight_layout(rect=(0, bottom, 1, 1))


def _scenario_label(res: Results, label: str) -> str:
    return res.names.get(label, label)


def _band_note(res: Results) -> str:
    n = res.replications
    return (f"Lines: mean over {n} replications; bands: 95% t-interval of the mean, cut to the possible range." if n > 1
            else "One replication: no interval bands.")


# ---------------------------------------------------------------- SEH by hour
def plot_seh_by_hour(res: Results, out_dir: Path) -> list[Figure]:
    """SEH arrivals by hour of day (``seh_arrivals_by_hour.hHH``), per scenario with bands."""
    kpis = [f"seh_arrivals_by_hour.h{h:02d}" for h in range(24)]
    fig, ax = plt.subplots(figsize=(8, 3.8))
    drawn = False
    for label in res.labels:
        m = _series(res, label, kpis)
        if m is not None:
            _line_with_band(ax, np.arange(24), m, COLOURS[label], _scenario_label(res, label), marker="o")
            drawn = True
    if not drawn:
        plt.close(fig)
        return []
    ax.set_xticks(range(0, 24, 2), [f"{h:02d}:00" for h in range(0, 24, 2)], rotation=45)
    ax.set_xlim(-0.5, 23.5)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("hour of day (arrival at the SEH)")
    ax.set_ylabel("SEH arrivals per day in this hour")
    ax.set_title("SEH arrivals by hour of day")
    ax.grid(alpha=0.3)
    ax.legend(frameon=False)
    png, svg = save(fig, out_dir, "seh_arrivals_by_hour")
    return [Figure("seh_arrivals_by_hour", "SEH arrivals by hour of day",
                   f"Arrivals at the emergency departments per hour of the day, all routes. {_band_note(res)}",
                   png, svg)]


# --------------------------------------------------------------- answer times
def plot_answer_times(res: Results, out_dir: Path) -> list[Figure]:
    """Share of calls answered within t minutes, per desk (``<desk>_answer_within.mMM``)."""
    labels = [answer_within_label(t) for t in ANSWER_WITHIN_MIN]
    desks = [(prefix, title) for prefix, title in DESKS
             if any(res.has(f"{prefix}_answer_within.{lb}") for lb in labels)]
    if not desks:
        return []
    cols = min(3, len(desks))
    rows = math.ceil(len(desks) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.6 * cols, 3.0 * rows), squeeze=False, sharey=True)
    x = np.array(ANSWER_WITHIN_MIN)
    for ax, (prefix, title) in zip(axes.flat, desks, strict=False):
        for label in res.labels:
            m = _series(res, label, [f"{prefix}_answer_within.{lb}" for lb in labels])
            if m is not None:
                _line_with_band(ax, x, m, COLOURS[label], _scenario_label(res, label), marker="o", limits=(0, 1))
        ax.axvline(2.0, color="grey", linestyle=":", linewidth=1)
        ax.set_xscale("log")
        ax.set_xticks(x, [f"{t:g}" for t in x])
        ax.minorticks_off()
        ax.set_ylim(0, 1.02)
        ax.set_title(title)
        ax.set_xlabel("minutes")
        ax.grid(alpha=0.3)
    for ax in axes[:, 0]:
        ax.set_ylabel("share answered within")
    _finish_panels(fig, axes, len(desks),
                   "Answer-time distribution per desk (share of call attempts answered within t)", 0.05)
    png, svg = save(fig, out_dir, "answer_times")
    return [Figure("answer_times", "Answer times per desk",
                   "Cumulative share of call attempts (answered or abandoned) answered within t minutes; "
                   f"the dotted line is the 2-minute norm. {_band_note(res)}", png, svg)]


# --------------------------------------------------------------------- flows
def flow_matrix(res: Results, label: str) -> dict[tuple[str, str], float]:
    """Mean patients per day from each entry stream to each outcome (``flows_per_day.<entry>.<outcome>``)."""
    out = {}
    for kpi, values in res.reps.get(label, {}).items():
        if kpi.startswith("flows_per_day."):
            entry, outcome = kpi[len("flows_per_day."):].split(".", 1)
            mean = band(values).mean
            if mean > 0:
                out[(entry, outcome)] = mean
    return out


def _ribbon(ax, x0: float, x1: float, y0: tuple[float, float], y1: tuple[float, float],
            colour: str | tuple[float, ...]) -> None:
    """A band from the vertical segment y0 at x0 to y1 at x1, with S-shaped edges."""
    xm = (x0 + x1) / 2
    codes = [MplPath.MOVETO, MplPath.CURVE4, MplPath.CURVE4, MplPath.CURVE4,
             MplPath.LINETO, MplPath.CURVE4, MplPath.CURVE4, MplPath.CURVE4, MplPath.CLOSEPOLY]
    verts = [(x0, y0[0]), (xm, y0[0]), (xm, y1[0]), (x1, y1[0]),
             (x1, y1[1]), (xm, y1[1]), (xm, y0[1]), (x0, y0[1]), (x0, y0[0])]
    ax.add_patch(PathPatch(MplPath(verts, codes), facecolor=colour, alpha=0.45, edgecolor="none"))


def _stack(totals: dict[str, float], order: list[str], top: float, gap: float) -> dict[str, float]:
    """Top y of each node, stacked downwards from ``top`` with ``gap`` between nodes."""
    y, out = top, {}
    for name in order:
        out[name] = y
        y -= totals[name] + gap
    return out


def _draw_flows(ax, flows: dict[tuple[str, str], float], height: float, title: str) -> None:
    entries: dict[str, float] = {}
    outcomes: dict[str, float] = {}
    for (e, o), v in flows.items():
        entries[e] = entries.get(e, 0.0) + v
        outcomes[o] = outcomes.get(o, 0.0) + v
    left = sorted(entries, key=lambda e: -entries[e])
    right = sorted(outcomes, key=lambda o: -outcomes[o])
    gap = height * 0.03
    top_l = _stack(entries, left, height + gap * (len(left) - 1), gap)
    top_r = _stack(outcomes, right, height + gap * (len(right) - 1), gap)
    cmap = plt.get_cmap("tab10")
    colour = {e: cmap(i % 10) for i, e in enumerate(left)}
    node_w = 0.04
    out_used = {o: 0.0 for o in right}
    for e in left:
        used = 0.0
        for o in right:  # bands leave an entry in the order of the outcomes: fewest crossings
            v = flows.get((e, o), 0.0)
            if v <= 0:
                continue
            ly, ry = top_l[e] - used, top_r[o] - out_used[o]
            _ribbon(ax, node_w, 1 - node_w, (ly, ly - v), (ry, ry - v), colour[e])
            used += v
            out_used[o] += v
    for e in left:
        ax.add_patch(plt.Rectangle((0, top_l[e] - entries[e]), node_w, entries[e], color=colour[e]))
        ax.text(-0.01, top_l[e] - entries[e] / 2, f"{e.replace('_', ' ')}  {entries[e]:,.0f}",
                ha="right", va="center", fontsize=7.5)
    for o in right:
        ax.add_patch(plt.Rectangle((1 - node_w, top_r[o] - outcomes[o]), node_w, outcomes[o], color="#555555"))
        ax.text(1.01, top_r[o] - outcomes[o] / 2, f"{outcomes[o]:,.0f}  {o.replace('_', ' ')}",
                ha="left", va="center", fontsize=7.5)
    span = height + gap * (max(len(left), len(right)) - 1)
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.01 * span, span * 1.01)
    ax.axis("off")
    ax.set_title(f"{title}\n{sum(flows.values()):,.0f} patients per day", fontsize=9.5)


def plot_flows(res: Results, out_dir: Path) -> list[Figure]:
    """Patient flows from entry stream (left) to final outcome (right), band width ∝ patients per day."""
    matrices = {label: flow_matrix(res, label) for label in res.labels}
    matrices = {label: f for label, f in matrices.items() if f}
    if not matrices:
        return []
    height = max(sum(f.values()) for f in matrices.values())  # one scale for all panels
    fig, axes = plt.subplots(1, len(matrices), figsize=(6.0 * len(matrices), 7.2), squeeze=False)
    for ax, (label, flows) in zip(axes.flat, matrices.items(), strict=False):
        _draw_flows(ax, flows, height, _scenario_label(res, label))
    fig.suptitle("Patient flows per day: entry stream (left) to final outcome (right)")
    fig.tight_layout(w_pad=6)
    png, svg = save(fig, out_dir, "patient_flows")
    return [Figure("patient_flows", "Patient flows", "Each band runs from a patient's entry stream to the final "
                   "outcome; its width is proportional to patients per day (mean over replications, same scale "
                   "in every panel).", png, svg)]


# ------------------------------------------------------------- bed occupancy
def plot_occupancy(res: Results, out_dir: Path) -> list[Figure]:
    """Daily mean bed occupancy per pool over the run (``levels.csv``), warm-up shaded."""
    pools = [p for p in BED_POOLS if any(p in res.levels.get(label, {}) for label in res.labels)]
    if not pools:
        return []
    fig, axes = plt.subplots(2, 2, figsize=(9, 5.6), squeeze=False, sharex=True)
    warmup = float(res.run_setting("warmup_days") or 0.0)
    for ax, pool in zip(axes.flat, pools, strict=False):
        for label in res.labels:
            m = res.levels.get(label, {}).get(pool)
            if m is not None and m.size:
                _line_with_band(ax, np.arange(m.shape[1]) + 0.5, m * 100, COLOURS[label], _scenario_label(res, label),
                                limits=(0, 100))
        if warmup > 0:
            ax.axvspan(0, warmup, color="grey", alpha=0.12, linewidth=0, label="warm-up")
        ax.set_title(BED_POOL_TITLES.get(pool, pool))
        ax.set_ylabel("occupied (% of beds)")
        ax.grid(alpha=0.3)
    for ax in axes[-1]:
        ax.set_xlabel("day of the run")
    _finish_panels(fig, axes, len(pools), "Daily mean bed occupancy", 0.04)
    png, svg = save(fig, out_dir, "bed_occupancy")
    return [Figure("bed_occupancy", "Bed occupancy over time",
                   "Daily mean share of beds in use (hourly samples), from the start of the run; KPIs are "
                   f"measured after the shaded warm-up. {_band_note(res)}", png, svg)]


# ------------------------------------------------------ location trade-off
def read_locations(csv_path: Path) -> list[dict[str, str]]:
    """Rows of a ``locations.csv`` (see ``acutesim locations``); ValueError naming a missing column."""
    with Path(csv_path).open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    if not rows:
        raise ValueError(f"{csv_path}: no layouts")
    missing = [c for c in LOCATION_COLUMNS if c not in rows[0]]
    if missing:
        raise ValueError(f"{csv_path}: expected columns {','.join(LOCATION_COLUMNS)} (missing {','.join(missing)})")
    return rows


def plot_location_tradeoff(csv_path: Path | str, out_dir: Path | str) -> list[Figure]:
    """zcc staffing (FTE) against staff commute, one point per layout, coloured by the 2-minute answer share."""
    rows = read_locations(Path(csv_path))
    fig, ax = plt.subplots(figsize=(7.5, 4.6))
    fte = np.array([float(r["fte"]) for r in rows])
    mean = np.array([float(r["commute_mean_min"]) for r in rows])
    p95 = np.array([float(r["commute_p95_min"]) for r in rows])
    share = np.array([float(r["answer_within_2min_share"]) for r in rows])
    markers = {"pooled": "o", "separate": "s"}
    ax.vlines(fte, mean, p95, color="#999999", linewidth=1, zorder=1)
    sc = None
    for mode, marker in markers.items():
        sel = np.array([r["mode"] == mode for r in rows])
        if sel.any():
            sc = ax.scatter(fte[sel], mean[sel], c=share[sel], cmap="viridis", vmin=min(share.min(), 0.5), vmax=1,
                            marker=marker, s=55, edgecolor="black", linewidth=0.5, zorder=2, label=mode)
    for r, x, y in zip(rows, fte, mean, strict=True):
        sites = r["sites"] if len(r["sites"]) <= 28 else r["sites"][:26] + "…"
        ax.annotate(f"k={r['k']} {sites}", (x, y), textcoords="offset points", xytext=(6, -3), fontsize=7)
    if sc is not None:
        fig.colorbar(sc, ax=ax, label="share answered within 2 min")
    ax.set_xlabel("zcc staff (FTE)")
    ax.set_ylabel("staff commute (min): mean, line to p95")
    ax.set_title("zcc work locations: staffing against commute")
    ax.grid(alpha=0.3)
    ax.legend(frameon=False, title="mode")
    png, svg = save(fig, Path(out_dir), "location_tradeoff")
    return [Figure("location_tradeoff", "zcc locations: staffing against commute",
                   "One point per location layout (number of sites k, pooled or separate): FTE needed against the "
                   "staff's mean commute, with a line up to the 95th percentile; colour is the share of calls "
                   "answered within 2 minutes.", png, svg)]


def plot_all(res: Results, out_dir: Path) -> list[Figure]:
    """Every figure that applies to the folder, in reading order."""
    figures = []
    for plot in (plot_seh_by_hour, plot_answer_times, plot_flows, plot_occupancy):
        figures += plot(res, out_dir)
    if res.locations_csv is not None:
        figures += plot_location_tradeoff(res.locations_csv, out_dir)
    return figures


# ------------------------------------------------------------------ sensitivity
SENSITIVITY_TITLES = {"seh_arrivals_per_day": "SEH arrivals per day", "ambulance_deployments_per_day":
                      "ambulance deployments per day", "chain_cost_per_day": "chain cost per day (EUR)",
                      "staff_cost_per_day": "desk staff cost per day (EUR)"}


def plot_sensitivity_indices(indices: list[dict[str, Any]], measure: str, kpis: list[str], out_dir: Path,
                             stage: str, top: int = 12, floors: dict[str, float] | None = None) -> list[Figure]:
    """Tornado chart per KPI: the inputs ranked by an index (Morris mu_star or Sobol' ST, with S1 beside it)."""
    used = [k for k in kpis if any(r["kpi"] == k and float(r[measure]) != 0 for r in indices)]  # skip all-zero KPIs
    if not used:
        return []
    rows_of = {k: sorted((r for r in indices if r["kpi"] == k), key=lambda r: -float(r[measure]))[:top] for k in used}
    height = max(len(v) for v in rows_of.values())
    fig, axes = plt.subplots(len(used), 1, figsize=(8.5, 0.28 * height * len(used) + 1.2 * len(used)), squeeze=False)
    for ax, kpi in zip(axes[:, 0], used, strict=True):
        rows = rows_of[kpi][::-1]
        y = np.arange(len(rows))
        values = np.array([float(r[measure]) for r in rows])
        conf = np.array([float(r.get(f"{measure}_conf", 0.0) or 0.0) for r in rows])
        ax.barh(y, values, xerr=conf, color=COLOURS["alt"], alpha=0.85, ecolor="#555555", capsize=2,
                label=measure)
        if measure == "ST":
            ax.barh(y, [float(r["S1"]) for r in rows], height=0.4, color=COLOURS["base"], label="S1")
            ax.legend(frameon=False, fontsize=7, loc="lower right")
        floor = (floors or {}).get(kpi)
        if floor is not None and math.isfinite(floor) and floor > 0:
            ax.axvline(floor, color="#555555", linestyle="--", linewidth=0.9, label="replication noise")
            ax.legend(frameon=False, fontsize=7, loc="lower right")
        ax.set_yticks(y, [str(r["parameter"]) for r in rows], fontsize=7)
        ax.set_title(SENSITIVITY_TITLES.get(kpi, kpi) + " (effect zcc − status quo)", fontsize=9)
        ax.grid(axis="x", alpha=0.3)
    label = "Morris μ* (mean |elementary effect| over the whole range)" if measure == "mu_star" else \
        "Sobol' index (share of the effect's variance)"
    axes[-1, 0].set_xlabel(label)
    fig.tight_layout()
    png, svg = save(fig, Path(out_dir), f"sensitivity_{stage}")
    what = "Morris screening over every evidence range" if stage == "morris" else \
        "Sobol' indices of the inputs Morris ranked highest"
    return [Figure(f"sensitivity_{stage}", f"What drives the effect: {what}",
                   ("Bars: μ* in the KPI's unit, the mean absolute change of the effect when one input moves over its "
                    "range, with its bootstrap 95% interval; the longest bars matter most; bars left of the dashed "
                    "line (what replication noise alone gives) cannot be told from noise." if measure == "mu_star" else
                    "Orange: total index ST (the input alone and with others), blue: first-order S1, each with its "
                    "bootstrap 95% interval (wide with few samples)."), png, svg)]


def plot_effect_intervals(summary: dict[str, Any], out_dir: Path) -> list[Figure]:
    """Each KPI's relative effect: the stochastic 95% interval against the interval over the evidence ranges."""
    kpis = [k for k, s in summary["kpis"].items() if s.get("rel") is not None and s.get("base_mean")]
    if not kpis:
        return []
    fig, ax = plt.subplots(figsize=(8.5, 0.55 * len(kpis) + 1.2))
    for i, kpi in enumerate(kpis[::-1]):
        s = summary["kpis"][kpi]
        base = s["base_mean"]
        lo_u, hi_u = s.get("rel_uncertainty_low"), s.get("rel_uncertainty_high")
        if lo_u is not None and hi_u is not None:
            ax.plot([100 * lo_u, 100 * hi_u], [i + 0.12] * 2, color=COLOURS["alt"], linewidth=6, alpha=0.6,
                    solid_capstyle="butt", label="over the evidence ranges (2.5–97.5%)" if i == 0 else None)
        if s.get("stochastic_low") is not None and s.get("stochastic_high") is not None:
            ax.plot([100 * s["stochastic_low"] / base, 100 * s["stochastic_high"] / base], [i - 0.12] * 2,
                    color=COLOURS["base"], linewidth=6, solid_capstyle="butt",
                    label="stochastic 95% interval (replications)" if i == 0 else None)
        ax.plot([100 * s["rel"]], [i], "k|", markersize=16)
    ax.axvline(0, color="#999999", linewidth=0.8)
    ax.set_yticks(range(len(kpis)), [SENSITIVITY_TITLES.get(k, k) for k in kpis[::-1]])
    ax.set_xlabel("effect of scenario III, % of the status quo (| at the scenario's own values)")
    ax.legend(frameon=False, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=2)
    ax.grid(axis="x", alpha=0.3)
    png, svg = save(fig, Path(out_dir), "sensitivity_intervals")
    return [Figure("sensitivity_intervals", "How sure is the effect: two intervals",
                   "Blue: the paired 95% interval over replications at the scenario's own inputs (what the compare "
                   "output shows). Orange: the middle 95% of the effect over the evidence ranges (every uncertain "
                   "input drawn uniformly within its range).", png, svg)]
