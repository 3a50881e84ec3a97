"""Scenario III's rosters follow the work: every desk staffed for the calls it gets after the change.

When the zcc takes calls (forwarded HAP calls, warm-transferred 112 calls, the
provider line), each desk's roster is derived from its own workload after the
change (:mod:`sim.config.desk_work`), every time a scenario is loaded, so
switching a flow on or off, or changing a share, re-derives every roster:

* **HAP triage desks** keep their status-quo roster in the hours their calls
  are *not* forwarded and have nobody on the phone in the hours they are;
* **the ELV point** likewise, for the hours the provider line is open;
* **the 112 desk** keeps the first triage and the warm handover of every
  transferred call; its roster is the fewest centralists per hour who answer
  at least the status quo's share within the norm (112 keeps its priority in
  every staffing option, Kamerbrief 29 247 nr. 389);
* **the zcc's staff groups** get the calls of their skills (each call type to
  the most specialised group that holds its skill). Their target per hour is the
  share within the norm that the same calls got in the status quo (the HAP
  posts' for HAP calls, the 112 desk's for warm transfers, the ELV point's for
  bed requests); calls with no status-quo desk (GP consultations, team requests)
  get the zcc's planning norm ``zcc.service_level.share``.

The staffing options (``zcc.staffing_options.<name>.rule``):

* ``equal_service``: each group meets its targets, hour by hour;
* ``budget``: the zcc's staff cost a week is ``budget_factor`` x the status
  quo's triage and coordination staff cost (HAP triage, 112 call taking, ELV
  point) minus what the other desks still cost after the change; the targets are
  moved together, target(x) = 1 - (1 - target) x, by bisection on ``x`` until
  the cost fits, and whole hours left over go to the first group's busiest hours.
  ``budget_factor`` 1 is ``budget_neutral``.

Staff who hold another group's skill (nurses also triage HAP calls) take its calls when they are
free; their spare people in an hour count towards that group (:func:`_credit_helpers`).
The answer share per hour is Erlang A (callers hang up: :func:`sim.theory.queueing.erlang_a_answered_within`),
the same formula for the status quo and the zcc, so the comparison is like for like.
Costs per rostered hour use the desk's staff pay (``costs.desk_staff`` via
``staffing.hourly_cost_*`` and the groups' ``hourly_cost``) and its paid hours per
rostered hour (:func:`paid_per_rostered_hour`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.config import desk_work as dw
from sim.config.constants import HOURS_PER_WEEK

if TYPE_CHECKING:
    from sim.config.schema import Scenario

MAX_TARGET = 0.999  # a target share above this would staff for callers who are never there
X_RANGE = (1e-3, 1e3)  # the budget search's range of the target scale x


def paid_per_rostered_hour(sc: Scenario, desk: str) -> float:
    """Paid staff hours per rostered phone hour of a desk.

    HAP triagists and zcc staff spend part of their shift off the phone (call-backs,
    walk-in triage, documentation) and take breaks: 1 / (phone share x (1 - breaks)),
    the same rule both (desks.hap_triage.staffing). The 112 roster counts the call
    takers on duty and the ELV point's roster is sized at a target occupancy, so
    their rostered hours are paid hours.
    """
    if desk in ("hap_triage", "zcc"):
        s = sc.desks.hap_triage.staffing
        return 1.0 / (s.phone_share.value * (1.0 - s.break_share.value))
    return 1.0


@dataclass
class Derived:
    """What the derivation gives: rosters of every desk and the zcc's groups, and how they were found."""

    hap: dict[str, list[int]]
    dispatch: list[int]
    elv_point: list[int]
    groups: dict[str, list[int]]
    note: str
    targets: dict[str, np.ndarray]


def _open(values: list[int] | list[float]) -> np.ndarray:
    return (np.asarray(values, dtype=float) > 0).astype(float)


