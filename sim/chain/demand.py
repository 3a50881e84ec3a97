"""Demand: non-homogeneous Poisson arrivals per stream and sub-area.

Each stream's intensity is piecewise constant per clock hour: annual volume
per 1,000 inhabitants x population x the normalised hour-of-week weight of
that hour (holidays use the Sunday weights) x growth x surge multipliers.
Within an hour the count is Poisson and the times uniform, which is exact for
a piecewise-constant intensity. Splitting by sub-area in proportion to
population gives independent Poisson processes per sub-area.

All arrivals of a replication are drawn up front from each stream's own
random generator, so they are identical in any scenario that shares the
stream's inputs (common random numbers).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np

from sim.config.schema import HOURS_PER_WEEK, Scenario, Stream
from sim.engine.calendar import MIN_PER_HOUR, Calendar
from sim.engine.rng import Streams

HOURS_PER_YEAR: Final = 8760.0


@dataclass
class Arrivals:
    """All arrivals of one stream: times (min), sub-area, urgency and need indices."""

    stream: str
    times: np.ndarray
    subarea: np.ndarray
    urgency: np.ndarray
    need: np.ndarray
    urgency_labels: list[str]
    need_labels: list[str]


def hourly_rate(stream: Stream, profile: list[float], population: int, cal: Calendar) -> np.ndarray:
    """Expected arrivals in each simulated hour for the whole region."""
    weights = np.asarray(profile, dtype=float)
    total = weights.sum()
    if total <= 0:
        return np.zeros(cal.n_hours)
    per_hour_mean = stream.rate_per_1000_per_year.value * population / 1000.0 / HOURS_PER_YEAR
    shape = weights * HOURS_PER_WEEK / total
    rate = per_hour_mean * shape[cal.hour_of_week]
    if stream.growth is not None:
        rate = rate * stream.growth.value
    for surge in stream.surges:
        days = np.array([surge.start <= d <= surge.end for d in cal.dates])
        rate = rate * np.where(np.repeat(days, 24), surge.multiplier.value, 1.0)
    return rate


def generate_stream(
    name: str, stream: Stream, profile: list[float], pop_share: np.ndarray, population: int,
    cal: Calendar, streams: Streams,
) -> Arrivals:
    """Draw all arrivals of one stream over the run horizon."""
    rng = streams.generator(f"arrivals.{name}")
    rate = hourly_rate(stream, profile, population, cal)
    counts = rng.poisson(rate)
    n = int(counts.sum())
    hour = np.repeat(np.arange(cal.n_hours), counts)
    times = (hour + rng.random(n)) * MIN_PER_HOUR
    order = np.argsort(times, kind="stable")
    times = times[order]
    subarea = rng.choice(len(pop_share), size=n, p=pop_share)
    u_labels, urgency = _draw_mix(rng, stream.urgency_mix.shares if stream.urgency_mix else None, n)
    n_labels, need = _draw_mix(rng, stream.need_mix.shares if stream.need_mix else None, n)
    return Arrivals(name, times, subarea, urgency, need, u_labels, n_labels)


def _draw_mix(rng: np.random.Generator, mix: dict[str, float] | None, n: int) -> tuple[list[str], np.ndarray]:
    if not mix:
        return [""], np.zeros(n, dtype=np.int64)
    labels = list(mix)
    p = np.array([mix[k] for k in labels], dtype=float)
    return labels, rng.choice(len(labels), size=n, p=p / p.sum())


def generate_all(scenario: Scenario, populations: np.ndarray, cal: Calendar, streams: Streams) -> list[Arrivals]:
    """Arrivals of every stream of the scenario."""
    population = int(populations.sum())
    share = populations / populations.sum()
    out = []
    for name, stream in scenario.streams:
        profile = scenario.profiles[stream.profile].values
        out.append(generate_stream(name, stream, profile, share, population, cal, streams))
    return out


def merge(arrivals: list[Arrivals]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All arrivals in time order: (times, stream index, position within stream)."""
    times = np.concatenate([a.times for a in arrivals]) if arrivals else np.empty(0)
    which = np.concatenate([np.full(len(a.times), i) for i, a in enumerate(arrivals)]) if arrivals else np.empty(0, int)
    pos = np.concatenate([np.arange(len(a.times)) for a in arrivals]) if arrivals else np.empty(0, int)
    order = np.argsort(times, kind="stable")
    return times[order], which[order], pos[order]
