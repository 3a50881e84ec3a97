"""The scenario schema: what a scenario file may contain, and nothing else.

Every input figure is a small mapping that carries its provenance: exactly one
of ``source:`` (document, year) or ``estimate:`` (the reasoning). Unknown keys,
wrong types, negative capacities and rosters of the wrong length are refused
here, so the model code can trust what it receives.
"""

from __future__ import annotations

import datetime as dt
import typing
from collections.abc import Iterable
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

# Written once in sim.config.constants; importable from here too.
from sim.config.constants import (  # noqa: F401
    ALTERNATIVES,
    AMBULANCE_URGENCIES,
    BED_POOLS,
    CARE_LEVELS,
    DESK_ROLES,
    FIRST_TRIAGE_CLASSES,
    FOLLOWUP_BED_KINDS,
    HAP_TRIAGE_OUTCOMES,
    HOURS_PER_DAY,
    HOURS_PER_WEEK,
    M_PER_KM,
    MIN_PER_HOUR,
    NTS_URGENCIES,
    RE_PRESENTATION_ROUTES,
    SECONDS_PER_MINUTE,
    TEAM_KINDS,
    TRIAGE_DESKS,
    ZCC_CALL_TYPES,
    ZCC_SKILLS,
)
from sim.geo.driving import DriveSpread, UrgentDrive
from sim.geo.regions import Settlement


def _exact_keys(v: dict, keys: Iterable[str], what: str) -> dict:
    """Refuse a mapping whose keys are not exactly ``keys`` (e.g. every urgency, every bed pool)."""
    need = list(keys)
    if set(v) != set(need):
        raise ValueError(f"needs exactly the {what} {', '.join(need)}")
    return v


def _labels_within(mix: Mix, allowed: tuple[str, ...]) -> Mix:
    bad = [k for k in mix.shares if k not in allowed]
    if bad:
        raise ValueError(f"unknown outcome '{bad[0]}'; expected one of {', '.join(allowed)}")
    return mix


# Upper bounds that keep a run's memory and time finite (named in the messages).
MAX_COUNT = 100_000  # beds, places, vehicles, staff on duty per hour, redials
MAX_RATE_PER_1000 = 100_000.0  # arrivals per 1000 inhabitants per year
MAX_SPEED_KMH = 300.0
MAX_ACCELERATION_M_S2 = 10.0  # a figure above this is a unit mistake (km/h per second, say), not a vehicle
MAX_TRIP_KM = 1_000.0  # a distance in km above this lies outside the Netherlands (a unit mistake: metres, say)
MAX_MULTIPLIER = 100.0
MAX_DAYS = 3_650.0  # ten years per replication
MAX_REPLICATIONS = 10_000
MAX_SEED = 2**63 - 1


def _holds_bool(v: Any, annotation: Any) -> bool:
    """A true/false where the schema wants a number or text (also inside a list or a mapping of numbers)."""
    if "bool" in str(annotation):
        return False
    if isinstance(v, bool):
        return True
    if isinstance(v, list):
        return any(isinstance(x, bool) for x in v)
    if isinstance(v, dict) and typing.get_origin(annotation) is dict:
        return any(isinstance(x, bool) for x in v.values())
    return False


class Strict(BaseModel):
    """Base for all scenario sections: unknown keys are an error, numbers are finite, never true/false."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _no_bool_as_number(cls, v: Any, info: ValidationInfo) -> Any:
        if info.field_name is not None and _holds_bool(v, cls.model_fields[info.field_name].annotation):
            raise ValueError("expected a number or text, not true/false")
        return v


class Provenance(Strict):
    """Where a figure comes from: a published source or a reasoned estimate."""

    source: str | None = None
    estimate: str | None = None

    @model_validator(mode="after")
    def _exactly_one_provenance(self) -> Provenance:
        given = [k for k in ("source", "estimate") if getattr(self, k)]
        if len(given) != 1:
            raise ValueError(
                "needs exactly one of 'source:' (document, year) or 'estimate:' (reasoning)"
                + (", got both" if len(given) == 2 else ", got neither")
            )
        return self


class Value(Provenance):
    """A non-negative real number with provenance."""

    value: float = Field(ge=0)


class Count(Provenance):
    """A non-negative whole number (capacity, vehicles, beds) with provenance."""

    value: int = Field(ge=0, le=MAX_COUNT)


def _at_most(v: Value, high: float, what: str, above_zero: bool = False) -> Value:
    """Bound a figure's value (named in the message); ``above_zero`` refuses zero too."""
    if above_zero and v.value <= 0:
        raise ValueError(f"value: {what} must be above 0 (got {v.value:g})")
    if v.value > high:
        raise ValueError(f"value: {what} must be at most {high:g} (got {v.value:g})")
    return v


def _speed(v: Value) -> Value:
    return _at_most(v, MAX_SPEED_KMH, "a speed in km/h", above_zero=True)


SpeedKmh = Annotated[Value, AfterValidator(_speed)]  # a driving speed: above 0, at most MAX_SPEED_KMH


class Share(Provenance):
    """A probability in [0, 1] with provenance."""

    value: float = Field(ge=0, le=1)


class Dist(Provenance):
    """A duration distribution in minutes.

    ``mean`` and, for lognormal/gamma, the coefficient of variation ``cv``.
    """

    dist: Literal["exponential", "lognormal", "gamma", "fixed"]
    mean: float = Field(ge=0)
    cv: float | None = Field(default=None, gt=0, le=100)

    @model_validator(mode="after")
    def _cv_when_needed(self) -> Dist:
        if self.dist in ("lognormal", "gamma") and self.mean <= 0:
            raise ValueError(f"mean: a {self.dist} distribution needs a mean > 0")
        if self.dist in ("lognormal", "gamma") and self.cv is None:
            raise ValueError(f"a {self.dist} distribution needs 'cv' (coefficient of variation)")
        if self.dist in ("exponential", "fixed") and self.cv is not None:
            raise ValueError(f"a {self.dist} distribution takes no 'cv'")
        return self


