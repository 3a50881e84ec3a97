"""Key performance indicators of one replication, from the model's statistics.

Names are snake_case with dotted breakdowns (``seh_arrivals_per_day.ambulance``).
Volumes are per day of the measurement period (after warm-up); shares and
means are over the same period.
"""

from __future__ import annotations

import numpy as np

from sim.chain import record as rec
from sim.chain.patient import OUTCOMES
from sim.config.constants import (
    ALTERNATIVES,
    AMBULANCE_URGENCIES,
    BLOCK_HOURS,
    BLOCKS_PER_WEEK,
    CARE_LEVELS,
    DAY_NAMES,
    DAYS_PER_WEEK,
    DAYS_PER_YEAR,
    FOLLOWUP_BED_KINDS,
    HAP_TRIAGE_OUTCOMES,
    HOSPITAL,
    HOURS_PER_DAY,
    HOURS_PER_WEEK,
    INITIAL_OCCUPANT,
    MIN_PER_DAY,
    MIN_PER_HOUR,
    NTS_URGENCIES,
    RE_PRESENTATION,
    RE_PRESENTATION_ROUTES,
    SEH_ROUTES,
    STREAMS,
    TEAM_KINDS,
    TRIAGE_DESKS,
)
from sim.config.rosters import is_triage_group, scale_roster
from sim.config.zcc_rosters import paid_per_rostered_hour
from sim.measure.costs import cost_kpis, zcc_facilities_per_year

SUBSTITUTED = ("ambulance", "seh")                   # what a zcc alternative replaces
RIDES_AVOIDED_BY = ("extended_triage", "substitution")
HAP_CONTACT_TYPES = (*HAP_TRIAGE_OUTCOMES, "walk_in")


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


def minutes_label(minutes: float) -> str:
    """A norm in a KPI name: 2 -> ``2min``, 0.5 -> ``0_5min`` (dots separate breakdowns)."""
    return f"{minutes:g}".replace(".", "_") + "min"


def within_norm_kpi(prefix: str, norm_min: float) -> str:
    """Name of a desk's share answered within its norm, e.g. ``hap_answer_within_2min_share``."""
    return f"{prefix}_answer_within_{minutes_label(norm_min)}_share"


def on_scene_kpi(urgency: str, norm_min: float) -> str:
    """Name of the share of ambulance responses within the norm, e.g. ``a1_on_scene_15min_share``."""
    return f"{urgency.lower()}_on_scene_{minutes_label(norm_min)}_share"


def desk_norms(scenario) -> dict[str, tuple[str, float]]:
    """KPI prefix and answer norm (minutes) of every desk of the scenario, by desk reporting name."""
    d = scenario.desks
    out = {rec.HAP_DESK: ("hap", d.hap_triage.answer_norm_min.value),
           rec.DISPATCH_DESK: ("dispatch", d.dispatch_112.answer_norm_min.value),
           rec.ELV_DESK: ("elv_point", d.elv_point.answer_norm_min.value)}
    if scenario.zcc is not None:
        h = scenario.zcc.handling
        out[rec.PATIENT_LINE] = ("zcc", h.patient_line.answer_norm_min.value)
        out[rec.PROVIDER_LINE] = ("zcc_provider", h.provider_line.answer_norm_min.value)
    return out


