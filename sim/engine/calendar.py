"""Simulation clock to calendar: date, hour of week, ANW hours and public holidays.

The clock runs in minutes from midnight of the scenario's start date. Public
holidays come from the maintained ``holidays`` library; on a holiday the
hour-of-week profile of a Sunday applies and all hours are ANW hours.
"""

from __future__ import annotations

import datetime as dt

import holidays
import numpy as np

# MIN_PER_HOUR and MIN_PER_DAY stay importable from here (chain code imports them from this module).
from sim.config.constants import HOURS_PER_DAY, MIN_PER_DAY, MIN_PER_HOUR, SUNDAY  # noqa: F401
from sim.config.schema import CalendarSettings


class Calendar:
    """Maps simulation hours to calendar facts for one run horizon."""

    def __init__(self, settings: CalendarSettings, start: dt.date, total_days: int) -> None:
        self.start = start
        self.total_days = total_days
        self.dates = [start + dt.timedelta(days=d) for d in range(total_days)]
        years = sorted({d.year for d in self.dates})
        library = holidays.country_holidays(settings.holiday_country, years=years)
        excluded = set(settings.holidays_not_anw)
        self.holiday_names = {d: n for d, n in library.items() if n not in excluded}
        weekday = np.array([d.weekday() for d in self.dates])
        self.is_holiday = np.array([d in self.holiday_names for d in self.dates])
        # Day type used for hour-of-week profiles and rosters: holidays behave like Sundays.
        self.day_type = np.where(self.is_holiday, SUNDAY, weekday)
        hours = np.arange(total_days * HOURS_PER_DAY)
        day = hours // HOURS_PER_DAY
        hod = hours % HOURS_PER_DAY
        self.hour_of_week = self.day_type[day] * HOURS_PER_DAY + hod
        is_weekend_or_holiday = self.day_type[day] >= 5
        is_evening_night = (hod >= settings.anw_evening_start_hour) | (hod < settings.anw_morning_end_hour)
        self.is_anw_hour = is_weekend_or_holiday | is_evening_night
        # Plain lists for the per-patient look-ups (numpy scalar indexing is slow).
        self._anw = self.is_anw_hour.tolist()
        self._how = self.hour_of_week.tolist()
        self._last_hour = len(self._how) - 1

    @property
    def n_hours(self) -> int:
        return len(self.hour_of_week)

    def is_anw(self, t_min: float) -> bool:
        """True if ``t_min`` falls in ANW hours (evening, night, weekend, holiday)."""
        return self._anw[min(int(t_min // MIN_PER_HOUR), self._last_hour)]

    def hour_of_week_at(self, t_min: float) -> int:
        """Hour of the week (0 = Monday 00:00; holidays count as Sundays) at ``t_min``."""
        return self._how[min(int(t_min // MIN_PER_HOUR), self._last_hour)]
