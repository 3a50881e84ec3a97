"""Desk rosters from today's staffing, not from a service level.

A desk's roster (staff on the phone per hour of the week) is computed from a
published staffing figure and explicit conversion factors, and then spread
over the week in shifts that follow the desk's demand:

* **head count** (HAP triagists per post): head count x FTE per head x hours per
  FTE x (1 - leave) x (1 - absence) x (1 - breaks) x share of desk time on the
  phone = phone hours a week;
* **staff on duty at a reference time** (centralists a meldkamer needs on
  weekdays in daytime, RIVM): that level x share of centralists on call taking,
  and the other shifts at the same calls per person-hour as the reference shift.

Within a shift the staff level is constant (people work shifts, demand varies
by the hour), rounded to whole people, with a minimum when the desk is open. A
desk says what the level follows (``shifts.staffed_for``): the shift's average
demand (peaks within a shift queue) or its busiest hour (the planner covers every
hour of the shift, quieter hours have slack); the week's hours are the same.

Pure functions of configuration values: the loader fills in a roster that a
scenario does not give explicitly, and ``acutesim derive-regions`` uses the same
functions, so a roster is computed in one place only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from sim.config.constants import DAY_NAMES, HOURS_PER_DAY, HOURS_PER_WEEK, WEEKEND_DAYS


def shift_of_hour(starts_weekday: Sequence[int], starts_weekend: Sequence[int]) -> list[int]:
    """The shift number of each hour of the week (Monday 00:00 first).

    A shift starts at each start hour of the day type (weekday or weekend) and
    lasts until the next start, across midnight and across the week's end
    (the night shift of Sunday continues into Monday morning).
    """
    starts = []
    for d, day in enumerate(DAY_NAMES):
        for h in (starts_weekend if day in WEEKEND_DAYS else starts_weekday):
            starts.append(d * HOURS_PER_DAY + int(h))
    starts = sorted(set(starts))
    if not starts:
        return [0] * HOURS_PER_WEEK
    shift = [0] * HOURS_PER_WEEK
    current = len(starts) - 1  # hours before the first start belong to the week's last shift
    nxt = 0
    for hour in range(HOURS_PER_WEEK):
        while nxt < len(starts) and starts[nxt] <= hour:
            current, nxt = nxt, nxt + 1
        shift[hour] = current
    return shift


def shift_roster(phone_hours_per_week: float, demand: Sequence[float], shifts: Sequence[int],
                 minimum_when_open: int, staffed_for: str = "average") -> list[int]:
    """Staff per hour: one level per shift, whole people, a minimum when open.

    ``demand`` is the desk's hour-of-week demand profile (relative weights); an hour
    with zero demand is closed (nobody on duty). ``staffed_for`` says what a shift's level
    follows, the week's hours being the same either way:

    * ``average``: the shift's mean demand (its hours in proportion to its demand), so the
      busiest hour of a shift queues most;
    * ``busiest_hour``: the demand of the shift's busiest hour, as a planner who must cover
      every hour of a fixed shift staffs it; quieter hours of the shift then have slack.

    Levels are whole people and the week keeps its hours (:func:`round_keeping_hours`): rounding
    each shift to the nearest person would add or drop up to half a person in every shift, and
    by chance more in one desk than in another (a small desk's hours then depend on where its
    levels fall between two whole numbers, not on its staffing).
    """
    total = float(sum(demand))
    if total <= 0 or phone_hours_per_week <= 0:
        return [0] * HOURS_PER_WEEK
    open_hours: dict[int, int] = {}
    shift_demand: dict[int, float] = {}
    busiest: dict[int, float] = {}
    for h in range(HOURS_PER_WEEK):
        if demand[h] > 0:
            s = shifts[h]
            open_hours[s] = open_hours.get(s, 0) + 1
            shift_demand[s] = shift_demand.get(s, 0.0) + float(demand[h])
            busiest[s] = max(busiest.get(s, 0.0), float(demand[h]))
    if staffed_for == "average":
        level = {s: phone_hours_per_week * shift_demand[s] / total / open_hours[s] for s in open_hours}
    elif staffed_for == "busiest_hour":
        hours_if_busiest = sum(busiest[s] * open_hours[s] for s in open_hours)
        level = {s: phone_hours_per_week * busiest[s] / hours_if_busiest for s in open_hours}
    else:
        raise ValueError(f"staffed_for: expected 'average' or 'busiest_hour', got '{staffed_for}'")
    whole = round_keeping_hours(level, open_hours, phone_hours_per_week, minimum_when_open)
    return [whole[shifts[h]] if demand[h] > 0 else 0 for h in range(HOURS_PER_WEEK)]


def round_keeping_hours(level: dict[int, float], hours: dict[int, int], target: float,
                        minimum: int) -> dict[int, int]:
    """Whole staff levels per shift whose week comes closest to ``target`` hours.

    Each shift starts at the floor of its exact level (at least ``minimum``); then, in order of the
    largest fractional remainder (the first shift among equal remainders), a shift gets one person
    more while that brings the week's hours (level x the shift's ``hours``) closer to ``target``: a
    largest-remainder rounding weighted by the shifts' lengths. A shift raised to the minimum takes
    no extra person (the minimum already added hours the staffing does not have).
    """
    whole = {s: max(minimum, math.floor(x)) for s, x in level.items()}
    total = sum(whole[s] * hours[s] for s in level)
    by_remainder = sorted(level, key=lambda s: (-(level[s] - math.floor(level[s])), s))
    for s in by_remainder:
        if whole[s] == math.floor(level[s]) and total + hours[s] / 2 < target:
            whole[s] += 1
            total += hours[s]
    return whole


def phone_hours_from_headcount(headcount: float, fte_per_head: float, hours_per_fte: float, leave: float,
                               absence: float, breaks: float, phone_share: float) -> float:
    """Phone hours a week that a desk's head count provides (see the module docstring)."""
    return headcount * fte_per_head * hours_per_fte * (1 - leave) * (1 - absence) * (1 - breaks) * phone_share


