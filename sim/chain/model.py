"""Build one replication of a scenario: the region, its resources and its flows.

The :class:`Model` owns the SimPy environment, the calendar, the capacity
pools, the random samplers (one named stream each) and the statistics. The
patient flows themselves live in :mod:`sim.chain.pathways`; this module wires them to
the resources and feeds them the pre-drawn arrivals.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Callable, Generator

import numpy as np
import simpy

from sim.engine.calendar import Calendar, MIN_PER_DAY, MIN_PER_HOUR
from sim.engine.flow import run_flow
from sim.chain.demand import Arrivals, generate_all, merge
from sim.engine.stats import Metrics
from sim.chain.patient import DoubleOutcome, Patient
from sim.geo.regions import road_km_matrix, subareas_of
from sim.geo.sites import commute_minutes, nearest_site, site_shares, split_roster
from sim.resources import AmbulanceFleet, CapacityPool, GroupRoster, SkillDesk
from sim.engine.rng import Sampler, Streams, Uniform, cumulative, residual_stays
from sim.config.schema import DeskBehaviour, Mix, Scenario

BED_KINDS = ("elv", "grz", "crisis_bed")


class Chooser:
    """Draws a category from a mix with its own random stream."""

    __slots__ = ("_u", "_cum", "_labels")

    def __init__(self, u: Uniform, mix: Mix | dict[str, float]) -> None:
        self._u = u
        self._cum, self._labels = cumulative(mix.shares if isinstance(mix, Mix) else mix)

    def __call__(self) -> str:
        return self._u.choice(self._cum, self._labels)


class DeskKit:
    """A desk's behaviour as samplers: handling, patience, redial."""

    def __init__(self, streams: Streams, name: str, b: DeskBehaviour) -> None:
        self.name = name
        self.handling = streams.sampler(f"desk.{name}.handling", b.handling)
        self.patience = streams.sampler(f"desk.{name}.patience", b.patience)
        self.redial_delay = streams.sampler(f"desk.{name}.redial_delay", b.redial_delay)
        self.u = streams.uniform(f"desk.{name}.redial")
        self.redial_probability = b.redial_probability.value
        self.max_redials = b.max_redials.value
        self.norm = b.answer_norm_min.value


@dataclass
class Hap:
    """A GP out-of-hours post: triage desk, GPs at the post, visiting cars."""

    name: str
    subarea: int
    desk: CapacityPool
    gps: CapacityPool
    cars: CapacityPool


@dataclass
class Seh:
    """An emergency department."""

    name: str
    subarea: int
    places: CapacityPool


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
    patient_line_open: list[bool]
    provider_line_open: list[bool]