def desk_kpis(m, key: str, occupancy: bool = True) -> dict[str, float]:
    """Answer-time KPIs of one kind of desk (all sites of that kind together).

    ``<prefix>_answer_within.mMM`` is the share of call attempts (answered or
    abandoned) answered within MM minutes: the answer-time distribution, defective
    by the abandoned share, on the same base as ``<prefix>_answer_within_<norm>min_share``,
    whose name follows the desk's ``answer_norm_min`` in the scenario.
    """
    prefix, norm = desk_norms(m.scenario)[key]
    c = m.metrics.counts
    waits = m.metrics.tally_array(rec.desk_key(key, "answer_wait"))
    offered = c.get(rec.desk_key(key, "attempts"), 0.0)
    out = {
        within_norm_kpi(prefix, norm): _share(c.get(rec.desk_key(key, "answered_within_norm"), 0.0), offered),
        f"{prefix}_answer_time_mean": _mean(waits),
        f"{prefix}_answer_time_p50": _pct(waits, 50),
        f"{prefix}_answer_time_p90": _pct(waits, 90),
        f"{prefix}_answer_time_p95": _pct(waits, 95),
        f"{prefix}_abandoned_share": _share(c.get(rec.desk_key(key, "abandoned"), 0.0), offered),
        # Attempts (redials included) per day: the desk's offered calls, against sim/config/desk_work.py.
        f"{prefix}_attempts_per_day": offered / max(m.env.now - m.metrics.measuring_since, 1e-9) * MIN_PER_DAY,
    }
    for t in ANSWER_WITHIN_MIN:
        out[f"{prefix}_answer_within.{answer_within_label(t)}"] = _share(float((waits <= t).sum()), offered)
    if occupancy:  # a desk that is a pool of its own (the zcc's lines share the zcc's staff groups)
        out[f"{prefix}_occupancy_mean"] = _occupancy(m, key)
    return out


def hap_line_kpis(m) -> dict[str, float]:
    """The HAP number per line (urgent option, regular line), by hour of week, and the mystery calls.

    ``hap_answer_time_mean.<line>`` etc. are over answered attempts, like the
    published benchmark means; ``hap_answer_time_mean.mystery_calls`` is the wait of
    test callers who never hang up, like the published mystery-call studies.
    ``hap_answer_time_mean_at.<day>_<hh>`` (regular line) covers every hour
    the HAP profile is open, so every replication has the same names.
    """
    prefix, norm = desk_norms(m.scenario)[rec.HAP_DESK]
    c, met = m.metrics.counts, m.metrics
    out: dict[str, float] = {}
    for line in rec.HAP_LINES:
        key = rec.line_key(rec.HAP_DESK, line)
        waits = met.tally_array(rec.desk_key(key, "answer_wait"))
        offered = c.get(rec.desk_key(key, "attempts"), 0.0)
        out[f"{prefix}_answer_time_mean.{line}"] = _mean(waits)
        out[f"{prefix}_answer_time_p50.{line}"] = _pct(waits, 50)
        out[f"{prefix}_answer_time_p90.{line}"] = _pct(waits, 90)
        out[f"{within_norm_kpi(prefix, norm)}.{line}"] = _share(
            c.get(rec.desk_key(key, "answered_within_norm"), 0.0), offered)
        out[f"{prefix}_abandoned_share.{line}"] = _share(c.get(rec.desk_key(key, "abandoned"), 0.0), offered)
        for t in ANSWER_WITHIN_MIN:
            out[f"{prefix}_answer_within.{answer_within_label(t)}.{line}"] = _share(float((waits <= t).sum()),
                                                                                     offered)
    mystery = met.tally_array(rec.desk_key(rec.HAP_DESK, rec.MYSTERY_WAIT))
    out[f"{prefix}_answer_time_mean.mystery_calls"] = _mean(mystery)
    out[f"{prefix}_answer_time_p90.mystery_calls"] = _pct(mystery, 90)
    out[f"{prefix}_mystery_calls_per_day"] = len(mystery) / max(m.env.now - met.measuring_since, 1e-9) * MIN_PER_DAY
    sc = m.scenario
    profile = sc.profiles[sc.streams.hap_call.profile].values
    for how in range(HOURS_PER_WEEK):
        if profile[how] > 0:
            day, hour = divmod(how, HOURS_PER_DAY)
            waits = met.tally_array(rec.hour_wait_key(rec.HAP_DESK, rec.REGULAR_LINE, how))
            out[f"{prefix}_answer_time_mean_at.{DAY_NAMES[day]}_{hour:02d}"] = _mean(waits)
    return out


def roster_hours_per_week(values: list[int]) -> float:
    return float(sum(values))


