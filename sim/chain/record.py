"""The one place that counts: every KPI key of the chain is written here.

Care services and coordination strategies report what happened through the
named methods of :class:`Recorder` (``seh_arrival``, ``ambulance_deployed``,
``warm_transfer``…); none of them builds a key. :mod:`sim.measure.kpis` reads
the counters back through the key functions below, so a name is spelled once.
The recorder also writes the event log: one row per decision, in the order
the decisions are taken, ending with the patient's one outcome.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import Final, Protocol

from sim.chain.errors import DoubleOutcome
from sim.chain.patient import Patient
from sim.config.constants import CARE_LEVELS, HOURS_PER_DAY
from sim.engine.kernel import Environment
from sim.engine.stats import Metrics, PoolProbes


class EventSink(Protocol):
    """Where event-log rows go (a Parquet writer, or a hash in the back tests)."""

    def record(self, time: float, patient: int, stream: str, event: str, place: str = "") -> None: ...


class OpenPatients:
    """Patients that arrived and have no outcome yet, for the conservation checks (``track_alive``).

    ``len()`` counts those the model still holds (in a queue, on a ride, in a bed): a flow that drops
    a patient without an outcome lets it be freed, so the count falls below arrived - ended. The
    patients are found among the objects the garbage collector tracks (patients are compiled classes,
    which take no weak reference); the tracker itself holds none of them. Keyed by the object's
    address with the patient's number as a check, so a freed patient's address taken by a new one
    counts the new one only.
    """

    def __init__(self) -> None:
        self._open: dict[int, int] = {}

    def add(self, p: Patient) -> None:
        self._open[id(p)] = p.id

    def discard(self, p: Patient) -> None:
        self._open.pop(id(p), None)

    def __len__(self) -> int:
        gc.collect()  # a dropped patient in a reference cycle (with its flow) is freed here
        held = self._open
        return sum(1 for o in gc.get_objects()
                   if isinstance(o, Patient) and o.outcome is None and held.get(id(o)) == o.id)


# ------------------------------------------------------------------- keys
# Counters (``counts``), tallies (lists of values) and levels (time-weighted)
# under these keys; measurement reads them with the same functions. The recorder
# formats each key a patient's flow passes once and looks it up after (KeyMemo).

def arrivals_key(stream: str) -> str:
    return f"arrivals.{stream}"


def outcome_key(outcome: str) -> str:
    return f"outcome.{outcome}"


def flow_key(stream: str, outcome: str) -> str:
    return f"flow.{stream}.{outcome}"


def desk_key(desk: str, what: str) -> str:
    """``attempts``, ``answered_within_norm``, ``abandoned`` (counts) and ``answer_wait`` (tally) of a desk."""
    return f"{desk}.{what}"


def block_key(line: str, skill: str, block: int, what: str) -> str:
    """Per skill and 4-hour block of the week: ``attempts`` and ``within`` (answered within the norm)."""
    return f"{line}.by_block.{skill}.{block}.{what}"


def line_key(desk: str, line: str) -> str:
    """A desk's line (e.g. the HAP urgent line) counted as a desk of its own: ``hap_triage.urgent``."""
    return f"{desk}.{line}"


@functools.cache  # one per desk, line and hour: made on every answered HAP call, so made once
def hour_wait_key(desk: str, line: str, hour_of_week: int) -> str:
    """Answer waits on a line by the hour of the week the caller rang (0 = Monday 00:00)."""
    return f"{desk}.{line}.answer_wait_by_hour.{hour_of_week:03d}"


def zcc_group_pool(group: str) -> str:
    """The pool name under which one zcc staff group reports busy and capacity (all locations together)."""
    return f"{ZCC_DESK}_group.{group}"


def busy_key(pool: str) -> str:
    return f"{pool}.busy"


def capacity_key(pool: str) -> str:
    return f"{pool}.capacity"


def queue_key(pool: str) -> str:
    return f"{pool}.queue"


def wait_key(pool: str) -> str:
    return f"{pool}.wait"


