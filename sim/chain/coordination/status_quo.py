"""The status quo: HAP triage desks, the 112 dispatch desk, the ELV point and calling around.

Each HAP organisation (HDS) triages the callers of its posts by phone at one
triage centre; the RAV centralist triages
112 calls and dispatches the nearest ambulance; the regional ELV coordination
point finds short-stay, rehab and crisis beds; district nursing and crisis GGZ
are found by calling providers one by one (each attempt takes time and
succeeds with a probability proportional to the share of free capacity).
"""

from __future__ import annotations

import math
from typing import Final

from sim.chain import record as rec
from sim.chain.care.ambulance import Call
from sim.chain.context import Chooser, Context, Flow
from sim.chain.coordination.base import CareServices, Coordination
from sim.chain.coordination.true_need import CORRECT, TrueNeedJudge
from sim.chain.patient import Patient
from sim.chain.telephone import PhoneLine
from sim.config.constants import (
    DAY_NAMES,
    FOLLOWUP_BED_KINDS,
    HOURS_PER_DAY,
    MIN_PER_HOUR,
    RE_PRESENTATION,
    TEAM_KINDS,
)
from sim.config.rosters import scale_roster
from sim.resources import CapacityPool

# Roster order: (1, 0) dispatch desk, (1, 1) ELV point; HAP desks are (0, first post of the centre, 0).
DESK_ROSTERS: Final = 1