def staffing_kpis(m) -> dict[str, float]:
    """FTE and cost of the triage and coordination desks, from their rosters.

    FTE count rostered hours; costs count paid hours (rostered hours x the desk's
    paid hours per rostered hour, :func:`sim.config.zcc_rosters.paid_per_rostered_hour`)
    x the role's hourly cost. ``zcc_budget_per_year`` is the zcc's staff plus its
    facilities, ICT and regiearts (``costs.zcc``), in euros a year.
    """
    sc = m.scenario
    st = sc.staffing
    res = sc.resources
    fte_hours = st.fte_hours_per_week.value
    factor = st.triage_staff_factor.value  # a staff shortage scales the triage rosters (sim/config/rosters.py)
    hap_hours = sum(roster_hours_per_week(scale_roster(h.triage.values, factor)) for h in res.haps.values())
    dispatch_hours = roster_hours_per_week(res.meldkamer.desk.values)
    elv_hours = roster_hours_per_week(res.elv_point_roster.values)
    out = {
        "triage_fte.hap_triage": hap_hours / fte_hours,
        "triage_fte.dispatch_112": dispatch_hours / fte_hours,
        "triage_fte.elv_point": elv_hours / fte_hours,
    }
    per_day = DAYS_PER_WEEK  # roster hours are per week
    paid = paid_per_rostered_hour
    cost = {
        "staff_cost_per_day.hap_triage": hap_hours * st.hourly_cost_hap_triagist.value * paid(sc, "hap_triage")
        / per_day,
        "staff_cost_per_day.dispatch_112": dispatch_hours * st.hourly_cost_centralist.value
        * paid(sc, "dispatch_112") / per_day,
        "staff_cost_per_day.elv_point": elv_hours * st.hourly_cost_elv_coordinator.value * paid(sc, "elv_point")
        / per_day,
    }
    if sc.setting == "zcc":
        groups = sc.zcc.groups.values()
        hours = [roster_hours_per_week(scale_roster(g.rostered.values, factor) if is_triage_group(g.skills)
                                       else g.rostered.values) for g in groups]
        out["triage_fte.zcc"] = sum(hours) / fte_hours
        cost["staff_cost_per_day.zcc"] = sum(
            h * g.hourly_cost.value for h, g in zip(hours, groups, strict=True)) * paid(sc, "zcc") / per_day
    out["triage_fte"] = sum(out.values())
    out["staff_cost_per_day"] = sum(cost.values())
    out.update(cost)
    # The status quo has no zcc: its budget is 0, so the paired difference is the zcc's budget.
    out["zcc_budget_per_year"] = (cost["staff_cost_per_day.zcc"] * DAYS_PER_YEAR + zcc_facilities_per_year(sc)
                                  if sc.setting == "zcc" else 0.0)
    return out


def response_kpis(m) -> dict[str, float]:
    """A1 and A2 ambulance response, counted from the call (see :mod:`sim.chain.care.ambulance`).

    ``<u>_on_scene_<norm>min_share`` (the norm from the scenario), ``<u>_response_time_mean|p50|p90|p95``
    and ``<u>_response_part_mean.<part>`` for each part of :data:`sim.chain.record.RESPONSE_PARTS`;
    the part means add up to the response mean.
    """
    met, amb = m.metrics, m.scenario.care.ambulance
    k: dict[str, float] = {}
    for u, norm in (("A1", amb.a1_norm_min.value), ("A2", amb.a2_norm_min.value)):
        x = met.tally_array(rec.response_key(u))
        name = u.lower()
        k[on_scene_kpi(u, norm)] = _share(float((x <= norm).sum()), len(x))
        k[f"{name}_response_time_mean"] = _mean(x)
        for q in (50, 90, 95):
            k[f"{name}_response_time_p{q}"] = _pct(x, q)
        for part in rec.RESPONSE_PARTS:
            k[f"{name}_response_part_mean.{part}"] = _mean(met.tally_array(rec.response_part_key(u, part)))
    return k


def _occupancy(m, pool: str) -> float:
    """Time-average share of a pool's capacity in use."""
    met, now = m.metrics, m.env.now
    return _share(met.level(rec.busy_key(pool)).mean(now), met.level(rec.capacity_key(pool)).mean(now))


