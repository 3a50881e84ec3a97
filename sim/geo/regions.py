"""ROAZ regions and their sub-areas (municipalities) with population and coordinates.

The municipality table (CBS population 1 Jan 2024, town-hall coordinates,
veiligheidsregio, estimated ROAZ region) ships with the package; its
provenance is in ``sim/data/SOURCES.md``.
"""

from __future__ import annotations

import csv
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


@lru_cache(maxsize=1)
def all_subareas() -> tuple[SubArea, ...]:
    """All 342 municipalities of the Netherlands (2023/2024 division)."""
    with resources.files("sim").joinpath("data/municipalities.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
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


def road_km_matrix(areas: tuple[SubArea, ...], detour_factor: float, within_km: float) -> np.ndarray:
    """Approximate road distance between sub-areas.

    Great-circle distance between town halls times a detour factor; a trip
    inside one sub-area gets a fixed typical distance instead of zero.
    """
    import numpy as np  # noqa: F811  # imported on use

    lat = np.array([a.lat for a in areas])
    lon = np.array([a.lon for a in areas])
    km = great_circle_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :]) * detour_factor
    np.fill_diagonal(km, within_km)
    return km
