"""Daily bed occupancy per replication: the ``levels.csv`` of a results folder.

The model samples its bed pools every simulated hour when built with
``sample_levels=True`` (a read-only observation: results stay identical). Here
those hourly samples become one mean per whole day from the start of the run
(warm-up included, so a plot shows how the pools settle), and are written to
and read from ``levels.csv`` with columns ``[scenario,]replication,day,pool,occupancy``
(occupancy as the share of the pool's beds in use).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from sim.config.constants import BED_POOLS, HOURS_PER_DAY


def daily_occupancy(samples: dict[str, list[float]], pools: tuple[str, ...] = BED_POOLS) -> dict[str, list[float]]:
    """Mean of the hourly samples per whole day, per pool (a partial last day is left out)."""
    out: dict[str, list[float]] = {}
    for pool in pools:
        hourly = np.asarray(samples.get(pool, []), dtype=float)
        days = len(hourly) // HOURS_PER_DAY
        out[pool] = hourly[: days * HOURS_PER_DAY].reshape(days, HOURS_PER_DAY).mean(axis=1).tolist()
    return out


def write_levels(path: Path, series: dict[tuple[str, int], dict[str, list[float]]], with_scenario: bool) -> None:
    """Write ``(scenario label, replication) -> pool -> daily occupancy`` sorted by label and replication."""
    tmp = path.with_suffix(".csv.tmp")
    with tmp.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow((["scenario"] if with_scenario else []) + ["replication", "day", "pool", "occupancy"])
        for (label, rep) in sorted(series, key=lambda k: (k[0] != "base", k[0], k[1])):
            for pool, values in series[(label, rep)].items():
                for day, v in enumerate(values):
                    writer.writerow(([label] if with_scenario else []) + [rep, day, pool, repr(float(v))])
    tmp.replace(path)


def read_levels(path: Path) -> dict[str, dict[str, np.ndarray]]:
    """``scenario label -> pool -> array (replications x days)``; a run folder's label is ``scenario``.

    Replications of unequal length are cut to the shortest.
    """
    raw: dict[str, dict[str, dict[int, dict[int, float]]]] = {}
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            label = row.get("scenario") or "scenario"
            by_rep = raw.setdefault(label, {}).setdefault(row["pool"], {})
            by_rep.setdefault(int(row["replication"]), {})[int(row["day"])] = float(row["occupancy"])
    out: dict[str, dict[str, np.ndarray]] = {}
    for label, pools in raw.items():
        out[label] = {}
        for pool, reps in pools.items():
            n = min(len(days) for days in reps.values())
            out[label][pool] = np.array([[reps[r][d] for d in range(n)] for r in sorted(reps)], dtype=float)
    return out
