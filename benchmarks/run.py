"""Benchmark: simulated patients per second for one region-year, against plain SimPy.

Runs, in the same process and on the same machine:

1. a plain-SimPy M/M/c queue (one process per customer, ``simpy.Resource``),
   the textbook baseline, and reports its cost per customer;
2. one year (plus warm-up) of the largest ROAZ region's status quo, one
   replication, and reports patients per second and the cost per patient as a
   ratio to the M/M/c cost per customer;
3. optionally (``--memory``) the same with the Parquet event log on, and
   (``--national``) every region in turn with the event log on, reporting peak
   resident memory.

Usage: ``python benchmarks/run.py [--region R] [--days D] [--memory] [--national]``
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import simpy

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout without installing

from sim import paths  # noqa: E402
from sim.engine.eventlog import EventLog  # noqa: E402
from sim.config.loader import load_scenario  # noqa: E402
from sim.chain.model import Model  # noqa: E402
from sim.geo.regions import known_regions, subareas_of  # noqa: E402


def plain_simpy_mmc(customers: int = 300_000, servers: int = 5, load: float = 4.0, seed: int = 1) -> float:
    """Seconds per customer of a plain SimPy M/M/c (process per customer, Resource)."""
    env = simpy.Environment()
    desk = simpy.Resource(env, servers)
    rng = np.random.default_rng(seed)
    gaps = rng.exponential(1.0, customers).tolist()
    service = rng.exponential(load, customers).tolist()  # offered load `load` Erlang on `servers`
    waits = []

    def customer(i: int):
        arrived = env.now
        with desk.request() as req:
            yield req
            waits.append(env.now - arrived)
            yield env.timeout(service[i])

    def source():
        for i in range(customers):
            yield env.timeout(gaps[i])
            env.process(customer(i))

    env.process(source())
    start = time.perf_counter()
    env.run()
    return (time.perf_counter() - start) / customers


def largest_region() -> str:
    return max(known_regions(), key=lambda r: sum(a.population for a in subareas_of(r)))


def region_year(region: str, days: float, event_log: Path | None = None) -> tuple[int, float]:
    """Patients simulated and wall seconds (including arrival generation) for one replication."""
    scenario = load_scenario(paths.region_scenario(region), {"run": {"days": days}})
    start = time.perf_counter()
    log = EventLog(event_log, 0) if event_log else None
    model = Model(scenario, 0, event_log=log).run()
    if log:
        log.close()
    return model.created, time.perf_counter() - start


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--region", default=None, help="region (default: the largest by population)")
    ap.add_argument("--days", type=float, default=365)
    ap.add_argument("--memory", action="store_true", help="also run with the event log and report peak memory")
    ap.add_argument("--national", action="store_true", help="every region in turn with the event log on")
    args = ap.parse_args()
    region = args.region or largest_region()

    # The baseline is measured three times before and twice after the region run and
    # the median taken, so that drifts in machine speed affect both sides alike.
    baseline = [plain_simpy_mmc(seed=s) for s in range(3)]
    patients, seconds = region_year(region, args.days)
    baseline += [plain_simpy_mmc(seed=s) for s in range(3, 5)]
    per_customer = float(np.median(baseline))
    print(f"plain SimPy M/M/c:  {1 / per_customer:,.0f} customers/s ({per_customer * 1e6:.1f} µs per customer; "
          f"median of {len(baseline)}, range {min(baseline) * 1e6:.1f}-{max(baseline) * 1e6:.1f})")
    per_patient = seconds / patients
    print(f"acutesim {region}, {args.days:g} days + warm-up: {patients:,} patients in {seconds:.1f} s "
          f"= {patients / seconds:,.0f} patients/s ({per_patient * 1e6:.1f} µs per patient)")
    print(f"ratio cost per patient / cost per M/M/c customer: {per_patient / per_customer:.2f} (target <= 3)")
    print(f"region-year wall time: {seconds:.1f} s (target <= 60 s on one core)")
    if args.memory or args.national:
        with tempfile.TemporaryDirectory() as tmp:
            regions = known_regions() if args.national else [region]
            total, rows_seconds = 0, 0.0
            for r in regions:
                n, s = region_year(r, args.days, Path(tmp) / f"{r}.parquet")
                total += n
                rows_seconds += s
            size = sum(p.stat().st_size for p in Path(tmp).glob("*.parquet")) / 1e6
        what = "national (all regions)" if args.national else region
        print(f"event log on, {what}: {total:,} patients in {rows_seconds:.1f} s, "
              f"log {size:,.0f} MB on disk, peak memory {peak_rss_mb():,.0f} MB (target < 2,048 MB)")


if __name__ == "__main__":
    main()
