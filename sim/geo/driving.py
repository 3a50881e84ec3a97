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
