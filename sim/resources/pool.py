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

A pool may let requests of priority ``break_in_priority`` or more urgent break
in: when nobody is free they are answered after ``break_in`` minutes anyway, by
someone who interrupts other work (a HAP triagist puts a regular caller on hold
for the urgent line, or the GP on duty answers it). Such a request is counted
busy on top of the capacity until it is released.
"""

from __future__ import annotations

import heapq

import simpy

from sim.engine.deadlines import Deadlines
from sim.engine.flow import wake
from sim.engine.stats import PoolProbes


def _still_waiting(entry: list) -> bool:
    return bool(entry[4])


class CapacityPool:
    """Servers or beds with a priority queue; see the module docstring."""

    __slots__ = (
        "env", "name", "capacity", "busy", "waiting", "gate_open", "_queue", "_seq",
        "_busy_level", "_cap_level", "_queue_level", "_probes", "_track_waits", "break_in", "break_in_priority",
        "_patience", "_break_ins",
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
        self.break_in: float | None = None
        self.break_in_priority = 0
        # Waiting requests' patience: one event for all (most are granted before it runs out).
        self._patience = Deadlines(env, self._give_up, _still_waiting)
        # Break-in times likewise: one event for the queue, not a timeout per waiting request.
        self._break_ins = Deadlines(env, self._break_in, _still_waiting)

    # ---------------------------------------------------------------- requests
    def request(self, priority: int = 0, patience: float | None = None) -> simpy.Event | bool:
        """Ask for one unit of capacity.

        Returns ``True`` when capacity is free now; otherwise an event whose value
        says whether it was granted (``True``) or patience ran out (``False``).
        """
        if self.try_now():
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
            self._patience.add(patience, entry)
        if self.break_in is not None and priority <= self.break_in_priority and self.capacity > 0:
            self._break_ins.add(self.break_in, entry)
        return ev

    def try_now(self) -> bool:
        """Take one unit only if it is free right now (no queueing); True if taken."""
        if self.waiting == 0 and self.busy < self.capacity and self.gate_open:
            self.busy += 1
            self._busy_level.add(self.env.now, 1)
            return True
        return False

    def allow_break_in(self, after_min: float, for_priority: int) -> None:
        """Requests of priority ``for_priority`` or lower (more urgent) are answered after ``after_min`` at most."""
        self.break_in = after_min
        self.break_in_priority = for_priority

    def _break_in(self, entry: list) -> None:
        """Still waiting after the break-in time: answered on top of the capacity."""
        if entry[4] and self.gate_open and self.capacity > 0:
            entry[4] = False
            self.waiting -= 1
            self._queue_level.add(self.env.now, -1)
            self._grant(entry[2], entry[3])

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
        wake(ev, True)

    def _serve(self) -> None:
        while self.waiting and self.busy < self.capacity and self.gate_open:
            entry = heapq.heappop(self._queue)
            if not entry[4]:
                continue
            entry[4] = False
            self.waiting -= 1
            self._queue_level.add(self.env.now, -1)
            self._grant(entry[2], entry[3])

    def _give_up(self, entry: list) -> None:
        if entry[4]:
            entry[4] = False
            self.waiting -= 1
            self._queue_level.add(self.env.now, -1)
            if self._track_waits:
                self._probes.gave_up(self.env.now - entry[3])
            wake(entry[2], False)