def compute(m) -> dict[str, float]:
    """All KPIs of a finished replication."""
    met = m.metrics
    c = met.counts
    now = m.env.now
    days = (now - met.measuring_since) / MIN_PER_DAY
    k: dict[str, float] = {}

    # Every KPI is reported in every replication (zero when nothing happened), so
    # replications and scenarios can be averaged and compared key by key.
    def per_day(name: str, key: str) -> None:
        k[name] = c.get(key, 0.0) / days

    k["population"] = float(m.populations.sum())
    for stream in sorted(STREAMS):
        per_day(f"arrivals_per_day.{stream}", rec.arrivals_key(stream))
    k["patients_per_day"] = sum(c.get(rec.outcome_key(o), 0.0) for o in OUTCOMES) / days
    for outcome in sorted(OUTCOMES):
        per_day(f"outcomes_per_day.{outcome}", rec.outcome_key(outcome))

    per_day("hap_contacts_per_day", rec.HAP_CONTACTS)
    for t in HAP_CONTACT_TYPES:
        per_day(f"hap_contacts_per_day.{t}", rec.sub(rec.HAP_CONTACTS, t))
    k.update(desk_kpis(m, rec.HAP_DESK))
    k.update(desk_kpis(m, rec.DISPATCH_DESK))
    k.update(desk_kpis(m, rec.ELV_DESK))
    k.update(hap_line_kpis(m))
    k["hap_gp_occupancy_mean"] = _occupancy(m, rec.HAP_GPS)
    k["hap_car_occupancy_mean"] = _occupancy(m, rec.HAP_CARS)

    per_day("ambulance_deployments_per_day", rec.AMBULANCE_DEPLOYMENTS)
    for u in AMBULANCE_URGENCIES:
        per_day(f"ambulance_deployments_per_day.{u.lower()}", rec.sub(rec.AMBULANCE_DEPLOYMENTS, u.lower()))
    k["ambulance_deployments_per_day.urgent"] = (k["ambulance_deployments_per_day.a1"]
                                                 + k["ambulance_deployments_per_day.a2"])
    k.update(response_kpis(m))
    k["ambulance_utilisation"] = _occupancy(m, rec.AMBULANCES)

    per_day("seh_arrivals_per_day", rec.SEH_ARRIVALS)
    for r in SEH_ROUTES:
        per_day(f"seh_arrivals_per_day.{r}", rec.sub(rec.SEH_ARRIVALS, r))
    for h in range(HOURS_PER_DAY):
        per_day(f"seh_arrivals_by_hour.h{h:02d}", rec.seh_hour_key(h))
    k["seh_occupancy_mean"] = _occupancy(m, rec.SEH_PLACES)
    k["seh_wait_mean"] = _mean(met.tally_array(rec.wait_key(rec.SEH_PLACES)))
    for disposition in ("home", "admitted"):
        k[f"seh_los_mean.{disposition}"] = _mean(met.tally_array(rec.seh_los_key(disposition)))
    departures = {d: c.get(rec.seh_departure_key(d), 0.0) / days for d in ("home", "admitted", "followup")}
    k["seh_departures_per_day"] = sum(departures.values())
    for d, v in departures.items():
        k[f"seh_departures_per_day.{d}"] = v
    k["seh_admitted_share"] = _share(departures["admitted"], k["seh_departures_per_day"])

    per_day("hospital_admissions_per_day", rec.HOSPITAL_ADMISSIONS)
    k["hospital_occupancy_mean"] = _occupancy(m, HOSPITAL)
    for kind in FOLLOWUP_BED_KINDS:
        per_day(f"{kind}_admissions_per_day", rec.admissions_key(kind))
        k[f"{kind}_occupancy_mean"] = _occupancy(m, kind)
    k["verkeerde_bed_days_per_day"] = met.level(rec.VERKEERDE_BED).mean(now)
    per_day("long_term_care_discharges_per_day", rec.outcome_key("long_term_care"))
    placement = met.tally_array(rec.PLACEMENT_TIME)
    k["placement_time_mean"] = _mean(placement) / MIN_PER_HOUR
    per_day("placement_fallback_seh_per_day", rec.PLACEMENT_FALLBACK_SEH)
    for team in TEAM_KINDS:
        per_day(f"{team}_visits_per_day", rec.visits_key(team))
    k["seh_stopped_minutes_per_day"] = met.level(rec.SEH_STOPPED).mean(now) * MIN_PER_DAY / max(
        len(m.scenario.resources.sehs), 1)
    per_day("seh_stop_diversions_per_day", rec.SEH_STOP_DIVERSIONS)
    k.update(true_need_kpis(m, days))
    k.update(staffing_kpis(m))
    k.update(cost_kpis(m, days, k))
    if m.zcc is not None:
        k.update(zcc_kpis(m, days))
        k.update(zcc_block_kpis(m))
    k.update(flow_kpis(m, days))
    return k