class StatusQuo(Coordination):
    """Today's coordination of acute care (see the module docstring)."""

    def __init__(self, ctx: Context, care: CareServices) -> None:
        super().__init__(ctx, care)
        sc, st = ctx.scenario, ctx.streams
        r = sc.routing
        res = sc.resources
        # One desk per triage centre (an HDS answers all its posts' callers); hap_desks[i] is post i's desk.
        post_index = {name: i for i, name in enumerate(res.haps)}
        desk_of_post: dict[int, CapacityPool] = {}
        for centre, roster in res.centre_rosters().items():
            members = [post_index[name] for name in res.hap_triage_centres[centre].posts]
            desk = ctx.pool(rec.HAP_DESK, 0)
            desk.allow_break_in(sc.desks.hap_triage.urgent_line_break_in.value, ctx.priorities.urgent_line)
            ctx.rosters.add((care.hap.ROSTER_GROUP, min(members), 0), desk,
                            scale_roster(roster, sc.staffing.triage_staff_factor.value))
            desk_of_post.update(dict.fromkeys(members, desk))
        self.hap_desks: list[CapacityPool] = [desk_of_post[post.index] for post in care.hap.posts]
        self.dispatch = ctx.pool(rec.DISPATCH_DESK, 0)
        self.elv_point = ctx.pool(rec.ELV_DESK, 0)
        ctx.rosters.add((DESK_ROSTERS, 0), self.dispatch, res.meldkamer.desk.values)
        ctx.rosters.add((DESK_ROSTERS, 1), self.elv_point, res.elv_point_roster.values)

        self.hap_line = PhoneLine(ctx, rec.HAP_DESK, sc.desks.hap_triage)
        self.dispatch_line = PhoneLine(ctx, rec.DISPATCH_DESK, sc.desks.dispatch_112)
        self.elv_line = PhoneLine(ctx, rec.ELV_DESK, sc.desks.elv_point)
        self.gp_input_time = st.sampler("desk.hap_triage.gp_input", sc.desks.hap_triage.gp_input_time)
        self.u_gp_input = st.uniform("routing.hap_gp_input")
        self.gp_input_share = sc.desks.hap_triage.gp_input_share.value
        self.after_call_work = st.sampler("desk.hap_triage.after_call_work", sc.desks.hap_triage.after_call_work)
        self.urgent_line_share = {u: s.value for u, s in sc.desks.hap_triage.urgent_line.items()}
        self.u_line = st.uniform("routing.hap_line")
        self.mystery = sc.desks.hap_triage.mystery_calls
        self.mystery_gap = st.uniform("desk.hap_triage.mystery_calls")

        self.route_self_triage = st.chooser("routing.self_triage", r.self_triage)
        self.route_hap = {u: st.chooser(f"routing.hap_triage.{u}", m) for u, m in r.hap_triage.items()}
        urgency_mix = sc.streams.hap_call.urgency_mix
        assert urgency_mix is not None  # required by the schema
        self.hap_urgency = st.chooser("routing.hap_urgency", urgency_mix)
        self.route_hap_mental = st.chooser("routing.hap_mental_health", r.hap_mental_health)
        self.hap_ambulance_urgency = r.hap_ambulance_urgency.values
        self.route_dispatch = st.chooser("routing.dispatch", r.dispatch)
        self.route_no_ambulance = st.chooser("routing.no_ambulance", r.no_ambulance)
        self.route_provider = st.chooser("routing.provider_request", r.provider_request)

        self.true_need = TrueNeedJudge(ctx, sc.true_need)
        # A re-presentation by 112 rings the dispatch desk with its own streams: their number differs
        # between scenarios, so sharing the desk's draws would shift every other caller's (common random numbers).
        self.repeat_line = PhoneLine(ctx, rec.DISPATCH_DESK, sc.desks.dispatch_112,
                                     streams=f"{rec.DISPATCH_DESK}.{RE_PRESENTATION}")
        self.t_repeat_dispatch = st.sampler(f"care.ambulance.dispatch_delay.{RE_PRESENTATION}",
                                            sc.care.ambulance.dispatch_delay)

        ca = sc.care.calling_around
        self.t_attempt = st.sampler("care.calling_around.attempt", ca.attempt_time)
        self.u_calling = st.uniform("routing.calling_around")
        self.calling_attempts = ca.max_attempts.value
        self.calling_success = ca.success_when_all_free.value

    def background(self) -> list[Flow]:
        return [self.mystery_calls()]

    # ------------------------------------------------------------- entries
    def self_triage(self, p: Patient) -> None:
        """Digital self-triage: advice, a phone call with the result attached, 112, or the SEH."""
        ctx = self.ctx
        decision = self.route_self_triage()
        ctx.record.log(p, "self_triage", decision)
        if decision == "self_care":
            self.divert(p, "self_care", self.true_need.judge(p, "self_triage", "U5"))
            ctx.record.end(p, "self_care")
        elif decision == "phone_call":
            # Outside ANW hours the own GP practice answers: it leaves the modelled chain.
            if ctx.is_anw():
                p.self_triaged = True
                ctx.start(self.out_of_hours_call(p))
            else:
                ctx.record.end(p, "own_gp")
        elif decision == "call_112":
            ctx.start(self.emergency_call(p))
        elif decision == "seh_walk_in":
            ctx.start(self.care.seh.visit(p, "self_referral"))
        else:
            raise ValueError(f"routing.self_triage: unknown outcome '{decision}'")

    def hap_call(self, p: Patient) -> None:
        self.ctx.start(self.out_of_hours_call(p))

    def hap_walk_in(self, p: Patient) -> None:
        self.ctx.start(self.care.hap.walk_in(p))

    def call_112(self, p: Patient) -> None:
        self.ctx.start(self.emergency_call(p))

    def ambulance_planned(self, p: Patient) -> None:
        self.ctx.start(self.care.ambulance.planned_ride(p))

    def seh_self_referral(self, p: Patient) -> None:
        self.ctx.start(self.care.seh.visit(p, "self_referral"))

    def gp_referral(self, p: Patient) -> None:
        """Office-hours referral by the own GP to the SEH."""
        self.ctx.start(self.refer_to_seh(p))

    def provider_request(self, p: Patient) -> None:
        self.ctx.start(self.provider_request_flow(p))

    # ------------------------------------------------------------ HAP line
    def out_of_hours_call(self, p: Patient) -> Flow:
        """A call to the HAP number in ANW hours."""
        yield from self.hap_triage_call(p)

    def set_hap_urgency(self, p: Patient) -> None:
        """Came via self-triage or 112: the urgency is drawn as among HAP callers."""
        if p.urgency not in self.route_hap:
            p.urgency = self.hap_urgency()

    def hap_triage_call(self, p: Patient) -> Flow:
        """A patient phones the out-of-hours post of their sub-area and is triaged there."""
        ctx = self.ctx
        desk = self.hap_desks[self.care.hap.post_of[p.subarea].index]
        self.set_hap_urgency(p)
        urgent = self.u_line() < self.urgent_line_share[p.urgency]
        line, priority = ((rec.URGENT_LINE, ctx.priorities.urgent_line) if urgent
                          else (rec.REGULAR_LINE, ctx.priorities.regular_line))
        answered = yield from self.hap_line.call(p, desk.request, priority, line=line)
        if not answered:
            ctx.record.end(p, "abandoned")
            return
        ctx.record.first_triage(p)
        handling = self.hap_line.handling()
        if self.u_gp_input() < self.gp_input_share:
            handling += self.gp_input_time()
        yield ctx.env.timeout(handling)
        desk.release_after(self.after_call_work())  # the caller goes on; the triagist records the call
        yield from self.after_hap_triage(p)

    # ------------------------------------------------------- mystery calls
    def mystery_calls(self) -> Flow:
        """Test calls to the HAP number in the published window each week (Interswitch's method).

        Calls arrive at random (Poisson) while the window is open, to a post drawn
        in proportion to the population it serves; they are not patients.
        """
        ctx, mc = self.ctx, self.mystery
        env, cal = ctx.env, ctx.cal
        posts = self.care.hap.posts
        rate = mc.per_post_per_hour * len(posts) / MIN_PER_HOUR  # calls per minute while open
        if rate <= 0:
            return
        day = DAY_NAMES.index(mc.day)
        opens, closes = day * HOURS_PER_DAY + mc.start_hour, day * HOURS_PER_DAY + mc.end_hour  # hours of week
        hours = range(math.floor(opens), math.ceil(closes))  # the hours the window touches

        def is_open(t: float) -> bool:
            return opens <= cal.hour_of_week_at(t) + (t % MIN_PER_HOUR) / MIN_PER_HOUR < closes

        # The post: drawn from the same stream as the gaps (one stream for the whole probe).
        post_of = {post.name: post for post in posts}
        pick = Chooser(self.mystery_gap, dict(zip(post_of, self.care.hap.population_shares(), strict=True)))
        while True:
            if cal.hour_of_week_at(env.now) not in hours:
                yield env.timeout(MIN_PER_HOUR - env.now % MIN_PER_HOUR)  # check again on the hour
                continue
            # Poisson calls drawn through the window's hours; those outside the window (a part hour) are
            # not made, which leaves a Poisson stream inside it.
            yield env.timeout(-math.log(1.0 - self.mystery_gap()) / rate)
            if is_open(env.now):
                ctx.start(self.mystery_call(post_of[pick()].index))

    def mystery_call(self, post: int) -> Flow:
        """One test call to a post's regular line: wait however long it takes, then hang up."""
        ctx = self.ctx
        desk = self.hap_desks[post]
        rang = ctx.env.now
        got = desk.request(ctx.priorities.regular_line, None)
        if got is not True:
            yield got
        ctx.record.mystery_call(rec.HAP_DESK, ctx.env.now - rang)
        desk.release()

    def after_hap_triage(self, p: Patient) -> Flow:
        """Send the triaged patient to advice, the post, a home visit, an ambulance (or both) or crisis GGZ.

        The same wherever the call was triaged: the HAPs keep their consults and visits.
        """
        ctx, hap = self.ctx, self.care.hap
        route = self.route_hap_mental if p.need == "mental_health" else self.route_hap[p.urgency]
        decision = route()
        ctx.record.hap_contact(decision)
        ctx.record.log(p, "triaged", decision)
        # The desk's error (sim/chain/coordination/true_need.py): a caller's first triage sets their true
        # urgency; a second one (after 112) errs only where it matters, when it ends in advice.
        desk = "zcc_triage" if p.via_zcc else "hap_triage"
        first = p.triages == 1
        error = self.true_need.judge(p, desk, p.urgency) if first else CORRECT
        if decision == "telephone_advice":
            self.divert(p, "self_care", error if first else self.true_need.judge(p, desk))
            ctx.record.end(p, "telephone_advice")
        elif decision == "consult":
            yield from hap.consult(p, hap.post_of[p.subarea])
        elif decision == "home_visit":
            yield from hap.home_visit(p, hap.post_of[p.subarea])
        elif decision == "ambulance":
            p.urgency = self.hap_ambulance_urgency[p.urgency]
            yield from self.send_ambulance(p, Call.at(ctx.env.now))  # the clock starts at the request
        elif decision == "home_visit_and_ambulance":
            # Both go (Plat et al., Fam Pract 2018): the visiting car is occupied for the visit, the
            # patient continues with the ambulance.
            ctx.start(hap.visit_alongside_ambulance(p, hap.post_of[p.subarea], ctx.priority(p.urgency)))
            p.urgency = self.hap_ambulance_urgency[p.urgency]
            yield from self.send_ambulance(p, Call.at(ctx.env.now))  # the clock starts at the request
        elif decision == "ggz_crisis":
            yield from self.care.teams.crisis_team_visit(p)
        else:
            raise ValueError(f"routing.hap_triage: unknown outcome '{decision}'")

    def send_ambulance(self, p: Patient, call: Call) -> Flow:
        """A triagist asks for an ambulance."""
        yield from self.care.ambulance.job(p, call)

    # ----------------------------------------------------------------- 112
    def emergency_call(self, p: Patient) -> Flow:
        """A 112 medical call: first triage by the RAV centralist, then dispatch or advice."""
        ctx = self.ctx
        env, record = ctx.env, ctx.record
        rang = env.now
        answered = yield from self.dispatch_line.call(p, self.dispatch.request, ctx.priorities.desk_call)
        if not answered:
            record.end(p, "abandoned")
            return
        call = Call(rang, env.now)
        record.first_triage(p)
        handling = self.dispatch_line.handling()
        decision = self.route_dispatch()
        record.log(p, "dispatch_triage", decision)
        error = self.true_need.judge(p, "dispatch_112", self.true_need.first_triage_urgency[decision])
        if decision != "A1" and self.diverts_112_call(decision):
            yield from self.divert_112_call(p, decision, call)
            return
        if decision in ("A1", "A2"):
            # Life-threatening or urgent: the ambulance leaves while the centralist is still on the line.
            p.urgency = decision
            delay = min(self.care.ambulance.dispatch_delay(), handling)
            yield env.timeout(delay)
            ctx.start(self.care.ambulance.job(p, call))
            yield env.timeout(handling - delay)
            self.dispatch.release()
            return
        yield env.timeout(handling)
        self.dispatch.release()
        advice = self.route_no_ambulance()
        if advice == "self_care":
            self.divert(p, "self_care", error)
            record.end(p, "self_care")
        elif advice == "gp":
            if ctx.is_anw():
                yield from self.out_of_hours_call(p)  # the caller phones the HAP and is triaged again
            else:
                record.end(p, "own_gp")
        else:
            raise ValueError(f"routing.no_ambulance: unknown outcome '{advice}'")

    # ------------------------------------------------------------ true need
    def divert(self, p: Patient, level: str, error: int) -> None:
        """The patient is sent to care at ``level``; one whose true need is above it comes back later."""
        if self.true_need.divert(p, level, error):
            self.ctx.record.log(p, "need_not_met", p.true_need)
            self.ctx.start(self.re_present(p))

    def re_present(self, p: Patient) -> Flow:
        """A patient whose true need was not met comes back within the window: at the SEH or by 112."""
        ctx = self.ctx
        yield ctx.env.timeout(self.true_need.delay())
        q = ctx.returning_patient(p, RE_PRESENTATION)
        route = self.true_need.route()
        ctx.record.arrived(q, ctx.areas[q.subarea].code, counted=False)
        ctx.record.re_presentation(q, route)
        ctx.record.log(q, "re_presentation", route)
        if route == "seh":
            yield from self.care.seh.visit(q, "self_referral")
        else:
            yield from self.repeat_emergency_call(q)

    def repeat_emergency_call(self, p: Patient) -> Flow:
        """A patient calls 112 again, worse: the centralist sends an ambulance (A1 for a true U1, else A2)."""
        ctx = self.ctx
        env = ctx.env
        rang = env.now
        answered = yield from self.repeat_line.call(p, self.dispatch.request, ctx.priorities.desk_call)
        if not answered:
            ctx.record.end(p, "abandoned")
            return
        call = Call(rang, env.now)
        handling = self.repeat_line.handling()
        p.urgency = "A1" if p.true_urgency == "U1" else "A2"
        delay = min(self.t_repeat_dispatch(), handling)
        yield env.timeout(delay)
        ctx.start(self.care.ambulance.job(p, call))
        yield env.timeout(handling - delay)
        self.dispatch.release()

    def diverts_112_call(self, first_triage: str) -> bool:
        """Whether the centralist hands this (not life-threatening) call to another desk: never, today."""
        return False

    def divert_112_call(self, p: Patient, first_triage: str, call: Call) -> Flow:
        """Hand the call over; must release the dispatch desk. Only settings that divert calls have one."""
        raise NotImplementedError("this setting diverts no 112 calls")

    # ----------------------------------------------------------- follow-up
    def refer_to_seh(self, p: Patient) -> Flow:
        yield from self.care.seh.visit(p, "gp_hap")

    def find_bed(self, p: Patient, kind: str, patience: float | None) -> Flow:
        """Ask the ELV point for a bed of ``kind``; True when the patient is admitted."""
        ctx = self.ctx
        asked = ctx.env.now
        answered = yield from self.elv_line.call(p, self.elv_point.request, ctx.priorities.desk_call)
        if not answered:
            return False
        yield ctx.env.timeout(self.elv_line.handling())
        self.elv_point.release()
        placed = yield from self.care.beds.wait_and_admit(p, kind, patience, asked)
        return placed

    def provider_request_flow(self, p: Patient) -> Flow:
        """A GP or nurse looks for a bed or acute care for a patient at home; the SEH if none is found."""
        need = self.route_provider()
        p.need = need
        if need not in FOLLOWUP_BED_KINDS + TEAM_KINDS:
            raise ValueError(f"routing.provider_request: unknown need '{need}'")
        patience = self.care.beds.max_wait_home.get(need)
        placed = yield from self.place(p, need, patience)
        if not placed:
            self.ctx.record.placement_fallback_seh()
            yield from self.care.seh.visit(p, "gp_hap")

    def place(self, p: Patient, need: str, patience: float | None) -> Flow:
        """A bed through the ELV point, a team by calling around."""
        if need in FOLLOWUP_BED_KINDS:
            placed = yield from self.find_bed(p, need, patience)
        else:
            placed = yield from self.call_around(p, need)
        return placed

    def call_around(self, p: Patient, need: str) -> Flow:
        """Phone providers one by one until one has room; False after the last attempt."""
        ctx = self.ctx
        team = self.care.teams.pools[need]
        asked = ctx.env.now
        for _ in range(self.calling_attempts):
            yield ctx.env.timeout(self.t_attempt())
            chance = self.calling_success * team.free / team.capacity if team.capacity else 0.0
            if self.u_calling() < chance and team.try_now():
                ctx.record.placement_time(ctx.env.now - asked)
                yield from self.care.teams.visit(p, need)
                return True
        return False
