"""The ambulance fleet of a region: vehicles at posts, dispatched nearest-first.

Each vehicle has a home post and a current location (a sub-area). A request
is given the nearest idle vehicle by drive time; when none is idle, or the
number busy has reached the roster's on-duty count, the request queues by
urgency and takes the next vehicle to come free. A vehicle that delivered a
patient is idle at once at the hospital and drives back to its post; it is
dispatched from wherever it is. Where an idle vehicle is follows from the time
it reaches its post, read when it is needed (no event for the drive home).
"""

from __future__ import annotations

import bisect
import heapq

import numpy as np
import simpy

from sim.engine.flow import wake
from sim.engine.stats import PoolProbes


class AmbulanceFleet:
    """Vehicles with locations; nearest-idle dispatch and an urgency queue.

    Drive times are held as Python lists and idle vehicles as a sorted list of
    indices, so a dispatch reads plain floats (the clock never becomes a numpy
    scalar) and scans only the idle vehicles.
    """

    def __init__(self, env: simpy.Environment, home: list[int], drive_min: np.ndarray | list[list[float]],
                 probes: PoolProbes) -> None:
        self.env = env
        self.home: list[int] = [int(h) for h in home]
        self.location: list[int] = list(self.home)
        self._idle: list[int] = list(range(len(self.home)))  # idle vehicles, ascending index
        # When each vehicle is back at its post: before that an idle vehicle is where it was released.
        self._home_at: list[float] = [0.0] * len(self.home)
        self.drive_min: list[list[float]] = np.asarray(drive_min, dtype=float).tolist()
        self._drive_to = [list(col) for col in zip(*self.drive_min, strict=True)]  # [to][from]
        self.on_duty = len(self.home)
        self.busy = 0
        self._queue: list[tuple] = []
        self._seq = 0
        self._busy_level = probes.busy
        self._duty_level = probes.capacity  # vehicles on duty

    @property
    def size(self) -> int:
        return len(self.home)

    @property
    def idle(self) -> list[bool]:
        """Whether each vehicle is idle (a read-out; dispatch keeps the idle indices)."""
        idle = set(self._idle)
        return [v in idle for v in range(self.size)]

    def request(self, priority: int, subarea: int) -> simpy.Event | int:
        """A vehicle index now, or an event that succeeds with one when assigned."""
        if not self._queue and self.busy < self.on_duty and self._idle:
            return self._assign(subarea)
        ev = simpy.Event(self.env)
        heapq.heappush(self._queue, (priority, self._seq, ev, subarea))
        self._seq += 1
        return ev

    def release(self, vehicle: int, at_subarea: int) -> None:
        """The vehicle is free at ``at_subarea``; it heads home unless dispatched first."""
        bisect.insort(self._idle, vehicle)
        self.location[vehicle] = at_subarea
        self.busy -= 1
        self._busy_level.set(self.env.now, self.busy)
        # Back at the post after the drive home (the sum is computed as a timeout's time would be).
        self._home_at[vehicle] = self.env.now + self.drive_min[at_subarea][self.home[vehicle]]
        self._serve()

    def set_on_duty(self, n: int) -> None:
        self.on_duty = min(n, self.size)
        self._duty_level.set(self.env.now, self.on_duty)
        self._serve()

    def _assign(self, subarea: int) -> int:
        """The nearest idle vehicle (lowest index among equals); ``location`` then says where it starts."""
        to, now, loc, home, home_at = self._drive_to[subarea], self.env.now, self.location, self.home, self._home_at
        times = [to[home[v]] if home_at[v] <= now else to[loc[v]] for v in self._idle]
        vehicle = self._idle.pop(times.index(min(times)))
        if home_at[vehicle] <= now:
            loc[vehicle] = home[vehicle]
        self.busy += 1
        self._busy_level.set(self.env.now, self.busy)
        return vehicle

    def _serve(self) -> None:
        while self._queue and self.busy < self.on_duty and self._idle:
            _, _, ev, subarea = heapq.heappop(self._queue)
            wake(ev, self._assign(subarea))
