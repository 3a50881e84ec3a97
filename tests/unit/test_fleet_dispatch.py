"""Nearest-vehicle dispatch without a scan of every idle vehicle (sim/resources/ambulance.py ``_assign``).

Test plan: on random fleets (posts, drive times with many equal values so that ties are common,
vehicles released at hospitals and driving home without events, a roster that changes the number on
duty), every dispatch picks the vehicle a scan of all idle vehicles picks (nearest from where it is,
lowest index among equals), at the same time, and the busy level ends equal to the bit.
"""

from __future__ import annotations

import numpy as np

from sim.engine.flow import run_flow
from sim.engine.kernel import Environment
from sim.engine.stats import PoolProbes
from sim.resources.ambulance import AmbulanceFleet
from tests.helpers import in_pure_python_core


class ScanFleet(AmbulanceFleet):
    """The reference: every idle vehicle is looked at, in index order."""

    def _assign(self, subarea: int) -> int:
        to, now, loc, home, home_at = self._drive_to[subarea], self.env.now, self.location, self.home, self._home_at
        idle = [v for v in range(self.size) if self._is_idle[v]]
        times = [to[home[v]] if home_at[v] <= now else to[loc[v]] for v in idle]
        vehicle = idle[times.index(min(times))]
        self._is_idle[vehicle] = False
        self._n_idle -= 1
        if home_at[vehicle] <= now:
            loc[vehicle] = home[vehicle]
        self.busy += 1
        self._busy_level.set(self.env.now, self.busy)
        return vehicle


def _run(fleet_type: type[AmbulanceFleet], seed: int) -> tuple[list[tuple[int, float, int, int]], float]:
    rng = np.random.default_rng(seed)
    areas, vehicles = 9, int(rng.integers(2, 12))
    drive = rng.integers(0, 6, (areas, areas)).astype(float) * 8.0  # few distinct values: many ties
    np.fill_diagonal(drive, 0.0)
    home = rng.integers(0, areas, vehicles).tolist()
    env = Environment()
    probes = PoolProbes.detached()
    fleet = fleet_type(env, home, drive.tolist(), probes)
    picks: list[tuple[int, float, int, int]] = []
    n = 300
    gaps, jobs = rng.exponential(4.0, n).tolist(), rng.exponential(15.0, n).tolist()
    where, released_at = rng.integers(0, areas, n).tolist(), rng.integers(0, areas, n).tolist()
    urgency = rng.integers(0, 3, n).tolist()

    def job(i: int):
        vehicle = yield fleet.request(urgency[i], where[i])
        picks.append((i, env.now, vehicle, fleet.location[vehicle]))
        yield env.timeout(jobs[i])
        fleet.release(vehicle, released_at[i])

    def source():
        for i in range(n):
            yield env.timeout(gaps[i])
            run_flow(job(i))

    def roster():
        for k in range(30):
            yield env.timeout(41.3)
            fleet.set_on_duty(int(rng.integers(0, vehicles + 1)) if k < 29 else vehicles)

    run_flow(source())
    run_flow(roster())
    env.run()
    return picks, probes.busy.mean(env.now)


@in_pure_python_core  # the reference is a subclass of the fleet (compiled classes take none)
def test_dispatch_picks_the_vehicle_a_full_scan_picks():
    for seed in range(12):
        picks, busy = _run(AmbulanceFleet, seed)
        ref_picks, ref_busy = _run(ScanFleet, seed)
        assert len(picks) == 300
        assert picks == ref_picks, f"seed {seed}"
        assert busy == ref_busy, f"seed {seed}"
