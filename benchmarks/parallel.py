"""Speed-up of an experiment with 2 local worker processes against a serial run.

Runs the same small experiment (noord scenario III, N replications) serially
and with ``--workers 2`` into fresh folders, checks that the results are
identical, and reports wall times and the speed-up. Alongside, it measures the
machine's own ceiling: the speed-up of a trivially parallel pure-Python loop in
the same minutes (shared cores, memory bandwidth and frequency scaling limit
both alike), so the runner's efficiency can be read apart from the machine's.

Usage: ``python benchmarks/parallel.py [--replications N] [--days D]``
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout without installing

from sim import paths  # noqa: E402
from sim.run.experiment import execute, load_experiment, tasks_for  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import machine_ceiling  # noqa: E402  (benchmarks/run.py: the machine's own 2-process ceiling)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--replications", type=int, default=6)
    ap.add_argument("--days", type=float, default=90)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        exp_path = Path(tmp) / "exp.yaml"
        exp_path.write_text(f"name: speedup\nscenarios: [{paths.region_scenario('noord', 'zcc')}]\n"
                            f"replications: {args.replications}\nseed: 1\ndays: {args.days}\n", encoding="utf-8")
        exp, points = load_experiment(exp_path)
        times, results = {}, {}
        for workers in (1, 2):
            out = Path(tmp) / f"w{workers}"
            tasks = tasks_for(points, exp.replications, out)
            start = time.perf_counter()
            execute(points, tasks, workers=workers)
            times[workers] = time.perf_counter() - start
            results[workers] = [t.path.read_text() for t in tasks]
    ceiling = [machine_ceiling() for _ in range(3)]
    same = results[1] == results[2]
    speedup = times[1] / times[2]
    print(f"{args.replications} replications of {args.days:g} days: serial {times[1]:.1f} s, 2 workers "
          f"{times[2]:.1f} s, speed-up {speedup:.2f}x (target >= 1.7); identical results: {same}")
    print(f"machine ceiling (trivially parallel loop, 3 tries): {min(ceiling):.2f}-{max(ceiling):.2f}x; "
          f"runner efficiency vs the best try: {speedup / max(ceiling):.0%}")


if __name__ == "__main__":
    main()
