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

A unit given back later (:meth:`CapacityPool.release_after`: a triagist's after-call work, a
bed's stay) costs no heap event while nobody waits: the pool books the time it comes free
(and the busy level books its drop, :meth:`TimeWeighted.add_at`) and counts it busy until then,
catching up whenever it is next asked or changed. Only when a request has to queue while such a
unit is still busy is one event put on the heap, at the earliest booked time, for that unit's
release serves the queue. Results are those of an event per release; only the order among
events at exactly the same time may differ.
"""

from __future__ import annotations

from sim.engine.deadlines import Deadlines, event_at
from sim.engine.flow import wake
from sim.engine.kernel import Environment, Event, heappop, heappush
from sim.engine.stats import PoolProbes


def _still_waiting(entry: list) -> bool:
    return bool(entry[4])


class CapacityPool:
    """Servers or beds with a priority queue; see the module docstring."""

    __slots__ = (
        "env", "name", "capacity", "_busy", "waiting", "gate_open", "_queue", "_seq",
        "_busy_level", "_cap_level", "_queue_level", "_probes", "_track_waits", "break_in", "break_in_priority",
        "_patience", "_break_ins", "_freeing", "_armed", "_armed_at",
    )

    def __init__(self, env: Environment, name: str, capacity: int, probes: PoolProbes) -> None:
        self.env = env
        self.name = name
        self.capacity = capacity
        self._busy = 0  # units taken, including those booked to come free later (see busy)
        self._freeing: list[float] = []  # times booked units come free, a heap (release_after)
        self._armed: Event | None = None  # the event at _freeing[0] while a request waits
        self._armed_at = float("inf")
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
    def request(self, priority: int = 0, patience: float | None = None) -> Event | bool:
        """Ask for one unit of capacity.

        Returns ``True`` when capacity is free now; otherwise an event whose value
        says whether it was granted (``True``) or patience ran out (``False``).
        """
        if self.try_now():
            if self._track_waits:
                self._probes.waited(0.0)
            return True
        ev = self.env.event()
        entry = [priority, self._seq, ev, self.env.now, True]
        self._seq += 1
        heappush(self._queue, entry)
        self.waiting += 1
        self._queue_level.add(self.env.now, 1)
        if self._freeing and self._freeing[0] < self._armed_at:
            self._arm()  # a booked unit will come free: its release now serves the queue
        if patience is not None:
            self._patience.add(patience, entry)
        if self.break_in is not None and priority <= self.break_in_priority and self.capacity > 0:
            self._break_ins.add(self.break_in, entry)
        return ev

    def try_now(self) -> bool:
        """Take one unit only if it is free right now (no queueing); True if taken."""
        if self._freeing:
            self._catch_up()
        if self.waiting == 0 and self._busy < self.capacity and self.gate_open:
            self._busy += 1
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
        if self._freeing:
            self._catch_up()
        self._busy -= 1
        self._busy_level.add(self.env.now, -1)
        if self.waiting:  # (most releases find nobody waiting: no call)
            self._serve()

    def release_after(self, delay: float) -> None:
        """Give one unit back after ``delay`` minutes (e.g. a bed after its length of stay).

        With nobody waiting the time is booked (no event; see the module docstring); a request
        that queues before it puts the event on the heap then.
        """
        if self.waiting:
            self.env.timeout(delay).callbacks.append(self._release_event)
            return
        at = self.env.now + delay  # as Environment.schedule computes a timeout's time
        heappush(self._freeing, at)
        self._busy_level.add_at(at, -1)

    def _release_event(self, _event: Event) -> None:
        self.release()

    @property
    def busy(self) -> int:
        """Units taken right now (a booked unit is free from its time on)."""
        if self._freeing:
            self._catch_up()
        return self._busy

    # ------------------------------------------------------------- capacity
    def set_capacity(self, capacity: int) -> None:
        if self._freeing:
            self._catch_up()
        self._cap_level.add(self.env.now, capacity - self.capacity)
        self.capacity = capacity
        self._serve()

    def set_gate(self, is_open: bool) -> None:
        self.gate_open = is_open
        if is_open:
            if self._freeing:
                self._catch_up()
            self._serve()

    @property
    def free(self) -> int:
        return max(self.capacity - self.busy, 0)

    # --------------------------------------------------------------- internal
    def _catch_up(self) -> None:
        """Units booked to come free by now are free (the busy level books its own drops)."""
        freeing, now = self._freeing, self.env.now
        while freeing and freeing[0] <= now:
            heappop(freeing)
            self._busy -= 1

    def _arm(self) -> None:
        """An event at the earliest booked release, which serves the queue then."""
        at = self._freeing[0]
        self._armed, self._armed_at = event_at(self.env, at, self._freed), at

    def _freed(self, event: Event) -> None:
        """A booked unit came free while requests waited: serve them, as its release would have."""
        if event is not self._armed:
            return
        self._armed, self._armed_at = None, float("inf")
        self._catch_up()
        self._serve()
        if self.waiting and self._freeing:
            self._arm()

    def _grant(self, ev: Event, requested_at: float) -> None:
        self._busy += 1
        self._busy_level.add(self.env.now, 1)
        if self._track_waits:
            self._probes.waited(self.env.now - requested_at)
        wake(ev, True)

    def _serve(self) -> None:
        while self.waiting and self._busy < self.capacity and self.gate_open:
            entry = heappop(self._queue)
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
