"""One patient through a deterministic noord chain: the harness of the care-service and coordination tests.

In the style of treat-sim's deterministic tests: the noord scenario is loaded
with overrides that make every duration ``fixed`` at its scenario mean and
every capacity ample (rosters, SEH places and beds far above what one patient
needs, admission windows open all week, no bed occupied at the start), and
that switch off every branch a patient could take after its care (no SEH
referral after a GP, no admission, no follow-up, no conveyance, no
substitution, no warm transfer). A test then opens exactly the path it checks
with its own routing overrides, creates one patient instead of running the
arrival source, starts one flow and runs the clock. With nobody else in the
chain nobody waits, so the patient's time in the system is the sum of the
activity times along its path, which the test adds up itself from the
scenario's numbers and the road distances. A patient's place in their
municipality is drawn when the patient is created (``p.place_r``, ``p.place_cos``);
the expected drives are computed here by hand from it (``to_patient_km``).

The patient lives in Aa en Hunze (GM1680): it holds no HAP post or SEH, and
its nearest HAP post (Assen, 13.1 km) and SEH (Borger-Odoorn, 10.5 km) are each
unique; its own ambulance post (post_aa_en_hunze) is the nearest, so the
ambulance drives within the municipality, to the patient's drawn place.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from sim.chain.context import Flow
from sim.chain.model import Model
from sim.chain.patient import Patient
from sim.config.constants import HOURS_PER_WEEK, MIN_PER_HOUR
from sim.config.loader import load_raw, load_scenario
from sim.config.schema import Scenario
from sim.engine.flow import run_flow
from sim.geo.regions import all_subareas, great_circle_km
from tests.helpers import ROOT

SQ = ROOT / "scenarios" / "noord" / "status_quo.yaml"
ZCC = ROOT / "scenarios" / "noord" / "zcc.yaml"
EST = "unit test: one patient through a deterministic chain (fixed durations, ample capacity)"
AMPLE = 1000  # staff on every roster, SEH places, beds: far more than one patient can use
HOME = "GM1680"  # Aa en Hunze (see the module docstring)
TOL = 1e-9  # sums of float durations, added in another order than the model adds them
CAPACITY_COUNTS = ("places",)


def fixed(mean: float) -> dict[str, Any]:
    """A fixed duration (``cv: None`` is explicit; the loader replaces a Dist given with its ``dist:`` whole)."""
    return {"dist": "fixed", "mean": mean, "cv": None, "estimate": EST}


def share(value: float) -> dict[str, Any]:
    return {"value": value, "estimate": EST}


def mix(**shares: float) -> dict[str, Any]:
    return {"shares": shares, "estimate": EST}


def count(n: int) -> dict[str, Any]:
    return {"value": n, "estimate": EST}


def roster(n: int) -> dict[str, Any]:
    return {"values": [n] * HOURS_PER_WEEK, "estimate": EST}


def merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """``over`` merged into a copy of ``base``, nested dicts key by key."""
    out = copy.deepcopy(base)
    for key, val in over.items():
        if isinstance(val, dict) and isinstance(out.get(key), dict) and "shares" not in val:
            out[key] = merge(out[key], val)
        else:
            out[key] = copy.deepcopy(val)
    return out


def _deterministic(node: Any) -> dict[str, Any]:
    """Overrides for one section of the raw scenario: fixed durations, ample capacity, open windows."""
    out: dict[str, Any] = {}
    if not isinstance(node, dict):
        return out
    for key, val in node.items():
        if not isinstance(val, dict):
            continue
        if "dist" in val:
            out[key] = fixed(val["mean"])
        elif "values" in val and (key.endswith("roster") or key == "on_duty"):
            out[key] = roster(AMPLE)
        elif key == "admission_hours":
            out[key] = {"values": [1.0] * HOURS_PER_WEEK, "estimate": EST}
        elif key == "beds" and all(isinstance(v, dict) and "value" in v for v in val.values()):
            out[key] = {kind: count(AMPLE) for kind in val}  # resources.beds: every bed pool
        elif key in CAPACITY_COUNTS and "value" in val:
            out[key] = count(AMPLE)
        elif key == "initial_occupancy":
            out[key] = share(0.0)
        else:
            sub = _deterministic(val)
            if sub:
                out[key] = sub
    return out


@cache
def deterministic_overrides(path: Path) -> dict[str, Any]:
    """Every Dist fixed at its mean, every roster and bed count ample, every branch after care closed."""
    raw, _ = load_raw(path)
    over = {k: _deterministic(raw[k]) for k in ("desks", "care", "resources", "zcc") if k in raw}
    over["run"] = {"days": 45, "warmup_days": 0}  # the calendar and clock cover every test's horizon
    no = share(0.0)
    over["routing"] = {
        "after_gp_seh_referral": {u: no for u in raw["routing"]["after_gp_seh_referral"]},
        "seh_admit": {route: no for route in raw["routing"]["seh_admit"]},
        "convey_to_seh": {u: no for u in raw["routing"]["convey_to_seh"]},
        "seh_followup": no, "hospital_followup": no, "hospital_long_term_care": no,
    }
    over = merge(over, {"desks": {"hap_triage": {"gp_input_share": no}}})
    # Triage is exact: no under- or over-triage, so no re-presentation (sim/chain/coordination/true_need.py).
    over["true_need"] = {"triage_error": {d: {"under_triage": no, "over_triage": no}
                                          for d in raw["true_need"]["triage_error"]}}
    if "zcc" in raw:
        over = merge(over, {"zcc": {
            "flows": {"warm_transfer_share": {c: no for c in ("A1", "A2", "no_ambulance")}},
            "handling": {"ambulance_after_extended_triage": no},
            "substitution": {"ambulance": no, "seh": no},
        }})
    return over


class EventRows:
    """Event-log sink that keeps the rows: (time, patient, stream, event, place)."""

    def __init__(self) -> None:
        self.rows: list[tuple[float, int, str, str, str]] = []

    def record(self, time: float, patient: int, stream: str, event: str, place: str = "") -> None:
        self.rows.append((time, patient, stream, event, place))

    def of(self, p: Patient) -> list[tuple[float, str, str]]:
        """The patient's rows as (time, event, place)."""
        return [(t, e, pl) for t, pid, _s, e, pl in self.rows if pid == p.id]

    def events(self, p: Patient) -> list[str]:
        return [e for _t, e, _pl in self.of(p)]

    def places(self, p: Patient) -> list[tuple[str, str]]:
        return [(e, pl) for _t, e, pl in self.of(p)]

    def time_of(self, p: Patient, event: str) -> float:
        times = [t for t, e, _pl in self.of(p) if e == event]
        assert len(times) == 1, f"expected one '{event}' row for patient {p.id}, got {len(times)}"
        return times[0]

    def end_time(self, p: Patient) -> float:
        return self.time_of(p, "end")