def true_need_kpis(m, days: float) -> dict[str, float]:
    """True need and triage error (see :mod:`sim.chain.coordination.true_need`).

    ``time_to_care_mean|p90.<u>`` (minutes from the first contact to the first care that
    meets the true need, by true NTS urgency) and ``time_to_care_within_window_share.<u>``
    (within the scenario's NTS window ``true_need.time_window_min``; the overall share
    without a breakdown) over patients whose care started in the measurement period;
    ``under_triage_per_day`` and ``over_triage_per_day`` (with ``.<desk>``),
    ``re_presentations_per_day`` (``.seh``/``.call_112``, ``.need_<need>``), and
    ``double_triage_per_day`` / ``double_triage_avoided_per_day``.
    """
    met, c = m.metrics, m.metrics.counts
    windows = m.scenario.true_need.time_window_min
    k: dict[str, float] = {}
    within_all = cared_all = 0.0
    for u in NTS_URGENCIES:
        x = met.tally_array(rec.time_to_care_key(u))
        within = float((x <= windows[u].value).sum())
        within_all += within
        cared_all += len(x)
        k[f"time_to_care_mean.{u.lower()}"] = _mean(x)
        k[f"time_to_care_p90.{u.lower()}"] = _pct(x, 90)
        k[f"time_to_care_within_window_share.{u.lower()}"] = _share(within, len(x))
    k["time_to_care_within_window_share"] = _share(within_all, cared_all)
    for key in (rec.UNDER_TRIAGE, rec.OVER_TRIAGE):
        k[f"{key}_per_day"] = c.get(key, 0.0) / days
        for desk in TRIAGE_DESKS:
            k[f"{key}_per_day.{desk}"] = c.get(rec.sub(key, desk), 0.0) / days
    k["re_presentations_per_day"] = c.get(rec.RE_PRESENTATIONS, 0.0) / days
    for part in (*RE_PRESENTATION_ROUTES, *(f"need_{n}" for n in CARE_LEVELS[2:])):
        k[f"re_presentations_per_day.{part}"] = c.get(rec.sub(rec.RE_PRESENTATIONS, part), 0.0) / days
    k["double_triage_per_day"] = c.get(rec.DOUBLE_TRIAGE, 0.0) / days
    k["double_triage_avoided_per_day"] = c.get(rec.DOUBLE_TRIAGE_AVOIDED, 0.0) / days
    return k


