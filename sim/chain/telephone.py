"""A telephone call to a desk: wait in the queue, maybe hang up and call again.

Every desk of the chain (HAP triage, the 112 dispatch desk, the ELV point,
the zcc's patient and provider lines) is rung the same way; a
:class:`PhoneLine` holds one desk's caller behaviour (patience, redial) and
handling time as samplers on the desk's own named random streams.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sim.chain.context import Context, Flow
from sim.chain.patient import Patient
from sim.config.schema import DeskBehaviour


class PhoneLine:
    """One desk's behaviour: handling time, caller patience and redial, answer norm."""

    def __init__(self, ctx: Context, name: str, behaviour: DeskBehaviour, streams: str | None = None) -> None:
        """``streams`` names the random streams when they are not the desk's own (``desk.<streams>.*``):
        a group of callers whose number differs between scenarios then leaves the desk's draws alone."""
        st = ctx.streams
        self.ctx = ctx
        self.name = name
        key = streams or name
        self.handling = st.sampler(f"desk.{key}.handling", behaviour.handling)
        self.patience = st.sampler(f"desk.{key}.patience", behaviour.patience)
        self.redial_delay = st.sampler(f"desk.{key}.redial_delay", behaviour.redial_delay)
        self.redial_u = st.uniform(f"desk.{key}.redial")
        self.redial_probability = behaviour.redial_probability.value
        self.max_redials = behaviour.max_redials.value
        self.norm = behaviour.answer_norm_min.value

    def call(self, p: Patient, request: Callable[..., Any], *args: Any, line: str | None = None) -> Flow:
        """Ring the desk until answered or the caller gives up.

        ``request(*args, patience)`` asks the desk for a staff member. Returns what
        the desk granted (``True``, or a seat at a skill desk) or a false value when
        the caller gave up for good. The caller's flow must release the staff member
        after the handling time. With ``line`` (e.g. the HAP's urgent option) each
        attempt is also counted for that line and the hour of the week it rang.
        """
        ctx = self.ctx
        env, record = ctx.env, ctx.record
        for attempt in range(self.max_redials + 1):
            rang = env.now
            answered = yield request(*args, self.patience())
            waited = env.now - rang
            if answered:
                how = ctx.cal.hour_of_week_at(rang) if line is not None else None
                record.call_answered(p, self.name, waited, waited <= self.norm, line, how)
                return answered
            record.call_abandoned(p, self.name, line)
            if attempt == self.max_redials or self.redial_u() >= self.redial_probability:
                return None
            yield env.timeout(self.redial_delay())
        return None