def phone_hours_from_reference(on_duty_at_reference: float, phone_share: float, demand: Sequence[float],
                               shifts: Sequence[int], reference_hour_of_day: int) -> float:
    """Phone hours a week when a staff level is known for weekday shifts holding ``reference_hour_of_day``.

    The reference shifts keep ``on_duty_at_reference x phone_share`` people; every
    other shift gets the same demand per person-hour, so the weekly hours are the
    reference level times the week's demand over the reference shifts' demand per hour.
    """
    reference = {shifts[d * HOURS_PER_DAY + reference_hour_of_day]
                 for d, day in enumerate(DAY_NAMES) if day not in WEEKEND_DAYS}
    hours = [h for h in range(HOURS_PER_WEEK) if shifts[h] in reference and demand[h] > 0]
    if not hours:
        return 0.0
    per_hour = sum(float(demand[h]) for h in hours) / len(hours)
    return on_duty_at_reference * phone_share * float(sum(demand)) / per_hour


def scale_roster(values: Sequence[int], factor: float) -> list[int]:
    """A roster with ``factor`` times the staff hours (e.g. 0.9 for a 10% staff shortage).

    The week's hours are scaled and rounded to whole people by largest remainder (hour by
    hour rounding would leave small desks unchanged); an hour that had staff keeps at least
    one (an open desk stays open). ``factor`` 1 returns the roster unchanged.
    """
    if factor == 1.0:
        return list(values)
    out = largest_remainder([v * factor for v in values])
    return [max(o, 1) if v > 0 else o for o, v in zip(out, values, strict=True)]


def largest_remainder(exact: Sequence[float]) -> list[int]:
    """Whole numbers adding up to ``round(sum(exact))``: each the floor of its value, or one more for the
    largest remainders (the first among equal remainders). For non-negative values."""
    out = [math.floor(x) for x in exact]
    short = int(round(sum(exact))) - sum(out)
    by_remainder = sorted(range(len(out)), key=lambda i: (-(exact[i] - out[i]), i))
    for i in by_remainder[:max(short, 0)]:
        out[i] += 1
    return out


def is_triage_group(skills: Sequence[str]) -> bool:
    """A zcc staff group that triages HAP calls: the staff a triage staff shortage applies to."""
    return "gp_triagist" in skills
