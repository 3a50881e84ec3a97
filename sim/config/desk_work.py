"""The work that reaches each telephone desk, per hour of the week, from a scenario's own inputs.

Rosters follow the work (sim/config/zcc_rosters.py): when scenario III moves
calls from the HAP desks, the ELV point and part of the 112 desk to the zcc,
every desk's roster is derived from the calls it gets *after* the change. This
module says how many calls that is, analytically, from the same inputs the
simulation draws its patients from:

* demand: each stream's rate per 1,000 x the region's population x growth,
  spread over the week by its hour-of-week profile (as :mod:`sim.chain.demand`);
* routing: the shares with which self-triage, 112 first triage, HAP triage and
  the SEH send patients on (the expected flow through the model's pathways);
* handling: the mean minutes a desk is busy per call (talk, GP input, after-call
  work), the callers' mean patience and the desk's answer norm.

Redials and surges are left out (planning is on ordinary weeks). The functional
test tests/functional/test_desk_work.py checks these expectations against the
attempts the simulation counts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.config.constants import DAY_NAMES, HOURS_PER_DAY, HOURS_PER_WEEK, MIN_PER_HOUR, WEEKEND_DAYS
from sim.geo.regions import road_km_matrix, subareas_of
from sim.geo.sites import nearest_site
from sim.theory.queueing import erlang_a_answered_within

if TYPE_CHECKING:
    from sim.config.schema import Scenario, Stream

HOURS_PER_YEAR = 8760.0
PATIENT_LINE = "patient_line"


@dataclass(frozen=True)
class DeskWork:
    """Calls per minute in each hour of the week, with the desk's minutes per call, patience and norm."""

    calls_per_min: np.ndarray
    mean_service: float
    mean_patience: float
    norm_min: float

    def answered_within(self, roster: list[int] | np.ndarray) -> np.ndarray:
        """Share of callers answered within the norm in each hour (Erlang A, stationary per hour)."""
        staff = np.asarray(roster, dtype=int)
        out = np.ones(HOURS_PER_WEEK)
        for c in np.unique(staff):
            hours = staff == c
            out[hours] = erlang_a_answered_within(int(c), self.calls_per_min[hours], self.mean_service,
                                                  self.mean_patience, self.norm_min)
        return out

    @property
    def calls_per_week(self) -> float:
        return float(self.calls_per_min.sum() * MIN_PER_HOUR)

    def busy_hours_per_week(self) -> float:
        return self.calls_per_week * self.mean_service / MIN_PER_HOUR


def combine(parts: list[DeskWork]) -> DeskWork:
    """Work of several call types at one desk: calls add, minutes per call are call-weighted.

    Patience and norm are taken call-weighted too (the desks of one group share them closely).
    """
    parts = [p for p in parts if p.calls_per_week > 0]
    if not parts:
        return DeskWork(np.zeros(HOURS_PER_WEEK), 1.0, 10.0, 2.0)
    calls = sum(p.calls_per_week for p in parts)

    def weighted(attr: str) -> float:
        return sum(getattr(p, attr) * p.calls_per_week for p in parts) / calls

    calls_per_min = np.sum([p.calls_per_min for p in parts], axis=0)
    return DeskWork(calls_per_min, weighted("mean_service"), weighted("mean_patience"), weighted("norm_min"))


# ------------------------------------------------------------------ demand
def population(sc: Scenario) -> float:
    return float(sum(a.population for a in subareas_of(sc.region)))


def per_year(sc: Scenario, stream: Stream) -> float:
    """Expected arrivals a year of one stream (growth included)."""
    growth = stream.growth.value if stream.growth is not None else 1.0
    return stream.rate_per_1000_per_year.value * population(sc) / 1000.0 * growth


def weekly_shape(sc: Scenario, profile: str) -> np.ndarray:
    """Share of a year's arrivals falling in each hour of the week, as calls per minute per call a year."""
    w = np.asarray(sc.profiles[profile].values, dtype=float)
    total = w.sum()
    if total <= 0:
        return np.zeros(HOURS_PER_WEEK)
    return w * HOURS_PER_WEEK / total / HOURS_PER_YEAR / MIN_PER_HOUR


def stream_rate(sc: Scenario, name: str) -> np.ndarray:
    """Calls per minute of a stream in each hour of the week."""
    stream = getattr(sc.streams, name)
    return per_year(sc, stream) * weekly_shape(sc, stream.profile)


