"""A capacity pool: c servers or beds, a priority queue, patience and a gate.

One mechanism serves every place where patients wait for capacity: telephone
desks (staff by roster; callers abandon when their patience runs out), GP
consult rooms and visiting cars, SEH treatment places, bed pools (admission
only while the admission window is open; a patient at home waits at most a
set time) and mobile teams.

A request returns a SimPy event that succeeds with ``True`` when capacity is
granted or ``False`` when the requester's patience ran out first. Lower
priority numbers are served first, FIFO within a priority. When the roster
lowers capacity, busy servers finish their work first (no pre-emption).

A pool may keep ``reserve`` units for requests of priority ``reserve_priority``
or more urgent (trunk reservation: a HAP desk keeps a triagist free for its
urgent line); the others may use all but the reserve, and at least one unit
when anyone is on duty.
"""

from __future__ import annotations

import heapq
from functools import partial

import simpy

from sim.engine.stats import PoolProbes


class CapacityPool:
    """Servers or beds with a priority queue; see the module docstring."""

    __slots__ = (
        "env", "name", "capacity", "busy", "waiting", "gate_open", "_queue", "_seq",
        "_busy_level", "_cap_level", "_queue_level", "_probes", "_track_waits", "reserve", "reserve_priority",
    )

    def __init__(self, env: simpy.Environment, name: str, capacity: int, probes: PoolProbes) -> None:
        self.env = env
        self.name = name
        self.capacity = capacity
        self.busy = 0
        self.waiting = 0
        self.gate_open = True
        self._queue: list[list] = []
        self._seq = 0
        self._probes = probes
        self._busy_level = probes.busy
        self._cap_level = probes.capacity
        self._queue_level = probes.queue
        self._cap_level.add(env.now, capacity)
        self._track_waits = probes.tracks_waits
        self.reserve = 0
        self.reserve_priority = 0

    # ---------------------------------------------------------------- requests
    def request(self, priority: int = 0, patience: float | None = None) -> simpy.Event | bool:
        """Ask for one unit of capacity.

        Returns ``True`` when capacity is free now; otherwise an event whose value
        says whether it was granted (``True``) or patience ran out (``False``).
        """
        if self.try_now() if not self.reserve else self._take_within_limit(priority):
            if self._track_waits:
                self._probes.waited(0.0)
            return True
        ev = simpy.Event(self.env)
        entry = [priority, self._seq, ev, self.env.now, True]
        self._seq += 1
        heapq.heappush(self._queue, entry)
        self.waiting += 1
        self._queue_level.add(self.env.now, 1)
        if patience is not None:
            self.env.timeout(patience).callbacks.append(partial(self._give_up, entry))
        return ev

    def try_now(self) -> bool:
        """Take one unit only if it is free right now (no queueing); True if taken."""
        if self.waiting == 0 and self.busy < self.capacity and self.gate_open:
            self.busy += 1
            self._busy_level.add(self.env.now, 1)
            return True
        return False

    def keep_reserve(self, units: int, for_priority: int) -> None:
        """Keep ``units`` free for requests of priority ``for_priority`` or lower (more urgent)."""
        self.reserve = units
        self.reserve_priority = for_priority

    def _limit(self, priority: int) -> int:
        """Units a request of ``priority`` may use: all, or all but the reserve (at least one when on duty)."""
        if not self.reserve or priority <= self.reserve_priority:
            return self.capacity
        return max(self.capacity - self.reserve, min(self.capacity, 1))

    def _take_within_limit(self, priority: int) -> bool:
        """With a reserve: take a unit now if this priority may, and nobody as urgent or more waits."""
        if not self.gate_open or self.busy >= self._limit(priority):
            return False
        queue = self._queue
        while queue and not queue[0][4]:
            heapq.heappop(queue)
        if queue and queue[0][0] <= priority:
            return False
        self.busy += 1
        self._busy_level.add(self.env.now, 1)
        return True

    def release(self) -> None:
        """Give one unit back and serve the queue."""
        self.busy -= 1
        self._busy_level.add(self.env.now, -1)
        self._serve()

    def release_after(self, delay: float) -> None:
        """Give one unit back after ``delay`` minutes (e.g. a bed after its length of stay)."""
        self.env.timeout(delay).callbacks.append(lambda _e: self.release())

    # ------------------------------------------------------------- capacity
    def set_capacity(self, capacity: int) -> None:
        self._cap_level.add(self.env.now, capacity - self.capacity)
        self.capacity = capacity
        self._serve()

    def set_gate(self, is_open: bool) -> None:
        self.gate_open = is_open
        if is_open:
            self._serve()

    @property
    def free(self) -> int:
        return max(self.capacity - self.busy, 0)

    # --------------------------------------------------------------- internal
    def _grant(self, ev: simpy.Event, requested_at: float) -> None:
        self.busy += 1
        self._busy_level.add(self.env.now, 1)
        if self._track_waits:
            self._probes.waited(self.env.now - requested_at)
        ev.succeed(True)

    def _serve(self) -> None:
        if self.reserve:
            self._serve_with_reserve()
            return
        while self.waiting and self.busy < self.capacity and self.gate_open:
            entry = heapq.heappop(self._queue)
            if not entry[4]:
                continue
            entry[4] = False
            self.waiting -= 1
            self._queue_level.add(self.env.now, -1)
            self._grant(entry[2], entry[3])

    def _serve_with_reserve(self) -> None:
        queue = self._queue
        while self.waiting and self.gate_open:
            entry = queue[0]
            if not entry[4]:
                heapq.heappop(queue)
                continue
            if self.busy >= self._limit(entry[0]):
                return
            heapq.heappop(queue)
            entry[4] = False
            self.waiting -= 1
            self._queue_level.add(self.env.now, -1)
            self._grant(entry[2], entry[3])

    def _give_up(self, entry: list, _event: simpy.Event) -> None:
        if entry[4]:
            entry[4] = False
            self.waiting -= 1
            self._queue_level.add(self.env.now, -1)
            if self._track_waits:
                self._probes.gave_up(self.env.now - entry[3])
            entry[2].succeed(False)
