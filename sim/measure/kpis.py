"""Key performance indicators of one replication, from the model's statistics.

Names are snake_case with dotted breakdowns (``seh_arrivals_per_day.ambulance``).
Volumes are per day of the measurement period (after warm-up); shares and
means are over the same period.
"""

from __future__ import annotations

import numpy as np

from sim.engine.calendar import MIN_PER_DAY, MIN_PER_HOUR

SEH_ROUTES = ("self_referral", "ambulance", "gp_hap")
HAP_CONTACT_TYPES = ("telephone_advice", "consult", "home_visit", "ambulance", "ggz_crisis", "walk_in")


def _share(num: float, den: float) -> float:
    return num / den if den else float("nan")


def _mean(x: np.ndarray) -> float:
    return float(x.mean()) if len(x) else float("nan")


def _pct(x: np.ndarray, q: float) -> float:
    return float(np.percentile(x, q)) if len(x) else float("nan")


# Thresholds (minutes) of the answer-time distribution KPIs ``<desk>_answer_within.mMM``:
# a fixed set, so replications and scenarios can be averaged point by point.
ANSWER_WITHIN_MIN = (0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0)


def answer_within_label(minutes: float) -> str:
    """Breakdown label of a threshold: 0.5 -> ``m00_5``, 2 -> ``m02``, 30 -> ``m30``."""
    whole, frac = divmod(minutes, 1.0)
    return f"m{int(whole):02d}" + (f"_{round(frac * 10):d}" if frac else "")


def desk_kpis(m, key: str, prefix: str) -> dict[str, float]:
    """Answer-time KPIs of one kind of desk (all sites of that kind together).

    ``<prefix>_answer_within.mMM`` is the share of call attempts (answered or
    abandoned) answered within MM minutes: the answer-time distribution, defective
    by the abandoned share, on the same base as ``<prefix>_answer_within_2min_share``.
    """
    c = m.metrics.counts
    waits = m.metrics.tally_array(f"{key}.answer_wait")
    offered = c.get(f"{key}.attempts", 0.0)
    out = {
        f"{prefix}_answer_within_2min_share": _share(c.get(f"{key}.answered_within_norm", 0.0), offered),
        f"{prefix}_answer_time_mean": _mean(waits),
        f"{prefix}_answer_time_p50": _pct(waits, 50),
        f"{prefix}_answer_time_p90": _pct(waits, 90),
        f"{prefix}_answer_time_p95": _pct(waits, 95),
        f"{prefix}_abandoned_share": _share(c.get(f"{key}.abandoned", 0.0), offered),
    }
    for t in ANSWER_WITHIN_MIN:
        out[f"{prefix}_answer_within.{answer_within_label(t)}"] = _share(float((waits <= t).sum()), offered)
    return out


def roster_hours_per_week(values: list[int]) -> float:
    return float(sum(values))


def staffing_kpis(m) -> dict[str, float]:
    """FTE and cost of the triage and coordination desks, from their rosters."""
    sc = m.scenario
    st = sc.staffing
    res = sc.resources
    fte_hours = st.fte_hours_per_week.value
    hap_hours = sum(roster_hours_per_week(h.triage_roster.values) for h in res.haps.values())
    dispatch_hours = roster_hours_per_week(res.meldkamer.roster.values)
    elv_hours = roster_hours_per_week(res.elv_point_roster.values)
    out = {
        "triage_fte.hap_triage": hap_hours / fte_hours,
        "triage_fte.dispatch_112": dispatch_hours / fte_hours,
        "triage_fte.elv_point": elv_hours / fte_hours,
    }
    per_day = 7.0
    cost = {
        "staff_cost_per_day.hap_triage": hap_hours * st.hourly_cost_hap_triagist.value / per_day,
        "staff_cost_per_day.dispatch_112": dispatch_hours * st.hourly_cost_centralist.value / per_day,
        "staff_cost_per_day.elv_point": elv_hours * st.hourly_cost_elv_coordinator.value / per_day,
    }
    if sc.setting == "zcc":
        groups = sc.zcc.option.groups.values()
        out["triage_fte.zcc"] = sum(roster_hours_per_week(g.roster.values) for g in groups) / fte_hours
        cost["staff_cost_per_day.zcc"] = sum(
            roster_hours_per_week(g.roster.values) * g.hourly_cost.value for g in groups) / per_day
    out["triage_fte"] = sum(out.values())
    out["staff_cost_per_day"] = sum(cost.values())
    out.update(cost)
    return out


