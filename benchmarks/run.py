"""Benchmark of the simulation loop, start-up and parallel runs, in one command.

Prints, in one run on one machine:

1. per-patient cost of one region-year (the largest region, status quo) as a ratio to
   the cost of a customer of a plain-SimPy M/M/c queue and of a plain heap-loop M/M/c
   (each baseline the median of 5, measured around the region run so that machine
   drift affects both sides alike);
2. heap events per patient (every event the model's kernel scheduled, divided by patients);
3. the region-year wall time and, with ``--national``, the national year on one core
   (every region in turn);
4. start-up: ``import sim.cli.main`` and ``acutesim validate`` in fresh interpreters
   (median of 3);
5. the speed-up of ``--workers 2`` on replications (``replications_of``) over a serial run (wall
   time), next to the machine's own ceiling at that moment (two busy loops on two processes).

Single-process costs are process CPU time (``--wall`` for wall time), which other load on a shared
machine disturbs least.

Results are appended to ``benchmarks/results.md`` with the machine, date, commit and
``--label`` (e.g. ``before``/``after``).

Usage: ``python benchmarks/run.py [--label L] [--region R] [--days D] [--national]
[--no-parallel] [--memory]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import heapq
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import simpy

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

from sim import native, paths  # noqa: E402
from sim.chain.model import Model  # noqa: E402
from sim.config.loader import load_scenario  # noqa: E402
from sim.engine.eventlog import EventLog  # noqa: E402
from sim.geo.regions import known_regions, subareas_of  # noqa: E402

# Single-process costs are measured in process CPU time (--wall: wall time): on a shared machine
# the CPU time of the measured process is what other load disturbs least.
CLOCK = time.process_time
MMC = dict(customers=200_000, servers=5, load=4.0)


def plain_simpy_mmc(seed: int, customers: int = MMC["customers"], servers: int = MMC["servers"],
                    load: float = MMC["load"]) -> float:
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
    start = CLOCK()
    env.run()
    return (CLOCK() - start) / customers


def plain_heap_mmc(seed: int, customers: int = MMC["customers"], servers: int = MMC["servers"],
                   load: float = MMC["load"]) -> float:
    """Seconds per customer of the same M/M/c in a tight heap-based event loop (no framework)."""
    rng = np.random.default_rng(seed)
    gaps = rng.exponential(1.0, customers).tolist()
    service = rng.exponential(load, customers).tolist()
    start = CLOCK()
    heap: list[tuple[float, int, int]] = [(gaps[0], 0, 0)]  # (time, seq, kind): kind 0 arrival, 1 departure
    push, pop = heapq.heappush, heapq.heappop
    seq, nxt, busy = 1, 1, 0
    queue: list[float] = []
    qi = 0
    waits = []
    t_arr = gaps[0]
    while heap:
        now, _, kind = pop(heap)
        if kind == 0:
            if busy < servers:
                busy += 1
                waits.append(0.0)
                push(heap, (now + service[seq % customers], seq, 1))
                seq += 1
            else:
                queue.append(now)
            if nxt < customers:
                t_arr += gaps[nxt]
                nxt += 1
                push(heap, (t_arr, seq, 0))
                seq += 1
        else:
            if qi < len(queue):
                waits.append(now - queue[qi])
                qi += 1
                push(heap, (now + service[seq % customers], seq, 1))
                seq += 1
            else:
                busy -= 1
    return (CLOCK() - start) / customers


def largest_region() -> str:
    return max(known_regions(), key=lambda r: sum(a.population for a in subareas_of(r)))


def region_year(region: str, days: float, event_log: Path | None = None) -> tuple[int, int, float]:
    """Patients, heap events and wall seconds (including arrival generation) of one replication."""
    scenario = load_scenario(paths.region_scenario(region), {"run": {"days": days}})
    start = CLOCK()
    log = EventLog(event_log, 0) if event_log else None
    model = Model(scenario, 0, event_log=log).run()
    if log:
        log.close()
    seconds = CLOCK() - start
    return model.created, events_of(model), seconds


def events_of(model: Model) -> int:
    """Heap events scheduled in a run (the kernel numbers every scheduled event, as SimPy does)."""
    counted = getattr(model, "events_scheduled", None)
    if counted is not None:
        return int(counted() if callable(counted) else counted)
    return next(model.env._eid)


def fresh_python(code: str | list[str], repeat: int = 3) -> str:
    """Median wall and CPU (user + system) seconds of a fresh interpreter running ``code`` (or the argv list)."""
    argv = [sys.executable, "-c", code] if isinstance(code, str) else code
    wall, cpu = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(argv, check=True, cwd=ROOT, capture_output=True)
        wall.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return f"{statistics.median(wall):.2f} s wall, {statistics.median(cpu):.2f} s CPU"


def _rep(args: tuple[str, float, int]) -> int:
    region, days, rep = args
    scenario = load_scenario(paths.region_scenario(region), {"run": {"days": days}})
    return Model(scenario, rep).run().created


def parallel_speedup(region: str, days: float, reps: int) -> tuple[float, float, float]:
    """Serial and 2-worker wall time of ``reps`` replications through the runner's pool."""
    from sim.run.runner import replications_of

    scenario = load_scenario(paths.region_scenario(region), {"run": {"days": days}})
    jobs = [(scenario, r, None) for r in range(reps)]
    times = {}
    for workers in (1, 2):
        start = time.perf_counter()
        list(replications_of(jobs, workers))
        times[workers] = time.perf_counter() - start
    return times[1], times[2], times[1] / times[2]