class Mix(Provenance):
    """Shares of categories; they must sum to 1."""

    shares: dict[str, float]

    @field_validator("shares")
    @classmethod
    def _sum_to_one(cls, v: dict[str, float]) -> dict[str, float]:
        if not v:
            raise ValueError("needs at least one category")
        if any(x < 0 for x in v.values()):
            raise ValueError("shares must be >= 0")
        total = sum(v.values())
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"shares must sum to 1 (they sum to {total:.6g})")
        return v


class _HourOfWeek(Provenance):
    """168 values, one per hour of the week, Monday 00:00 first; none negative."""

    @field_validator("values", check_fields=False)
    @classmethod
    def _non_negative(cls, v: list) -> list:
        if any(x < 0 for x in v):
            raise ValueError("hour-of-week values must be >= 0")
        return v


class Week(_HourOfWeek):
    """168 non-negative weights (a demand profile or an admission window)."""

    values: list[float] = Field(min_length=HOURS_PER_WEEK, max_length=HOURS_PER_WEEK)


class Roster(_HourOfWeek):
    """Staff (or vehicles) on duty per hour of the week: 168 whole numbers."""

    values: list[int] = Field(min_length=HOURS_PER_WEEK, max_length=HOURS_PER_WEEK)

    @field_validator("values")
    @classmethod
    def _bounded(cls, v: list[int]) -> list[int]:
        if any(x > MAX_COUNT for x in v):
            raise ValueError(f"hour-of-week values must be <= {MAX_COUNT}")
        return v


# --------------------------------------------------------------------------- run


class RunSettings(Strict):
    """Length of a run, warm-up and replications."""

    days: float = Field(default=365, gt=0, le=MAX_DAYS)
    warmup_days: float = Field(default=14, ge=0, le=MAX_DAYS)
    start_date: dt.date = dt.date(2024, 1, 1)
    replications: int = Field(default=5, ge=1, le=MAX_REPLICATIONS)
    seed: int = Field(default=20240101, ge=0, le=MAX_SEED)


class CalendarSettings(Strict):
    """ANW hours: weekday evenings/nights, weekends, and public holidays."""

    anw_evening_start_hour: int = Field(ge=0, le=23)
    anw_morning_end_hour: int = Field(ge=0, le=23)
    holiday_country: str
    holidays_not_anw: list[str] = Field(
        default_factory=list,
        description="holiday names from the library that are not ANW days (e.g. Good Friday)",
    )
    provenance: Provenance


class Surge(Strict):
    """A demand multiplier over a date range (e.g. a flu wave)."""

    start: dt.date
    end: dt.date
    multiplier: Value

    @field_validator("multiplier")
    @classmethod
    def _multiplier_bounded(cls, v: Value) -> Value:
        return _at_most(v, MAX_MULTIPLIER, "a surge multiplier")

    @model_validator(mode="after")
    def _not_inverted(self) -> Surge:
        if self.end < self.start:
            raise ValueError(f"end: the surge ends ({self.end}) before it starts ({self.start})")
        return self


class Stream(Strict):
    """A non-homogeneous Poisson arrival stream per sub-area."""

    rate_per_1000_per_year: Value
    profile: str
    urgency_mix: Mix | None = None
    need_mix: Mix | None = None
    growth: Value | None = None

    @field_validator("rate_per_1000_per_year")
    @classmethod
    def _rate_bounded(cls, v: Value) -> Value:
        return _at_most(v, MAX_RATE_PER_1000, "a rate per 1000 inhabitants per year")

    @field_validator("growth")
    @classmethod
    def _growth_bounded(cls, v: Value | None) -> Value | None:
        return None if v is None else _at_most(v, MAX_MULTIPLIER, "a growth factor")
    surges: list[Surge] = Field(default_factory=list)


class Streams(Strict):
    """The demand streams of the acute care chain (see the model brief)."""

    self_triage: Stream
    hap_call: Stream
    hap_walk_in: Stream
    call_112: Stream
    ambulance_planned: Stream
    seh_self_referral: Stream
    gp_referral: Stream
    provider_request: Stream


# ------------------------------------------------------------------------- desks


class DeskBehaviour(Strict):
    """How a telephone desk works: handling, caller patience and redial."""

    handling: Dist
    patience: Dist
    redial_probability: Share
    redial_delay: Dist
    max_redials: Count
    answer_norm_min: Value


class Shifts(Provenance):
    """Start hours of a desk's shifts on weekdays and on weekend days (a shift lasts until the next start)."""

    weekday: list[int] = Field(min_length=1, max_length=HOURS_PER_DAY)
    weekend: list[int] = Field(min_length=1, max_length=HOURS_PER_DAY)
    staffed_for: Literal["average", "busiest_hour"] = Field(
        description="what a shift's staff level follows: its average demand or its busiest hour")

    @field_validator("weekday", "weekend")
    @classmethod
    def _hours_of_day(cls, v: list[int]) -> list[int]:
        if any(not 0 <= h < HOURS_PER_DAY for h in v) or sorted(set(v)) != v:
            raise ValueError(f"shift start hours must be distinct, ascending, from 0 to {HOURS_PER_DAY - 1}")
        return v


class HeadcountStaffing(Strict):
    """How a desk's head count becomes phone hours (see sim/config/rosters.py)."""

    fte_per_head: Share
    leave_share: Share
    absence_share: Share
    break_share: Share
    phone_share: Share
    shifts: Shifts
    minimum_on_duty: Count


class ReferenceStaffing(Strict):
    """A desk staffed from a published level on duty at a reference time (see sim/config/rosters.py)."""

    phone_share: Share
    reference_hour: Count
    shifts: Shifts
    minimum_on_duty: Count

    @field_validator("reference_hour")
    @classmethod
    def _hour_of_day(cls, v: Count) -> Count:
        if v.value >= HOURS_PER_DAY:
            raise ValueError(f"value: an hour of the day, 0 to {HOURS_PER_DAY - 1} (got {v.value})")
        return v