def compute(m) -> dict[str, float]:
    """All KPIs of a finished replication."""
    met = m.metrics
    c = met.counts
    now = m.env.now
    days = (now - met.measuring_since) / MIN_PER_DAY
    k: dict[str, float] = {}

    def per_day(name: str, key: str | None = None) -> None:
        k[name] = c.get(key or name.replace("_per_day", ""), 0.0) / days

    k["population"] = float(m.populations.sum())
    for key in sorted(c):
        if key.startswith("arrivals."):
            k[f"arrivals_per_day.{key.split('.', 1)[1]}"] = c[key] / days
    k["patients_per_day"] = sum(v for key, v in c.items() if key.startswith("outcome.")) / days
    for outcome in sorted(o for o in (key.split(".", 1)[1] for key in c if key.startswith("outcome."))):
        k[f"outcomes_per_day.{outcome}"] = c[f"outcome.{outcome}"] / days

    per_day("hap_contacts_per_day")
    for t in HAP_CONTACT_TYPES:
        k[f"hap_contacts_per_day.{t}"] = c.get(f"hap_contacts.{t}", 0.0) / days
    k.update(desk_kpis(m, "hap_triage", "hap"))
    k.update(desk_kpis(m, "dispatch_112", "dispatch"))
    k.update(desk_kpis(m, "elv_point", "elv_point"))
    k["hap_gp_occupancy_mean"] = _share(met.level("hap_gp.busy").mean(now), met.level("hap_gp.capacity").mean(now))
    k["hap_car_occupancy_mean"] = _share(met.level("hap_car.busy").mean(now), met.level("hap_car.capacity").mean(now))

    per_day("ambulance_deployments_per_day")
    for u in ("a1", "a2", "b"):
        k[f"ambulance_deployments_per_day.{u}"] = c.get(f"ambulance_deployments.{u}", 0.0) / days
    k["ambulance_deployments_per_day.urgent"] = k["ambulance_deployments_per_day.a1"] + k["ambulance_deployments_per_day.a2"]
    a1 = met.tally_array("ambulance.response.a1")
    a2 = met.tally_array("ambulance.response.a2")
    norms = m.scenario.care.ambulance
    k["a1_on_scene_15min_share"] = _share(float((a1 <= norms.a1_norm_min.value).sum()), len(a1))
    k["a2_on_scene_30min_share"] = _share(float((a2 <= norms.a2_norm_min.value).sum()), len(a2))
    k["a1_response_time_mean"] = _mean(a1)
    k["a1_response_time_p95"] = _pct(a1, 95)
    k["ambulance_utilisation"] = _share(met.level("ambulance.busy").mean(now), met.level("ambulance.on_duty").mean(now))

    per_day("seh_arrivals_per_day")
    for r in SEH_ROUTES:
        k[f"seh_arrivals_per_day.{r}"] = c.get(f"seh_arrivals.{r}", 0.0) / days
    for h in range(24):
        k[f"seh_arrivals_by_hour.h{h:02d}"] = c.get(f"seh_arrivals_by_hour.h{h:02d}", 0.0) / days
    k["seh_occupancy_mean"] = _share(met.level("seh.busy").mean(now), met.level("seh.capacity").mean(now))
    k["seh_wait_mean"] = _mean(met.tally_array("seh.wait"))
    for disposition in ("home", "admitted"):
        k[f"seh_los_mean.{disposition}"] = _mean(met.tally_array(f"seh.los.{disposition}"))
    departures = {d: c.get(f"seh_departures.{d}", 0.0) / days for d in ("home", "admitted", "followup")}
    k["seh_departures_per_day"] = sum(departures.values())
    for d, v in departures.items():
        k[f"seh_departures_per_day.{d}"] = v
    k["seh_admitted_share"] = _share(departures["admitted"], k["seh_departures_per_day"])

    per_day("hospital_admissions_per_day")
    k["hospital_occupancy_mean"] = _share(met.level("hospital.busy").mean(now), met.level("hospital.capacity").mean(now))
    for kind in ("elv", "grz", "crisis_bed"):
        per_day(f"{kind}_admissions_per_day")
        k[f"{kind}_occupancy_mean"] = _share(met.level(f"{kind}.busy").mean(now), met.level(f"{kind}.capacity").mean(now))
    k["verkeerde_bed_days_per_day"] = met.level("verkeerde_bed").mean(now)
    k["long_term_care_discharges_per_day"] = c.get("outcome.long_term_care", 0.0) / days
    placement = met.tally_array("placement_time")
    k["placement_time_mean"] = _mean(placement) / MIN_PER_HOUR
    k["placement_fallback_seh_per_day"] = c.get("placement_fallback_seh", 0.0) / days
    per_day("district_nursing_visits_per_day")
    per_day("ggz_crisis_visits_per_day")
    k.update(staffing_kpis(m))
    if m.zcc is not None:
        k.update(zcc_kpis(m, days))
        k.update(zcc_block_kpis(m))
    k.update(flow_kpis(m, days))
    return k


