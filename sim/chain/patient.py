"""A patient (or a care question) moving through the chain."""

from __future__ import annotations

OUTCOMES = (
    "self_care",           # self-triage advice, or advice by the 112 desk
    "own_gp",              # referred to the own GP in office hours (leaves the model)
    "telephone_advice",    # HAP triage ends with advice
    "hap_consult",         # seen by a GP at the post
    "home_visit",          # seen at home by the visiting GP
    "abandoned",           # hung up and did not call again
    "treated_on_scene",    # ambulance, not conveyed
    "planned_ride",        # planned (B) ambulance transport
    "seh_home",            # SEH, then home
    "hospital_home",       # admitted, discharged home
    "elv",                 # admitted to a short-stay bed
    "grz",                 # admitted to geriatric rehabilitation
    "crisis_bed",          # admitted to a VVT crisis bed
    "long_term_care",      # discharged to a long-term care place (Wlz) after waiting in hospital
    "district_nursing",    # acute district nursing at home
    "ggz_crisis",          # seen by the crisis GGZ team
)


class Patient:
    """One arrival. Ends in exactly one outcome (see :data:`OUTCOMES`)."""

    __slots__ = ("id", "stream", "subarea", "urgency", "need", "arrived", "outcome", "self_triaged", "via_zcc")

    def __init__(self, pid: int, stream: str, subarea: int, urgency: str, need: str, arrived: float) -> None:
        self.id = pid
        self.stream = stream
        self.subarea = subarea
        self.urgency = urgency
        self.need = need
        self.arrived = arrived
        self.outcome: str | None = None
        self.self_triaged = False
        self.via_zcc = False


class DoubleOutcome(RuntimeError):
    """A patient was given a second outcome: a modelling error, never tolerated."""
