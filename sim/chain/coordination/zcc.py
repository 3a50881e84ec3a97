"""Scenario III: coordination through the zorgcoördinatiecentrum (zcc), built on the status quo.

What the 2023 letter prescribes, as modelled here:

- calls to the HAP number in ANW hours are forwarded to the zcc, which
  triages them; consults and home visits stay at the HAP;
- a 112 call whose first triage rules out a time-critical life-threatening
  situation is warm-transferred to the zcc for extended triage, without a
  second first triage; life-threatening calls stay with the RAV centralist;
- care providers (GPs, hospitals, nurses) reach the zcc on the provider line;
  with capacity insight a placement is one short step instead of the ELV
  point's phone work or calling around; a neighbouring region's spare beds
  may be used (patient spreading) when configured;
- passende zorginzet: a configured share of cases that would otherwise get an
  ambulance or go to the SEH gets an alternative, only if that alternative
  has capacity at that moment; otherwise the original route.

Every mechanism is switched by the scenario (``zcc.flows``, substitution
shares, spreading); with all of them off the chain runs as the status quo.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from sim.chain import record as rec
from sim.chain.care.ambulance import Call
from sim.chain.context import Context, Flow
from sim.chain.coordination.base import CareServices
from sim.chain.coordination.status_quo import StatusQuo
from sim.chain.patient import Patient
from sim.chain.telephone import PhoneLine
from sim.config.constants import BLOCK_HOURS, FOLLOWUP_BED_KINDS, MIN_PER_HOUR
from sim.config.rosters import is_triage_group, scale_roster
from sim.config.schema import Zcc as ZccSpec
from sim.geo.sites import commute_minutes, nearest_site, site_shares, split_roster
from sim.resources import CapacityPool, GroupRoster, SkillDesk

ZCC_ROSTERS: Final = 2  # roster order: (2, group, location), after the status quo's desks and the teams
TEAM_CALL_TYPES = {"district_nursing": "district_nursing_request", "ggz_crisis": "ggz_request"}


@dataclass
class ZccLayout:
    """The zcc as built: locations, their desks, who answers which sub-area, commute."""

    site_names: list[str]
    sites: list[int]
    desks: list[SkillDesk]
    desk_of: list[SkillDesk]
    staff_shares: np.ndarray
    commute_mean: float
    commute_p95: float


def build_layout(ctx: Context, z: ZccSpec) -> ZccLayout:
    """The zcc's locations and desks; rosters split over locations in separate mode."""
    loc = z.locations
    site_names = list(loc.sites)
    sites = [ctx.area_index[loc.sites[n].subarea] for n in site_names]
    km = ctx.travel.km
    nearest = nearest_site(km, sites)
    if loc.staff_residence:
        residence = np.array([loc.staff_residence.get(a.code, 0.0) for a in ctx.areas])
    else:
        residence = ctx.populations
    shares = site_shares(residence, nearest, len(sites))
    groups = {g: frozenset(spec.skills) for g, spec in z.groups.items()}
    overflow = loc.overflow_after_min.value if loc.overflow_after_min else None
    probes = ctx.probes(rec.ZCC_DESK)
    by_group = {g: ctx.probes(rec.zcc_group_pool(g)) for g in groups}
    keep_free = {g: int(spec.keep_free.value) for g, spec in z.groups.items() if spec.keep_free is not None}
    factor = ctx.scenario.staffing.triage_staff_factor.value
    roster = {g: scale_roster(spec.rostered.values, factor) if is_triage_group(spec.skills) else spec.rostered.values
              for g, spec in z.groups.items()}
    if loc.mode == "pooled":
        desks = [SkillDesk(ctx.env, rec.ZCC_DESK, groups, probes, group_probes=by_group, keep_free=keep_free)]
        desk_of = [desks[0]] * len(ctx.areas)
        splits = {g: [roster[g]] for g in z.groups}
    else:
        desks = [SkillDesk(ctx.env, f"{rec.ZCC_DESK}.{n}", groups, probes, overflow, by_group, keep_free)
                 for n in site_names]
        for d in desks:
            d.peers = [o for o in desks if o is not d]
        desk_of = [desks[int(j)] for j in nearest]
        splits = {g: split_roster(roster[g], shares) for g in z.groups}
    for gi, g in enumerate(groups):
        for di, (desk, values) in enumerate(zip(desks, splits[g], strict=False)):
            ctx.rosters.add((ZCC_ROSTERS, gi, di), GroupRoster(desk, gi), values)
    mean, p95 = commute_minutes(km, sites, residence, loc.commute_speed_kmh.value)
    return ZccLayout(site_names, sites, desks, desk_of, shares, mean, p95)


