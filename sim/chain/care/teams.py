"""Mobile teams that see patients at home: acute district nursing and the crisis GGZ team."""

from __future__ import annotations

from sim.chain.context import Context, Flow
from sim.chain.patient import Patient
from sim.config.constants import TEAM_KINDS
from sim.config.schema import Roster, VisitCare
from sim.resources import CapacityPool


class Teams:
    """One pool of team members per kind, rostered per hour of the week."""

    ROSTER_GROUP = 1  # rosters: (1, 0) dispatch desk, (1, 1) ELV point (coordination), then the teams

    def __init__(self, ctx: Context, care: dict[str, VisitCare], rosters: dict[str, Roster]) -> None:
        self.ctx = ctx
        self.pools: dict[str, CapacityPool] = {}
        self.t_visit = {}
        for i, kind in enumerate(TEAM_KINDS):
            self.pools[kind] = ctx.pool(kind, 0)
            ctx.rosters.add((self.ROSTER_GROUP, 2 + i), self.pools[kind], rosters[kind].values)
            self.t_visit[kind] = ctx.streams.sampler(f"care.{kind}.visit", care[kind].visit)

    def visit(self, p: Patient, kind: str) -> Flow:
        """A member of team ``kind`` (already taken from its pool) sees the patient."""
        ctx = self.ctx
        ctx.record.log(p, "visit_start", kind)
        ctx.record.care(p, "gp")
        yield ctx.env.timeout(self.t_visit[kind]())
        self.pools[kind].release()
        ctx.record.team_visit(kind)
        ctx.record.end(p, kind)

    def crisis_team_visit(self, p: Patient) -> Flow:
        """A GP calls in the crisis GGZ team directly; the patient waits for a free team."""
        yield self.pools["ggz_crisis"].request(self.ctx.priorities.crisis_team_from_gp)
        yield from self.visit(p, "ggz_crisis")
