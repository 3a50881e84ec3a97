"""Readable KPI tables for the terminal."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from sim.config.constants import DAYS_PER_YEAR
from sim.measure.format import fmt, signed, units
from sim.run.runner import Difference, Summary

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
    "time_to_care_within_window_share", "under_triage_per_day", "re_presentations_per_day",
    "double_triage_per_day", "double_triage_avoided_per_day",
    "triage_fte", "staff_cost_per_day", "chain_cost_per_day",
    "zcc_answer_within_2min_share", "zcc_answer_time_p90", "zcc_abandoned_share", "warm_transfers_per_day",
    "substitutions_per_day", "ambulance_rides_avoided_per_day", "staff_commute_min_mean", "staff_commute_min_p95",
)


_NORM = re.compile(r"_\d+(?:_\d+)?min_share")


def with_norms(names: Iterable[str], available: Iterable[str]) -> list[str]:
    """``names`` with each norm-named KPI replaced by the one the results hold.

    KPI names carry the norm set in the scenario (``hap_answer_within_2min_share``
    with a 2-minute norm, ``..._3min_share`` with 3); the fixed lists above name
    the shipped norms and match whichever norm the results were run with.
    """
    have = list(available)
    present = set(have)
    out: list[str] = []
    for name in names:
        if name in present or not _NORM.search(name):
            out.append(name)
            continue
        head, tail = _NORM.split(name, maxsplit=1)
        pattern = re.compile(re.escape(head) + _NORM.pattern + re.escape(tail) + "$")
        out.extend(k for k in have if pattern.match(k))
    return out


def norm_minutes(kpi: str) -> str:
    """The norm in a KPI name, as text: ``hap_answer_within_2min_share`` -> ``2``, ``..._0_5min_share`` -> ``0.5``."""
    found = re.search(r"_(\d+(?:_\d+)?)min_share", kpi)
    return found.group(1).replace("_", ".") if found else "?"


def kpi_table(summary: list[Summary], names: tuple[str, ...] = HEADLINE) -> str:
    """A fixed-width table of the headline KPIs: mean, 95% interval, unit."""
    by_name = {s.kpi: s for s in summary}
    names = tuple(with_norms(names, by_name))
    rows = [("KPI", "mean", "95% CI", "unit")]
    for name in names:
        s = by_name.get(name)
        if s is None:
            continue
        ci = "-" if math.isnan(s.ci_low) else f"{fmt(s.ci_low)} – {fmt(s.ci_high)}"
        rows.append((name, fmt(s.mean), ci, units(name)))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = []
    for i, r in enumerate(rows):
        lines.append(f"{r[0]:<{widths[0]}}  {r[1]:>{widths[1]}}  {r[2]:^{widths[2]}}  {r[3]}")
        if i == 0:
            lines.append("-" * (sum(widths) + 6 + 4))
    return "\n".join(lines)


MECHANISMS = (
    "zcc_patient_calls_per_day", "warm_transfers_per_day", "substitutions_per_day",
    "substitutions_per_day.home_visit", "substitutions_per_day.district_nursing", "substitutions_per_day.elv",
    "substitutions_per_day.crisis_bed", "substitutions_per_day.ggz_crisis",
    "substitutions_instead_of_per_day.ambulance", "substitutions_instead_of_per_day.seh",
    "substitutions_no_capacity_per_day", "under_triage_per_day.zcc_substitution",
    "re_presentations_per_day.need_seh", "re_presentations_per_day.need_admission", "ambulance_rides_avoided_per_day",
    "ambulance_rides_avoided_per_day.extended_triage", "ambulance_rides_avoided_per_day.substitution",
    "placement_fallback_seh_per_day", "out_of_region_placements_per_day", "placement_time_mean",
)


def comparison_table(diffs: list[Difference], names: tuple[str, ...], title: str = "") -> str:
    """Base, alternative and the paired difference with its 95% interval."""
    by_name = {d.kpi: d for d in diffs}
    names = tuple(with_norms(names, by_name))
    rows = [("KPI", "base", "alt", "alt - base", "95% CI of difference", "change")]
    for name in names:
        d = by_name.get(name)
        if d is None:
            continue
        ci = "-" if math.isnan(d.diff_ci_low) else f"{signed(d.diff_ci_low)} – {signed(d.diff_ci_high)}"
        rel = "-" if math.isnan(d.rel_change) else f"{d.rel_change:+.1%}"
        rows.append((name, fmt(d.base_mean), fmt(d.alt_mean), signed(d.diff_mean), ci, rel))
    widths = [max(len(r[i]) for r in rows) for i in range(6)]
    lines = [title] if title else []
    for i, r in enumerate(rows):
        lines.append(f"{r[0]:<{widths[0]}}  {r[1]:>{widths[1]}}  {r[2]:>{widths[2]}}  {r[3]:>{widths[3]}}  "
                     f"{r[4]:^{widths[4]}}  {r[5]:>{widths[5]}}")
        if i == 0:
            lines.append("-" * (sum(widths) + 10))
    return "\n".join(lines)


def in_short(diffs: list[Difference]) -> str:
    """The comparison in a few plain sentences: SEH load, ambulances and their response times, desks, staff and
    cost (for readers, not tools)."""
    d = {x.kpi: x for x in diffs}

    def change(kpi: str, what: str) -> str:
        x = d[kpi]
        return (f"{what} {fmt(x.base_mean)} -> {fmt(x.alt_mean)} per day ({signed(x.diff_mean)}, 95% interval "
                f"{signed(x.diff_ci_low)} to {signed(x.diff_ci_high)}; {x.rel_change:+.1%})")

    def share(kpi: str) -> str:
        x = d[kpi]
        if math.isnan(x.alt_mean):
            return f"{x.base_mean:.1%} (base only)"
        if math.isnan(x.base_mean):
            if math.isnan(x.alt_ci_low):  # one replication: no interval
                return f"{x.alt_mean:.1%} (alternative only)"
            return f"{x.alt_mean:.1%} (alternative only; 95% interval {x.alt_ci_low:.1%} to {x.alt_ci_high:.1%})"
        return (f"{x.base_mean:.1%} -> {x.alt_mean:.1%} (change {x.diff_mean * 100:+.2f} points, 95% interval "
                f"{x.diff_ci_low * 100:+.2f} to {x.diff_ci_high * 100:+.2f})")

    lines = ["In short (alternative against base, same patients in both):"]
    if "seh_arrivals_per_day" in d:
        lines.append("- " + change("seh_arrivals_per_day", "SEH arrivals"))
    if "ambulance_deployments_per_day" in d:
        lines.append("- " + change("ambulance_deployments_per_day", "ambulance deployments"))
    on_scene = [(k, label) for name, label in (("a1_on_scene_15min_share", "A1"), ("a2_on_scene_30min_share", "A2"))
                for k in with_norms([name], d)]
    if on_scene:
        lines.append("- ambulance on scene within the norm: "
                     + "; ".join(f"{label} {share(k)} (norm {norm_minutes(k)} min)" for k, label in on_scene))
    desks = [(k, label) for name, label in (("hap_answer_within_2min_share", "HAP desks"),
                                             ("dispatch_answer_within_2min_share", "112 dispatch desk"),
                                             ("zcc_answer_within_2min_share", "zcc"))
             for k in with_norms([name], d)
             if not (math.isnan(d[k].base_mean) and math.isnan(d[k].alt_mean))]
    if "dispatch_abandoned_share" in d:
        lines.append(f"- 112 callers who hang up before an answer: {share('dispatch_abandoned_share')}")
    if desks:
        lines.append("- calls answered within the desk's norm: "
                     + "; ".join(f"{label} {share(k)} (norm {norm_minutes(k)} min)" for k, label in desks))
    if "triage_fte" in d and "staff_cost_per_day" in d:
        f, c = d["triage_fte"], d["staff_cost_per_day"]
        lines.append(f"- triage and coordination staff {fmt(f.base_mean)} -> {fmt(f.alt_mean)} FTE, cost "
                     f"EUR {fmt(c.base_mean)} -> {fmt(c.alt_mean)} per day ({c.rel_change:+.1%}; rosters are "
                     f"fixed, so no interval)")
    if "cost_per_call" in d:
        x = d["cost_per_call"]
        lines.append(f"- staff cost per answered call at the triage and coordination desks: EUR "
                     f"{fmt(x.base_mean)} -> {fmt(x.alt_mean)} ({signed(x.diff_mean)}, 95% interval "
                     f"{signed(x.diff_ci_low)} to {signed(x.diff_ci_high)})")
    if "zcc_budget_per_year" in d and d["zcc_budget_per_year"].alt_mean > 0:
        x = d["zcc_budget_per_year"]
        lines.append(f"- the zcc's budget: EUR {fmt(x.alt_mean)} a year (staff, work locations, ICT, regiearts; "
                     f"fixed by its rosters and locations)")
    if "chain_cost_per_day" in d:
        x = d["chain_cost_per_day"]
        lines.append("- " + change("chain_cost_per_day",
                                   "chain cost in EUR (care at unit costs, desk staff, zcc facilities)")
                     + f"; EUR {fmt(x.diff_mean * DAYS_PER_YEAR)} a year")
    return "\n".join(lines)


def comparison_report(diffs: list[Difference]) -> str:
    """A plain summary, the headline comparison, the SEH load by hour of day, and the mechanisms behind it."""
    hours = tuple(f"seh_arrivals_by_hour.h{h:02d}" for h in range(24))
    return "\n\n".join([
        in_short(diffs),
        comparison_table(diffs, HEADLINE, "Headline KPIs (paired over replications, common random numbers)"),
        comparison_table(diffs, hours, "SEH arrivals by hour of day"),
        comparison_table(diffs, MECHANISMS, "Mechanisms"),
    ])
