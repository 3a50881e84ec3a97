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
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy only when a model is built: the scenario schema imports this module at start-up
    import numpy as np

SECONDS_PER_MINUTE = 60.0
MIN_PER_HOUR = 60.0  # sim.geo sits below sim.config, so the constant is not imported from there
M_PER_KM = 1000.0


@dataclass(frozen=True)
class UrgentDrive:
    """Drive minutes for a road distance: cruising at ``cruise_kmh`` after accelerating at ``acceleration_m_s2``."""

    cruise_kmh: float
    acceleration_m_s2: float

    def __post_init__(self) -> None:
        if self.cruise_kmh <= 0 or self.acceleration_m_s2 <= 0:
            raise ValueError("cruise speed and acceleration must be above 0")

    @property
    def v(self) -> float:
        """Cruising speed in km per minute."""
        return self.cruise_kmh / MIN_PER_HOUR

    @property
    def a(self) -> float:
        """Acceleration in km per minute squared."""
        return self.acceleration_m_s2 * SECONDS_PER_MINUTE**2 / M_PER_KM

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
