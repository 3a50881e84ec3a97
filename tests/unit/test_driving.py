"""The urgent drive model (sim/geo/driving.py) against its closed form and its limits."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.geo.driving import DriveSpread, UrgentDrive

KMH, M_S2 = 1 / 60, 3600 / 1000  # km/h to km/min, m/s2 to km/min2 (by hand, not the schema's conversion)
DRIVE = UrgentDrive(v=90.0 * KMH, a=0.13 * M_S2)


def test_short_trips_accelerate_long_trips_cruise():
    v, a = 1.5, 0.13 * 3.6  # km/min, km/min^2
    assert DRIVE.cruise_from_km == pytest.approx(v * v / a)
    assert DRIVE.minutes(1.0) == pytest.approx(2 * (1.0 / a) ** 0.5)  # never at cruising speed
    assert DRIVE.minutes(20.0) == pytest.approx(v / a + 20.0 / v)  # accelerate, then cruise
    assert DRIVE.minutes(30.0) - DRIVE.minutes(20.0) == pytest.approx(10.0 / v)  # beyond: 1/v per km
    assert DRIVE.minutes(0.0) == 0.0


def test_curve_is_continuous_where_cruising_starts():
    d = DRIVE.cruise_from_km
    assert DRIVE.minutes(d * (1 - 1e-9)) == pytest.approx(DRIVE.minutes(d * (1 + 1e-9)), rel=1e-6)


def test_high_acceleration_tends_to_a_constant_speed():
    fast = UrgentDrive(v=60.0 * KMH, a=1e6 * M_S2)
    assert fast.minutes(12.0) == pytest.approx(12.0, rel=1e-3)


@given(st.floats(min_value=0.0, max_value=200.0))
def test_reach_inverts_minutes_and_matrix_matches_scalar(km):
    assert DRIVE.km_within(DRIVE.minutes(km)) == pytest.approx(km, rel=1e-9, abs=1e-9)
    assert DRIVE.minutes_matrix(np.array([[km]]))[0, 0] == pytest.approx(DRIVE.minutes(km))


def test_average_speed_rises_with_distance():
    speeds = [km / DRIVE.minutes(km) * 60 for km in (1, 3, 6, 10, 20, 40)]
    assert speeds == sorted(speeds) and speeds[-1] < 90.0


def test_scenario_units_convert_to_the_models():
    """The scenario's km/h and m/s2 become km/min and km/min2 (sim.config.schema.AmbulanceCare.urgent_drive)."""
    from sim.config.loader import load_scenario
    from tests.helpers import ROOT

    amb = load_scenario(ROOT / "scenarios/noord/status_quo.yaml").care.ambulance
    drive = amb.urgent_drive()
    assert drive.v == pytest.approx(amb.urgent_speed_kmh.value * KMH)
    assert drive.a == pytest.approx(amb.urgent_acceleration_m_s2.value * M_S2)


def test_refuses_zero_speed_or_acceleration():
    with pytest.raises(ValueError):
        UrgentDrive(0.0, 0.1 * M_S2)
    with pytest.raises(ValueError):
        UrgentDrive(90.0 * KMH, 0.0)


def test_drive_spread_falls_with_distance_and_keeps_the_quantile():
    """The factor's cv is the reference cv at the reference distance, falls as (reference / km) ** exponent,
    stops falling below the shortest distance, and a factor keeps its quantile: the median draw stays the
    median, and the factors at one distance have mean 1 and the cv there (closed form of the lognormal)."""
    spread = DriveSpread(cv=0.5, reference_km=5.0, shortest_km=1.0, exponent=0.5)
    assert spread.cv_at(5.0) == pytest.approx(0.5)
    assert spread.cv_at(20.0) == pytest.approx(0.25)
    assert spread.cv_at(0.2) == spread.cv_at(1.0) == pytest.approx(0.5 * 5 ** 0.5)
    rng = np.random.default_rng(3)
    sigma = np.sqrt(np.log1p(0.25))
    drawn = rng.lognormal(-sigma ** 2 / 2, sigma, 200_000)  # the reference factor, as the sampler draws it
    at20 = np.array([spread.at_distance(float(x), 20.0) for x in drawn])
    assert at20.mean() == pytest.approx(1.0, abs=0.005)
    assert at20.std() / at20.mean() == pytest.approx(0.25, rel=0.03)
    assert np.argsort(at20)[:50].tolist() == np.argsort(drawn)[:50].tolist()  # the order (quantile) is kept
    assert spread.at_distance(float(drawn[0]), 5.0) == pytest.approx(float(drawn[0]))
    # No fall with distance, or no spread at all: the drawn factor as it is.
    assert DriveSpread(0.5, 5.0, 1.0, 0.0).at_distance(1.3, 40.0) == 1.3
    assert DriveSpread(0.0, 5.0, 1.0, 0.5).at_distance(1.0, 40.0) == 1.0
    with pytest.raises(ValueError, match="exponent"):
        DriveSpread(0.5, 5.0, 1.0, 1.5)