class MysteryCalls(Provenance):
    """Test calls with unlimited patience, as in the published mystery-call studies; they measure the wait."""

    day: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    start_hour: float = Field(ge=0, lt=HOURS_PER_DAY, description="window start, hours after midnight (21.5 = 21:30)")
    end_hour: float = Field(gt=0, le=HOURS_PER_DAY, description="window end, hours after midnight (21.5 = 21:30)")
    per_post_per_hour: float = Field(ge=0, le=60)

    @model_validator(mode="after")
    def _window(self) -> MysteryCalls:
        if self.end_hour <= self.start_hour:
            raise ValueError("end_hour: must be after start_hour")
        return self


class HapTriageBehaviour(DeskBehaviour):
    """HAP triage: an urgent and a regular line, after-call work, the GP's input on some calls."""

    gp_input_share: Share
    gp_input_time: Dist
    after_call_work: Dist
    urgent_line: dict[str, Share]
    urgent_line_break_in: Value
    staffing: HeadcountStaffing
    mystery_calls: MysteryCalls

    @field_validator("urgent_line")
    @classmethod
    def _all_nts(cls, v: dict) -> dict:
        return _exact_keys(v, NTS_URGENCIES, "urgencies")


class DispatchBehaviour(DeskBehaviour):
    """The 112 dispatch desk: staffed from the centralists a meldkamer needs."""

    staffing: ReferenceStaffing


class Desks(Strict):
    hap_triage: HapTriageBehaviour
    dispatch_112: DispatchBehaviour
    elv_point: DeskBehaviour


# ------------------------------------------------------------------------- pools


class HapCare(Strict):
    """GP consults at the post and home visits by the visiting car."""

    consult: Dist
    home_visit_on_site: Dist
    car_speed_kmh: SpeedKmh



class DriveVariationByDistance(Provenance):
    """How the spread of one ride's drive time falls with its distance (:class:`sim.geo.driving.DriveSpread`)."""

    reference_km: float = Field(gt=0, le=MAX_TRIP_KM)  # where the factor has the cv of urgent_drive_variation
    shortest_km: float = Field(gt=0, le=MAX_TRIP_KM)  # shorter rides spread as much as one of this distance
    exponent: float = Field(ge=0, le=1)  # cv falls as (reference / distance) ** exponent; 0: the same everywhere


class AmbulanceCare(Strict):
    """Ambulance timings (minutes) and driving: urgent rides accelerate to a cruising speed (sim/geo/driving.py)."""

    dispatch_delay: Dist
    chute_time: Dist
    on_scene: Dist
    handover: Dist
    planned_ride: Dist
    urgent_speed_kmh: SpeedKmh
    urgent_acceleration_m_s2: Annotated[Value, AfterValidator(
        lambda v: _at_most(v, MAX_ACCELERATION_M_S2, "an acceleration in m/s2", above_zero=True))]
    urgent_drive_variation: Dist  # factor on the drive time (mean 1): traffic, route, finding the address
    urgent_drive_variation_by_distance: DriveVariationByDistance
    normal_speed_kmh: SpeedKmh
    a1_norm_min: Value
    a2_norm_min: Value

    @field_validator("urgent_drive_variation")
    @classmethod
    def _factor_of_mean_one(cls, v: Dist) -> Dist:
        if abs(v.mean - 1.0) > 1e-9:
            raise ValueError(f"mean: a factor on the drive time must have mean 1 (got {v.mean:g})")
        if v.dist not in ("lognormal", "fixed"):
            raise ValueError(f"dist: the drive-time factor is lognormal (its spread follows the distance) or "
                             f"fixed (no spread), got {v.dist}")
        return v

    def urgent_drive_spread(self) -> DriveSpread:
        """How one ride's drive-time factor spreads at its distance (sim/geo/driving.py)."""
        d = self.urgent_drive_variation_by_distance
        return DriveSpread(self.urgent_drive_variation.cv or 0.0, d.reference_km, d.shortest_km, d.exponent)

    def urgent_drive(self) -> UrgentDrive:
        """Minutes of an urgent ride per road km: cruising at ``urgent_speed_kmh`` after accelerating."""
        return UrgentDrive(v=self.urgent_speed_kmh.value / MIN_PER_HOUR,
                           a=self.urgent_acceleration_m_s2.value * SECONDS_PER_MINUTE**2 / M_PER_KM)



class SehStops(Strict):
    """SEH stops: hours when an SEH accepts no ambulance arrivals (ambulances go to the next-nearest SEH).

    Each SEH alternates between open and stopped periods independently (exponential
    durations): a stop lasts ``mean_duration_min`` on average and the long-run
    stopped time is ``minutes_per_day``; zero switches stops off.
    """

    minutes_per_day: Value
    mean_duration_min: Value

    @field_validator("minutes_per_day")
    @classmethod
    def _under_a_day(cls, v: Value) -> Value:
        return _at_most(v, 1439.0, "stopped minutes per day")

    @field_validator("mean_duration_min")
    @classmethod
    def _positive(cls, v: Value) -> Value:
        return _at_most(v, 1440.0 * 7, "a stop's mean duration in minutes", above_zero=True)


class SehCare(Strict):
    """Emergency department length of stay by disposition, and SEH stops."""

    los_home: Dist
    los_admitted: Dist
    stops: SehStops


class BedCare(Strict):
    """A bed pool's length of stay, admission window and transfer lag."""

    los: Dist
    admission_hours: Week
    transfer_lag: Dist
    max_wait_at_home_hours: Value
    initial_occupancy: Share


class LongTermCare(Strict):
    """Waiting in hospital for a long-term care place (Wlz nursing home, home care) outside the model's pools."""

    wait: Dist


class VisitCare(Strict):
    """A mobile team visit (district nursing, crisis GGZ)."""

    visit: Dist


class CallingAround(Strict):
    """Status quo search for a provider by phone: attempts until success or give up."""

    attempt_time: Dist
    success_when_all_free: Share
    max_attempts: Count