@dataclass
class Chain:
    """A model of the deterministic scenario with its clock running and no arrival source."""

    scenario: Scenario
    model: Model
    log: EventRows
    patients: list[Patient] = field(default_factory=list)

    # ---------------------------------------------------------- the patient
    def patient(self, stream: str, urgency: str = "", need: str = "somatic", at: float = 0.0,
                home: str = HOME) -> Patient:
        """One arrival of ``stream`` at clock time ``at``, counted and logged as the arrival source would."""
        ctx = self.model.ctx
        if at > ctx.env.now:
            ctx.env.run(until=at)
        assert ctx.env.now == at, "a patient arrives now or later"
        p = ctx.new_patient(stream, ctx.area_index[home], urgency, need, at)
        ctx.record.arrived(p, home)
        self.patients.append(p)
        return p

    def run(self, flow: Flow, days: float = 15.0) -> None:
        """Start ``flow`` now and simulate ``days`` days."""
        self.model.ctx.start(flow)
        self.simulate(days)

    def enter(self, p: Patient, days: float = 15.0) -> None:
        """Hand ``p`` to the coordination strategy's entry for its stream (as the arrival source does) and simulate."""
        self.model.coordination.entries()[p.stream](p)
        self.simulate(days)

    def simulate(self, days: float) -> None:
        env = self.model.env
        env.run(until=env.now + days * 24 * MIN_PER_HOUR)

    def count(self, key: str) -> float:
        return self.model.metrics.counts.get(key, 0)

    def tally(self, key: str) -> list[float]:
        return self.model.metrics.tally_array(key).tolist()

    def area(self, level: str) -> float:
        """Area under a time-weighted level so far (e.g. busy unit-minutes of a pool, verkeerde-bed minutes)."""
        lv = self.model.metrics.level(level)
        now = self.model.env.now
        return lv.mean(now) * (now - self.model.metrics.measuring_since)

    def busy_minutes(self, pool: str) -> float:
        """Unit-minutes the pool (desk, post, beds, fleet) was busy so far."""
        return self.area(f"{pool}.busy")

    # ---------------------------------------------------------- geography
    def index(self, code: str) -> int:
        return self.model.ctx.area_index[code]

    def km(self, a: str, b: str) -> float:
        return float(self.model.ctx.travel.km[self.index(a), self.index(b)])

    def to_patient_km(self, code: str, p: Patient) -> float:
        """Road km from the town hall of ``code`` to the patient's drawn place, by hand: the law of cosines
        in the plane (great-circle distance between the town halls as the side) times the detour factor."""
        a, b = all_subareas()[self.national[code]], all_subareas()[self.national[self.model.ctx.areas[p.subarea].code]]
        d = float(great_circle_km(a.lat, a.lon, b.lat, b.lon))
        straight = np.sqrt(max(0.0, d * d + p.place_r ** 2 - 2 * d * p.place_r * p.place_cos))
        return float(straight * self.scenario.care.travel.detour_factor.value)

    @property
    def national(self) -> dict[str, int]:
        return {a.code: i for i, a in enumerate(all_subareas())}

    def site_code(self, sites: Iterable[tuple[str, str]], name: str) -> str:
        return dict(sites)[name]

    def nearest(self, sites: Iterable[tuple[str, str]], home: str = HOME) -> tuple[str, float]:
        """(name, km) of the site nearest to ``home`` among (name, sub-area code) pairs."""
        pairs = list(sites)
        dist = np.array([self.km(home, code) for _name, code in pairs])
        j = int(np.argmin(dist))
        assert np.sum(dist == dist[j]) == 1, "the nearest site must be unique for the expected place name"
        return pairs[j][0], float(dist[j])

    def nearest_hap(self) -> tuple[str, float]:
        return self.nearest((n, s.subarea) for n, s in self.scenario.resources.haps.items())

    def nearest_seh(self) -> tuple[str, float]:
        return self.nearest((n, s.subarea) for n, s in self.scenario.resources.sehs.items())

    def nearest_ambulance_post(self) -> tuple[str, float]:
        posts = self.scenario.resources.ambulance.posts
        return self.nearest((n, p.subarea) for n, p in posts.items() if p.vehicles.value > 0)

    def ambulance_drive_km(self, p: Patient) -> float:
        """Road km from the nearest ambulance post's town hall to the patient's place."""
        name, _km = self.nearest_ambulance_post()
        return self.to_patient_km(self.scenario.resources.ambulance.posts[name].subarea, p)

    def seh_drive_km(self, p: Patient) -> float:
        """Road km from the patient's place to the nearest SEH's town hall."""
        name, _km = self.nearest_seh()
        return self.to_patient_km(self.scenario.resources.sehs[name].subarea, p)

    def hap_drive_km(self, p: Patient) -> float:
        name, _km = self.nearest_hap()
        return self.to_patient_km(self.scenario.resources.haps[name].subarea, p)


