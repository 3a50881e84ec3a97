"""zcc work locations: which sub-areas each serves, how staff split, how far staff travel.

Staff live in the sub-areas in proportion to population (or a given
distribution) and work at the nearest location by road distance. In
``separate`` mode a location answers the calls of the sub-areas nearest to it
and has its share of every roster; in ``pooled`` mode all locations serve one
virtual queue and only commuting depends on where they are.
"""

from __future__ import annotations

import numpy as np


def nearest_site(km: np.ndarray, sites: list[int]) -> np.ndarray:
    """For each sub-area, the index (into ``sites``) of the nearest site."""
    return np.argmin(km[:, sites], axis=1)


def site_shares(weights: np.ndarray, nearest: np.ndarray, n_sites: int) -> np.ndarray:
    """Share of the weight (population or staff residence) nearest to each site."""
    totals = np.array([weights[nearest == j].sum() for j in range(n_sites)], dtype=float)
    return totals / totals.sum()


def split_roster(values: list[int], shares: np.ndarray) -> list[list[int]]:
    """Split a roster over sites in proportion to ``shares``, hour by hour, keeping each total.

    Largest-remainder rounding, so every hour's staff add up exactly.
    """
    out = [[0] * len(values) for _ in shares]
    for h, n in enumerate(values):
        exact = np.asarray(shares, dtype=float) * n
        base = np.floor(exact).astype(int)
        for j in np.argsort(-(exact - base), kind="stable")[: n - int(base.sum())]:
            base[j] += 1
        for j, v in enumerate(base):
            out[j][h] = int(v)
    return out


def commute_minutes(km: np.ndarray, sites: list[int], residence: np.ndarray, speed_kmh: float) -> tuple[float, float]:
    """Mean and 95th percentile of staff commute (minutes, one way) to the nearest site."""
    minutes = km[:, sites].min(axis=1) / speed_kmh * 60.0
    w = np.asarray(residence, dtype=float)
    w = w / w.sum()
    order = np.argsort(minutes, kind="stable")
    cum = np.cumsum(w[order])
    p95 = float(minutes[order][np.searchsorted(cum, 0.95)])
    return float((minutes * w).sum()), p95