# Names the desks, pools and fleet report under (their busy/capacity/queue levels, desk counters).
HAP_DESK: Final = "hap_triage"
DISPATCH_DESK: Final = "dispatch_112"
ELV_DESK: Final = "elv_point"
URGENT_LINE: Final = "urgent"  # the HAP number's urgent option (callers choose it themselves)
REGULAR_LINE: Final = "non_urgent"  # everyone else on the HAP number
HAP_LINES: Final = (URGENT_LINE, REGULAR_LINE)
MYSTERY_WAIT: Final = "mystery_wait"  # waits of test calls with unlimited patience (per desk)
PATIENT_LINE: Final = "zcc_patient_line"
PROVIDER_LINE: Final = "zcc_provider_line"
ZCC_DESK: Final = "zcc"
HAP_GPS: Final = "hap_gp"
HAP_CARS: Final = "hap_car"
SEH_PLACES: Final = "seh"
AMBULANCES: Final = "ambulance"

HAP_CONTACTS: Final = "hap_contacts"
HAP_CARE: Final = "hap_care"  # consults and home visits a HAP GP gives (whoever triaged), for the cost model
AMBULANCE_DEPLOYMENTS: Final = "ambulance_deployments"
AMBULANCE_CONVEYED: Final = "ambulance_conveyed"  # urgent rides that take the patient to the SEH
AMBULANCE_LOADED_KM: Final = "ambulance_loaded_km"  # km with the patient on board (the ride tariff's km)
SEH_ARRIVALS: Final = "seh_arrivals"
HOSPITAL_ADMISSIONS: Final = "hospital_admissions"
PLACEMENT_TIME: Final = "placement_time"
PLACEMENT_FALLBACK_SEH: Final = "placement_fallback_seh"
VERKEERDE_BED: Final = "verkeerde_bed"
ZCC_PATIENT_CALLS: Final = "zcc_patient_calls"
WARM_TRANSFERS: Final = "warm_transfers"
RIDES_AVOIDED: Final = "ambulance_rides_avoided"
SUBSTITUTIONS: Final = "substitutions"
SUBSTITUTIONS_INSTEAD_OF: Final = "substitutions_instead_of"
NO_ALTERNATIVE_CAPACITY: Final = "substitutions_no_capacity"
OUT_OF_REGION: Final = "out_of_region_placements"
UNDER_TRIAGE: Final = "under_triage"            # triage decisions below the true urgency or need (.<desk>)
OVER_TRIAGE: Final = "over_triage"              # triage decisions above the true urgency (.<desk>)
RE_PRESENTATIONS: Final = "re_presentations"    # patients whose need was not met coming back (.<route>, .need_<need>)
DOUBLE_TRIAGE: Final = "double_triage"          # callers given a first triage a second time at another desk
DOUBLE_TRIAGE_AVOIDED: Final = "double_triage_avoided"  # callers handed on warm, without a second first triage
SEH_STOP_DIVERSIONS: Final = "seh_stop_diversions"  # ambulances sent past a stopped SEH to the next-nearest one
SEH_STOPPED: Final = "seh_stopped"              # level: SEHs in a stop (time-weighted)
ADVICE_OUTCOMES: Final = ("self_care", "telephone_advice")  # outcomes whose care is the advice itself
# The rank of each care level; "" (no known need beyond what the triage decided) is met by any care.
CARE_RANK: Final[dict[str, int]] = {"": 0} | {level: i for i, level in enumerate(CARE_LEVELS)}


def time_to_care_key(urgency: str) -> str:
    """Minutes from the first contact to care that meets the true need, by true NTS urgency."""
    return f"time_to_care.{urgency.lower()}"


def meets(level: str, need: str) -> bool:
    """Whether care at ``level`` meets the true ``need`` (a level meets every need at or below it)."""
    return CARE_RANK[level] >= CARE_RANK[need]


def sub(key: str, part: str) -> str:
    """A breakdown of a counter: ``seh_arrivals`` + ``ambulance`` -> ``seh_arrivals.ambulance``."""
    return f"{key}.{part}"


def response_key(urgency: str) -> str:
    return f"ambulance.response.{urgency.lower()}"


# The parts of an ambulance response, in order; they add up to the response (sim/chain/care/ambulance.py).
RESPONSE_PARTS: Final = ("answer", "triage", "vehicle_wait", "turnout", "drive")


def response_part_key(urgency: str, part: str) -> str:
    return f"ambulance.response_part.{urgency.lower()}.{part}"


def seh_hour_key(hour: int) -> str:
    return f"seh_arrivals_by_hour.h{hour:02d}"


def seh_departure_key(kind: str) -> str:
    return f"seh_departures.{kind}"


def seh_los_key(kind: str) -> str:
    return f"seh.los.{kind}"