class Travel(Strict):
    """Road-distance approximation between sub-areas, and where inhabitants live around their town hall."""

    detour_factor: Value
    town_share: Share  # inhabitants living in the town around their municipality's town hall
    town_density_per_km2: Value  # inhabitants per km² of that town

    @model_validator(mode="after")
    def _a_settlement(self) -> Travel:
        if self.town_share.value >= 1.0:
            raise ValueError(f"town_share: expected below 1 (the countryside keeps some inhabitants), "
                             f"got {self.town_share.value:g}")
        if self.town_density_per_km2.value <= 0:
            raise ValueError(f"town_density_per_km2: expected above 0, got {self.town_density_per_km2.value:g}")
        return self

    def settlement(self) -> Settlement:
        """The geometry of where inhabitants live (:class:`sim.geo.regions.Settlement`)."""
        return Settlement(self.town_share.value, self.town_density_per_km2.value)


class Care(Strict):
    """How each care service works. Every bed pool of ``BED_POOLS`` has a :class:`BedCare` section here."""

    hap: HapCare
    ambulance: AmbulanceCare
    seh: SehCare
    hospital: BedCare
    elv: BedCare
    grz: BedCare
    crisis_bed: BedCare
    district_nursing: VisitCare
    ggz_crisis: VisitCare
    calling_around: CallingAround
    travel: Travel
    long_term_care: LongTermCare

    def bed(self, kind: str) -> BedCare:
        """The section of bed pool ``kind``."""
        section = getattr(self, kind)
        assert isinstance(section, BedCare), kind
        return section


# -------------------------------------------------------------------- priorities


class Priorities(Provenance):
    """Queue order at every desk, pool and fleet: lower numbers are served first (FIFO within a number)."""

    by_urgency: dict[str, int]
    no_urgency: int = Field(ge=0)
    desk_call: int = Field(ge=0)
    urgent_line: int = Field(ge=0)
    regular_line: int = Field(ge=0)
    followup_bed: int = Field(ge=0)
    hospital_bed_waiting_for_followup: int = Field(ge=0)
    crisis_team_from_gp: int = Field(ge=0)
    warm_transfer: int = Field(ge=0)
    gp_consultation: int = Field(ge=0)
    provider_request: int = Field(ge=0)
    team_after_provider_request: int = Field(ge=0)

    @field_validator("by_urgency")
    @classmethod
    def _every_urgency(cls, v: dict[str, int]) -> dict[str, int]:
        _exact_keys(v, sorted(NTS_URGENCIES + AMBULANCE_URGENCIES), "urgencies")
        if any(x < 0 for x in v.values()):
            raise ValueError("priorities must be >= 0")
        return v


class UrgencyMap(Provenance):
    """An urgency given for each triage urgency (e.g. which ambulance urgency a HAP urgency gets)."""

    values: dict[str, Literal["A1", "A2"]]

    @field_validator("values")
    @classmethod
    def _every_hap_urgency(cls, v: dict[str, str]) -> dict[str, str]:
        return _exact_keys(v, NTS_URGENCIES, "urgencies")


class Label(Provenance):
    """A category chosen by the modeller (e.g. the urgency given after extended triage)."""

    value: str


# ----------------------------------------------------------------------- routing


class Routing(Strict):
    """Where triage sends people. Every mix carries its source or estimate."""

    self_triage: Mix
    hap_triage: dict[str, Mix]
    hap_mental_health: Mix
    hap_ambulance_urgency: UrgencyMap
    after_gp_seh_referral: dict[str, Share]
    dispatch: Mix
    no_ambulance: Mix
    convey_to_seh: dict[str, Share]
    seh_admit: dict[str, Share]
    seh_followup: Share
    hospital_followup: Share
    hospital_long_term_care: Share
    followup_mix: Mix
    provider_request: Mix

    @field_validator("followup_mix")
    @classmethod
    def _followup_beds(cls, v: Mix) -> Mix:
        return _labels_within(v, FOLLOWUP_BED_KINDS)

    @field_validator("provider_request")
    @classmethod
    def _provider_needs(cls, v: Mix) -> Mix:
        return _labels_within(v, FOLLOWUP_BED_KINDS + TEAM_KINDS)

    @field_validator("hap_triage", "after_gp_seh_referral")
    @classmethod
    def _all_nts(cls, v: dict) -> dict:
        return _exact_keys(v, NTS_URGENCIES, "urgencies")

    @field_validator("hap_triage")
    @classmethod
    def _hap_outcomes(cls, v: dict[str, Mix]) -> dict[str, Mix]:
        for mix in v.values():
            _labels_within(mix, HAP_TRIAGE_OUTCOMES)
        return v

    @field_validator("hap_mental_health")
    @classmethod
    def _hap_mental_outcomes(cls, v: Mix) -> Mix:
        return _labels_within(v, HAP_TRIAGE_OUTCOMES)


# -------------------------------------------------------------------- true need


class TriageError(Strict):
    """How often one desk's triage errs: the share of its decisions that are too low or too high."""

    under_triage: Share
    over_triage: Share

    @model_validator(mode="after")
    def _at_most_all(self) -> TriageError:
        if self.under_triage.value + self.over_triage.value > 1 + 1e-9:
            raise ValueError("under_triage + over_triage must be at most 1")
        return self


class RePresentation(Strict):
    """When and how a patient whose true need was not met comes back."""

    window_hours: Value
    delay: Dist
    route: Mix

    @field_validator("route")
    @classmethod
    def _routes(cls, v: Mix) -> Mix:
        _exact_keys(v.shares, RE_PRESENTATION_ROUTES, "routes")
        return v

    @field_validator("window_hours")
    @classmethod
    def _window(cls, v: Value) -> Value:
        return _at_most(v, 24.0 * 30, "a re-presentation window in hours", above_zero=True)