class Zcc(StatusQuo):
    """Scenario III (see the module docstring): the status quo with the zcc's lines and mechanisms."""

    def __init__(self, ctx: Context, care: CareServices) -> None:
        super().__init__(ctx, care)
        z = ctx.scenario.zcc
        assert z is not None  # a zcc scenario has a zcc section (schema)
        st = ctx.streams
        self.spec = z
        self.layout = build_layout(ctx, z)
        self.patient_line_open = [v > 0 for v in z.flows.patient_line_hours.values]
        self.provider_line_open = [v > 0 for v in z.flows.provider_line_hours.values]
        h = z.handling
        self.patient_line = PhoneLine(ctx, rec.PATIENT_LINE, h.patient_line)
        self.provider_line = PhoneLine(ctx, rec.PROVIDER_LINE, h.provider_line)
        self.t_first_triage = st.sampler("zcc.first_triage_112", h.first_triage_112)
        self.t_transfer_handover = st.sampler("zcc.transfer_handover", h.transfer_handover)
        self.t_extended_triage = st.sampler("zcc.extended_triage", h.extended_triage)
        self.t_provider_consultation = st.sampler("zcc.provider_request", h.provider_request)
        self.t_insight = st.sampler("zcc.capacity_insight_step", z.capacity_insight_step)
        self.u_warm_transfer = st.uniform("routing.zcc.warm_transfer")
        self.u_after_extended = st.uniform("routing.zcc.ambulance_after_extended_triage")
        self.route_extended = st.chooser("routing.zcc.extended_triage", h.extended_triage_outcome)
        self.u_subst_ambulance = st.uniform("routing.zcc.substitution.ambulance")
        self.u_subst_seh = st.uniform("routing.zcc.substitution.seh")
        self.route_alternative = {need: st.chooser(f"routing.zcc.alternative.{need}", mix)
                                  for need, mix in z.substitution.alternatives.items()}
        self.neighbour_beds: dict[str, CapacityPool] = {}
        if z.spreading is not None:
            spare = z.spreading.neighbour_beds
            self.neighbour_beds = {k: ctx.pool(f"neighbour_{k}", c.value) for k, c in spare.items()}
            self.t_spread = st.sampler("zcc.spreading.transfer", z.spreading.transfer_time)

    # -------------------------------------------------------------- lines
    def takes_patient_calls(self) -> bool:
        """True if HAP calls are forwarded to the zcc at this moment."""
        return self.spec.flows.forward_hap_calls and self.patient_line_open[self.ctx.hour_of_week()]

    def has_provider_line(self) -> bool:
        """True if care providers reach the zcc at this moment (otherwise the status-quo routes)."""
        return self.spec.flows.provider_line and self.provider_line_open[self.ctx.hour_of_week()]

    def call(self, line: PhoneLine, p: Patient, call_type: str, priority: int) -> Flow:
        """Ring the zcc location that serves the patient's sub-area; a seat or None."""
        desk = self.layout.desk_of[p.subarea]
        skill = self.spec.skills[call_type]
        seat = yield from line.call(p, self._counted(line, desk), skill, priority)
        return seat

    def _counted(self, line: PhoneLine, desk: SkillDesk) -> Callable[[str, int, float | None], Any]:
        """``desk.request`` that also counts each attempt by skill and 4-hour block of the week.

        The per-block answer shares feed the staffing search; like the line's own
        counts, an attempt is counted when it is answered or abandoned.
        """
        ctx, norm = self.ctx, line.norm
        record, env = ctx.record, ctx.env

        def request(skill: str, priority: int, patience: float | None) -> Any:
            block = ctx.hour_of_week() // BLOCK_HOURS
            got = desk.request(skill, priority, patience)
            if isinstance(got, tuple):
                record.block_attempt(line.name, skill, block, True)
                return got
            rang = env.now

            def answered(event: Any) -> None:
                record.block_attempt(line.name, skill, block, event.value is not None and env.now - rang <= norm)

            got.callbacks.append(answered)
            return got

        return request

    @staticmethod
    def hang_up(seat: tuple[SkillDesk, int]) -> None:
        desk, group = seat
        desk.release(group)

    # ------------------------------------------------------- patient line
    def out_of_hours_call(self, p: Patient) -> Flow:
        """A call to the HAP number: triaged at the zcc while calls are forwarded, else at the post."""
        if self.takes_patient_calls():
            yield from self.forwarded_hap_call(p)
        else:
            yield from self.hap_triage_call(p)

    def forwarded_hap_call(self, p: Patient) -> Flow:
        """An ANW call to the HAP number, triaged at the zcc; care stays at the HAP."""
        ctx = self.ctx
        self.set_hap_urgency(p)
        call_type = "mental_health_call" if p.need == "mental_health" else "hap_call"
        seat = yield from self.call(self.patient_line, p, call_type, ctx.priority(p.urgency))
        if not seat:
            ctx.record.end(p, "abandoned")
            return
        ctx.record.first_triage(p)
        handling = self.patient_line.handling()
        if p.self_triaged and self.spec.flows.self_triage_visible:
            handling *= self.spec.handling.self_triage_factor.value
        yield ctx.env.timeout(handling)
        self.hang_up(seat)
        p.via_zcc = True
        ctx.record.zcc_patient_call()
        yield from self.after_hap_triage(p)

    def mystery_call(self, post: int) -> Flow:
        """A test call to the HAP number: answered at the zcc while it takes the calls, else at the post.

        At the zcc the test caller queues as a caller without a known urgency.
        """
        if not self.takes_patient_calls():
            yield from super().mystery_call(post)
            return
        ctx = self.ctx
        desk = self.layout.desk_of[self.care.hap.posts[post].subarea]
        rang = ctx.env.now
        got = desk.request(self.spec.skills["hap_call"], ctx.priorities.no_urgency, None)
        seat = got if isinstance(got, tuple) else (yield got)
        ctx.record.mystery_call(rec.HAP_DESK, ctx.env.now - rang)
        self.hang_up(seat)

    def diverts_112_call(self, first_triage: str) -> bool:
        """Warm transfer to the zcc: only while its patient line is open, for the configured share."""
        flows = self.spec.flows
        if not flows.warm_transfer_112 or not self.patient_line_open[self.ctx.hour_of_week()]:
            return False
        return self.u_warm_transfer() < flows.warm_transfer_share[first_triage].value

    def divert_112_call(self, p: Patient, first_triage: str, call: Call) -> Flow:
        """The centralist finishes the first triage and hands the caller over warm."""
        ctx = self.ctx
        ctx.record.log(p, "warm_transfer", first_triage)
        yield ctx.env.timeout(self.t_first_triage() + self.t_transfer_handover())
        self.dispatch.release()
        yield from self.extended_triage(p, first_triage, call)

    def extended_triage(self, p: Patient, first_triage: str, call: Call) -> Flow:
        """Extended triage at the zcc of a 112 call that is not life-threatening."""
        ctx = self.ctx
        record = ctx.record
        record.warm_transfer()
        record.double_triage_avoided(p)
        seat = yield from self.call(self.patient_line, p, "warm_transfer", ctx.priorities.warm_transfer)
        if not seat:
            record.end(p, "abandoned")
            return
        yield ctx.env.timeout(self.t_extended_triage())
        self.hang_up(seat)
        p.via_zcc = True
        handling = self.spec.handling
        if first_triage == "A2" and self.u_after_extended() < handling.ambulance_after_extended_triage.value:
            record.log(p, "extended_triage", "ambulance")
            p.urgency = "A2"
            yield from self.send_ambulance(p, call)
            return
        if first_triage == "A2":
            record.ride_avoided("extended_triage")
        outcome = self.route_extended()
        record.log(p, "extended_triage", outcome)
        if outcome == "self_care":
            # Extended triage errs where it matters: advice for a caller who needed more.
            self.divert(p, "self_care", self.true_need.judge(p, "zcc_triage"))
            record.end(p, "self_care")
        elif outcome in ("consult", "home_visit"):
            if not ctx.is_anw():
                record.end(p, "own_gp")
                return
            p.urgency = handling.extended_triage_urgency.value
            hap = self.care.hap
            visit = hap.consult if outcome == "consult" else hap.home_visit
            yield from visit(p, hap.post_of[p.subarea])
        else:
            raise ValueError(f"zcc.handling.extended_triage_outcome: unknown outcome '{outcome}'")

    # ------------------------------------------------- passende zorginzet
    def send_ambulance(self, p: Patient, call: Call) -> Flow:
        """An ambulance, unless the zcc finds an alternative with free capacity now.

        Life-threatening (A1) cases always get the ambulance straight away.
        """
        if (p.via_zcc and p.urgency != "A1"
                and self.u_subst_ambulance() < self.spec.substitution.ambulance.value):
            done = yield from self.try_alternative(p, "ambulance")
            if done:
                return
        yield from self.care.ambulance.job(p, call)

    def refer_to_seh(self, p: Patient) -> Flow:
        """A GP refers to the SEH; with the provider line a share first asks the zcc for an alternative."""
        if self.has_provider_line() and self.u_subst_seh() < self.spec.substitution.seh.value:
            seat = yield from self.call(self.provider_line, p, "gp_consultation", self.ctx.priorities.gp_consultation)
            if seat:
                yield self.ctx.env.timeout(self.t_provider_consultation())
                self.hang_up(seat)
                done = yield from self.try_alternative(p, "seh")
                if done:
                    return
        yield from self.care.seh.visit(p, "gp_hap")

    def try_alternative(self, p: Patient, instead_of: str) -> Flow:
        """Pick an alternative for the patient's need; use it only if it has room right now.

        The decision is recorded (and logged) when it is taken, before the care it leads to.
        """
        record = self.ctx.record
        need = p.need if p.need in self.route_alternative else "somatic"
        alternative = self.route_alternative[need]()
        if not self.take_if_free(p, alternative):
            record.no_alternative_capacity()
            record.log(p, "no_alternative", alternative)
            return False
        record.substitution(alternative, instead_of)
        if instead_of == "ambulance":
            record.ride_avoided("substitution")
        record.log(p, "alternative", alternative)
        # An alternative meets a GP-level need: one who needed the SEH or admission comes back.
        self.divert(p, "gp", self.true_need.judge(p, "zcc_substitution"))
        yield from self.use_taken(p, alternative)
        return True

    def take_if_free(self, p: Patient, alternative: str) -> bool:
        """Take a unit of the alternative's capacity if one is free right now."""
        care = self.care
        if alternative in care.teams.pools:
            return care.teams.pools[alternative].try_now()
        if alternative in care.beds.pools:
            return care.beds.pools[alternative].try_now()
        if alternative == "home_visit":
            return care.hap.post_of[p.subarea].cars.try_now()
        raise ValueError(f"zcc.substitution.alternatives: unknown alternative '{alternative}'")

    def use_taken(self, p: Patient, alternative: str) -> Flow:
        """The care of an alternative whose capacity :meth:`take_if_free` took."""
        care = self.care
        if alternative in care.teams.pools:
            yield from care.teams.visit(p, alternative)
        elif alternative in care.beds.pools:
            yield from care.beds.admit(p, alternative, care.beds.pools[alternative], self.ctx.env.now)
        else:
            yield from care.hap.home_visit_taken(p)

    # ------------------------------------------------------- provider line
    def find_bed(self, p: Patient, kind: str, patience: float | None) -> Flow:
        """The provider line while it is open, else the ELV point."""
        if self.has_provider_line():
            placed = yield from self.provider_placement(p, kind, patience)
        else:
            placed = yield from super().find_bed(p, kind, patience)
        return placed

    def place(self, p: Patient, need: str, patience: float | None) -> Flow:
        if self.has_provider_line():
            placed = yield from self.provider_placement(p, need, patience)
        else:
            placed = yield from super().place(p, need, patience)
        return placed

    def provider_placement(self, p: Patient, need: str, patience: float | None) -> Flow:
        """A provider asks the zcc for a bed or acute care; capacity insight makes it one short step."""
        ctx = self.ctx
        asked = ctx.env.now
        seat = yield from self.call(self.provider_line, p, TEAM_CALL_TYPES.get(need, "bed_request"),
                                    ctx.priorities.provider_request)
        if not seat:
            return False
        yield ctx.env.timeout(self.t_insight())
        self.hang_up(seat)
        if need in FOLLOWUP_BED_KINDS:
            placed = yield from self.place_with_insight(p, need, patience, asked)
            return placed
        teams = self.care.teams
        wait = self.spec.substitution.team_max_wait_hours.value * MIN_PER_HOUR
        got = yield teams.pools[need].request(ctx.priorities.team_after_provider_request, wait)
        if not got:
            return False
        ctx.record.placement_time(ctx.env.now - asked)
        yield from teams.visit(p, need)
        return True

    def place_with_insight(self, p: Patient, kind: str, patience: float | None, asked: float) -> Flow:
        """A free bed in the region now, else a neighbouring region's spare bed, else wait."""
        beds = self.care.beds
        pool = beds.pools[kind]
        if pool.try_now():
            yield from beds.admit(p, kind, pool, asked)
            return True
        neighbour = self.neighbour_beds.get(kind)
        if neighbour is not None and neighbour.try_now():
            self.ctx.record.out_of_region_placement()
            self.ctx.record.log(p, "out_of_region", kind)
            yield from beds.admit(p, kind, neighbour, asked, travel=self.t_spread())
            return True
        placed = yield from beds.wait_and_admit(p, kind, patience, asked)
        return placed
