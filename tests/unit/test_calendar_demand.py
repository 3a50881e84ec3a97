"""Calendar (ANW hours, holidays) and demand generation (non-homogeneous Poisson).

Test plan (the Dutch calendar on known dates; a chi-square test against the
profile): ANW flags on known dates (weekday office hour, weekday evening,
weekend, Ascension Day, Good Friday excluded); arrivals per hour of week follow
the profile (chi-square test on a long horizon), annual volume per 1,000
inhabitants matches the configured rate, sub-areas get arrivals in proportion
to population, surges multiply demand only inside their date range.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from scipy import stats

from sim.chain.demand import generate_stream
from sim.config.loader import load_scenario
from sim.config.schema import Stream, Surge, Value
from sim.derive.region_inputs import hap_profile
from sim.engine.calendar import Calendar
from sim.engine.rng import Streams
from tests.helpers import NOORD, ROOT


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(NOORD)


def _at(cal: Calendar, day: dt.date, hour: int) -> float:
    return ((day - cal.start).days * 24 + hour) * 60.0 + 1.0


def test_anw_hours_and_holidays(scenario):
    cal = Calendar(scenario.calendar, dt.date(2024, 1, 1), 366)
    monday = dt.date(2024, 1, 8)
    assert not cal.is_anw(_at(cal, monday, 10))
    assert cal.is_anw(_at(cal, monday, 17)) and cal.is_anw(_at(cal, monday, 7))
    assert cal.is_anw(_at(cal, dt.date(2024, 1, 13), 12))  # Saturday
    assert cal.is_anw(_at(cal, dt.date(2024, 5, 9), 11))  # Ascension Day (Thursday)
    assert cal.hour_of_week_at(_at(cal, dt.date(2024, 5, 9), 11)) == 6 * 24 + 11  # runs as a Sunday
    assert not cal.is_anw(_at(cal, dt.date(2024, 3, 29), 11))  # Good Friday: not an ANW day
    assert cal.is_anw(_at(cal, dt.date(2024, 12, 25), 11))  # Christmas


def test_hap_profile_meets_nivel_anchors():
    w = hap_profile(ROOT / "scenarios")
    total = w.sum()
    weekday_evening = sum(w[d * 24 + h] for d in range(5) for h in (18, 19)) / total
    weekend_morning = sum(w[d * 24 + h] for d in (5, 6) for h in (10, 11)) / total
    weekend_night = sum(w[d * 24 + h] for d in (5, 6) for h in (4, 5)) / total
    assert weekday_evening == pytest.approx(0.123, abs=1e-4)
    assert weekend_morning == pytest.approx(0.101, abs=1e-4)
    assert weekend_night == pytest.approx(0.0085, abs=1e-4)
    assert all(w[d * 24 + h] == 0 for d in range(5) for h in range(8, 17))


def _arrivals(scenario, days: int, stream: Stream, profile, pop: np.ndarray, start=dt.date(2023, 1, 2)):
    cal = Calendar(scenario.calendar.model_copy(update={"holidays_not_anw": []}), start, days)
    cal.hour_of_week = np.arange(cal.n_hours) % 168  # no holidays: pure hour-of-week pattern
    return cal, generate_stream("x", stream, profile, pop / pop.sum(), int(pop.sum()), cal, Streams(1, 0))


def test_arrivals_follow_profile_and_volume(scenario):
    profile = list(scenario.profiles["emergency"].values)
    stream = Stream(rate_per_1000_per_year=Value(value=500, estimate="t"), profile="emergency")
    pop = np.array([600_000.0, 300_000.0, 100_000.0])
    days = 7 * 52
    cal, arr = _arrivals(scenario, days, stream, profile, pop)
    per_year_per_1000 = len(arr.times) / (days / 365) / 1000
    assert per_year_per_1000 == pytest.approx(500, rel=0.01)
    how = (arr.times // 60).astype(int) % 168
    observed = np.bincount(how, minlength=168)
    expected = np.asarray(profile) / sum(profile) * len(arr.times)
    assert stats.chisquare(observed, expected).pvalue > 0.001
    shares = np.bincount(arr.subarea, minlength=3) / len(arr.times)
    assert shares == pytest.approx(pop / pop.sum(), abs=0.005)
    assert np.all(np.diff(arr.times) >= 0)


def test_surge_multiplies_only_inside_its_dates(scenario):
    flat = [1.0] * 168
    surge = Surge(start=dt.date(2023, 1, 9), end=dt.date(2023, 1, 15), multiplier=Value(value=2.0, estimate="t"))
    stream = Stream(rate_per_1000_per_year=Value(value=2000, estimate="t"), profile="flat", surges=[surge])
    cal, arr = _arrivals(scenario, 21, stream, flat, np.array([500_000.0]))
    week = (arr.times // (7 * 1440)).astype(int)
    counts = np.bincount(week, minlength=3)
    assert counts[1] / counts[0] == pytest.approx(2.0, rel=0.08)
    assert counts[2] / counts[0] == pytest.approx(1.0, rel=0.08)


def test_holiday_country_check_agrees_with_the_library():
    """The fast check (the library's registry) accepts exactly the codes ``holidays`` lists as supported."""
    import holidays
    from holidays.registry import COUNTRIES

    from sim.config.loader import _known_holiday_country

    supported = set(holidays.list_supported_countries())
    candidates = {c for names in COUNTRIES.values() for c in names[1:]} | {"XX", "nl", "Netherlands"}
    assert {c for c in candidates if _known_holiday_country(c)} == supported
    assert _known_holiday_country("NL") and not _known_holiday_country("XX")


def test_holiday_registry_read_from_its_source_equals_the_imported_one():
    """``validate`` reads the registry's table from its source file (no import of ``holidays``): the same codes."""
    from holidays.registry import COUNTRIES

    from sim.config.loader import _registry_codes

    assert _registry_codes() == {c for names in COUNTRIES.values() for c in names[1:]}
