"""Digital self-triage: advice, or a phone call with the result attached, or 112, or the SEH."""

from __future__ import annotations

from sim.chain.pathways.emergency import call_112
from sim.chain.pathways.hap import out_of_hours_call
from sim.chain.pathways.seh import seh_visit
from sim.chain.patient import Patient


def self_triage_entry(m, p: Patient) -> None:
    decision = m.route_self_triage()
    m.log(p, "self_triage", decision)
    if decision == "self_care":
        m.end(p, "self_care")
    elif decision == "phone_call":
        # Outside ANW hours the own GP practice answers: it leaves the modelled chain.
        if m.cal.is_anw(m.env.now):
            p.self_triaged = True
            m.start(out_of_hours_call(m, p))
        else:
            m.end(p, "own_gp")
    elif decision == "call_112":
        m.start(call_112(m, p))
    elif decision == "seh_walk_in":
        m.start(seh_visit(m, p, "self_referral"))
    else:
        raise ValueError(f"routing.self_triage: unknown outcome '{decision}'")
