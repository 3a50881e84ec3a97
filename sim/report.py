"""Readable KPI tables for the terminal."""

from __future__ import annotations

import math

from sim.kpis import units
from sim.runner import Summary

HEADLINE = (
    "patients_per_day",
    "hap_contacts_per_day", "hap_answer_within_2min_share", "hap_answer_time_p90", "hap_abandoned_share",
    "dispatch_answer_within_2min_share",
    "ambulance_deployments_per_day", "a1_on_scene_15min_share", "a2_on_scene_30min_share",
    "ambulance_utilisation",
    "seh_arrivals_per_day", "seh_arrivals_per_day.self_referral", "seh_arrivals_per_day.ambulance",
    "seh_arrivals_per_day.gp_hap", "seh_occupancy_mean", "seh_wait_mean",
    "hospital_admissions_per_day", "hospital_occupancy_mean",
    "elv_admissions_per_day", "grz_admissions_per_day", "crisis_bed_admissions_per_day",
    "verkeerde_bed_days_per_day", "placement_time_mean",
    "district_nursing_visits_per_day", "ggz_crisis_visits_per_day",
    "triage_fte", "staff_cost_per_day",
    "zcc_answer_within_2min_share", "zcc_answer_time_p90", "zcc_abandoned_share", "warm_transfers_per_day",
    "substitutions_per_day", "ambulance_rides_avoided_per_day", "staff_commute_min_mean", "staff_commute_min_p95",
)


def _fmt(x: float) -> str:
    if math.isnan(x):
        return "-"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.3f}"


def kpi_table(summary: list[Summary], names: tuple[str, ...] = HEADLINE) -> str:
    """A fixed-width table of the headline KPIs: mean, 95% interval, unit."""
    by_name = {s.kpi: s for s in summary}
    rows = [("KPI", "mean", "95% CI", "unit")]
    for name in names:
        s = by_name.get(name)
        if s is None:
            continue
        ci = "-" if math.isnan(s.ci_low) else f"{_fmt(s.ci_low)} – {_fmt(s.ci_high)}"
        rows.append((name, _fmt(s.mean), ci, units(name)))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = []
    for i, r in enumerate(rows):
        lines.append(f"{r[0]:<{widths[0]}}  {r[1]:>{widths[1]}}  {r[2]:^{widths[2]}}  {r[3]}")
        if i == 0:
            lines.append("-" * (sum(widths) + 6 + 4))
    return "\n".join(lines)