def zcc_kpis(m, days: float) -> dict[str, float]:
    """What the zcc does: answer times, warm transfers, substitutions, avoided rides, commute."""
    c = m.metrics.counts
    now = m.env.now
    k = desk_kpis(m, "zcc_patient_line", "zcc")
    k.update(desk_kpis(m, "zcc_provider_line", "zcc_provider"))
    k["zcc_occupancy_mean"] = _share(m.metrics.level("zcc.busy").mean(now), m.metrics.level("zcc.capacity").mean(now))
    for name in ("zcc_patient_calls", "warm_transfers", "substitutions", "substitutions_no_capacity",
                 "ambulance_rides_avoided", "out_of_region_placements"):
        k[f"{name}_per_day"] = c.get(name, 0.0) / days
    for key in sorted(c):
        for prefix in ("substitutions.", "substitutions_instead_of.", "ambulance_rides_avoided."):
            if key.startswith(prefix):
                k[f"{prefix[:-1]}_per_day.{key[len(prefix):]}"] = c[key] / days
    z = m.zcc
    k["staff_commute_min_mean"] = z.commute_mean
    k["staff_commute_min_p95"] = z.commute_p95
    k["zcc_locations"] = float(len(z.sites))
    for name, share in zip(z.site_names, z.staff_shares):
        k[f"zcc_staff_share.{name}"] = float(share)
    return k


def units(kpi: str) -> str:
    """Unit label of a KPI, for tables and plots."""
    if kpi.startswith("staff_cost"):
        return "EUR per day"
    if kpi.startswith("staff_commute_min"):
        return "minutes"
    if kpi == "population":
        return "inhabitants"
    if "per_day" in kpi or "by_hour" in kpi:
        return "per day"
    if kpi.endswith("_share") or "_share." in kpi or "_answer_within." in kpi or "occupancy" in kpi \
            or "utilisation" in kpi:
        return "share"
    if kpi.startswith("placement_time"):
        return "hours"
    if "time" in kpi or kpi.endswith("_wait_mean") or kpi.startswith("seh_los_mean"):
        return "minutes"
    if "fte" in kpi:
        return "FTE"
    return ""




def flow_kpis(m, days: float) -> dict[str, float]:
    """Patients per day from each entry stream to each final outcome (``flows_per_day.<stream>.<outcome>``).

    Counted when a patient ends (:meth:`sim.chain.model.Model.end`), so the flows sum to
    ``patients_per_day`` and, per outcome, to ``outcomes_per_day.<outcome>``. Every
    stream x outcome pair is reported (zero if none), so all replications have the
    same KPIs and can be averaged pair by pair.
    """
    from sim.chain.pathways import ENTRY
    from sim.chain.patient import OUTCOMES

    c = m.metrics.counts
    streams = [*ENTRY, "initial_occupant"]
    return {f"flows_per_day.{s}.{o}": c.get(f"flow.{s}.{o}", 0.0) / days for s in streams for o in OUTCOMES}


# Which zcc call types ring which line (sim/chain/pathways/zcc.py), for the per-block KPIs.
ZCC_LINE_CALLS = {
    "zcc": ("hap_call", "mental_health_call", "warm_transfer"),
    "zcc_provider": ("bed_request", "district_nursing_request", "ggz_request", "gp_consultation"),
}
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def block_name(block: int, block_hours: int) -> str:
    """``mon00`` for the block of the week starting Monday 00:00, ``mon04`` for the next, ..."""
    day, hour = divmod(block * block_hours, 24)
    return f"{DAY_NAMES[day]}{hour:02d}"


def zcc_block_kpis(m) -> dict[str, float]:
    """Answer share within the norm per hour block of the week, per line and per skill.

    ``zcc_answer_within_2min_share_by_block.<block>`` (all skills of the patient
    line) and ``zcc_answer_within_2min_share_by_block.<skill>.<block>``, the same
    for ``zcc_provider_...``; NaN where a block had no calls. The staffing search
    (``sim/plan/staffing.py``) adds or removes staff where a block misses its target.
    """
    from sim.chain.pathways.zcc import BLOCK_HOURS

    c = m.metrics.counts
    blocks = range(168 // BLOCK_HOURS)
    k: dict[str, float] = {}
    for prefix, calls in ZCC_LINE_CALLS.items():
        line = "zcc_patient_line" if prefix == "zcc" else "zcc_provider_line"
        skills = sorted({m.scenario.zcc.skills[t] for t in calls})
        name = f"{prefix}_answer_within_2min_share_by_block"
        for b in blocks:
            keys = [f"{line}.by_block.{s}.{b}" for s in skills]
            k[f"{name}.{block_name(b, BLOCK_HOURS)}"] = _share(sum(c.get(x + ".within", 0.0) for x in keys),
                                                               sum(c.get(x + ".attempts", 0.0) for x in keys))
        for s in skills:
            for b in blocks:
                x = f"{line}.by_block.{s}.{b}"
                k[f"{name}.{s}.{block_name(b, BLOCK_HOURS)}"] = _share(c.get(x + ".within", 0.0),
                                                                     c.get(x + ".attempts", 0.0))
    return k

