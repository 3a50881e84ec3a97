"""GP out-of-hours care at the posts (HAP): consults at the post, home visits by the visiting car.

Who triages a HAP caller is a matter of coordination; once a GP sees the
patient, the post's GPs and cars are used the same way in every setting.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.chain import record as rec
from sim.chain.care.handoffs import Handoffs, Unbound
from sim.chain.context import Context, Flow
from sim.chain.patient import Patient
from sim.config.schema import HapCare as HapCareSpec
from sim.config.schema import HapSite, Share
from sim.geo.sites import nearest_site
from sim.resources import CapacityPool


@dataclass
class Post:
    """A GP out-of-hours post: its GPs at the post and its visiting cars."""

    index: int
    name: str
    subarea: int
    gps: CapacityPool
    cars: CapacityPool


class HapCare:
    """The region's HAP posts; patients use the post nearest to them."""

    ROSTER_GROUP = 0  # rosters: per post, (0, post, 0) is its triage desk (coordination), then GPs, then cars

    def __init__(self, ctx: Context, care: HapCareSpec, after_gp_seh_referral: dict[str, Share],
                 sites: dict[str, HapSite]) -> None:
        st = ctx.streams
        self.ctx = ctx
        self.handoffs: Handoffs = Unbound()
        self.posts: list[Post] = []
        for i, (name, site) in enumerate(sites.items()):
            post = Post(i, name, ctx.area_index[site.subarea], ctx.pool(rec.HAP_GPS, 0), ctx.pool(rec.HAP_CARS, 0))
            ctx.rosters.add((self.ROSTER_GROUP, i, 1), post.gps, site.gp_roster.values)
            ctx.rosters.add((self.ROSTER_GROUP, i, 2), post.cars, site.car_roster.values)
            self.posts.append(post)
        nearest = nearest_site(ctx.travel.km, [p.subarea for p in self.posts]).tolist()
        self.post_of: list[Post] = [self.posts[j] for j in nearest]
        self.car_kmh = care.car_speed_kmh.value
        self.t_consult = st.sampler("care.hap.consult", care.consult)
        self.t_visit = st.sampler("care.hap.home_visit", care.home_visit_on_site)
        self.u_after_gp = st.uniform("routing.after_gp")
        self.seh_referral = {u: s.value for u, s in after_gp_seh_referral.items()}

    def population_shares(self) -> list[float]:
        """Share of the region's inhabitants for whom each post is the nearest."""
        pops = self.ctx.populations
        served = [0.0] * len(self.posts)
        for area, post in enumerate(self.post_of):
            served[post.index] += float(pops[area])
        total = sum(served) or 1.0
        return [s / total for s in served]

    def walk_in(self, p: Patient) -> Flow:
        """A patient walks into the post without calling first."""
        self.ctx.record.hap_contact("walk_in")
        yield from self.consult(p, self.post_of[p.subarea])

    def consult(self, p: Patient, post: Post) -> Flow:
        ctx = self.ctx
        yield post.gps.request(ctx.priority(p.urgency))
        ctx.record.log(p, "consult_start", post.name)
        ctx.record.care(p, "gp")
        ctx.record.hap_care("consult")
        yield ctx.env.timeout(self.t_consult())
        post.gps.release()
        yield from self.after_gp(p, "hap_consult")

    def home_visit(self, p: Patient, post: Post) -> Flow:
        ctx = self.ctx
        yield post.cars.request(ctx.priority(p.urgency))
        ctx.record.log(p, "visit_start", post.name)
        ctx.record.care(p, "gp")
        ctx.record.hap_care("home_visit")
        yield ctx.env.timeout(self.home_visit_minutes(post, p))
        post.cars.release()
        yield from self.after_gp(p, "home_visit")

    def visit_alongside_ambulance(self, p: Patient, post: Post, priority: int) -> Flow:
        """The visiting car goes to a patient an ambulance is also sent to; the patient's outcome is the ambulance's.

        The car is requested at ``priority`` (the patient's HAP urgency, taken before the ambulance
        urgency replaces it) and occupied for the drive there and back plus the visit; no follow-up
        and no outcome are recorded here.
        """
        ctx = self.ctx
        yield post.cars.request(priority)
        ctx.record.hap_care("home_visit")
        yield ctx.env.timeout(self.home_visit_minutes(post, p))
        post.cars.release()

    def home_visit_taken(self, p: Patient) -> Flow:
        """A home visit by the nearest post's car, already taken for this patient (no GP follow-up)."""
        post = self.post_of[p.subarea]
        self.ctx.record.hap_care("home_visit")
        self.ctx.record.care(p, "gp")
        yield self.ctx.env.timeout(self.home_visit_minutes(post, p))
        post.cars.release()
        self.ctx.record.end(p, "home_visit")

    def home_visit_minutes(self, post: Post, p: Patient) -> float:
        """The visiting car's time: there and back from the post to the patient's place, plus the visit."""
        return 2 * self.ctx.travel.to_patient_min(post.subarea, p, self.car_kmh) + self.t_visit()

    def after_gp(self, p: Patient, outcome: str) -> Flow:
        """After seeing the GP: done, or referred to the SEH."""
        share = self.seh_referral.get(p.urgency)
        if share is not None and self.u_after_gp() < share:
            yield from self.handoffs.refer_to_seh(p)
        else:
            self.ctx.record.end(p, outcome)