def zcc_call_work(sc: Scenario) -> tuple[dict[str, dw.DeskWork], dict[str, np.ndarray], np.ndarray]:
    """The zcc's work per call type, its status-quo answer share per hour, and the 112 share transferred.

    Call types (``zcc.skills``): hap_call, mental_health_call, warm_transfer,
    bed_request, district_nursing_request, ggz_request, gp_consultation.
    """
    z = sc.zcc
    assert z is not None
    flows, h = z.flows, z.handling
    patient_open = _open(flows.patient_line_hours.values)
    provider_open = _open(flows.provider_line_hours.values) * float(flows.provider_line)
    forwarded = patient_open * float(flows.forward_hap_calls)
    res = sc.resources
    # The status quo's answer shares: per HAP triage centre, the 112 desk, the ELV point.
    centres = dw.hap_centre_work(sc)
    shares = dw.hap_centre_shares(sc)
    rosters = res.centre_rosters()
    hap_sl = np.sum([shares[n] * centres[n].answered_within(rosters[n]) for n in centres], axis=0)
    dispatch_sl = dw.dispatch_work(sc).answered_within(res.meldkamer.desk.values)
    elv_sl = dw.elv_point_work(sc).answered_within(res.elv_point_roster.values)
    norm_share = z.service_level.share.value
    plan = np.full(HOURS_PER_WEEK, norm_share)

    st = sc.streams.hap_call
    mental = st.need_mix.shares.get("mental_health", 0.0) if st.need_mix else 0.0
    callers = dw.hap_callers(sc)
    self_triaged = (dw.stream_rate(sc, "self_triage") * sc.routing.self_triage.shares.get("phone_call", 0.0)
                    * dw.anw_hours(sc))
    self_share = float(self_triaged.sum() / callers.sum()) if callers.sum() > 0 else 0.0
    factor = h.self_triage_factor.value if flows.self_triage_visible else 1.0
    talk = h.patient_line.handling.mean * (1 - self_share * (1 - factor))
    pl, prov = h.patient_line, h.provider_line
    transferred = patient_open * float(flows.warm_transfer_112) * sum(
        sc.routing.dispatch.shares.get(c, 0.0) * s.value for c, s in flows.warm_transfer_share.items())
    insight = z.capacity_insight_step.mean
    office = dw.stream_rate(sc, "gp_referral")
    hap_referrals = callers * dw.hap_seh_referral_share(sc)
    work = {
        "hap_call": dw.DeskWork((callers * (1 - mental) + dw.mystery_callers(sc)) * forwarded, talk,
                                pl.patience.mean, pl.answer_norm_min.value),
        "mental_health_call": dw.DeskWork(callers * mental * forwarded, talk, pl.patience.mean,
                                          pl.answer_norm_min.value),
        "warm_transfer": dw.DeskWork(dw.emergency_callers(sc) * transferred, h.extended_triage.mean,
                                     pl.patience.mean, pl.answer_norm_min.value),
        "bed_request": dw.DeskWork(dw.bed_requests(sc) * provider_open, insight, prov.patience.mean,
                                   prov.answer_norm_min.value),
        "district_nursing_request": dw.DeskWork(dw.provider_requests(sc, "district_nursing") * provider_open,
                                                insight, prov.patience.mean, prov.answer_norm_min.value),
        "ggz_request": dw.DeskWork(dw.provider_requests(sc, "ggz_crisis") * provider_open, insight,
                                   prov.patience.mean, prov.answer_norm_min.value),
        "gp_consultation": dw.DeskWork((office + hap_referrals) * z.substitution.seh.value * provider_open,
                                       h.provider_request.mean, prov.patience.mean, prov.answer_norm_min.value),
    }
    targets: dict[str, np.ndarray] = {"hap_call": hap_sl, "mental_health_call": hap_sl, "warm_transfer": dispatch_sl,
               "bed_request": elv_sl, "district_nursing_request": plan, "ggz_request": plan,
               "gp_consultation": plan}
    return work, targets, transferred


def primary_group(groups: dict[str, list[str]], skill: str) -> str:
    """The most specialised group holding ``skill`` (fewest skills; the first of equals)."""
    holders = [g for g, skills in groups.items() if skill in skills]
    if not holders:
        raise ValueError(f"no staff group holds the skill '{skill}'")
    return min(holders, key=lambda g: len(groups[g]))


def _fewest(work: dw.DeskWork, target: np.ndarray, minimum: np.ndarray, table: dict[int, np.ndarray]) -> list[int]:
    """Fewest staff per hour whose answer share meets ``target`` (the share table grows as needed)."""
    staff = np.zeros(HOURS_PER_WEEK, dtype=int)
    todo = work.calls_per_min > 0
    staff[~todo] = minimum[~todo]
    c = 0
    while todo.any():
        if c not in table:
            table[c] = work.answered_within(np.full(HOURS_PER_WEEK, c))
        met = todo & (table[c] >= target - 1e-12) & (c >= minimum)
        staff[met] = c
        todo &= ~met
        c += 1
        if c > 10_000:
            raise ValueError("a desk's workload needs more than 10,000 staff in one hour")
    return staff.tolist()


def _group_work(sc: Scenario, work: dict[str, dw.DeskWork], targets: dict[str, np.ndarray],
                groups: dict[str, list[str]]) -> dict[str, tuple[dw.DeskWork, np.ndarray]]:
    z = sc.zcc
    assert z is not None
    by_group: dict[str, list[str]] = {g: [] for g in groups}
    for call_type, skill in z.skills.items():
        by_group[primary_group(groups, skill)].append(call_type)
    out = {}
    for g, types in by_group.items():
        parts = [work[t] for t in types]
        combined = dw.combine(parts)
        calls = sum((work[t].calls_per_min for t in types), np.zeros(HOURS_PER_WEEK))
        weighted = sum((work[t].calls_per_min * targets[t] for t in types), np.zeros(HOURS_PER_WEEK))
        target = np.where(calls > 0, weighted / np.maximum(calls, 1e-300), 0.0)
        out[g] = (combined, np.minimum(target, MAX_TARGET))
    return out


