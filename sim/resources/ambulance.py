"""The ambulance fleet of a region: vehicles at posts, dispatched nearest-first.

Each vehicle has a home post and a current location (a sub-area). A request
is given the nearest idle vehicle by drive time; when none is idle, or the
number busy has reached the roster's on-duty count, the request queues by
urgency and takes the next vehicle to come free. A vehicle that delivered a
patient is idle at once at the hospital and drives back to its post; it is
dispatched from wherever it is. Where an idle vehicle is follows from the time
it reaches its post, read when it is needed (no event for the drive home).

A dispatch does not scan every idle vehicle: for each sub-area the vehicles are kept in order
of the drive from their post, so the first idle one at its post is the nearest of those, and
only the few idle vehicles not yet back at their post are looked at one by one. The choice is
that of a scan of all idle vehicles (nearest, lowest index among equals).
"""

from __future__ import annotations

import numpy as np

from sim.engine.flow import wake
from sim.engine.kernel import Environment, Event, heappop, heappush
from sim.engine.stats import PoolProbes


class AmbulanceFleet:
    """Vehicles with locations; nearest-idle dispatch and an urgency queue.

    Drive times are held as Python lists, so a dispatch reads plain floats (the
    clock never becomes a numpy scalar).
    """

    def __init__(self, env: Environment, home: list[int], drive_min: np.ndarray | list[list[float]],
                 probes: PoolProbes) -> None:
        self.env = env
        self.home: list[int] = [int(h) for h in home]
        self.location: list[int] = list(self.home)
        self._is_idle: list[bool] = [True] * len(self.home)
        self._n_idle = len(self.home)
        # When each vehicle is back at its post: before that an idle vehicle is where it was released.
        self._home_at: list[float] = [0.0] * len(self.home)
        # Idle vehicles that may not be back at their post yet (released elsewhere), checked at each dispatch.
        self._away: list[int] = []
        self._in_away: list[bool] = [False] * len(self.home)
        self.drive_min: list[list[float]] = np.asarray(drive_min, dtype=float).tolist()
        self._drive_to = [list(col) for col in zip(*self.drive_min, strict=True)]  # [to][from]
        # Per sub-area: every vehicle by the drive from its post, then by index (the dispatch order at the post).
        self._nearest_at_post = [self._by_drive_from_post(to) for to in self._drive_to]
        self.on_duty = len(self.home)
        self.busy = 0
        self._queue: list[tuple] = []
        self._seq = 0
        self._busy_level = probes.busy
        self._duty_level = probes.capacity  # vehicles on duty

    def _by_drive_from_post(self, to: list[float]) -> list[int]:
        """Every vehicle, nearest post first (drive times ``to`` one sub-area), then by index."""
        return sorted(range(len(self.home)), key=lambda v: (to[self.home[v]], v))

    @property
    def size(self) -> int:
        return len(self.home)

    @property
    def idle(self) -> list[bool]:
        """Whether each vehicle is idle (a read-out; dispatch keeps the idle indices)."""
        return list(self._is_idle)

    def request(self, priority: int, subarea: int) -> Event | int:
        """A vehicle index now, or an event that succeeds with one when assigned."""
        if not self._queue and self.busy < self.on_duty and self._n_idle:
            return self._assign(subarea)
        ev = self.env.event()
        heappush(self._queue, (priority, self._seq, ev, subarea))
        self._seq += 1
        return ev

    def release(self, vehicle: int, at_subarea: int) -> None:
        """The vehicle is free at ``at_subarea``; it heads home unless dispatched first."""
        self._is_idle[vehicle] = True
        self._n_idle += 1
        self.location[vehicle] = at_subarea
        self.busy -= 1
        self._busy_level.set(self.env.now, self.busy)
        # Back at the post after the drive home (the sum is computed as a timeout's time would be).
        self._home_at[vehicle] = home_at = self.env.now + self.drive_min[at_subarea][self.home[vehicle]]
        if home_at > self.env.now and not self._in_away[vehicle]:
            self._in_away[vehicle] = True
            self._away.append(vehicle)
        self._serve()

    def set_on_duty(self, n: int) -> None:
        self.on_duty = min(n, self.size)
        self._duty_level.set(self.env.now, self.on_duty)
        self._serve()

    def _assign(self, subarea: int) -> int:
        """The nearest idle vehicle (lowest index among equals); ``location`` then says where it starts."""
        to, now, loc, home, home_at = self._drive_to[subarea], self.env.now, self.location, self.home, self._home_at
        is_idle = self._is_idle
        best_time, vehicle = float("inf"), -1
        # Idle vehicles not yet back at their post: from where they were released.
        if self._away:
            still_away = []
            for v in self._away:
                if is_idle[v] and home_at[v] > now:
                    still_away.append(v)
                    t = to[loc[v]]
                    if t < best_time or (t == best_time and v < vehicle):
                        best_time, vehicle = t, v
                else:
                    self._in_away[v] = False  # dispatched, or home: the order at the post covers it
            self._away = still_away
        # The nearest idle vehicle at its post is the first in the sub-area's order.
        for v in self._nearest_at_post[subarea]:
            if is_idle[v] and home_at[v] <= now:
                t = to[home[v]]
                if t < best_time or (t == best_time and v < vehicle):
                    best_time, vehicle = t, v
                break
        is_idle[vehicle] = False
        self._n_idle -= 1
        if home_at[vehicle] <= now:
            loc[vehicle] = home[vehicle]
        self.busy += 1
        self._busy_level.set(self.env.now, self.busy)
        return vehicle

    def _serve(self) -> None:
        while self._queue and self.busy < self.on_duty and self._n_idle:
            _, _, ev, subarea = heappop(self._queue)
            wake(ev, self._assign(subarea))
