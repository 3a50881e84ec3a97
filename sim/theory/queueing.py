"""Analytic queueing formulas: Erlang B, Erlang C, Erlang A (callers who hang up) and staffing.

Used to derive rosters and bed counts from published volumes, and in the tests
as the independent reference the simulation must reproduce.
"""

from __future__ import annotations

import functools
import math

import numpy as np


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



# ------------------------------------------------------------------ Erlang A
# M/M/c+M: Poisson arrivals, c servers with exponential service, callers who hang up
# after an exponential patience. Unlike Erlang C it stays meaningful when the desk is
# overloaded (the queue is kept finite by callers giving up), which is the regime of
# today's HAP desks on busy evenings.
_TAIL = 1e-12  # stationary probability below which the queue is cut off


@functools.lru_cache(maxsize=4096)
def _reach_service_within(servers: int, mean_service: float, mean_patience: float, t: float,
                          max_ahead: int) -> np.ndarray:
    """P(a caller who finds ``k`` callers waiting ahead is answered within ``t``), k = 0..max_ahead-1.

    With every server busy and ``k`` callers ahead, the caller moves up at rate
    c·mu + k·theta (a service ends or someone ahead hangs up) and hangs up at rate
    theta; after k + 1 moves a server takes the call. The probabilities solve the
    forward equations g_k' = r_k g_{k-1} - (r_k + theta) g_k (g_{-1} = 1), integrated
    with classical Runge-Kutta in steps small enough for the fastest rate.
    """
    mu = 1.0 / mean_service
    theta = 0.0 if math.isinf(mean_patience) else 1.0 / mean_patience
    k = np.arange(max_ahead, dtype=float)
    move = servers * mu + k * theta
    out_rate = move + theta
    steps = max(8, math.ceil(t * float(out_rate[-1]) / 0.5))
    h = t / steps

    def deriv(g: np.ndarray) -> np.ndarray:
        ahead = np.empty_like(g)
        ahead[0] = 1.0
        ahead[1:] = g[:-1]
        return move * ahead - out_rate * g

    g = np.zeros(max_ahead)
    for _ in range(steps):
        k1 = deriv(g)
        k2 = deriv(g + 0.5 * h * k1)
        k3 = deriv(g + 0.5 * h * k2)
        k4 = deriv(g + h * k3)
        g = g + h / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
    out = np.clip(g, 0.0, 1.0)
    out.flags.writeable = False  # cached: the same desk and staff recur in every roster search
    return out


def _queue_cutoff(peak: float, service_rate: float, theta: float) -> int:
    """How many waiting callers to keep so that longer queues are below ``_TAIL`` at the busiest rate.

    Beyond ``j`` callers waiting the birth-death ratio is peak / (c·mu + j·theta): it falls as
    the queue grows (callers hang up), so the tail is cut where the running product has dropped
    ``_TAIL`` below its largest value. (A bound from the first ratio alone runs to tens of thousands
    of states when a desk is just stable, which made one roster derivation take 14 s.)
    """
    if peak <= 0:
        return 40
    expected = max(0.0, (peak - service_rate) / theta)
    span = int(expected + 12 * math.sqrt(peak / theta + expected + 1) + 60)
    log_tail = math.log(_TAIL)
    while True:
        j = np.arange(1, span + 1, dtype=float)
        cum = np.cumsum(math.log(peak) - np.log(service_rate + j * theta))
        drop = cum - np.maximum.accumulate(np.maximum(cum, 0.0))
        past = np.nonzero((drop < log_tail) & (j > expected))[0]
        if past.size:
            return max(40, int(j[past[0]]) + 1)
        span *= 2


def erlang_a_answered_within(servers: int, calls_per_min: np.ndarray | float, mean_service: float,
                             mean_patience: float, t: float) -> np.ndarray:
    """Share of callers answered within ``t`` in an M/M/c+M queue, for each arrival rate given.

    ``calls_per_min`` may be an array (one value per hour of the week, say); the
    answer has its shape. Stationary (PASTA): what an arriving caller finds is the
    birth-death distribution with death rate mu·min(n, c) + theta·max(n - c, 0).
    With infinite patience and a stable queue this is Erlang C's P(wait <= t).
    """
    lam = np.atleast_1d(np.asarray(calls_per_min, dtype=float))
    if servers <= 0:
        return np.where(lam > 0, 0.0, 1.0)
    if math.isinf(mean_patience):
        load = lam * mean_service
        return np.array([mmc_wait_within(servers, float(a), mean_service, t) if a > 0 else 1.0 for a in load])
    mu, theta = 1.0 / mean_service, 1.0 / mean_patience
    peak = float(lam.max()) if lam.size else 0.0
    max_ahead = _queue_cutoff(peak, servers * mu, theta)
    n = np.arange(1, servers + max_ahead + 1, dtype=float)
    death = mu * np.minimum(n, servers) + theta * np.maximum(n - servers, 0)
    with np.errstate(divide="ignore"):
        log_lam = np.log(np.where(lam > 0, lam, 1.0))
    log_pi = np.concatenate([np.zeros((lam.size, 1)),
                             np.cumsum(log_lam[:, None] - np.log(death)[None, :], axis=1)], axis=1)
    log_pi -= log_pi.max(axis=1, keepdims=True)
    pi = np.exp(log_pi)
    pi /= pi.sum(axis=1, keepdims=True)
    reach = _reach_service_within(servers, mean_service, mean_patience, t, max_ahead + 1)
    within = pi[:, :servers].sum(axis=1) + pi[:, servers:] @ reach
    return np.where(lam > 0, np.clip(within, 0.0, 1.0), 1.0)