class TrueNeed(Strict):
    """True need next to the triaged one: triage error per desk, what an under-triaged patient needed,
    re-presentation, and the NTS time windows time to care is measured against."""

    triage_error: dict[str, TriageError]
    first_triage_urgency: dict[str, Label]
    under_triaged_need: dict[str, Mix]
    re_presentation: RePresentation
    time_window_min: dict[str, Value]

    @field_validator("triage_error")
    @classmethod
    def _every_desk(cls, v: dict[str, TriageError]) -> dict[str, TriageError]:
        return _exact_keys(v, TRIAGE_DESKS, "triage desks")

    @field_validator("first_triage_urgency")
    @classmethod
    def _every_class(cls, v: dict[str, Label]) -> dict[str, Label]:
        _exact_keys(v, FIRST_TRIAGE_CLASSES, "first-triage classes")
        for label in v.values():
            if label.value not in NTS_URGENCIES:
                raise ValueError(f"unknown urgency '{label.value}'; expected one of {', '.join(NTS_URGENCIES)}")
        return v

    @field_validator("under_triaged_need")
    @classmethod
    def _needs_above(cls, v: dict[str, Mix]) -> dict[str, Mix]:
        _exact_keys(v, CARE_LEVELS[:2], "care levels a diversion meets")
        for met, mix in v.items():
            _labels_within(mix, CARE_LEVELS[CARE_LEVELS.index(met) + 1:])
        return v

    @field_validator("time_window_min")
    @classmethod
    def _every_urgency(cls, v: dict[str, Value]) -> dict[str, Value]:
        return _exact_keys(v, NTS_URGENCIES, "urgencies")


# ----------------------------------------------------------------------- costs


class Staffing(Strict):
    """Working hours per FTE and employer cost per staff hour by role."""

    fte_hours_per_week: Value
    hourly_cost_hap_triagist: Value
    hourly_cost_centralist: Value
    hourly_cost_elv_coordinator: Value
    dispatch_non_urgent_share: Share
    triage_staff_factor: Value

    @field_validator("triage_staff_factor")
    @classmethod
    def _factor(cls, v: Value) -> Value:
        return _at_most(v, MAX_MULTIPLIER, "a staff factor")


MIN_PRICE_YEAR = 1990
MAX_PRICE_YEAR = 2100
MAX_UNIT_COST = 1e9  # euros: no unit cost of the chain comes near a billion


class UnitCost(Provenance):
    """A unit cost in euros at the prices of ``year`` (indexed to the file's price year when computed)."""

    value: float = Field(ge=0, le=MAX_UNIT_COST)
    year: int = Field(ge=MIN_PRICE_YEAR, le=MAX_PRICE_YEAR)


class PriceIndex(Provenance):
    """Factors that bring a figure of another year to the price year (e.g. CBS consumer prices)."""

    price_year: int = Field(ge=MIN_PRICE_YEAR, le=MAX_PRICE_YEAR)
    to_price_year: dict[int, float] = Field(default_factory=dict)

    @field_validator("to_price_year")
    @classmethod
    def _positive(cls, v: dict[int, float]) -> dict[int, float]:
        for year, factor in v.items():
            if not (MIN_PRICE_YEAR <= year <= MAX_PRICE_YEAR):
                raise ValueError(f"{year}: a year between {MIN_PRICE_YEAR} and {MAX_PRICE_YEAR}")
            if not 0 < factor <= MAX_MULTIPLIER:
                raise ValueError(f"{year}: an index factor above 0 and at most {MAX_MULTIPLIER:g} (got {factor:g})")
        return v


class HapCosts(Strict):
    """What the GP out-of-hours post costs per contact (NZa tariffs)."""

    telephone_advice: UnitCost
    consult: UnitCost
    home_visit: UnitCost


class AmbulanceCosts(Strict):
    """Ride tariffs: a base charge per ride plus the kilometres with the patient on board."""

    urgent_base: UnitCost
    planned_base: UnitCost
    per_km: UnitCost
    no_conveyance: UnitCost
    planned_ride_km: Value  # loaded km of a planned (B) ride: the model has no destination for it


class StaffPay(Provenance):
    """Employer cost per hour of one desk role: gross pay x months x charges x allowance / productive hours."""

    gross_month: float = Field(gt=0, le=MAX_UNIT_COST)
    year: int = Field(ge=MIN_PRICE_YEAR, le=MAX_PRICE_YEAR)
    months: float = Field(gt=0, le=MAX_MULTIPLIER)  # 12.96: twelve months, holiday pay and year-end bonus
    employer_charges: float = Field(ge=1, le=MAX_MULTIPLIER)
    irregular_hours: float = Field(ge=1, le=MAX_MULTIPLIER)
    productive_hours_per_year: float = Field(gt=0, le=8784)

    @property
    def hourly(self) -> float:
        return (self.gross_month * self.months * self.employer_charges * self.irregular_hours
                / self.productive_hours_per_year)


class ZccFacilityCosts(Strict):
    """The zcc's non-staff costs a year: per work location and per region."""

    per_location_per_year: UnitCost
    ict_per_region_per_year: UnitCost
    regiearts_per_region_per_year: UnitCost