def anw_hours(sc: Scenario) -> np.ndarray:
    """1 in the ANW (out-of-hours) hours of an ordinary week, else 0."""
    cal = sc.calendar
    out = np.zeros(HOURS_PER_WEEK)
    for d, day in enumerate(DAY_NAMES):
        for h in range(HOURS_PER_DAY):
            if day in WEEKEND_DAYS or h >= cal.anw_evening_start_hour or h < cal.anw_morning_end_hour:
                out[d * HOURS_PER_DAY + h] = 1.0
    return out


# ------------------------------------------------------------- pathways
def hap_callers(sc: Scenario) -> np.ndarray:
    """Calls per minute to the HAP number: HAP calls, self-triage 'phone', 112 advice 'phone the GP'."""
    rt = sc.routing
    anw = anw_hours(sc)
    no_amb = rt.dispatch.shares.get("no_ambulance", 0.0) * rt.no_ambulance.shares.get("gp", 0.0)
    return (stream_rate(sc, "hap_call")
            + stream_rate(sc, "self_triage") * rt.self_triage.shares.get("phone_call", 0.0) * anw
            + emergency_callers(sc) * no_amb * anw)


def emergency_callers(sc: Scenario) -> np.ndarray:
    """Calls per minute to 112: the 112 stream and self-triage users told to call 112."""
    return (stream_rate(sc, "call_112")
            + stream_rate(sc, "self_triage") * sc.routing.self_triage.shares.get("call_112", 0.0))


def mystery_callers(sc: Scenario) -> np.ndarray:
    """Test calls per minute to the HAP number (regular line) in each hour of the week."""
    mc = sc.desks.hap_triage.mystery_calls
    out = np.zeros(HOURS_PER_WEEK)
    if mc is None:
        return out
    day = DAY_NAMES.index(mc.day)
    opens, closes = day * HOURS_PER_DAY + mc.start_hour, day * HOURS_PER_DAY + mc.end_hour
    per_min = mc.per_post_per_hour * len(sc.resources.haps) / MIN_PER_HOUR
    for h in range(math.floor(opens), math.ceil(closes)):
        out[h] = per_min * (min(h + 1, closes) - max(h, opens))  # a part hour gets its part (21:00-21:30: half)
    return out


def hap_care_shares(sc: Scenario) -> dict[str, float]:
    """Expected share of HAP-triaged callers per outcome (urgency mix x routing), mental health included."""
    rt, st = sc.routing, sc.streams.hap_call
    mental = st.need_mix.shares.get("mental_health", 0.0) if st.need_mix else 0.0
    out: dict[str, float] = {}
    for u, share in (st.urgency_mix.shares if st.urgency_mix else {}).items():
        for outcome, s in rt.hap_triage[u].shares.items():
            out[outcome] = out.get(outcome, 0.0) + (1 - mental) * share * s
    for outcome, s in rt.hap_mental_health.shares.items():
        out[outcome] = out.get(outcome, 0.0) + mental * s
    return out


def hap_seh_referral_share(sc: Scenario) -> float:
    """Share of HAP-triaged callers whom the HAP GP (consult or visit) then refers to the SEH."""
    rt, st = sc.routing, sc.streams.hap_call
    mental = st.need_mix.shares.get("mental_health", 0.0) if st.need_mix else 0.0
    seen = ("consult", "home_visit")
    total = 0.0
    for u, share in (st.urgency_mix.shares if st.urgency_mix else {}).items():
        s = sum(rt.hap_triage[u].shares.get(k, 0.0) for k in seen)
        total += (1 - mental) * share * s * rt.after_gp_seh_referral[u].value
    return total


def seh_admissions_per_year(sc: Scenario) -> tuple[float, float]:
    """Expected SEH arrivals and acute admissions a year, by the model's routes (HAP and 112 included)."""
    rt = sc.routing
    hap_calls = float(hap_callers(sc).sum()) * MIN_PER_HOUR * HOURS_PER_YEAR / HOURS_PER_WEEK
    calls_112 = float(emergency_callers(sc).sum()) * MIN_PER_HOUR * HOURS_PER_YEAR / HOURS_PER_WEEK
    hap_share = hap_care_shares(sc)
    walk_ins = per_year(sc, sc.streams.hap_walk_in)
    self_ref = (per_year(sc, sc.streams.seh_self_referral)
                + per_year(sc, sc.streams.self_triage) * rt.self_triage.shares.get("seh_walk_in", 0.0))
    walk_in_mix = sc.streams.hap_walk_in.urgency_mix
    walk_in_referral = sum(s * rt.after_gp_seh_referral[u].value
                           for u, s in (walk_in_mix.shares.items() if walk_in_mix else ()))
    gp = (per_year(sc, sc.streams.gp_referral) + hap_calls * hap_seh_referral_share(sc)
          + walk_ins * walk_in_referral)
    hap_amb = hap_calls * (hap_share.get("ambulance", 0.0) + hap_share.get("home_visit_and_ambulance", 0.0))
    a1 = calls_112 * rt.dispatch.shares.get("A1", 0.0) * rt.convey_to_seh["A1"].value
    a2 = (calls_112 * rt.dispatch.shares.get("A2", 0.0) + hap_amb) * rt.convey_to_seh["A2"].value
    amb = a1 + a2
    adm = rt.seh_admit
    arrivals = self_ref + gp + amb
    admissions = (self_ref * adm["self_referral"].value + amb * adm["ambulance"].value
                  + gp * adm["gp_hap"].value)
    return arrivals, admissions


