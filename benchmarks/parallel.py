"""Speed-up of an experiment with 2 local worker processes against a serial run.

Runs the same small experiment (noord scenario III, N replications) serially
and with ``--workers 2`` into fresh folders, checks that the results are
identical, and reports wall times and the speed-up.

Usage: ``python benchmarks/parallel.py [--replications N] [--days D]``
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.experiment import execute, load_experiment, tasks_for  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--replications", type=int, default=6)
    ap.add_argument("--days", type=float, default=90)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        exp_path = Path(tmp) / "exp.yaml"
        exp_path.write_text(f"name: speedup\nscenarios: [{ROOT / 'scenarios/noord/zcc.yaml'}]\n"
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
    same = results[1] == results[2]
    print(f"{args.replications} replications of {args.days:g} days: serial {times[1]:.1f} s, 2 workers "
          f"{times[2]:.1f} s, speed-up {times[1] / times[2]:.2f}x (target >= 1.7); identical results: {same}")


if __name__ == "__main__":
    main()