class Costs(Strict):
    """Unit costs of every care activity and desk of the chain, at one price year."""

    index: PriceIndex
    hap: HapCosts
    ambulance: AmbulanceCosts
    seh_visit: UnitCost
    bed_day: dict[str, UnitCost]
    team_visit: dict[str, UnitCost]
    verkeerde_bed_day: UnitCost
    desk_staff: dict[str, StaffPay]
    zcc: ZccFacilityCosts

    @field_validator("bed_day")
    @classmethod
    def _every_bed_pool(cls, v: dict[str, UnitCost]) -> dict[str, UnitCost]:
        return _exact_keys(v, BED_POOLS, "bed pools")

    @field_validator("team_visit")
    @classmethod
    def _every_team(cls, v: dict[str, UnitCost]) -> dict[str, UnitCost]:
        return _exact_keys(v, TEAM_KINDS, "teams")

    @field_validator("desk_staff")
    @classmethod
    def _every_role(cls, v: dict[str, StaffPay]) -> dict[str, StaffPay]:
        return _exact_keys(v, DESK_ROLES, "desk roles")

    @model_validator(mode="after")
    def _years_indexed(self) -> Costs:
        for name, cost in self.unit_costs():
            if cost.year != self.price_year and cost.year not in self.index.to_price_year:
                raise ValueError(f"{name}.year: {cost.year} is not the price year {self.price_year} and "
                                 f"index.to_price_year has no factor for it")
        return self

    @property
    def price_year(self) -> int:
        return self.index.price_year

    def unit_costs(self) -> list[tuple[str, UnitCost]]:
        """Every unit cost with its dotted name (``hap.consult``, ``bed_day.elv`` ...)."""
        out: list[tuple[str, UnitCost]] = []
        for section in ("hap", "ambulance", "zcc"):
            for key, val in getattr(self, section):
                if isinstance(val, UnitCost):
                    out.append((f"{section}.{key}", val))
        out.append(("seh_visit", self.seh_visit))
        out.append(("verkeerde_bed_day", self.verkeerde_bed_day))
        out += [(f"bed_day.{k}", v) for k, v in self.bed_day.items()]
        out += [(f"team_visit.{k}", v) for k, v in self.team_visit.items()]
        return out

    def eur(self, cost: UnitCost) -> float:
        """A unit cost in euros of the price year."""
        factor = 1.0 if cost.year == self.price_year else self.index.to_price_year[cost.year]
        return cost.value * factor


# ---------------------------------------------------------------------- region


class HapSite(Strict):
    """A GP out-of-hours post: its triagists (head count, or an explicit roster), GPs at the post, cars."""

    subarea: str
    triagists: Value | None = None
    triage_roster: Roster | None = None

    @property
    def triage(self) -> Roster:
        """The triage roster (given, or computed from ``triagists`` when the scenario is validated)."""
        if self.triage_roster is None:
            raise ValueError("triage_roster: not computed (validate the whole Scenario)")
        return self.triage_roster
    gp_roster: Roster
    car_roster: Roster


class HapTriageCentre(Provenance):
    """Where a huisartsendienstenstructuur (HDS) answers the calls for its posts: one desk, one queue.

    An HDS runs several posts behind one telephone number, and its triagists answer
    every caller of those posts from one call centre. The loader rosters the centre's summed
    head count as one desk and shares that roster out to the posts by head count
    (``Scenario._desk_rosters``), so the desk's roster is the sum of its posts' rosters.
    """

    posts: list[str] = Field(min_length=1)


class SehSite(Strict):
    subarea: str
    places: Count


class AmbulancePost(Strict):
    subarea: str
    vehicles: Count


class Meldkamer(Strict):
    """The region's 112 dispatch desk: centralists needed on weekdays in daytime, or an explicit roster."""

    subarea: str
    centralists_weekday_day: Value | None = None
    roster: Roster | None = None

    @property
    def desk(self) -> Roster:
        """The dispatch roster (given, or computed from ``centralists_weekday_day`` when validated)."""
        if self.roster is None:
            raise ValueError("roster: not computed (validate the whole Scenario)")
        return self.roster


class AmbulanceFleet(Strict):
    posts: dict[str, AmbulancePost] = Field(min_length=1)
    on_duty: Roster


class Resources(Strict):
    """A region's capacities: sites, rosters and bed pools."""

    haps: dict[str, HapSite] = Field(min_length=1)
    hap_triage_centres: dict[str, HapTriageCentre] = Field(min_length=1)
    sehs: dict[str, SehSite] = Field(min_length=1)
    meldkamer: Meldkamer
    ambulance: AmbulanceFleet
    elv_point_roster: Roster
    beds: dict[str, Count]
    district_nursing_roster: Roster
    ggz_crisis_roster: Roster

    @field_validator("beds")
    @classmethod
    def _every_bed_pool(cls, v: dict[str, Count]) -> dict[str, Count]:
        return _exact_keys(v, BED_POOLS, "bed pools")

    @model_validator(mode="after")
    def _every_post_in_one_centre(self) -> Resources:
        """Each HAP post's callers are answered by exactly one triage centre."""
        answered_by: dict[str, str] = {}
        for centre, spec in self.hap_triage_centres.items():
            for post in spec.posts:
                if post not in self.haps:
                    raise ValueError(f"hap_triage_centres.{centre}.posts: unknown post '{post}'; expected one of "
                                     f"{', '.join(self.haps)}")
                if post in answered_by:
                    raise ValueError(f"hap_triage_centres.{centre}.posts: post '{post}' is already answered by "
                                     f"'{answered_by[post]}' (a post has one triage centre)")
                answered_by[post] = centre
        missing = [p for p in self.haps if p not in answered_by]
        if missing:
            raise ValueError(f"hap_triage_centres: no centre answers post(s) {', '.join(missing)}; "
                             f"expected every post of resources.haps in one centre's posts")
        return self

    def centre_rosters(self) -> dict[str, list[int]]:
        """Each triage centre's roster: the hour-by-hour sum of its posts' triage rosters."""
        return {name: [sum(hours) for hours in zip(*(self.haps[p].triage.values for p in spec.posts), strict=True)]
                for name, spec in self.hap_triage_centres.items()}


# -------------------------------------------------------------------------- zcc


class StaffGroup(Strict):
    """Staff who hold the same skills; their region-wide roster is given or derived (sim/config/zcc_rosters.py)."""

    skills: list[Literal["gp_triagist", "ambulance_nurse", "mental_health", "district_nursing", "coordinator"]] = \
        Field(min_length=1)
    roster: Roster | None = None
    hourly_cost: Value
    keep_free: Count | None = None  # members kept free for the group's own calls (sim/resources/skilldesk.py)

    @property
    def rostered(self) -> Roster:
        if self.roster is None:
            raise ValueError("roster: not derived (validate the whole Scenario)")
        return self.roster


