"""What a coordination strategy is: the entry of every demand stream, and the care services' handoffs."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass

from sim.chain.care.ambulance import Ambulance
from sim.chain.care.beds import FollowUpBeds
from sim.chain.care.hap_care import HapCare
from sim.chain.care.hospital import Hospital
from sim.chain.care.seh import Seh
from sim.chain.care.teams import Teams
from sim.chain.context import Context, Flow
from sim.chain.patient import Patient
from sim.config.constants import STREAMS


@dataclass
class CareServices:
    """The care services of one replication (built by the model, used by the strategy)."""

    hap: HapCare
    ambulance: Ambulance
    seh: Seh
    hospital: Hospital
    beds: FollowUpBeds
    teams: Teams

    def bind(self, coordination: Coordination) -> None:
        """Let the services hand patients to the strategy (GP referral to the SEH, bed search)."""
        self.hap.handoffs = coordination
        self.hospital.handoffs = coordination


class Coordination(ABC):
    """A way of coordinating acute care. Receives every arrival; services call back through the handoffs."""

    def __init__(self, ctx: Context, care: CareServices) -> None:
        self.ctx = ctx
        self.care = care

    def background(self) -> list[Flow]:
        """Flows that run alongside the patients from the start (measurement probes); none by default."""
        return []

    def entries(self) -> dict[str, Callable[[Patient], None]]:
        """The handler of each demand stream's arrivals (one per stream in :data:`STREAMS`)."""
        return {name: getattr(self, name) for name in STREAMS}

    # -------------------------------------------------- one entry per stream
    @abstractmethod
    def self_triage(self, p: Patient) -> None: ...

    @abstractmethod
    def hap_call(self, p: Patient) -> None: ...

    @abstractmethod
    def hap_walk_in(self, p: Patient) -> None: ...

    @abstractmethod
    def call_112(self, p: Patient) -> None: ...

    @abstractmethod
    def ambulance_planned(self, p: Patient) -> None: ...

    @abstractmethod
    def seh_self_referral(self, p: Patient) -> None: ...

    @abstractmethod
    def gp_referral(self, p: Patient) -> None: ...

    @abstractmethod
    def provider_request(self, p: Patient) -> None: ...

    # ------------------------------------------------------------ handoffs
    @abstractmethod
    def refer_to_seh(self, p: Patient) -> Flow:
        """A GP sends the patient to the SEH."""

    @abstractmethod
    def find_bed(self, p: Patient, kind: str, patience: float | None) -> Flow:
        """Find a follow-up bed of ``kind``; the flow's value is True once the patient is admitted."""
