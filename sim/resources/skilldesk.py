"""A multidisciplinary telephone desk with skill-based routing (the zcc).

Staff come in groups; every member of a group holds the same set of skills
(e.g. ambulance nurses who also do GP triage) and the group's size follows its
roster. Each call needs one skill. A new call is answered by a free member of
the group with the fewest skills that holds the needed skill (specialists
first, so that the versatile staff stay free); otherwise it waits in the
queue of its skill. A member who comes free takes the most urgent, then the
longest-waiting call among all queues of the skills they hold.

A group may keep members free for its own calls (``keep_free``, trunk
reservation): it takes a call of a skill another group is the specialist for
only while more than that many of its members are free. So nurses who also
triage HAP calls stay available for warm-transferred 112 calls.

Work locations in ``separate`` mode are separate desks; with an overflow
threshold a call that has waited that long is also offered to the other
locations: it is answered by whichever location has a free member first.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial

from sim.engine.deadlines import Deadlines
from sim.engine.flow import wake
from sim.engine.kernel import Environment, Event, heappop, heappush
from sim.engine.stats import PoolProbes

_ORDER = itertools.count()  # one arrival order across all desks, so overflow keeps FIFO


@dataclass
class StaffPool:
    """One staff group at one desk."""

    name: str
    skills: frozenset[str]
    capacity: int = 0
    busy: int = 0


def _still_waiting(call: _Call) -> bool:
    return call.active


@dataclass
class _Call:
    priority: int
    order: int
    event: Event
    asked: float
    skill: str
    waiting_at: list[SkillDesk] = field(default_factory=list)
    active: bool = True

    def __lt__(self, other: _Call) -> bool:
        return (self.priority, self.order) < (other.priority, other.order)


class SkillDesk:
    """Staff groups with skills, one queue per skill; see the module docstring."""

    def __init__(self, env: Environment, name: str, groups: Mapping[str, frozenset[str]], probes: PoolProbes,
                 overflow_after: float | None = None, group_probes: Mapping[str, PoolProbes] | None = None,
                 keep_free: Mapping[str, int] | None = None) -> None:
        self.env = env
        # Waiting calls' patience: one event for all (most are answered before it runs out).
        self._patience = Deadlines(env, self._give_up, _still_waiting)
        self.name = name
        self.pools = [StaffPool(g, frozenset(skills)) for g, skills in groups.items()]
        skills = sorted({s for p in self.pools for s in p.skills})
        # For each skill, the groups that hold it, fewest skills first.
        self._holders = {s: sorted((i for i, p in enumerate(self.pools) if s in p.skills),
                                   key=lambda i: (len(self.pools[i].skills), i)) for s in skills}
        # Members a group keeps free before it takes a call of a skill it is not the specialist for.
        reserve = keep_free or {}
        self._reserve = {(i, s): (0 if self._holders[s][0] == i else int(reserve.get(p.name, 0)))
                         for i, p in enumerate(self.pools) for s in p.skills}
        self._queues: dict[str, list[_Call]] = {s: [] for s in skills}
        self.waiting: dict[str, int] = {s: 0 for s in skills}
        self.peers: list[SkillDesk] = []
        self.overflow_after = overflow_after
        self._busy = probes.busy
        self._capacity = probes.capacity
        self._queue_level = probes.queue
        # Busy and capacity per staff group too (occupancy by group), when the caller asks for them.
        self._group_levels = [(group_probes[p.name].busy, group_probes[p.name].capacity) if group_probes else None
                              for p in self.pools]

    # ----------------------------------------------------------------- calls
    def holds(self, skill: str) -> bool:
        return skill in self._holders

    def request(self, skill: str, priority: int, patience: float | None) -> Event | tuple:
        """A seat ``(desk, group)`` now, or an event whose value is a seat or ``None`` (hung up)."""
        seat = self.try_now(skill)
        if seat is not None:
            return seat
        call = _Call(priority, next(_ORDER), self.env.event(), self.env.now, skill)
        self._enqueue(call)
        if patience is not None:
            self._patience.add(patience, call)
        if self.overflow_after is not None and self.peers:
            self.env.timeout(self.overflow_after).callbacks.append(partial(self._overflow, call))
        return call.event

    def try_now(self, skill: str) -> tuple | None:
        """A free member for ``skill`` right now, if nobody is waiting for it here."""
        if skill not in self._holders:
            return None
        if self.waiting[skill]:
            return None
        for i in self._holders[skill]:
            pool = self.pools[i]
            if pool.busy < pool.capacity - self._reserve[(i, skill)]:
                self._take(i)
                return (self, i)
        return None

    def release(self, group: int) -> None:
        """A member of ``group`` finished a call: they take the next one they can."""
        self.pools[group].busy -= 1
        self._busy.add(self.env.now, -1)
        levels = self._group_levels[group]
        if levels is not None:
            levels[0].add(self.env.now, -1)
        self._serve_group(group)

    # -------------------------------------------------------------- rosters
    def set_capacity(self, group: int, capacity: int) -> None:
        pool = self.pools[group]
        self._capacity.add(self.env.now, capacity - pool.capacity)
        levels = self._group_levels[group]
        if levels is not None:
            levels[1].add(self.env.now, capacity - pool.capacity)
        pool.capacity = capacity
        self._serve_group(group)

    @property
    def capacity(self) -> int:
        return sum(p.capacity for p in self.pools)

    # ------------------------------------------------------------- internal
    def _take(self, group: int) -> None:
        self.pools[group].busy += 1
        self._busy.add(self.env.now, 1)
        levels = self._group_levels[group]
        if levels is not None:
            levels[0].add(self.env.now, 1)

    def _enqueue(self, call: _Call) -> None:
        heappush(self._queues[call.skill], call)
        self.waiting[call.skill] += 1
        call.waiting_at.append(self)
        self._queue_level.add(self.env.now, 1)

    def _leave_queues(self, call: _Call) -> None:
        call.active = False
        for desk in call.waiting_at:
            desk.waiting[call.skill] -= 1
            desk._queue_level.add(self.env.now, -1)

    def _head(self, skill: str) -> _Call | None:
        queue = self._queues.get(skill)
        while queue and not queue[0].active:
            heappop(queue)
        return queue[0] if queue else None

    def _serve_group(self, group: int) -> None:
        pool = self.pools[group]
        while pool.busy < pool.capacity:
            free = pool.capacity - pool.busy
            heads = [c for c in (self._head(s) for s in pool.skills
                                 if free > self._reserve[(group, s)]) if c is not None]
            if not heads:
                return
            call = min(heads)
            heappop(self._queues[call.skill])
            self._leave_queues(call)
            self._take(group)
            wake(call.event, (self, group))

    def _give_up(self, call: _Call) -> None:
        if call.active:
            self._leave_queues(call)
            wake(call.event, None)

    def _overflow(self, call: _Call, _event: Event) -> None:
        """Offer a long-waiting call to the other locations too."""
        if not call.active:
            return
        for peer in self.peers:
            if not peer.holds(call.skill):
                continue
            seat = peer.try_now(call.skill)
            if seat is not None:
                self._leave_queues(call)
                wake(call.event, seat)
                return
        for peer in self.peers:
            if peer.holds(call.skill):
                peer._enqueue(call)


class GroupRoster:
    """Roster handle for one staff group at one desk (what the hourly clock adjusts)."""

    __slots__ = ("desk", "group")

    def __init__(self, desk: SkillDesk, group: int) -> None:
        self.desk = desk
        self.group = group

    @property
    def capacity(self) -> int:
        return self.desk.pools[self.group].capacity

    def set_capacity(self, capacity: int) -> None:
        self.desk.set_capacity(self.group, capacity)
