"""A patient (or a care question) moving through the chain, and the outcomes it can end in."""

from __future__ import annotations

from typing import Final

from sim.config.constants import FOLLOWUP_BED_KINDS, NTS_URGENCIES, TEAM_KINDS

_NTS: Final = frozenset(NTS_URGENCIES)  # read per patient: a compiled static, not a module look-up

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
    *FOLLOWUP_BED_KINDS,   # admitted to a short-stay (ELV), geriatric rehab (GRZ) or VVT crisis bed
    "long_term_care",      # discharged to a long-term care place (Wlz) after waiting in hospital
    *TEAM_KINDS,           # acute district nursing at home; seen by the crisis GGZ team
)


class Patient:
    """One arrival. Ends in exactly one outcome (see :data:`OUTCOMES`).

    ``urgency`` is the current triage urgency (NTS U0-U5 at the HAP, A1/A2/B
    for the ambulance; empty when the stream has no urgency mix) and may change
    as the patient is triaged again; ``need`` is ``somatic`` or ``mental_health``,
    or what a provider asks for. ``place_r`` and ``place_cos`` place the patient
    in their municipality: ``place_r`` km from its town hall, at an angle whose
    cosine is ``place_cos`` (see :mod:`sim.geo.regions`).

    True need (see :mod:`sim.chain.coordination.true_need`): ``true_urgency`` is the
    NTS urgency the patient truly has (empty until known: a stream without an NTS
    urgency mix, before a first triage); ``true_need`` the care level they truly need
    (:data:`~sim.config.constants.CARE_LEVELS`; empty when the care they get meets it
    by construction). ``first_arrived`` is when their first contact with the chain
    began (a re-presentation keeps it), ``cared`` whether care that meets the need has
    started, ``triages`` how many first triages they had, ``represented`` whether this
    is a re-presentation (which never comes back again).
    """

    __slots__ = ("id", "stream", "subarea", "urgency", "need", "arrived", "outcome", "self_triaged", "via_zcc",
                 "place_r", "place_cos", "true_urgency", "true_need", "first_arrived", "cared", "triages",
                 "represented")

    def __init__(self, pid: int, stream: str, subarea: int, urgency: str, need: str, arrived: float,
                 place_r: float = 0.0, place_cos: float = 1.0) -> None:
        self.id = pid
        self.stream = stream
        self.subarea = subarea
        self.urgency = urgency
        self.need = need
        self.arrived = arrived
        self.outcome: str | None = None
        self.self_triaged = False
        self.via_zcc = False
        self.place_r = place_r
        self.place_cos = place_cos
        self.true_urgency = urgency if urgency in _NTS else ""
        self.true_need = ""
        self.first_arrived = arrived
        self.cared = False
        self.triages = 0
        self.represented = False
