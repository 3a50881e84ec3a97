"""Estimated municipality areas from the spacing of town halls (``python -m sim.geo.areas``).

No municipal area figures ship with the package (``sim/data/municipalities.csv``
holds population and town-hall points only), so each municipality's area is
*estimated* as its Voronoi cell on the national set of 342 town halls, capped:

* the plane is covered by a grid of ``GRID_KM`` squares (a flat projection
  around latitude ``LAT0``, error under 1% over the Netherlands);
* each grid square belongs to the nearest town hall;
* it counts only when it lies within ``cap_i = min(s_i, CAP_SPACINGS x median s)``
  of that town hall, where ``s_i`` is the distance to the nearest other town
  hall: a cell reaches no farther from its town hall than its nearest
  neighbour lies (a regular lattice's cells reach only 0.58 to 0.71 spacings, so
  interior cells are untouched), and isolated town halls (islands, coast,
  border) are held to twice the typical spacing. Beyond that the point set
  says nothing: it is sea, lake or another country.

Known errors, by construction: a town hall at the edge of its municipality
(Súdwest-Fryslân's in Sneek) gives it too small a cell and its neighbours too
large ones; a city with close neighbours (Amsterdam) gets too little; coastal
and island cells include water. The cap factor 2 was chosen after looking at
the national total for no cap (36,358 km²), 1.5 (30,234) and 2 (33,747): the
national-total test (``tests/unit/test_areas.py``) is therefore a check of
plausibility, not an independent validation; the per-municipality checks
(Groningen, Súdwest-Fryslân) were not looked at when choosing.

The result is written to ``sim/data/municipality_areas.csv`` with this
provenance; ``tests/unit/test_areas.py`` checks that the file is what this
module computes.
"""

from __future__ import annotations

import csv
import math
import sys
from pathlib import Path

import numpy as np

from sim.geo.regions import EARTH_RADIUS_KM, SubArea, all_subareas

GRID_KM = 0.5
LAT0 = 52.2          # degrees: the middle of the Netherlands, for the flat projection
CAP_SPACINGS = 2.0   # isolated town halls: cells reach at most this many median spacings
MARGIN_KM = 40.0
AREAS_FILE = "municipality_areas.csv"


def planar_km(areas: tuple[SubArea, ...]) -> np.ndarray:
    """Town halls as (x, y) km in an equirectangular projection around ``LAT0``."""
    lat = np.radians([a.lat for a in areas])
    lon = np.radians([a.lon for a in areas])
    return np.c_[lon * EARTH_RADIUS_KM * math.cos(math.radians(LAT0)), lat * EARTH_RADIUS_KM]


def estimate_areas(areas: tuple[SubArea, ...], grid_km: float = GRID_KM,
                   cap_spacings: float = CAP_SPACINGS) -> np.ndarray:
    """Estimated area (km²) of each municipality: its capped Voronoi cell (see the module docstring)."""
    from scipy.spatial import cKDTree

    pts = planar_km(areas)
    tree = cKDTree(pts)
    spacing = tree.query(pts, k=2)[0][:, 1]
    cap = np.minimum(spacing, cap_spacings * float(np.median(spacing)))
    lo, hi = pts.min(axis=0) - MARGIN_KM, pts.max(axis=0) + MARGIN_KM
    gx = np.arange(lo[0], hi[0], grid_km) + grid_km / 2
    gy = np.arange(lo[1], hi[1], grid_km) + grid_km / 2
    grid = np.stack(np.meshgrid(gx, gy), axis=-1).reshape(-1, 2)
    dist, owner = tree.query(grid)
    inside = dist <= cap[owner]
    return np.bincount(owner[inside], minlength=len(areas)) * grid_km * grid_km


def rows() -> list[dict[str, str]]:
    areas = all_subareas()
    est = estimate_areas(areas)
    return [{"cbs_code": a.code, "name": a.name, "area_km2": f"{x:.2f}"} for a, x in zip(areas, est, strict=True)]


def write(path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["cbs_code", "name", "area_km2"], lineterminator="\n")
        w.writeheader()
        w.writerows(rows())


if __name__ == "__main__":  # pragma: no cover - regenerates the shipped file
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent.parent / "data" / AREAS_FILE
    write(target)
    print(target)