def bed_requests(sc: Scenario) -> np.ndarray:
    """Requests per minute for an ELV, GRZ or crisis bed: from providers and at SEH or hospital discharge."""
    rt = sc.routing
    beds = sum(rt.provider_request.shares.get(k, 0.0) for k in ("elv", "grz", "crisis_bed"))
    arrivals, admissions = seh_admissions_per_year(sc)
    followups = admissions * rt.hospital_followup.value + arrivals * rt.seh_followup.value
    provider = sc.streams.provider_request
    return (per_year(sc, provider) * beds + followups) * weekly_shape(sc, provider.profile)


def provider_requests(sc: Scenario, need: str) -> np.ndarray:
    """Provider requests per minute for one need (``district_nursing``, ``ggz_crisis``)."""
    return stream_rate(sc, "provider_request") * sc.routing.provider_request.shares.get(need, 0.0)


# ------------------------------------------------------------------ desks
def hap_post_shares(sc: Scenario) -> dict[str, float]:
    """Share of the region's inhabitants for whom each HAP is the nearest post (as the model assigns them)."""
    areas = subareas_of(sc.region)
    km = road_km_matrix(areas, sc.care.travel.detour_factor.value, sc.care.travel.settlement())
    code = {a.code: i for i, a in enumerate(areas)}
    names = list(sc.resources.haps)
    nearest = nearest_site(km, [code[sc.resources.haps[n].subarea] for n in names])
    pops = np.array([a.population for a in areas], dtype=float)
    return {n: float(pops[nearest == j].sum() / pops.sum()) for j, n in enumerate(names)}


def hap_minutes_per_call(sc: Scenario) -> float:
    d = sc.desks.hap_triage
    return d.handling.mean + d.gp_input_share.value * d.gp_input_time.mean + d.after_call_work.mean


def hap_centre_shares(sc: Scenario) -> dict[str, float]:
    """Share of the region's HAP callers each triage centre answers (the sum over its posts)."""
    posts = hap_post_shares(sc)
    return {name: sum(posts[p] for p in centre.posts) for name, centre in sc.resources.hap_triage_centres.items()}


def hap_centre_work(sc: Scenario) -> dict[str, DeskWork]:
    """Each triage centre's desk in the status quo: its share of HAP callers and of test calls.

    Test calls go to a post drawn by population served, as in the model
    (``StatusQuo.mystery_calls``), so a centre gets them in its callers' share.
    """
    d = sc.desks.hap_triage
    calls, tests = hap_callers(sc), mystery_callers(sc)
    return {name: DeskWork((calls + tests) * share, hap_minutes_per_call(sc), d.patience.mean,
                           d.answer_norm_min.value)
            for name, share in hap_centre_shares(sc).items()}


def dispatch_work(sc: Scenario, transferred: np.ndarray | None = None) -> DeskWork:
    """The 112 desk; ``transferred`` (share per hour) of calls leave after first triage and a warm handover."""
    d = sc.desks.dispatch_112
    calls = emergency_callers(sc)
    minutes = d.handling.mean
    if transferred is not None and sc.zcc is not None and calls.sum() > 0:
        h = sc.zcc.handling
        short = h.first_triage_112.mean + h.transfer_handover.mean
        per_hour = (1 - transferred) * minutes + transferred * short
        minutes = float((calls * per_hour).sum() / calls.sum())
    return DeskWork(calls, minutes, d.patience.mean, d.answer_norm_min.value)


def elv_point_work(sc: Scenario) -> DeskWork:
    d = sc.desks.elv_point
    return DeskWork(bed_requests(sc), d.handling.mean, d.patience.mean, d.answer_norm_min.value)