def _busy_loop(n: int = 3_000_000) -> int:
    table: dict[int, int] = {}
    total = 0
    for i in range(n):
        table[i & 4095] = total
        total += i * 3 % 7
    return total


def machine_ceiling() -> float:
    """Speed-up of two copies of a pure-Python loop on 2 processes: what the machine allows right now."""
    from concurrent.futures import ProcessPoolExecutor

    start = time.perf_counter()
    _busy_loop(), _busy_loop()
    serial = time.perf_counter() - start
    with ProcessPoolExecutor(2) as pool:
        start = time.perf_counter()
        list(pool.map(_busy_loop, [3_000_000] * 2))
        parallel = time.perf_counter() - start
    return serial / parallel


def commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, SimPy {simpy.__version__}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--label", default="", help="label of this run in results.md (e.g. before, after)")
    ap.add_argument("--region", default=None, help="region (default: the largest by population)")
    ap.add_argument("--days", type=float, default=365)
    ap.add_argument("--national", action="store_true", help="also the national year on one core (minutes)")
    ap.add_argument("--no-parallel", action="store_true", help="skip the --workers 2 speed-up")
    ap.add_argument("--parallel-days", type=float, default=60)
    ap.add_argument("--parallel-reps", type=int, default=4)
    ap.add_argument("--memory", action="store_true", help="also the region-year with the event log, peak memory")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results.md")
    ap.add_argument("--wall", action="store_true", help="single-process costs in wall time, not process CPU time")
    args = ap.parse_args()
    if args.wall:
        global CLOCK
        CLOCK = time.perf_counter
    region = args.region or largest_region()
    rows: list[tuple[str, str]] = []
    load0 = os.getloadavg()[0]

    def show(name: str, value: str) -> None:
        print(f"{name:<48} {value}", flush=True)
        rows.append((name, value))

    show("simulation core (sim/native.py)", native.ENGINE)
    # Baselines: 3 before and 2 after the region run (median of 5 each).
    simpy_t = [plain_simpy_mmc(s) for s in range(3)]
    heap_t = [plain_heap_mmc(s) for s in range(3)]
    patients, events, seconds = region_year(region, args.days)
    simpy_t += [plain_simpy_mmc(s) for s in range(3, 5)]
    heap_t += [plain_heap_mmc(s) for s in range(3, 5)]
    per_simpy, per_heap = statistics.median(simpy_t), statistics.median(heap_t)
    per_patient = seconds / patients
    show("plain SimPy M/M/5 customer (median of 5)", f"{per_simpy * 1e6:.1f} µs")
    show("plain heap-loop M/M/5 customer (median of 5)", f"{per_heap * 1e6:.1f} µs")
    show(f"acutesim patient ({region}, {args.days:g} d + warm-up)", f"{per_patient * 1e6:.1f} µs "
         f"({patients:,} patients)")
    show("ratio patient / SimPy customer (target <= 1.0)", f"{per_patient / per_simpy:.2f}")
    show("ratio patient / heap-loop customer", f"{per_patient / per_heap:.2f}")
    show("heap events per patient (target <= 2.5)", f"{events / patients:.2f}")
    clock = "wall" if args.wall else "CPU"
    show(f"{region} region-year ({clock} time)", f"{seconds:.1f} s")
    if args.national:
        total, national_s = 0, 0.0
        for r in known_regions():
            n, _, s = region_year(r, args.days)
            total += n
            national_s += s
        show(f"national year, one core, {clock} time (target <= 150 s)", f"{national_s:.1f} s ({total:,} patients)")
    show("python -c 'import sim.cli.main' (median of 3)", fresh_python("import sim.cli.main"))
    show("python -c 'import sim.run.runner' (median of 3)", fresh_python("import sim.run.runner"))
    validate = [sys.executable, "-m", "sim", "validate", "scenarios/noord/status_quo.yaml"]
    show("python -m sim validate noord (target <= 0.3 s)", fresh_python(validate))
    if not args.no_parallel:
        serial, two, speedup = parallel_speedup(region, args.parallel_days, args.parallel_reps)
        show(f"--workers 2 speed-up ({args.parallel_reps} reps x {args.parallel_days:g} d, target >= 1.8)",
             f"{speedup:.2f}x (serial {serial:.1f} s, 2 workers {two:.1f} s)")
        show("machine ceiling: 2 busy loops on 2 processes", f"{machine_ceiling():.2f}x (load average "
             f"{os.getloadavg()[0]:.1f} before the run: {load0:.1f})")
    if args.memory:
        with tempfile.TemporaryDirectory() as tmp:
            n, _, s = region_year(region, args.days, Path(tmp) / "log.parquet")
            size = (Path(tmp) / "log.parquet").stat().st_size / 1e6
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        show("region-year with event log", f"{s:.1f} s, log {size:,.0f} MB, peak memory {peak:,.0f} MB")

    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    cmd = "python benchmarks/run.py " + " ".join(sys.argv[1:])
    head = f"\n## {args.label or 'run'} — {when}, commit {commit()}\n\n{machine()}\n\n`{cmd}`\n\n"
    table = "| measure | value |\n| --- | --- |\n" + "".join(f"| {k} | {v} |\n" for k, v in rows)
    if not args.out.exists():
        args.out.write_text("# Benchmark results (`python benchmarks/run.py`)\n", encoding="utf-8")
    with args.out.open("a", encoding="utf-8") as fh:
        fh.write(head + table)
    print(f"appended to {args.out}")


if __name__ == "__main__":
    main()
