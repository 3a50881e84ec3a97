"""Analytic queueing formulas: Erlang B, Erlang C and square-root staffing.

Used to derive rosters and bed counts from published volumes, and in the tests
as the independent reference the simulation must reproduce.
"""

from __future__ import annotations

import math


def erlang_b(servers: int, load: float) -> float:
    """Blocking probability of an M/M/c/c loss system (offered load in Erlang)."""
    if servers < 0 or load < 0:
        raise ValueError("servers and load must be >= 0")
    b = 1.0
    for k in range(1, servers + 1):
        b = load * b / (k + load * b)
    return b


def erlang_c(servers: int, load: float) -> float:
    """Probability that an arrival waits in an M/M/c queue (1 if unstable)."""
    if servers <= load:
        return 1.0
    b = erlang_b(servers, load)
    return servers * b / (servers - load * (1 - b))


def mmc_mean_wait(servers: int, load: float, mean_service: float) -> float:
    """Mean waiting time in queue of an M/M/c system (same unit as ``mean_service``)."""
    if servers <= load:
        return math.inf
    return erlang_c(servers, load) * mean_service / (servers - load)


def mmc_wait_within(servers: int, load: float, mean_service: float, t: float) -> float:
    """P(wait <= t) in an M/M/c queue."""
    if servers <= load:
        return 0.0
    return 1.0 - erlang_c(servers, load) * math.exp(-(servers - load) * t / mean_service)


def servers_for_service_level(load: float, mean_service: float, threshold: float, target: float,
                              minimum: int = 0) -> int:
    """Fewest servers with P(wait <= threshold) >= target (Erlang C)."""
    c = max(minimum, math.floor(load) + 1 if load > 0 else minimum)
    while load > 0 and mmc_wait_within(c, load, mean_service, threshold) < target:
        c += 1
    return c

