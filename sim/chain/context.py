"""What every part of one replication shares: clock, calendar, travel, random streams, recorder.

A :class:`Context` is handed to each care service and coordination strategy
when it is built. It holds no capacity and no parameters of any service: those
belong to the service (see :mod:`sim.chain.care`). ``Flow`` is the type of a
patient flow: a generator that yields what it waits for (see :mod:`sim.engine.flow`).
"""

from __future__ import annotations

import math
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any, Final, Protocol

import numpy as np

from sim.chain.patient import Patient
from sim.chain.record import Recorder
from sim.config.constants import HOURS_PER_DAY, MIN_PER_HOUR
from sim.config.schema import Dist, Mix, Priorities, Scenario
from sim.engine.calendar import Calendar
from sim.engine.flow import run_flow
from sim.engine.kernel import Environment
from sim.engine.rng import Sampler, Streams, Uniform, cumulative
from sim.engine.stats import PoolProbes
from sim.geo.regions import Settlement, SubArea, road_km_matrix, straight_km_matrix
from sim.resources import CapacityPool

Flow = Generator[Any, Any, Any]
TWO_PI: Final = 2.0 * math.pi


class Capacity(Protocol):
    """Anything whose capacity the hourly roster sets (a pool, a staff group at a skill desk)."""

    @property
    def capacity(self) -> int: ...

    def set_capacity(self, capacity: int) -> None: ...


class Chooser:
    """Draws a category from a mix with its own random stream."""

    __slots__ = ("_u", "_cum", "_labels")

    def __init__(self, u: Uniform, mix: Mix | dict[str, float]) -> None:
        self._u = u
        self._cum, self._labels = cumulative(mix.shares if isinstance(mix, Mix) else mix)

    def __call__(self) -> str:
        """The first label whose cumulative share exceeds the next uniform draw (as a scan would find)."""
        u = self._u()
        cum = self._cum
        lo, hi = 0, len(cum)
        while lo < hi:  # bisect_right, on native floats when compiled
            mid = (lo + hi) >> 1
            if u < cum[mid]:
                hi = mid
            else:
                lo = mid + 1
        labels = self._labels
        return labels[lo] if lo < len(labels) else labels[-1]


class StreamRegistry:
    """The replication's named random streams, each handed out once.

    Two components drawing from one stream would share (and disturb) each
    other's numbers; two attributes holding one sampler would hide which one
    a flow uses. Asking for a name twice is a modelling error.
    """

    def __init__(self, streams: Streams) -> None:
        self.streams = streams
        self._taken: set[str] = set()

    def _take(self, name: str) -> None:
        if name in self._taken:
            raise ValueError(f"random stream '{name}' requested twice: every stream has one owner")
        self._taken.add(name)

    def sampler(self, name: str, dist: Dist) -> Sampler:
        self._take(name)
        return self.streams.sampler(name, dist)

    def uniform(self, name: str) -> Uniform:
        self._take(name)
        return self.streams.uniform(name)

    def chooser(self, name: str, mix: Mix | dict[str, float]) -> Chooser:
        self._take(name)
        return Chooser(self.streams.uniform(name), mix)

    def generator(self, name: str) -> np.random.Generator:
        self._take(name)
        return self.streams.generator(name)


class Travel:
    """Road distances between town halls and to a patient's place (see :mod:`sim.geo.regions`).

    ``km`` is the planning matrix (road km between town halls; a trip inside a
    municipality counts its mean, 2R/3 x detour): it chooses the nearest post,
    SEH or vehicle. A trip to a patient is drawn: from a town hall to the
    patient's own place in their municipality (:class:`sim.geo.regions.Settlement`), times the detour factor.
    """

    def __init__(self, areas: tuple[SubArea, ...], detour_factor: float, settlement: Settlement) -> None:
        self.km = road_km_matrix(areas, detour_factor, settlement)
        self.straight: list[list[float]] = straight_km_matrix(areas).tolist()
        self.areas = areas
        self.settlement = settlement
        self.detour = detour_factor
        # Per sub-area radii of the town and of the whole disc, so that placing a patient is arithmetic
        # on floats here (this runs for every patient; tests/unit/test_areas.py holds it to Settlement's).
        self._share = settlement.share
        self._town_r = [settlement.town_radius_km(a) for a in areas]
        self._disc_r = [a.radius_km for a in areas]

    def place_r(self, subarea: int, u: float) -> float:
        """Km from the town hall of an inhabitant of ``subarea`` at uniform ``u`` (town or countryside).

        :meth:`sim.geo.regions.Settlement.place_r` on the radii kept per sub-area (same arithmetic).
        """
        s = self._share
        if u < s:
            return self._town_r[subarea] * math.sqrt(u / s)
        return self._disc_r[subarea] * math.sqrt((u - s) / (1.0 - s))

    def minutes(self, speed_kmh: float) -> np.ndarray:
        return self.km / speed_kmh * MIN_PER_HOUR

    def to_patient_km(self, origin: int, p: Patient) -> float:
        """Road km from the town hall of sub-area ``origin`` to the patient's place."""
        d = self.straight[origin][p.subarea]  # sim.geo.regions.trip_km, written out: once per trip to a patient
        r = p.place_r
        return self.detour * math.sqrt(max(0.0, d * d + r * r - 2.0 * d * r * p.place_cos))

    def to_patient_min(self, origin: int, p: Patient, speed_kmh: float) -> float:
        return self.to_patient_km(origin, p) / speed_kmh * MIN_PER_HOUR