def _helpers(groups: dict[str, list[str]]) -> dict[str, list[str]]:
    """For each group, the other groups that also hold one of its (primary) skills and so take its calls."""
    primary = {s: primary_group(groups, s) for skills in groups.values() for s in skills}
    return {g: [h for h in groups if h != g and any(primary[s] == g for s in groups[h])] for g in groups}


def _credit_helpers(rosters: dict[str, list[int]], helpers: dict[str, list[str]],
                    gwork: dict[str, tuple[dw.DeskWork, np.ndarray]], minimum: np.ndarray,
                    keep_free: dict[str, int]) -> dict[str, list[int]]:
    """Staff who also hold a group's skill answer its calls when free: count their spare people.

    The desk gives a call to a free specialist first and a free member of another group
    holding the skill otherwise, while the helper keeps ``keep_free`` members free for its own
    calls (sim/resources/skilldesk.py). A helper group's spare people in an hour are its roster
    less its own offered load (rounded up) less those it keeps free; the group needs that many
    fewer of its own, never below the minimum.
    """
    out = {g: list(v) for g, v in rosters.items()}
    for g, hs in helpers.items():
        if not hs:
            continue
        spare = np.zeros(len(out[g]), dtype=int)
        for h in hs:
            load = gwork[h][0].calls_per_min * gwork[h][0].mean_service
            spare += np.maximum(0, np.asarray(rosters[h]) - np.ceil(load - 1e-9).astype(int) - keep_free.get(h, 0))
        out[g] = np.maximum(minimum, np.asarray(rosters[g]) - spare).astype(int).tolist()
    return out