class StaffingOption(Strict):
    """A named way to staff the zcc: a rule that derives the rosters from the work, or explicit rosters.

    ``rule: equal_service``: every desk answers at least the status quo's share within the norm;
    ``rule: budget``: the zcc's staff cost is ``budget_factor`` x the status quo's triage and
    coordination staff cost less the other desks after the change (1 = budget neutral).
    Without a rule the option lists its ``groups`` with rosters.
    """

    description: str = ""
    rule: Literal["equal_service", "budget"] | None = None
    budget_factor: Value | None = None
    groups: dict[str, StaffGroup] | None = None

    @model_validator(mode="after")
    def _rule_or_groups(self) -> StaffingOption:
        if self.rule is None and not self.groups:
            raise ValueError("needs a rule (equal_service or budget) or groups with rosters")
        if self.rule == "budget" and self.budget_factor is None:
            raise ValueError("budget_factor: required with rule 'budget' (1 = budget neutral)")
        if self.rule is None and self.groups:
            missing = [g for g, spec in self.groups.items() if spec.roster is None]
            if missing:
                raise ValueError(f"groups.{missing[0]}.roster: required when the option has no rule")
        return self


class ZccSite(Strict):
    subarea: str


class ZccLocations(Strict):
    """Where the zcc works: 1..k locations, pooled (one virtual queue) or separate."""

    mode: Literal["pooled", "separate"]
    sites: dict[str, ZccSite] = Field(min_length=1)
    overflow_after_min: Value | None = None
    staff_residence: dict[str, float] | None = None
    commute_speed_kmh: SpeedKmh



class ZccFlows(Strict):
    """Which calls reach the zcc, and when."""

    patient_line_hours: Week
    provider_line_hours: Week
    forward_hap_calls: bool
    warm_transfer_112: bool
    warm_transfer_share: dict[str, Share]
    provider_line: bool
    self_triage_visible: bool

    @field_validator("warm_transfer_share")
    @classmethod
    def _first_triage_classes(cls, v: dict) -> dict:
        return _exact_keys(v, FIRST_TRIAGE_CLASSES, "first-triage classes")


class ZccHandling(Strict):
    """Desk behaviour and handling times at the zcc."""

    patient_line: DeskBehaviour
    provider_line: DeskBehaviour
    first_triage_112: Dist
    transfer_handover: Dist
    extended_triage: Dist
    provider_request: Dist
    self_triage_factor: Share
    ambulance_after_extended_triage: Share
    extended_triage_outcome: Mix
    extended_triage_urgency: Label

    @field_validator("extended_triage_urgency")
    @classmethod
    def _nts_urgency(cls, v: Label) -> Label:
        if v.value not in NTS_URGENCIES:
            raise ValueError(f"value: expected one of {', '.join(NTS_URGENCIES)}")
        return v


class Substitution(Strict):
    """Passende zorginzet: alternatives to SEH and ambulance, only when capacity is free now."""

    ambulance: Share
    seh: Share
    alternatives: dict[str, Mix]
    team_max_wait_hours: Value

    @field_validator("alternatives")
    @classmethod
    def _known(cls, v: dict[str, Mix]) -> dict[str, Mix]:
        for need, mix in v.items():
            bad = [k for k in mix.shares if k not in ALTERNATIVES]
            if bad:
                raise ValueError(f"{need}: unknown alternative '{bad[0]}'; expected one of {', '.join(ALTERNATIVES)}")
        return v


class Spreading(Strict):
    """Placement in a neighbouring region when the own pool is full."""

    neighbour_beds: dict[str, Count]

    @field_validator("neighbour_beds")
    @classmethod
    def _followup_beds(cls, v: dict[str, Count]) -> dict[str, Count]:
        bad = sorted(set(v) - set(FOLLOWUP_BED_KINDS))
        if bad:
            raise ValueError(f"unknown bed pool '{bad[0]}'; expected one of {', '.join(FOLLOWUP_BED_KINDS)}")
        return v
    transfer_time: Dist


class ServiceLevel(Strict):
    """The zcc's planning norm, for the location and staffing searches (sim/plan/locations.py, sim/plan/staffing.py).

    ``share`` of patient-line calls answered within the line's ``answer_norm_min``;
    ``minimum_staff`` per staff group (and per location in separate mode) in every hour.
    """

    share: Share
    minimum_staff: Count


class Zcc(Strict):
    """Scenario III: one care coordination centre for the region."""

    flows: ZccFlows
    skills: dict[str, Literal["gp_triagist", "ambulance_nurse", "mental_health", "district_nursing", "coordinator"]]
    handling: ZccHandling
    substitution: Substitution
    capacity_insight_step: Dist
    spreading: Spreading | None = None
    locations: ZccLocations
    staffing: str
    staff_groups: dict[str, StaffGroup] | None = None
    staffing_options: dict[str, StaffingOption] = Field(min_length=1)
    service_level: ServiceLevel  # also the derived rosters' target for calls with no status-quo desk and their minimum
    # Set by the loader once every desk's roster follows the work (sim/config/zcc_rosters.py); a resolved
    # file carries it, so loading that file again keeps its rosters instead of deriving from derived ones.
    rosters_derived: bool = False

    @field_validator("skills")
    @classmethod
    def _call_types(cls, v: dict) -> dict:
        if set(v) != set(ZCC_CALL_TYPES):
            raise ValueError(f"needs a skill for each call type: {', '.join(sorted(ZCC_CALL_TYPES))}")
        return v

    @model_validator(mode="after")
    def _staffing_known(self) -> Zcc:
        if self.staffing not in self.staffing_options:
            raise ValueError(f"zcc.staffing: unknown staffing option '{self.staffing}'; expected one of "
                             f"{', '.join(sorted(self.staffing_options))}")
        option = self.staffing_options[self.staffing]
        groups, where = ((option.groups, f"zcc.staffing_options.{self.staffing}.groups") if option.groups
                         else (self.staff_groups, "zcc.staff_groups"))
        if not groups:
            raise ValueError(f"zcc.staff_groups: required by the staffing option '{self.staffing}' (rule "
                             f"{option.rule}): which staff groups the rule derives rosters for")
        held = {s for g in groups.values() for s in g.skills}
        missing = sorted(set(self.skills.values()) - held)
        if missing:
            raise ValueError(f"{where}: no staff group holds the skill '{missing[0]}' that calls need")
        return self

    @property
    def option(self) -> StaffingOption:
        return self.staffing_options[self.staffing]

    @property
    def groups(self) -> dict[str, StaffGroup]:
        """The chosen option's staff groups with their rosters (derived when the scenario was validated)."""
        groups = self.option.groups
        if groups is None:
            raise ValueError("zcc: staffing rosters not derived (validate the whole Scenario)")
        return groups