@dataclass
class Rosters:
    """Capacities that follow an hour-of-week roster, applied by the model's hourly clock.

    Entries are applied in the order of their ``order`` key, so the clock treats
    every roster the same way whichever component registered it first.
    """

    entries: list[tuple[tuple[int, ...], Capacity, list[int]]] = field(default_factory=list)

    def add(self, order: tuple[int, ...], capacity: Capacity, values: list[int]) -> None:
        self.entries.append((order, capacity, values))

    def in_order(self) -> list[tuple[Capacity, list[int]]]:
        return [(cap, values) for _, cap, values in sorted(self.entries, key=lambda e: e[0])]


class QueueOrder:
    """The scenario's queue priorities (:class:`~sim.config.schema.Priorities`), read per request.

    The same names as the scenario's section, held as plain ints: flows read a priority on every
    request, and a validated configuration object answers an attribute more slowly than a class of
    the compiled core (sim/native.py).
    """

    def __init__(self, p: Priorities) -> None:
        self.by_urgency: dict[str, int] = dict(p.by_urgency)
        self.no_urgency: int = p.no_urgency
        self.desk_call: int = p.desk_call
        self.urgent_line: int = p.urgent_line
        self.regular_line: int = p.regular_line
        self.followup_bed: int = p.followup_bed
        self.hospital_bed_waiting_for_followup: int = p.hospital_bed_waiting_for_followup
        self.crisis_team_from_gp: int = p.crisis_team_from_gp
        self.warm_transfer: int = p.warm_transfer
        self.gp_consultation: int = p.gp_consultation
        self.provider_request: int = p.provider_request
        self.team_after_provider_request: int = p.team_after_provider_request


class Context:
    """The shared parts of one replication (see the module docstring)."""

    def __init__(self, scenario: Scenario, replication: int, env: Environment, cal: Calendar,
                 areas: tuple[SubArea, ...], record: Recorder) -> None:
        self.scenario = scenario
        self.env = env
        self.cal = cal
        self.streams = StreamRegistry(Streams(scenario.run.seed, replication))
        self.record = record
        self.areas = areas
        self.area_index = {a.code: i for i, a in enumerate(areas)}
        self.populations = np.array([a.population for a in areas], dtype=float)
        travel = scenario.care.travel
        self.travel = Travel(areas, travel.detour_factor.value, travel.settlement())
        self._u_place = self.streams.uniform("geo.patient_place")
        self.priorities = QueueOrder(scenario.priorities)
        self.rosters = Rosters()

    # ---------------------------------------------------------------- time
    def hour_of_day(self) -> int:
        return int(self.env.now // MIN_PER_HOUR) % HOURS_PER_DAY

    def hour_of_week(self) -> int:
        return self.cal.hour_of_week_at(self.env.now)

    def is_anw(self) -> bool:
        """Out-of-hours (avond, nacht, weekend and holidays) right now."""
        return self.cal.is_anw(self.env.now)

    # ----------------------------------------------------------- resources
    def pool(self, name: str, capacity: int, track_waits: bool = False) -> CapacityPool:
        """A capacity pool reporting under ``name`` (see :mod:`sim.chain.record`)."""
        return CapacityPool(self.env, name, capacity, self.record.pool_probes(name, track_waits))

    def probes(self, name: str) -> PoolProbes:
        return self.record.pool_probes(name)

    # ------------------------------------------------------------ patients
    def start(self, flow: Flow) -> None:
        """Start a patient flow now (see :mod:`sim.engine.flow`)."""
        run_flow(flow)

    def new_patient(self, stream: str, subarea: int, urgency: str, need: str, arrived: float) -> Patient:
        """A patient, placed in the town or the countryside of their municipality (stream ``geo.patient_place``)."""
        u = self._u_place
        r = self.travel.place_r(subarea, u())
        return Patient(self.record.created, stream, subarea, urgency, need, arrived, r, math.cos(TWO_PI * u()))

    def returning_patient(self, p: Patient, stream: str) -> Patient:
        """The same person coming back now as a new contact (same place, no new draws), keeping their true need."""
        q = Patient(self.record.created, stream, p.subarea, p.true_urgency, p.need, self.env.now,
                    p.place_r, p.place_cos)
        q.true_urgency, q.true_need, q.first_arrived, q.represented = p.true_urgency, p.true_need, p.first_arrived, True
        return q

    def priority(self, urgency: str) -> int:
        """Queue priority of a patient's urgency (lower first)."""
        return self.priorities.by_urgency.get(urgency, self.priorities.no_urgency)
