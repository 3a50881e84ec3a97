"""Patient flows of the status-quo chain, one module per pathway.

``ENTRY`` maps each demand stream to the function that receives its arrivals.
"""

from sim.chain.pathways.emergency import call_112_entry, planned_ride_entry
from sim.chain.pathways.hap import hap_call_entry, hap_walk_in_entry
from sim.chain.pathways.placement import provider_request_entry
from sim.chain.pathways.seh import gp_referral_entry, seh_self_referral_entry
from sim.chain.pathways.self_triage import self_triage_entry

ENTRY = {
    "self_triage": self_triage_entry,
    "hap_call": hap_call_entry,
    "hap_walk_in": hap_walk_in_entry,
    "call_112": call_112_entry,
    "ambulance_planned": planned_ride_entry,
    "seh_self_referral": seh_self_referral_entry,
    "gp_referral": gp_referral_entry,
    "provider_request": provider_request_entry,
}