class Scenario(Strict):
    """A complete, resolved scenario: one region, one setting, all inputs."""

    name: str
    description: str = ""
    region: str
    setting: Literal["status_quo", "zcc"]
    run: RunSettings = RunSettings()
    calendar: CalendarSettings
    profiles: dict[str, Week]
    streams: Streams
    desks: Desks
    care: Care
    routing: Routing
    true_need: TrueNeed
    priorities: Priorities
    staffing: Staffing
    costs: Costs
    resources: Resources
    zcc: Zcc | None = None

    @model_validator(mode="after")
    def _zcc_when_needed(self) -> Scenario:
        if self.setting == "zcc" and self.zcc is None:
            raise ValueError("zcc: setting 'zcc' needs a zcc section (flows, locations, staffing)")
        return self

    @model_validator(mode="after")
    def _hap_urgency_mix(self) -> Scenario:
        if self.streams.hap_call.urgency_mix is None:
            raise ValueError("streams.hap_call.urgency_mix: required (HAP triage draws the urgency of callers who "
                             "come via self-triage or 112 from it)")
        return self

    @model_validator(mode="after")
    def _desk_rosters(self) -> Scenario:
        """Compute the HAP triage and 112 desk rosters a scenario does not give, from today's staffing."""
        from sim.config import rosters

        res, desks, fte = self.resources, self.desks, self.staffing.fte_hours_per_week.value
        hap_profile = self.profiles.get(self.streams.hap_call.profile)
        emergency_profile = self.profiles.get(self.streams.call_112.profile)
        if hap_profile is None or emergency_profile is None:
            return self  # _profiles_exist names the missing profile
        haps = dict(res.haps)
        hs = desks.hap_triage.staffing
        hap_shifts = rosters.shift_of_hour(hs.shifts.weekday, hs.shifts.weekend)
        for centre, spec in res.hap_triage_centres.items():
            # A centre rosters its posts' head count as one desk; each post's roster is its share of it.
            derived = [name for name in spec.posts if res.haps[name].triage_roster is None]
            for name in derived:
                if res.haps[name].triagists is None:
                    raise ValueError(f"resources.haps.{name}: needs triagists (head count) or triage_roster")
            if not derived:
                continue
            heads = [res.haps[name].triagists.value for name in derived]  # type: ignore[union-attr]
            hours = rosters.phone_hours_from_headcount(
                sum(heads), hs.fte_per_head.value, fte, hs.leave_share.value, hs.absence_share.value,
                hs.break_share.value, hs.phone_share.value)
            values = rosters.shift_roster(hours, hap_profile.values, hap_shifts, hs.minimum_on_duty.value,
                                          hs.shifts.staffed_for)
            total = sum(heads)
            split = [rosters.largest_remainder([v * h / total for h in heads]) if total > 0 else [0] * len(heads)
                     for v in values]
            for k, name in enumerate(derived):
                note = (f"{heads[k]:g} of the {total:g} triagists (head count) of triage centre {centre}: its "
                        f"head count x {hs.fte_per_head.value:g} FTE x {fte:g} h x (1 - leave, absence, breaks) x "
                        f"{hs.phone_share.value:g} on the phone = {hours:,.0f} phone hours a week, spread over "
                        f"shifts by HAP demand, each shift staffed for its "
                        f"{hs.shifts.staffed_for.replace('_', ' ')}, then shared out to the posts by head count "
                        f"(desks.hap_triage.staffing; sim/config/rosters.py)")
                haps[name] = res.haps[name].model_copy(
                    update={"triage_roster": Roster(values=[row[k] for row in split], estimate=note)})
        mk = res.meldkamer
        if mk.roster is None:
            if mk.centralists_weekday_day is None:
                raise ValueError("resources.meldkamer: needs centralists_weekday_day or roster")
            ds = desks.dispatch_112.staffing
            shifts = rosters.shift_of_hour(ds.shifts.weekday, ds.shifts.weekend)
            hours = rosters.phone_hours_from_reference(mk.centralists_weekday_day.value, ds.phone_share.value,
                                                       emergency_profile.values, shifts, ds.reference_hour.value)
            values = rosters.shift_roster(hours, emergency_profile.values, shifts, ds.minimum_on_duty.value,
                                          ds.shifts.staffed_for)
            note = (f"{mk.centralists_weekday_day.value:g} centralists on weekdays in daytime x "
                    f"{ds.phone_share.value:g} taking 112 calls; other shifts at the same calls per centralist-hour "
                    f"= {hours:,.0f} phone hours a week (desks.dispatch_112.staffing; sim/config/rosters.py)")
            mk = mk.model_copy(update={"roster": Roster(values=values, estimate=note)})
        new_res = res.model_copy(update={"haps": haps, "meldkamer": mk})
        return self.model_copy(update={"resources": new_res})

    @model_validator(mode="after")
    def _profiles_exist(self) -> Scenario:
        for name, stream in self.streams:
            if stream.profile not in self.profiles:
                raise ValueError(
                    f"streams.{name}.profile: unknown profile '{stream.profile}'; "
                    f"expected one of {', '.join(sorted(self.profiles))}"
                )
        return self
