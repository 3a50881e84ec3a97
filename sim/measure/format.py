"""How KPI numbers and units are written: for terminal tables, the HTML report and fit tables.

Formatting sits here, low in the package, so that every layer that prints a KPI
(fit, plan, report, cli) imports it downwards.
"""

from __future__ import annotations

import math


def fmt(x: float) -> str:
    """A number in a table: thousands separated, 1 decimal from 10, 3 decimals below; NaN as '-'."""
    if math.isnan(x):
        return "-"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.3f}"


def signed(x: float) -> str:
    """A difference: :func:`fmt` with a '+' for positive values."""
    return "-" if math.isnan(x) else ("+" if x > 0 else "") + fmt(x)


def units(kpi: str) -> str:
    """Unit label of a KPI, for tables and plots."""
    if kpi.startswith(("staff_cost", "chain_cost")):
        return "EUR per day"
    if kpi.startswith("cost_per_call"):
        return "EUR per call"
    if kpi.endswith("_per_year") and "budget" in kpi:
        return "EUR per year"
    if kpi.startswith("ambulance_loaded_km"):
        return "km per day"
    if kpi.startswith("staff_commute_min"):
        return "minutes"
    if kpi == "population":
        return "inhabitants"
    if kpi == "seh_stopped_minutes_per_day":
        return "minutes per day per SEH"
    if "per_day" in kpi or "by_hour" in kpi:
        return "per day"
    if kpi.endswith("_share") or "_share." in kpi or "_answer_within." in kpi or "occupancy" in kpi \
            or "utilisation" in kpi:
        return "share"
    if kpi.startswith("placement_time"):
        return "hours"
    if "time" in kpi or kpi.endswith("_wait_mean") or kpi.startswith("seh_los_mean") or "_response_part_" in kpi:
        return "minutes"
    if "fte" in kpi:
        return "FTE"
    return ""