def derive(sc: Scenario, rule: str, budget_factor: float, groups: dict[str, list[str]],
           hourly_cost: dict[str, float], keep_free: dict[str, int] | None = None) -> Derived:
    """Rosters of the HAP desks, the 112 desk, the ELV point and the zcc's groups after the change."""
    z = sc.zcc
    assert z is not None
    res, st = sc.resources, sc.staffing
    flows = z.flows
    patient_open = _open(flows.patient_line_hours.values)
    provider_open = _open(flows.provider_line_hours.values) * float(flows.provider_line)
    forwarded = patient_open * float(flows.forward_hap_calls)
    work, targets, transferred = zcc_call_work(sc)

    hap = {n: [0 if forwarded[h] else v for h, v in enumerate(site.triage.values)] for n, site in res.haps.items()}
    elv = [0 if provider_open[h] else v for h, v in enumerate(res.elv_point_roster.values)]
    sq_dispatch = dw.dispatch_work(sc)
    dispatch_sl = sq_dispatch.answered_within(res.meldkamer.desk.values)
    new_dispatch = dw.dispatch_work(sc, transferred)
    minimum_112 = sc.desks.dispatch_112.staffing.minimum_on_duty.value
    dispatch = _fewest(new_dispatch, np.minimum(dispatch_sl, MAX_TARGET),
                       np.full(HOURS_PER_WEEK, int(minimum_112)), {})
    # Hours with no transfers keep the status quo's roster (the same work needs the same people).
    dispatch = [old if transferred[h] <= 0 else new
                for h, (old, new) in enumerate(zip(res.meldkamer.desk.values, dispatch, strict=True))]

    open_any = np.maximum(patient_open, provider_open)
    least = int(z.service_level.minimum_staff.value)
    locations = len(z.locations.sites) if z.locations.mode == "separate" else 1
    minimum = (open_any * least * locations).astype(int)
    gwork = _group_work(sc, work, targets, groups)
    tables: dict[str, dict[int, np.ndarray]] = {g: {} for g in groups}

    helpers = _helpers(groups)
    keep_free = keep_free or {}

    def rosters_at(x: float) -> dict[str, list[int]]:
        out = {}
        for g, (w, target) in gwork.items():
            t = np.clip(1.0 - (1.0 - target) * x, 0.0, MAX_TARGET)
            out[g] = _fewest(w, np.where(w.calls_per_min > 0, t, 0.0), minimum, tables[g])
        return _credit_helpers(out, helpers, gwork, minimum, keep_free)

    zcc_paid = paid_per_rostered_hour(sc, "zcc")

    def zcc_cost(r: dict[str, list[int]]) -> float:
        return sum(sum(v) * hourly_cost[g] * zcc_paid for g, v in r.items())

    sq_cost = status_quo_staff_cost_per_week(sc)
    others = (sum(sum(v) for v in hap.values()) * st.hourly_cost_hap_triagist.value
              * paid_per_rostered_hour(sc, "hap_triage")
              + sum(dispatch) * st.hourly_cost_centralist.value
              + sum(elv) * st.hourly_cost_elv_coordinator.value)
    if rule == "equal_service":
        x = 1.0
        rosters = rosters_at(x)
        note = ("equal service: fewest staff per group and hour answering at least the status quo's share within "
                "the norm for the same calls (Erlang A; sim/config/zcc_rosters.py)")
    else:
        budget = budget_factor * sq_cost - others
        lo, hi = X_RANGE
        if zcc_cost(rosters_at(hi)) > budget:
            x = hi
        else:
            for _ in range(40):
                mid = float(np.sqrt(lo * hi))
                if zcc_cost(rosters_at(mid)) <= budget:
                    hi = mid
                else:
                    lo = mid
            x = hi
        rosters = rosters_at(x)
        first = next(iter(groups))
        w = gwork[first][0].calls_per_min
        per_hour = hourly_cost[first] * zcc_paid
        left = int((budget - zcc_cost(rosters)) // per_hour) if per_hour > 0 else 0
        order = [int(i) for i in np.argsort(-w, kind="stable") if open_any[i] > 0]
        for i in range(max(left, 0)):
            if order:
                rosters[first][order[i % len(order)]] += 1
        note = (f"{budget_factor:.0%} of the status quo's triage and coordination staff cost "
                f"(EUR {sq_cost:,.0f} a week), less the other desks after the change (EUR {others:,.0f}): "
                f"zcc staff EUR {budget:,.0f} a week; every group's share missing the status-quo target "
                f"scaled by {x:.2f} (Erlang A; sim/config/zcc_rosters.py)")
    return Derived(hap, dispatch, elv, rosters, note, {g: t for g, (_, t) in gwork.items()})


def status_quo_staff_cost_per_week(sc: Scenario) -> float:
    """Euros a week of the status quo's HAP triage, 112 call taking and ELV point rosters."""
    res, st = sc.resources, sc.staffing
    hap_hours = sum(sum(site.triage.values) for site in res.haps.values())
    return (hap_hours * st.hourly_cost_hap_triagist.value * paid_per_rostered_hour(sc, "hap_triage")
            + sum(res.meldkamer.desk.values) * st.hourly_cost_centralist.value
            + sum(res.elv_point_roster.values) * st.hourly_cost_elv_coordinator.value)


def apply(sc: Scenario) -> Scenario:
    """The scenario with every desk's roster derived from its work after the change (scenario III only).

    Called by the loader after the scenario, its region and sub-areas are validated. HAP
    desks, the 112 desk and the ELV point get their rosters after the change; an option with
    a ``rule`` gets its groups' rosters (an option with explicit groups keeps them). A scenario
    already derived (``zcc.rosters_derived``, as in a resolved file) is returned as it is.
    """
    from sim.config.schema import Roster

    z = sc.zcc
    if sc.setting != "zcc" or z is None or z.rosters_derived:
        return sc
    res = sc.resources
    option = z.option
    specs = option.groups if option.rule is None and option.groups else (z.staff_groups or {})
    skills: dict[str, list[str]] = {g: list(spec.skills) for g, spec in specs.items()}
    cost = {g: spec.hourly_cost.value for g, spec in specs.items()}
    keep = {g: int(spec.keep_free.value) for g, spec in specs.items() if spec.keep_free is not None}
    rule = option.rule or "equal_service"
    factor = option.budget_factor.value if option.budget_factor is not None else 1.0
    d = derive(sc, rule, factor, skills, cost, keep)
    moved = "derived from the desk's work after the change (scenario III; sim/config/zcc_rosters.py)"
    haps = {n: site.model_copy(update={"triage_roster": Roster(
                values=d.hap[n], estimate=f"status-quo roster in the hours HAP calls are not forwarded; {moved}")})
            for n, site in res.haps.items()}
    mk = res.meldkamer.model_copy(update={"roster": Roster(
        values=d.dispatch, estimate=f"fewest call takers answering at least the status quo's share within the "
                                    f"norm after the warm transfers; {moved}")})
    elv = Roster(values=d.elv_point, estimate=f"status-quo roster in the hours the provider line is closed; {moved}")
    new_res = res.model_copy(update={"haps": haps, "meldkamer": mk, "elv_point_roster": elv})
    if option.rule is not None:
        groups = {g: spec.model_copy(update={"roster": Roster(values=d.groups[g], estimate=d.note)})
                  for g, spec in specs.items()}
        option = option.model_copy(update={"groups": groups})
    options = {**z.staffing_options, z.staffing: option}
    new_zcc = z.model_copy(update={"staffing_options": options, "rosters_derived": True})
    return sc.model_copy(update={"resources": new_res, "zcc": new_zcc})
