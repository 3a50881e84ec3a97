"""ROAZ regions and their sub-areas (municipalities) with population and coordinates.

The municipality table (CBS population 1 Jan 2024, town-hall coordinates,
veiligheidsregio, estimated ROAZ region) ships with the package; its
provenance is in ``sim/data/SOURCES.md``. Each municipality's area is an
estimate from the spacing of town halls (``sim/data/municipality_areas.csv``,
made by :mod:`sim.geo.areas`).

Geometry of a trip: a patient lives at a point ``(r, theta)`` from the town hall of
their municipality (:class:`Settlement`): with the probability ``share`` in the town
around the town hall (a disc holding that share of the inhabitants at the density of
built-up kernen), otherwise uniformly on the disc of the municipality's equivalent
radius ``R = sqrt(area / pi)`` (villages, hamlets and farms, whose places the model
does not know). Vehicles, posts, hospitals and HAPs stand at town halls. The straight
distance from a town hall at distance ``D`` to the patient is
``sqrt(D^2 + r^2 - 2 D r cos theta)`` (``r`` alone inside the own municipality);
road km are that times the detour factor.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class SubArea:
    """A municipality: the unit in which demand arises and travel is measured."""

    code: str
    name: str
    province: str
    veiligheidsregio: str
    population: int
    lat: float
    lon: float
    roaz_region: str
    area_km2: float = float("nan")  # estimate (sim/geo/areas.py); NaN only while the area file is being made

    @property
    def radius_km(self) -> float:
        """Radius of the disc with the municipality's (estimated) area."""
        return math.sqrt(self.area_km2 / math.pi)


@lru_cache(maxsize=1)
def _areas_km2() -> dict[str, float]:
    """Estimated area by CBS code; empty while ``sim/geo/areas.py`` is making the file."""
    path = resources.files("sim").joinpath("data/municipality_areas.csv")
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8") as fh:
        return {r["cbs_code"]: float(r["area_km2"]) for r in csv.DictReader(fh)}


@lru_cache(maxsize=1)
def all_subareas() -> tuple[SubArea, ...]:
    """All 342 municipalities of the Netherlands (2023/2024 division)."""
    with resources.files("sim").joinpath("data/municipalities.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    area = _areas_km2()
    return tuple(
        SubArea(
            code=r["cbs_code"],
            name=r["name"],
            province=r["province"],
            veiligheidsregio=r["veiligheidsregio"],
            population=int(r["population"]),
            lat=float(r["lat"]),
            lon=float(r["lon"]),
            roaz_region=r["roaz_region"],
            area_km2=area.get(r["cbs_code"], float("nan")),
        )
        for r in rows
    )


@lru_cache(maxsize=1)
def known_regions() -> tuple[str, ...]:
    """Names of the ROAZ regions in the municipality table, sorted."""
    return tuple(sorted({s.roaz_region for s in all_subareas()}))


def subareas_of(region: str) -> tuple[SubArea, ...]:
    """The sub-areas of one ROAZ region, in table order (sorted by name)."""
    found = tuple(s for s in all_subareas() if s.roaz_region == region)
    if not found:
        raise KeyError(f"unknown region '{region}'; expected one of {', '.join(known_regions())}")
    return found


def great_circle_km(lat1, lon1, lat2, lon2):
    """Haversine distance in km (works elementwise on numpy arrays)."""
    import numpy as np  # noqa: F811  # imported on use: reading and validating a scenario needs no numpy

    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a))


def straight_km_matrix(areas: tuple[SubArea, ...]) -> np.ndarray:
    """Great-circle km between town halls."""
    import numpy as np  # noqa: F811  # imported on use

    lat = np.array([a.lat for a in areas])
    lon = np.array([a.lon for a in areas])
    return great_circle_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])


@dataclass(frozen=True)
class Settlement:
    """Where a municipality's inhabitants live around its town hall (see the module docstring).

    ``share`` of them live in the town around the town hall, on a disc of
    ``share x population / density_per_km2`` km² (at most the municipality's own disc);
    the others uniformly on the municipality's disc. ``share`` 0 is the plain uniform disc.
    """

    share: float
    density_per_km2: float

    def __post_init__(self) -> None:
        if not 0.0 <= self.share < 1.0 or self.density_per_km2 <= 0:
            raise ValueError("settlement: share in [0, 1) and density above 0 expected")

    def town_radius_km(self, area: SubArea) -> float:
        """Radius of the town around the town hall (never beyond the municipality's disc)."""
        return min(area.radius_km, math.sqrt(self.share * area.population / self.density_per_km2 / math.pi))

    def place_r(self, area: SubArea, u: float) -> float:
        """Distance from the town hall of the inhabitant at uniform ``u``: in town for ``u < share``.

        One uniform both chooses town or countryside and places the inhabitant within it
        (inverse transform of the mixture), so a patient costs the same draws as on a plain disc.
        """
        s = self.share
        if u < s:
            return self.town_radius_km(area) * math.sqrt(u / s)
        return area.radius_km * math.sqrt((u - s) / (1.0 - s))

    def mean_within_km(self, area: SubArea) -> float:
        """Mean straight distance from the town hall to an inhabitant: 2/3 of each disc's radius, mixed."""
        return 2.0 * (self.share * self.town_radius_km(area) + (1.0 - self.share) * area.radius_km) / 3.0


def road_km_matrix(areas: tuple[SubArea, ...], detour_factor: float, settlement: Settlement) -> np.ndarray:
    """Approximate road distance between sub-areas, for planning and for choosing the nearest site.

    Great-circle distance between town halls times a detour factor; a trip
    inside one sub-area gets the mean trip from the town hall to an inhabitant
    (:meth:`Settlement.mean_within_km`) times the detour factor.
    Simulated trips to a patient draw the patient's place instead (see the
    module docstring and :func:`trip_km`).
    """
    import numpy as np  # noqa: F811  # imported on use

    km = straight_km_matrix(areas) * detour_factor
    np.fill_diagonal(km, [settlement.mean_within_km(a) * detour_factor for a in areas])
    return km


def trip_km(straight_km: float, r: float, cos_theta: float) -> float:
    """Straight km from a town hall ``straight_km`` away to a patient at ``(r, theta)`` from their own town hall."""
    return math.sqrt(max(0.0, straight_km * straight_km + r * r - 2.0 * straight_km * r * cos_theta))
