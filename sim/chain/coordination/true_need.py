"""True need next to the triaged one: triage error, and whether a diverted patient comes back.

Every triage decision (digital self-triage, HAP triage, the 112 centralist's first
triage, the zcc's triage and its substitutions) errs with the desk's configured
shares (``true_need.triage_error``), drawn from the desk's own random stream
``triage_error.<desk>``, so the draws of every other stream are the same whatever
the error rates (common random numbers):

* at a patient's **first triage** the desk gives an NTS urgency; an under-triaged
  patient's true urgency is one category more urgent, an over-triaged one's one
  less (errors are mostly one category: Smits et al., NTvG 2020); at the ends of
  the scale (U1 too low, U5 too high) no error is possible;
* a decision that **diverts** (advice or self-care, or a zcc alternative) meets a
  care level (:data:`~sim.config.constants.CARE_LEVELS`: ``self_care`` or ``gp``);
  when it was too low, the patient's true need is drawn from
  ``true_need.under_triaged_need`` (stream ``true_need.under_triaged_need.<level>``),
  otherwise it is the level given. A patient whose true need is above what they got
  comes back (re-presentation, once) within the window, by the SEH or 112, when
  that need is the SEH or admission.

Time to care (:meth:`sim.chain.record.Recorder.care`) runs from the first contact
to the first care that meets the true need, so a re-presentation's wait counts.
"""

from __future__ import annotations

from typing import Final

from sim.chain.context import Chooser, Context
from sim.chain.patient import Patient
from sim.chain.record import meets
from sim.config.constants import MIN_PER_HOUR, NTS_URGENCIES, TRIAGE_DESKS
from sim.config.schema import TrueNeed
from sim.engine.rng import Sampler, Uniform

UNDER: Final = -1
CORRECT: Final = 0
OVER: Final = 1


def _shifted(urgency: str, error: int) -> str:
    i = NTS_URGENCIES.index(urgency) + error
    return NTS_URGENCIES[min(max(i, 0), len(NTS_URGENCIES) - 1)]


# Every (urgency, error) a decision can have, worked out once: a triage looks its answer up.
_SHIFTED: Final = {(u, e): _shifted(u, e) for u in NTS_URGENCIES for e in (UNDER, CORRECT, OVER)}


def shifted(urgency: str, error: int) -> str:
    """The true urgency of a patient triaged ``urgency`` with ``error`` (-1 too low: one more urgent)."""
    found = _SHIFTED.get((urgency, error))
    return found if found is not None else _shifted(urgency, error)  # (an unknown urgency raises there)


class TrueNeedJudge:
    """The triage error of every desk and the re-presentation draws of one replication."""

    def __init__(self, ctx: Context, spec: TrueNeed) -> None:
        st = ctx.streams
        self.ctx = ctx
        self.u: dict[str, Uniform] = {desk: st.uniform(f"triage_error.{desk}") for desk in TRIAGE_DESKS}
        self.rates = {desk: (e.under_triage.value, e.over_triage.value) for desk, e in spec.triage_error.items()}
        self.under_need: dict[str, Chooser] = {
            level: st.chooser(f"true_need.under_triaged_need.{level}", mix)
            for level, mix in spec.under_triaged_need.items()}
        self.first_triage_urgency = {k: v.value for k, v in spec.first_triage_urgency.items()}
        rp = spec.re_presentation
        self.window = rp.window_hours.value * MIN_PER_HOUR
        self.t_delay: Sampler = st.sampler("true_need.re_presentation.delay", rp.delay)
        self.route = st.chooser("true_need.re_presentation.route", rp.route)

    def judge(self, p: Patient, desk: str, triaged: str = "") -> int:
        """One triage decision at ``desk``: its error (UNDER, CORRECT or OVER), recorded when there is one.

        With ``triaged`` (the NTS urgency a first triage gives) the patient's true urgency
        is set from it; a later decision only errs about the care it gives (see :meth:`divert`).
        """
        under, over = self.rates[desk]
        u = self.u[desk]()
        error = UNDER if u < under else OVER if u < under + over else CORRECT
        if triaged:
            truth = shifted(triaged, error)
            if truth == triaged:
                error = CORRECT
            p.true_urgency = truth
        if error != CORRECT:
            self.ctx.record.triage_error(p, desk, error == UNDER)
        return error

    def divert(self, p: Patient, level: str, error: int) -> bool:
        """The decision sends the patient to care at ``level``; True if they will come back.

        A patient comes back when their true need is the SEH or admission and the care
        they got does not meet it (one who needed a GP and got advice is counted as
        under-triaged, and has no time to care, but does not come back: the model has
        no second HAP call). Call before the care starts, so it is measured against the
        true need. A re-presentation never comes back a second time.
        """
        p.true_need = self.under_need[level]() if error == UNDER else level
        return meets(p.true_need, "seh") and not meets(level, p.true_need) and not p.represented

    def delay(self) -> float:
        """Minutes until a patient whose need was not met comes back (cut at the window)."""
        return min(self.t_delay(), self.window)