def zcc_kpis(m, days: float) -> dict[str, float]:
    """What the zcc does: answer times, warm transfers, substitutions, avoided rides, commute."""
    c = m.metrics.counts
    k = desk_kpis(m, rec.PATIENT_LINE, occupancy=False)
    k.update(desk_kpis(m, rec.PROVIDER_LINE, occupancy=False))
    k["zcc_occupancy_mean"] = _occupancy(m, rec.ZCC_DESK)
    assert m.scenario.zcc is not None
    for group in m.scenario.zcc.groups:
        k[f"zcc_occupancy_mean.{group}"] = _occupancy(m, rec.zcc_group_pool(group))
    for name in (rec.ZCC_PATIENT_CALLS, rec.WARM_TRANSFERS, rec.SUBSTITUTIONS, rec.NO_ALTERNATIVE_CAPACITY,
                 rec.RIDES_AVOIDED, rec.OUT_OF_REGION):
        k[f"{name}_per_day"] = c.get(name, 0.0) / days
    breakdowns = sorted([(rec.SUBSTITUTIONS, a) for a in ALTERNATIVES]
                        + [(rec.SUBSTITUTIONS_INSTEAD_OF, x) for x in SUBSTITUTED]
                        + [(rec.RIDES_AVOIDED, how) for how in RIDES_AVOIDED_BY],
                        key=lambda kp: rec.sub(*kp))
    for key, part in breakdowns:
        k[f"{key}_per_day.{part}"] = c.get(rec.sub(key, part), 0.0) / days
    z = m.zcc
    k["staff_commute_min_mean"] = z.commute_mean
    k["staff_commute_min_p95"] = z.commute_p95
    k["zcc_locations"] = float(len(z.sites))
    for name, share in zip(z.site_names, z.staff_shares, strict=False):
        k[f"zcc_staff_share.{name}"] = float(share)
    return k


def flow_kpis(m, days: float) -> dict[str, float]:
    """Patients per day from each entry stream to each final outcome (``flows_per_day.<stream>.<outcome>``).

    Counted when a patient ends (:meth:`sim.chain.record.Recorder.end`), so the flows sum to
    ``patients_per_day`` and, per outcome, to ``outcomes_per_day.<outcome>``. Every
    stream x outcome pair is reported (zero if none), so all replications have the
    same KPIs and can be averaged pair by pair.
    """
    c = m.metrics.counts
    streams = [*STREAMS, INITIAL_OCCUPANT, RE_PRESENTATION]
    return {f"flows_per_day.{s}.{o}": c.get(rec.flow_key(s, o), 0.0) / days for s in streams for o in OUTCOMES}


# Which zcc call types ring which line (sim/chain/coordination/zcc.py), for the per-block KPIs.
ZCC_LINE_CALLS = {
    "zcc": ("hap_call", "mental_health_call", "warm_transfer"),
    "zcc_provider": ("bed_request", "district_nursing_request", "ggz_request", "gp_consultation"),
}


def block_name(block: int, block_hours: int) -> str:
    """``mon00`` for the block of the week starting Monday 00:00, ``mon04`` for the next, ..."""
    day, hour = divmod(block * block_hours, 24)
    return f"{DAY_NAMES[day]}{hour:02d}"


def zcc_block_kpis(m) -> dict[str, float]:
    """Answer share within the norm per hour block of the week, per line and per skill.

    ``zcc_answer_within_2min_share_by_block.<block>`` (all skills of the patient
    line; the norm in the name is the line's) and ``..._by_block.<skill>.<block>``, the same
    for ``zcc_provider_...``; NaN where a block had no calls. The staffing search
    (``sim/plan/staffing.py``) adds or removes staff where a block misses its target.
    """
    c = m.metrics.counts
    norms = desk_norms(m.scenario)
    blocks = range(BLOCKS_PER_WEEK)
    k: dict[str, float] = {}

    def total(line: str, skills: list[str], b: int, what: str) -> float:
        return sum(c.get(rec.block_key(line, s, b, what), 0.0) for s in skills)

    for prefix, calls in ZCC_LINE_CALLS.items():
        line = rec.PATIENT_LINE if prefix == "zcc" else rec.PROVIDER_LINE
        skills = sorted({m.scenario.zcc.skills[t] for t in calls})
        name = within_norm_kpi(prefix, norms[line][1]) + "_by_block"
        for b in blocks:
            k[f"{name}.{block_name(b, BLOCK_HOURS)}"] = _share(total(line, skills, b, "within"),
                                                               total(line, skills, b, "attempts"))
        for s in skills:
            for b in blocks:
                k[f"{name}.{s}.{block_name(b, BLOCK_HOURS)}"] = _share(total(line, [s], b, "within"),
                                                                     total(line, [s], b, "attempts"))
    return k
