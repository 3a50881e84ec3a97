"""How much common random numbers narrow the interval of a difference.

Runs the noord status quo and scenario III as pairs with the same seed (common
random numbers) and as pairs whose scenario-III run uses another seed
(independent streams), and reports, for the SEH arrivals difference and a few
other KPIs, the variance of the paired difference under both designs and their
ratio (variance reduction factor). The status-quo runs are shared by both designs.

Usage: ``python benchmarks/crn.py [--pairs N] [--days D]``
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout without installing

from sim import paths  # noqa: E402
from sim.config.loader import load_scenario  # noqa: E402
from sim.run.runner import run_replication  # noqa: E402

KPIS = ("seh_arrivals_per_day", "seh_arrivals_per_day.ambulance", "ambulance_deployments_per_day",
        "hospital_occupancy_mean")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pairs", type=int, default=10)
    ap.add_argument("--days", type=float, default=90)
    ap.add_argument("--seed", type=int, default=20240101)
    args = ap.parse_args()
    run = {"days": args.days}
    base = load_scenario(paths.region_scenario("noord"), {"run": {**run, "seed": args.seed}})
    alt_crn = load_scenario(paths.region_scenario("noord", "zcc"), {"run": {**run, "seed": args.seed}})
    alt_ind = load_scenario(paths.region_scenario("noord", "zcc"), {"run": {**run, "seed": args.seed + 7919}})
    b, c, i = [], [], []
    for r in range(args.pairs):
        b.append(run_replication(base, r))
        c.append(run_replication(alt_crn, r))
        i.append(run_replication(alt_ind, r))
        print(f"  pair {r + 1}/{args.pairs}", file=sys.stderr)
    print(f"noord status quo vs zcc, {args.pairs} pairs of {args.days:g} days")
    print(f"{'KPI':36} {'var(diff) CRN':>14} {'var(diff) indep':>16} {'ratio':>7}")
    for k in KPIS:
        crn = np.var([y[k] - x[k] for x, y in zip(b, c, strict=True)], ddof=1)
        ind = np.var([y[k] - x[k] for x, y in zip(b, i, strict=True)], ddof=1)
        print(f"{k:36} {crn:14.4g} {ind:16.4g} {ind / crn:7.1f}")


if __name__ == "__main__":
    main()
