"""What care services ask of the coordination strategy (implemented in :mod:`sim.chain.coordination`)."""

from __future__ import annotations

from typing import Protocol

from sim.chain.context import Flow
from sim.chain.patient import Patient


class Handoffs(Protocol):
    """The two moments a care service hands a patient to whoever coordinates care."""

    def refer_to_seh(self, p: Patient) -> Flow:
        """A GP sends the patient to the SEH (a coordinator may find an alternative first)."""
        ...

    def find_bed(self, p: Patient, kind: str, patience: float | None) -> Flow:
        """Ask for a follow-up bed of ``kind``; the flow's value is True once the patient is admitted."""
        ...


class Unbound:
    """Placeholder until the model binds the strategy: any use is a wiring error."""

    def refer_to_seh(self, p: Patient) -> Flow:
        raise RuntimeError("care service used before a coordination strategy was bound")

    def find_bed(self, p: Patient, kind: str, patience: float | None) -> Flow:
        raise RuntimeError("care service used before a coordination strategy was bound")
