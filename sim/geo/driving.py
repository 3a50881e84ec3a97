"""Urgent driving time over a road distance: accelerate to a cruising speed, then cruise.

Kolesar, Walker and Hausner (1975, "Determining the relation between fire engine
travel times and travel distances in New York City", Operations Research 23(4))
found that emergency vehicles' travel time grows with the square root of a short
distance (the vehicle never reaches cruising speed) and linearly beyond it:

* ``t(d) = 2 * sqrt(d / a)`` for ``d <= 2 d_c``,
* ``t(d) = v / a + d / v`` beyond, with ``d_c = v**2 / (2 a)`` the distance needed to reach ``v``,

for acceleration ``a`` and cruising speed ``v``. The curve is continuous, with
the same slope at ``2 d_c``. A single average speed (time proportional to
distance) makes town trips too fast and rural trips too slow; this form lets the
short trips of towns and the long trips of the countryside each take their own
time. With a very high acceleration it tends to ``d / v``.

One ride's time is the curve's time times a lognormal factor with mean 1
(:class:`DriveSpread`). Ambulance travel times spread around their distance curve
with a coefficient of variation that falls with distance (Budge, Ingolfsson and
Zerom, "Empirical analysis of ambulance travel times: the case of Calgary
emergency medical services", Management Science 56(4), 2010): delays at junctions
and in traffic partly even out over a longer ride. Here the cv falls as
``(reference / distance) ** exponent``; exponent 1/2 is the rate of independent
delays per stretch of road (the variance grows with the distance).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

_log1p: Final = math.log1p  # compiled: a static, not a look-up in math per ride

if TYPE_CHECKING:  # numpy only when a model is built: the scenario schema imports this module at start-up
    import numpy as np


@dataclass(frozen=True)
class UrgentDrive:
    """Drive minutes for a road distance: cruising at ``v`` km/min after accelerating at ``a`` km/min².

    In the model's own units (km, minutes); the scenario gives km/h and m/s²
    (``AmbulanceCare.urgent_drive`` converts them).
    """

    v: float
    a: float

    def __post_init__(self) -> None:
        if self.v <= 0 or self.a <= 0:
            raise ValueError("cruise speed and acceleration must be above 0")

    @property
    def cruise_from_km(self) -> float:
        """Trips longer than this (``2 d_c = v^2 / a``) reach cruising speed."""
        return self.v**2 / self.a

    def minutes(self, km: float) -> float:
        """Minutes to drive ``km`` road km (a Python float: the simulation clock stays a float)."""
        v, a = self.v, self.a
        if km <= v * v / a:
            return 2.0 * math.sqrt(max(km, 0.0) / a)
        return v / a + km / v

    def minutes_matrix(self, km: np.ndarray) -> np.ndarray:
        """:meth:`minutes` of every entry of a distance matrix."""
        import numpy as np

        v, a = self.v, self.a
        km = np.maximum(np.asarray(km, dtype=float), 0.0)
        return np.where(km <= v * v / a, 2.0 * np.sqrt(km / a), v / a + km / v)

    def km_within(self, minutes: float) -> float:
        """The road distance reachable in ``minutes`` (the inverse of :meth:`minutes`)."""
        v, a = self.v, self.a
        if minutes <= 2.0 * v / a:
            return a * minutes * minutes / 4.0
        return (minutes - v / a) * v


@dataclass(frozen=True)
class DriveSpread:
    """The lognormal factor (mean 1) on one ride's drive time, its cv falling with the distance.

    ``cv`` holds at ``reference_km``; at ``km`` the cv is ``cv * (reference_km / max(km, shortest_km)) **
    exponent`` (exponent 0: the same cv at every distance; cv 0: a fixed factor). :meth:`at_distance`
    turns a factor drawn with the reference cv into the factor at the ride's distance, keeping its
    quantile, so a ride costs one draw from the same stream whatever its distance.
    """

    cv: float
    reference_km: float
    shortest_km: float
    exponent: float
    _sigma_ref: float = field(init=False, repr=False, compare=False, default=0.0)  # set from cv below

    def __post_init__(self) -> None:
        if self.cv < 0 or self.reference_km <= 0 or self.shortest_km <= 0 or not 0 <= self.exponent <= 1:
            raise ValueError("drive spread: cv at least 0, reference_km and shortest_km above 0, exponent in [0, 1]")
        object.__setattr__(self, "_sigma_ref", math.sqrt(math.log1p(self.cv * self.cv)))

    def cv_at(self, km: float) -> float:
        """The factor's coefficient of variation for a ride of ``km`` road km."""
        return self.cv * (self.reference_km / max(km, self.shortest_km)) ** self.exponent

    def at_distance(self, factor: float, km: float) -> float:
        """The factor at ``km`` with the same quantile as ``factor``, drawn with the reference cv."""
        if self.exponent == 0.0 or self.cv == 0.0:
            return factor
        s_ref = self._sigma_ref
        z = (math.log(factor) + s_ref * s_ref / 2.0) / s_ref
        c = self.cv_at(km)
        s = math.sqrt(_log1p(c * c))
        return math.exp(s * z - s * s / 2.0)