class Model:
    """One replication of one scenario."""

    def __init__(self, scenario: Scenario, replication: int = 0, event_log=None, sample_levels: bool = False) -> None:
        self.scenario = sc = scenario
        self.replication = replication
        self.env = simpy.Environment()
        self.metrics = Metrics()
        self.counts = self.metrics.counts  # hot-path alias; cleared in place at the end of warm-up
        self.streams = Streams(sc.run.seed, replication)
        self.event_log = event_log
        self.areas = subareas_of(sc.region)
        self.area_index = {a.code: i for i, a in enumerate(self.areas)}
        self.populations = np.array([a.population for a in self.areas], dtype=float)
        self.warmup_min = sc.run.warmup_days * MIN_PER_DAY
        self.end_min = (sc.run.warmup_days + sc.run.days) * MIN_PER_DAY
        total_days = int(np.ceil(sc.run.warmup_days + sc.run.days)) + 1
        self.cal = Calendar(sc.calendar, sc.run.start_date, total_days)
        self.created = 0
        self.outcomes: Counter[str] = Counter()
        self.samples: dict[str, list[float]] | None = {} if sample_levels else None
        self._build_travel()
        self._build_resources()
        self._build_samplers()

    # ------------------------------------------------------------------ build
    def _build_travel(self) -> None:
        c = self.scenario.care
        km = road_km_matrix(self.areas, c.travel.detour_factor.value, c.travel.within_subarea_km.value)
        self.km = km
        self.drive_urgent = km / c.ambulance.urgent_speed_kmh.value * 60.0
        self.drive_normal = km / c.ambulance.normal_speed_kmh.value * 60.0
        self.car_min = km / c.hap.car_speed_kmh.value * 60.0

    def _pool(self, name: str, capacity: int, track_waits: bool = False) -> CapacityPool:
        return CapacityPool(self.env, name, capacity, self.metrics, track_waits)

    def _build_resources(self) -> None:
        res = self.scenario.resources
        idx = self.area_index
        self.rosters: list[tuple[CapacityPool, list[int]]] = []
        self.haps: list[Hap] = []
        for name, h in res.haps.items():
            hap = Hap(name, idx[h.subarea], self._pool("hap_triage", 0), self._pool("hap_gp", 0),
                      self._pool("hap_car", 0))
            self.haps.append(hap)
            self.rosters += [(hap.desk, h.triage_roster.values), (hap.gps, h.gp_roster.values),
                             (hap.cars, h.car_roster.values)]
        self.sehs = [Seh(n, idx[s.subarea], self._pool("seh", s.places.value, track_waits=True))
                     for n, s in res.sehs.items()]
        # Patients use the nearest post and the nearest SEH.
        self.hap_of = [self.haps[j] for j in nearest_site(self.km, [h.subarea for h in self.haps]).tolist()]
        self.seh_of = [self.sehs[j] for j in nearest_site(self.km, [s.subarea for s in self.sehs]).tolist()]

        self.dispatch = self._pool("dispatch_112", 0)
        self.elv_point = self._pool("elv_point", 0)
        self.district_nursing = self._pool("district_nursing", 0)
        self.ggz_crisis = self._pool("ggz_crisis", 0)
        self.rosters += [(self.dispatch, res.meldkamer.roster.values),
                         (self.elv_point, res.elv_point_roster.values),
                         (self.district_nursing, res.district_nursing_roster.values),
                         (self.ggz_crisis, res.ggz_crisis_roster.values)]
        home = [idx[p.subarea] for p in res.ambulance.posts.values() for _ in range(p.vehicles.value)]
        self.fleet = AmbulanceFleet(self.env, home, self.drive_urgent, self.metrics)
        self.fleet_roster = res.ambulance.on_duty.values

        care = self.scenario.care
        self.beds = {
            "hospital": self._pool("hospital", res.hospital_beds.value),
            "elv": self._pool("elv", res.elv_beds.value),
            "grz": self._pool("grz", res.grz_beds.value),
            "crisis_bed": self._pool("crisis_bed", res.crisis_beds.value),
        }
        self._prefill_beds()
        self.zcc = self._build_zcc() if self.scenario.setting == "zcc" else None
        self.gates = [(self.beds[k], [v > 0 for v in getattr(care, k).admission_hours.values])
                      for k in BED_KINDS]

    def _build_zcc(self) -> "ZccLayout":
        """The zcc's locations and desks; rosters split over locations in separate mode."""
        z = self.scenario.zcc
        loc = z.locations
        site_names = list(loc.sites)
        sites = [self.area_index[loc.sites[n].subarea] for n in site_names]
        nearest = nearest_site(self.km, sites)
        if loc.staff_residence:
            residence = np.array([loc.staff_residence.get(a.code, 0.0) for a in self.areas])
        else:
            residence = self.populations
        shares = site_shares(residence, nearest, len(sites))
        groups = {g: frozenset(spec.skills) for g, spec in z.option.groups.items()}
        overflow = loc.overflow_after_min.value if loc.overflow_after_min else None
        if loc.mode == "pooled":
            desks = [SkillDesk(self.env, "zcc", groups, self.metrics)]
            desk_of = [desks[0]] * len(self.areas)
            splits = {g: [spec.roster.values] for g, spec in z.option.groups.items()}
        else:
            desks = [SkillDesk(self.env, f"zcc.{n}", groups, self.metrics, overflow) for n in site_names]
            for d in desks:
                d.peers = [o for o in desks if o is not d]
            desk_of = [desks[int(j)] for j in nearest]
            splits = {g: split_roster(spec.roster.values, shares) for g, spec in z.option.groups.items()}
        for gi, g in enumerate(groups):
            for desk, values in zip(desks, splits[g]):
                self.rosters.append((GroupRoster(desk, gi), values))
        mean, p95 = commute_minutes(self.km, sites, residence, loc.commute_speed_kmh.value)
        return ZccLayout(site_names, sites, desks, desk_of, shares, mean, p95,
                         [v > 0 for v in z.flows.patient_line_hours.values],
                         [v > 0 for v in z.flows.provider_line_hours.values])

    def _prefill_beds(self) -> None:
        """Start each bed pool at its planned occupancy, with equilibrium remaining stays.

        Stays of weeks would take months of warm-up to build up from empty beds.
        Hospital occupants are patients (stream ``initial_occupant``): at discharge
        some need follow-up care, as later patients do, so the follow-up pools get
        their inflow from the first day. Occupants of the follow-up pools only hold
        their beds for the rest of their stay.
        """
        care = self.scenario.care
        self._initial_hospital: list[float] = []
        for kind, pool in self.beds.items():
            c = getattr(care, kind)
            n = int(round(c.initial_occupancy.value * pool.capacity))
            rng = self.streams.generator(f"prefill.{kind}")
            for stay in residual_stays(rng, c.los, n).tolist():
                pool.try_now()
                if kind == "hospital":
                    self._initial_hospital.append(stay)
                else:
                    pool.release_after(stay)

    def _start_initial_occupants(self) -> None:
        from sim.chain.pathways.seh import hospital_stay

        for stay in self._initial_hospital:
            p = Patient(self.created, "initial_occupant", 0, "U3", "somatic", 0.0)
            self.created += 1
            if self.event_log is not None:
                self.event_log.record(0.0, p.id, p.stream, "arrive", "hospital")
            run_flow(hospital_stay(self, p, stay))

    def _build_samplers(self) -> None:
        sc, st = self.scenario, self.streams
        c, r = sc.care, sc.routing

        def s(name: str, dist) -> Sampler:
            return st.sampler(name, dist)

        def choose(name: str, mix) -> Chooser:
            return Chooser(st.uniform(f"routing.{name}"), mix)

        def share(name: str) -> Uniform:
            return st.uniform(f"routing.{name}")

        self.hap_kit = DeskKit(st, "hap_triage", sc.desks.hap_triage)
        self.dispatch_kit = DeskKit(st, "dispatch_112", sc.desks.dispatch_112)
        self.elv_kit = DeskKit(st, "elv_point", sc.desks.elv_point)
        self.gp_input_time = s("desk.hap_triage.gp_input", sc.desks.hap_triage.gp_input_time)
        self.gp_input_u = share("hap_gp_input")
        self.t_consult = s("care.hap.consult", c.hap.consult)
        self.t_visit = s("care.hap.home_visit", c.hap.home_visit_on_site)
        self.t_dispatch = s("care.ambulance.dispatch_delay", c.ambulance.dispatch_delay)
        self.t_chute = s("care.ambulance.chute", c.ambulance.chute_time)
        self.t_on_scene = s("care.ambulance.on_scene", c.ambulance.on_scene)
        self.t_handover = s("care.ambulance.handover", c.ambulance.handover)
        self.t_planned = s("care.ambulance.planned_ride", c.ambulance.planned_ride)
        self.t_seh_home = s("care.seh.los_home", c.seh.los_home)
        self.t_seh_admitted = s("care.seh.los_admitted", c.seh.los_admitted)
        self.t_los = {k: s(f"care.{k}.los", getattr(c, k).los) for k in ("hospital",) + BED_KINDS}
        self.t_transfer = {k: s(f"care.{k}.transfer_lag", getattr(c, k).transfer_lag) for k in BED_KINDS}
        self.max_wait_home = {k: getattr(c, k).max_wait_at_home_hours.value * MIN_PER_HOUR for k in BED_KINDS}
        self.t_dn_visit = s("care.district_nursing.visit", c.district_nursing.visit)
        self.t_ggz_visit = s("care.ggz_crisis.visit", c.ggz_crisis.visit)
        self.t_attempt = s("care.calling_around.attempt", c.calling_around.attempt_time)
        self.t_long_term_care_wait = s("care.long_term_care.wait", c.long_term_care.wait)
        self.u_calling = share("calling_around")
        self.route_self_triage = choose("self_triage", r.self_triage)
        self.route_hap = {u: choose(f"hap_triage.{u}", m) for u, m in r.hap_triage.items()}
        self.hap_urgency = choose("hap_urgency", sc.streams.hap_call.urgency_mix or {"U3": 1.0})
        self.route_hap_mental = choose("hap_mental_health", r.hap_mental_health)
        self.u_after_gp = share("after_gp")
        self.route_dispatch = choose("dispatch", r.dispatch)
        self.route_no_ambulance = choose("no_ambulance", r.no_ambulance)
        self.u_convey = share("convey")
        self.u_seh = share("seh_disposition")
        self.u_hospital = share("hospital_followup")
        self.route_followup = choose("followup", r.followup_mix)
        self.route_provider = choose("provider_request", r.provider_request)
        self.neighbour_beds: dict[str, CapacityPool] = {}
        if self.zcc is not None:
            self._build_zcc_samplers()

    def _build_zcc_samplers(self) -> None:
        z, st = self.scenario.zcc, self.streams
        h = z.handling
        self.zcc_patient_kit = DeskKit(st, "zcc_patient_line", h.patient_line)
        self.zcc_provider_kit = DeskKit(st, "zcc_provider_line", h.provider_line)
        self.t_first_triage = st.sampler("zcc.first_triage_112", h.first_triage_112)
        self.t_transfer_handover = st.sampler("zcc.transfer_handover", h.transfer_handover)
        self.t_extended_triage = st.sampler("zcc.extended_triage", h.extended_triage)
        self.t_zcc_provider = st.sampler("zcc.provider_request", h.provider_request)
        self.t_insight = st.sampler("zcc.capacity_insight_step", z.capacity_insight_step)
        self.u_warm_transfer = st.uniform("routing.zcc.warm_transfer")
        self.u_after_extended = st.uniform("routing.zcc.ambulance_after_extended_triage")
        self.route_extended = Chooser(st.uniform("routing.zcc.extended_triage"), h.extended_triage_outcome)
        self.u_subst_ambulance = st.uniform("routing.zcc.substitution.ambulance")
        self.u_subst_seh = st.uniform("routing.zcc.substitution.seh")
        self.route_alternative = {need: Chooser(st.uniform(f"routing.zcc.alternative.{need}"), mix)
                                  for need, mix in z.substitution.alternatives.items()}
        if z.spreading is not None:
            self.neighbour_beds = {k: self._pool(f"neighbour_{k}", c.value) for k, c in z.spreading.neighbour_beds.items()}
            self.t_spread = st.sampler("zcc.spreading.transfer", z.spreading.transfer_time)

    # ------------------------------------------------------------- lifecycle
    def start(self, flow: Generator) -> None:
        """Start a patient flow now (see :mod:`sim.engine.flow`)."""
        run_flow(flow)

    def end(self, p: Patient, outcome: str) -> None:
        """Give a patient their one and only outcome."""
        if p.outcome is not None:
            raise DoubleOutcome(f"patient {p.id} ({p.stream}) ended twice: {p.outcome} then {outcome}")
        p.outcome = outcome
        self.outcomes[outcome] += 1
        self.counts[f"outcome.{outcome}"] += 1
        self.counts[f"flow.{p.stream}.{outcome}"] += 1
        if self.event_log is not None:
            self.event_log.record(self.env.now, p.id, p.stream, "end", outcome)

    def log(self, p: Patient, event: str, place: str = "") -> None:
        """Write one event-log row (only when an event log is attached)."""
        if self.event_log is not None:
            self.event_log.record(self.env.now, p.id, p.stream, event, place)

    @property
    def in_system(self) -> int:
        return self.created - sum(self.outcomes.values())

    def hour_of_day(self) -> int:
        return int(self.env.now // MIN_PER_HOUR) % 24

    # ------------------------------------------------------------------- run
    def _clock(self) -> Generator:
        """Hourly: apply rosters, on-duty vehicles and admission windows."""
        cal, env = self.cal, self.env
        for h in range(cal.n_hours):
            how = int(cal.hour_of_week[h])
            for pool, values in self.rosters:
                if pool.capacity != values[how]:
                    pool.set_capacity(values[how])
            if self.fleet.on_duty != self.fleet_roster[how]:
                self.fleet.set_on_duty(self.fleet_roster[how])
            for pool, mask in self.gates:
                if pool.gate_open != mask[how]:
                    pool.set_gate(mask[how])
            if self.samples is not None:
                self._sample_levels()
            yield env.timeout(MIN_PER_HOUR)

    def _sample_levels(self) -> None:
        """Hourly occupancy of the slow pools, for the warm-up check (sim.measure.warmup)."""
        s = self.samples
        for name, pool in self.beds.items():
            s.setdefault(name, []).append(pool.busy / pool.capacity if pool.capacity else 0.0)
        seh_busy = sum(d.places.busy for d in self.sehs)
        s.setdefault("seh", []).append(seh_busy / max(sum(d.places.capacity for d in self.sehs), 1))
        s.setdefault("verkeerde_bed", []).append(self.metrics.level("verkeerde_bed").level)
        s.setdefault("ambulance", []).append(self.fleet.busy / max(self.fleet.on_duty, 1))

    def _source(self, arrivals: list[Arrivals], entries: list[Callable[["Model", Patient], None]]) -> Generator:
        """Feed the pre-drawn arrivals of all streams into their pathways, in time order.

        Columns are turned into Python objects one chunk at a time, so memory stays
        small even for a national-size year.
        """
        times, which, pos = merge(arrivals)
        n = int(np.searchsorted(times, self.end_min))
        names = [a.stream for a in arrivals]
        sub = np.empty(n, dtype=np.int64)
        urg_label = np.empty(n, dtype=object)
        need_label = np.empty(n, dtype=object)
        for w, a in enumerate(arrivals):
            mask = which[:n] == w
            idx = pos[:n][mask]
            sub[mask] = a.subarea[idx]
            urg_label[mask] = np.asarray(a.urgency_labels, dtype=object)[a.urgency[idx]]
            need_label[mask] = np.asarray(a.need_labels, dtype=object)[a.need[idx]]
        del pos
        env, counts, log = self.env, self.metrics.counts, self.event_log
        arrival_keys = [f"arrivals.{name}" for name in names]
        chunk = 65_536
        for start in range(0, n, chunk):
            stop = min(start + chunk, n)
            rows = zip(times[start:stop].tolist(), which[start:stop].tolist(), sub[start:stop].tolist(),
                       urg_label[start:stop].tolist(), need_label[start:stop].tolist())
            for t, w, s, u, nd in rows:
                yield env.timeout(t - env.now)
                stream = names[w]
                p = Patient(self.created, stream, s, u, nd, t)
                self.created += 1
                counts[arrival_keys[w]] += 1
                if log is not None:
                    log.record(t, p.id, stream, "arrive", self.areas[s].code)
                entries[w](self, p)

    def run(self) -> "Model":
        """Simulate warm-up plus the measurement period."""
        from sim.chain.pathways import ENTRY

        arrivals = generate_all(self.scenario, self.populations, self.cal, self.streams)
        entries = [ENTRY[a.stream] for a in arrivals]
        run_flow(self._clock())
        self._start_initial_occupants()
        run_flow(self._source(arrivals, entries))
        self.env.timeout(self.warmup_min).callbacks.append(
            lambda _e: self.metrics.start_measuring(self.env.now))
        self.env.run(until=self.end_min)
        return self