def chain(overrides: dict[str, Any] | None = None, setting: str = "status_quo") -> Chain:
    """The deterministic noord chain of ``setting`` with the test's own ``overrides`` on top."""
    path = ZCC if setting == "zcc" else SQ
    scenario = load_scenario(path, merge(deterministic_overrides(path), overrides or {}))
    log = EventRows()
    model = Model(scenario, 0, event_log=log)
    # The hourly clock applies rosters, on-duty vehicles and admission windows; its first
    # hour is applied at once, so every desk, post and team is staffed before the patient comes.
    run_flow(model._clock())
    return Chain(scenario, model, log)


def minutes(km: float, speed_kmh: float) -> float:
    """Drive time over ``km`` road kilometres at ``speed_kmh`` (a constant speed: visiting cars, conveyance)."""
    return km / speed_kmh * 60.0


def urgent_minutes(km: float, amb: Any) -> float:
    """Urgent drive time over ``km`` road km, written out from Kolesar's curve (not sim.geo.driving):
    ``2 sqrt(d/a)`` until cruising speed, ``v/a + d/v`` beyond, ``v`` in km/min and ``a`` in km/min^2."""
    v = amb.urgent_speed_kmh.value / 60.0
    a = amb.urgent_acceleration_m_s2.value * 3.6  # m/s2 x 3600 s2/min2 / 1000 m/km
    return 2.0 * (km / a) ** 0.5 if km <= v * v / a else v / a + km / v
