"""The ambulance fleet of a region: vehicles at posts, dispatched nearest-first.

Each vehicle has a home post and a current location (a sub-area). A request
is given the nearest idle vehicle by drive time; when none is idle, or the
number busy has reached the roster's on-duty count, the request queues by
urgency and takes the next vehicle to come free. A vehicle that delivered a
patient is idle at once at the hospital and drives back to its post; it is
dispatched from wherever it is.
"""

from __future__ import annotations

import heapq
from functools import partial

import numpy as np
import simpy

from sim.engine.stats import PoolProbes


class AmbulanceFleet:
    """Vehicles with locations; nearest-idle dispatch and an urgency queue."""

    def __init__(self, env: simpy.Environment, home: list[int], drive_min: np.ndarray,
                 probes: PoolProbes) -> None:
        self.env = env
        self.home = np.asarray(home, dtype=np.int64)
        self.location = self.home.copy()
        self.idle = np.ones(len(home), dtype=bool)
        self.trip = np.zeros(len(home), dtype=np.int64)  # invalidates stale return-to-post events
        self.drive_min = drive_min
        self.on_duty = len(home)
        self.busy = 0
        self._queue: list[tuple] = []
        self._seq = 0
        self._busy_level = probes.busy
        self._duty_level = probes.capacity  # vehicles on duty

    @property
    def size(self) -> int:
        return len(self.home)

    def request(self, priority: int, subarea: int) -> simpy.Event | int:
        """A vehicle index now, or an event that succeeds with one when assigned."""
        if not self._queue and self.busy < self.on_duty and self.idle.any():
            return self._assign(subarea)
        ev = simpy.Event(self.env)
        heapq.heappush(self._queue, (priority, self._seq, ev, subarea))
        self._seq += 1
        return ev

    def release(self, vehicle: int, at_subarea: int) -> None:
        """The vehicle is free at ``at_subarea``; it heads home unless dispatched first."""
        self.idle[vehicle] = True
        self.location[vehicle] = at_subarea
        self.busy -= 1
        self._busy_level.set(self.env.now, self.busy)
        self.trip[vehicle] += 1
        if at_subarea != self.home[vehicle]:
            trip = self.trip[vehicle]
            back = self.drive_min[at_subarea, self.home[vehicle]]
            self.env.timeout(back).callbacks.append(partial(self._at_post, vehicle, trip))
        self._serve()

    def set_on_duty(self, n: int) -> None:
        self.on_duty = min(n, self.size)
        self._duty_level.set(self.env.now, self.on_duty)
        self._serve()

    def _at_post(self, vehicle: int, trip: int, _event: simpy.Event) -> None:
        if self.trip[vehicle] == trip and self.idle[vehicle]:
            self.location[vehicle] = self.home[vehicle]

    def _assign(self, subarea: int) -> int:
        times = np.where(self.idle, self.drive_min[self.location, subarea], np.inf)
        vehicle = int(np.argmin(times))
        self.idle[vehicle] = False
        self.trip[vehicle] += 1
        self.busy += 1
        self._busy_level.set(self.env.now, self.busy)
        return vehicle

    def _serve(self) -> None:
        while self._queue and self.busy < self.on_duty and self.idle.any():
            _, _, ev, subarea = heapq.heappop(self._queue)
            ev.succeed(self._assign(subarea))