def admissions_key(kind: str) -> str:
    return f"{kind}_admissions"


def visits_key(need: str) -> str:
    return f"{need}_visits"


class KeyMemo:
    """The keys one key function makes, each formatted once and looked up after (one per recorder).

    A patient passes several counters; formatting a key costs more than looking it up.
    """

    __slots__ = ("_make", "_made")

    def __init__(self, make: Callable[[str], str]) -> None:
        self._make = make
        self._made: dict[str, str] = {}

    def of(self, arg: str) -> str:
        key = self._made.get(arg)
        if key is None:
            key = self._made[arg] = self._make(arg)
        return key


class PairKeyMemo:
    """:class:`KeyMemo` for a key function of two names: one memo of the second name per first name."""

    __slots__ = ("_make", "_by_first")

    def __init__(self, make: Callable[[str, str], str]) -> None:
        self._make = make
        self._by_first: dict[str, KeyMemo] = {}

    def of(self, first: str, second: str) -> str:
        memo = self._by_first.get(first)
        if memo is None:
            memo = self._by_first[first] = KeyMemo(functools.partial(self._make, first))
        return memo.of(second)


class Recorder:
    """Counters, tallies, levels and the event log of one replication, written by name."""

    def __init__(self, clock: Environment, event_log: EventSink | None = None, track_alive: bool = False) -> None:
        self.metrics = Metrics()
        # With ``track_alive``, the patients not yet ended are tracked (without holding them): a flow that
        # drops a patient without an outcome lets it be freed, so ``len(alive)`` falls below ``in_system``.
        self.alive: OpenPatients | None = OpenPatients() if track_alive else None
        self.counts = self.metrics.counts
        self._clock = clock  # its ``now`` is the time of what is recorded
        self.event_log = event_log
        self.created = 0
        self.ended = 0
        self._seh_hour = [seh_hour_key(h) for h in range(HOURS_PER_DAY)]
        self._tallies = self.metrics.tallies  # the same dict for the whole run (start_measuring clears it)
        # The keys of the per-patient counters and tallies, made by the key functions above.
        self._arrivals_key = KeyMemo(arrivals_key)
        self._outcome_key = KeyMemo(outcome_key)
        self._flow_key = PairKeyMemo(flow_key)
        self._time_to_care_key = KeyMemo(time_to_care_key)
        self._sub = PairKeyMemo(sub)
        self._desk_key = PairKeyMemo(desk_key)
        self._line_key = PairKeyMemo(line_key)
        self._seh_departure_key = KeyMemo(seh_departure_key)
        self._seh_los_key = KeyMemo(seh_los_key)
        self._admissions_key = KeyMemo(admissions_key)
        self._visits_key = KeyMemo(visits_key)
        self._response_keys: dict[str, tuple[str, tuple[str, ...]]] = {}  # a response's key and its parts' keys

    # ------------------------------------------------------------ counting
    def _count(self, key: str) -> None:
        """One more of ``key``."""
        self._add(key, 1.0)

    def _add(self, key: str, amount: float) -> None:
        """A look-up and a store (``counts[key] += amount`` would add through Python's generic number protocol)."""
        c = self.counts
        c[key] = c.get(key, 0.0) + amount

    # ------------------------------------------------------------ patients
    def log(self, p: Patient, event: str, place: str = "") -> None:
        """One event-log row (only when an event log is attached)."""
        if self.event_log is not None:
            self.event_log.record(self._clock.now, p.id, p.stream, event, place)

    def arrived(self, p: Patient, place: str, counted: bool = True) -> None:
        """A patient enters the chain (counted per stream unless present at the start)."""
        self.created += 1
        if self.alive is not None:
            self.alive.add(p)
        if counted:
            self._count(self._arrivals_key.of(p.stream))
        if self.event_log is not None:
            self.event_log.record(p.arrived, p.id, p.stream, "arrive", place)

    def end(self, p: Patient, outcome: str) -> None:
        """Give a patient their one and only outcome."""
        if p.outcome is not None:
            raise DoubleOutcome(f"patient {p.id} ({p.stream}) ended twice: {p.outcome} then {outcome}")
        if outcome in ADVICE_OUTCOMES:
            self.care(p, "self_care")
        p.outcome = outcome
        self.ended += 1
        if self.alive is not None:
            self.alive.discard(p)
        self._count(self._outcome_key.of(outcome))
        self._count(self._flow_key.of(p.stream, outcome))
        self.log(p, "end", outcome)

    # ----------------------------------------------------------- true need
    def care(self, p: Patient, level: str) -> None:
        """Care at ``level`` starts for the patient: the first that meets their true need sets time to care."""
        if p.cared or not p.true_urgency or not meets(level, p.true_need):
            return
        p.cared = True
        self._tallies[self._time_to_care_key.of(p.true_urgency)].append(self._clock.now - p.first_arrived)

    def triage_error(self, p: Patient, desk: str, under: bool) -> None:
        """A triage decision at ``desk`` below (``under``) or above the patient's true urgency or need."""
        key = UNDER_TRIAGE if under else OVER_TRIAGE
        self._count(key)
        self._count(self._sub.of(key, desk))
        self.log(p, key, desk)

    def first_triage(self, p: Patient) -> None:
        """A desk gives the caller a first triage; a second one (at another desk) is a double triage."""
        p.triages += 1
        if p.triages > 1:
            self._count(DOUBLE_TRIAGE)

    def double_triage_avoided(self, p: Patient) -> None:
        """The caller is handed on warm and not given a first triage again."""
        self._count(DOUBLE_TRIAGE_AVOIDED)

    def re_presentation(self, p: Patient, route: str) -> None:
        """A patient whose true need was not met comes back by ``route`` (``seh`` or ``call_112``)."""
        self._count(RE_PRESENTATIONS)
        self._count(self._sub.of(RE_PRESENTATIONS, route))
        self._count(self._sub.of(RE_PRESENTATIONS, f"need_{p.true_need}"))

    def seh_stop(self, delta: int) -> None:
        """An SEH starts (+1) or ends (-1) a stop for ambulances."""
        self.metrics.level(SEH_STOPPED).add(self._clock.now, delta)

    def seh_stop_diversion(self) -> None:
        self._count(SEH_STOP_DIVERSIONS)

    @property
    def in_system(self) -> int:
        return self.created - self.ended

    # ------------------------------------------------------------ resources
    def pool_probes(self, pool: str, track_waits: bool = False) -> PoolProbes:
        """The probes a capacity pool, desk or fleet named ``pool`` reports through."""
        m = self.metrics
        return PoolProbes(m, m.level(busy_key(pool)), m.level(capacity_key(pool)), m.level(queue_key(pool)),
                          wait_key(pool) if track_waits else None,
                          f"{pool}.abandon_wait" if track_waits else None)

    # --------------------------------------------------------------- desks
    def call_answered(self, p: Patient, desk: str, waited: float, within_norm: bool, line: str | None = None,
                      hour_of_week: int | None = None) -> None:
        """An attempt answered after ``waited`` minutes; with ``line``, also counted for that line and hour."""
        self._answered(desk, waited, within_norm)
        if line is not None:
            self._answered(self._line_key.of(desk, line), waited, within_norm)
            if hour_of_week is not None:
                self.metrics.tally(hour_wait_key(desk, line, hour_of_week), waited)
        self.log(p, "answered", desk)

    def _answered(self, desk: str, waited: float, within_norm: bool) -> None:
        key = self._desk_key
        self._count(key.of(desk, "attempts"))
        self._tallies[key.of(desk, "answer_wait")].append(waited)
        if within_norm:
            self._count(key.of(desk, "answered_within_norm"))

    def call_abandoned(self, p: Patient, desk: str, line: str | None = None) -> None:
        for d in (desk,) if line is None else (desk, self._line_key.of(desk, line)):
            self._count(self._desk_key.of(d, "attempts"))
            self._count(self._desk_key.of(d, "abandoned"))
        self.log(p, "hung_up", desk)

    def mystery_call(self, desk: str, waited: float) -> None:
        """A test call (unlimited patience, hangs up at once) answered after ``waited`` minutes."""
        self.metrics.tally(desk_key(desk, MYSTERY_WAIT), waited)

    def block_attempt(self, line: str, skill: str, block: int, within: bool) -> None:
        """An attempt at a zcc line, by skill and block of the week (for the staffing search)."""
        self._count(block_key(line, skill, block, "attempts"))
        if within:
            self._count(block_key(line, skill, block, "within"))

    # ----------------------------------------------------------------- HAP
    def hap_contact(self, kind: str) -> None:
        """A HAP contact: the triage decision, or ``walk_in``."""
        self._count(HAP_CONTACTS)
        self._count(self._sub.of(HAP_CONTACTS, kind))

    def hap_care(self, kind: str) -> None:
        """A HAP GP sees a patient: a ``consult`` at the post or a ``home_visit`` (counted when it starts)."""
        self._count(self._sub.of(HAP_CARE, kind))

    # ----------------------------------------------------------- ambulance
    def ambulance_deployed(self, urgency: str) -> None:
        self._count(AMBULANCE_DEPLOYMENTS)
        self._count(self._sub.of(AMBULANCE_DEPLOYMENTS, urgency.lower()))

    def ambulance_conveyed(self, urgency: str, loaded_km: float) -> None:
        """An urgent ride takes the patient to the SEH, ``loaded_km`` road km from their place."""
        self._count(AMBULANCE_CONVEYED)
        self._count(self._sub.of(AMBULANCE_CONVEYED, urgency.lower()))
        self._add(AMBULANCE_LOADED_KM, loaded_km)

    def ambulance_response(self, urgency: str, minutes: float, *, answer: float, triage: float,
                           vehicle_wait: float, turnout: float, drive: float) -> None:
        """From the call to on scene (``minutes``) and its parts (see :data:`RESPONSE_PARTS`)."""
        keys = self._response_keys.get(urgency)
        if keys is None:
            keys = self._response_keys[urgency] = (
                response_key(urgency), tuple(response_part_key(urgency, part) for part in RESPONSE_PARTS))
        tallies = self._tallies
        tallies[keys[0]].append(minutes)
        for key, value in zip(keys[1], (answer, triage, vehicle_wait, turnout, drive), strict=True):
            tallies[key].append(value)

    # ----------------------------------------------------------------- SEH
    def seh_arrival(self, p: Patient, route: str, hour_of_day: int, dept: str) -> None:
        self._count(SEH_ARRIVALS)
        self._count(self._sub.of(SEH_ARRIVALS, route))
        self._count(self._seh_hour[hour_of_day])
        self.log(p, "seh_arrival", dept)

    def seh_departure(self, kind: str, length_of_stay: float | None = None) -> None:
        """Leaving the SEH ``home``, ``admitted`` or to ``followup``; the length of stay where measured."""
        self._count(self._seh_departure_key.of(kind))
        if length_of_stay is not None:
            self.metrics.tally(self._seh_los_key.of(kind), length_of_stay)

    # ------------------------------------------------------ hospital, beds
    def hospital_admission(self, waiting_for_followup: bool = False) -> None:
        self._count(HOSPITAL_ADMISSIONS)
        if waiting_for_followup:
            self._count(self._sub.of(HOSPITAL_ADMISSIONS, "waiting_for_followup"))

    def verkeerde_bed(self, delta: int) -> None:
        """A hospital bed starts (+1) or stops (-1) being a verkeerde bed."""
        self.metrics.level(VERKEERDE_BED).add(self._clock.now, delta)

    def bed_admission(self, kind: str) -> None:
        self._count(self._admissions_key.of(kind))

    def placement_time(self, minutes: float) -> None:
        """From the request for a bed or team to the moment it is the patient's."""
        self.metrics.tally(PLACEMENT_TIME, minutes)

    def placement_fallback_seh(self) -> None:
        self._count(PLACEMENT_FALLBACK_SEH)

    def team_visit(self, need: str) -> None:
        self._count(self._visits_key.of(need))

    # ----------------------------------------------------------------- zcc
    def zcc_patient_call(self) -> None:
        self._count(ZCC_PATIENT_CALLS)

    def warm_transfer(self) -> None:
        self._count(WARM_TRANSFERS)

    def ride_avoided(self, how: str) -> None:
        """An ambulance ride that would have happened did not (``extended_triage`` or ``substitution``)."""
        self._count(RIDES_AVOIDED)
        self._count(self._sub.of(RIDES_AVOIDED, how))

    def substitution(self, alternative: str, instead_of: str) -> None:
        self._count(SUBSTITUTIONS)
        self._count(self._sub.of(SUBSTITUTIONS, alternative))
        self._count(self._sub.of(SUBSTITUTIONS_INSTEAD_OF, instead_of))

    def no_alternative_capacity(self) -> None:
        self._count(NO_ALTERNATIVE_CAPACITY)

    def out_of_region_placement(self) -> None:
        self._count(OUT_OF_REGION)


