"""Names and sizes the whole package shares, each written once.

Time units, the hour-of-week grid, urgencies, the demand streams, the bed
pools and mobile teams, the zcc's skills and alternatives. A number that
describes the chain (a share, a time, a priority) is *not* here: it lives in
the scenario YAML with its source or estimate. What is here is vocabulary and
arithmetic: adding a bed pool means one entry in :data:`BED_POOL_TITLES`,
one section in :class:`sim.config.schema.Care` and its YAML.
"""

from __future__ import annotations

from typing import Final

# ------------------------------------------------------------------- time
MIN_PER_HOUR: Final = 60.0
SECONDS_PER_MINUTE: Final = 60.0
M_PER_KM: Final = 1000.0
MIN_PER_DAY: Final = 1440.0
HOURS_PER_DAY: Final = 24
DAYS_PER_WEEK: Final = 7
HOURS_PER_WEEK = HOURS_PER_DAY * DAYS_PER_WEEK  # 168: rosters, profiles and windows per hour of the week
DAYS_PER_YEAR: Final = 365.25
DAYS_PER_COMMON_YEAR: Final = 365  # a published yearly count per day (bed sizing, calibration targets, docs)
WEEKS_PER_YEAR = DAYS_PER_YEAR / DAYS_PER_WEEK
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKEND_DAYS = ("sat", "sun")
SUNDAY: Final = 6
BLOCK_HOURS: Final = 4  # resolution of the per-block answer counts (42 blocks a week) the staffing search reads
BLOCKS_PER_WEEK = HOURS_PER_WEEK // BLOCK_HOURS

# -------------------------------------------------------------- urgencies
NTS_URGENCIES = ("U1", "U2", "U3", "U4", "U5")          # Nederlandse Triage Standaard
AMBULANCE_URGENCIES = ("A1", "A2", "B")                   # Landelijk Protocol Ambulancezorg
FIRST_TRIAGE_CLASSES = ("A1", "A2", "no_ambulance")       # outcome of the 112 centralist's first triage
# True need (sim/chain/coordination/true_need.py): the care a patient truly needs, from least to most
# (a care level meets every need at or below it), the desks whose triage can err, and the routes of a
# re-presentation of a patient whose need the care they got did not meet.
CARE_LEVELS = ("self_care", "gp", "seh", "admission")
TRIAGE_DESKS = ("self_triage", "hap_triage", "dispatch_112", "zcc_triage", "zcc_substitution")
RE_PRESENTATION_ROUTES = ("seh", "call_112")
RE_PRESENTATION: Final = "re_presentation"  # the pseudo-stream of patients who come back (like INITIAL_OCCUPANT)
# What HAP triage decides (routing.hap_triage and routing.hap_mental_health): advice, a consult at the
# post, a home visit, an ambulance, both a home visit and an ambulance (the visiting car goes and an
# ambulance is sent; the patient continues with the ambulance), or the crisis GGZ team.
HAP_TRIAGE_OUTCOMES = ("telephone_advice", "consult", "home_visit", "home_visit_and_ambulance", "ambulance",
                       "ggz_crisis")

# ---------------------------------------------------------- demand streams
STREAMS = ("self_triage", "hap_call", "hap_walk_in", "call_112", "ambulance_planned",
           "seh_self_referral", "gp_referral", "provider_request")
INITIAL_OCCUPANT: Final = "initial_occupant"  # hospital patients present at the start of a run (bed prefill)

# ------------------------------------------------------------- care pools
HOSPITAL: Final = "hospital"
# Every bed pool, hospital first; the others are follow-up beds, found after hospital, SEH or at home.
BED_POOL_TITLES = {
    HOSPITAL: "Hospital beds",
    "elv": "ELV (short-stay) beds",
    "grz": "GRZ (geriatric rehab) beds",
    "crisis_bed": "Crisis beds (VVT)",
}
BED_POOLS = tuple(BED_POOL_TITLES)
FOLLOWUP_BED_KINDS = BED_POOLS[1:]
TEAM_KINDS = ("district_nursing", "ggz_crisis")          # mobile teams that visit at home
SEH_ROUTES = ("self_referral", "ambulance", "gp_hap")    # how a patient reaches the SEH

# ------------------------------------------------------------------ costs
# Desk roles whose pay build-up the cost file gives (scenarios/_national/costs.yaml, costs.desk_staff).
DESK_ROLES = ("hap_triagist", "centralist", "elv_coordinator", "ggz_nurse")
# Parts of the chain's cost per day (sim/measure/costs.py): chain_cost_per_day.<component>.
COST_COMPONENTS = ("hap", "ambulance", "seh", "hospital", "elv", "grz", "crisis_bed", "district_nursing",
                   "ggz_crisis", "verkeerde_bed", "desk_staff", "zcc_facilities")

# ------------------------------------------------------------------- zcc
ZCC_SKILLS = ("gp_triagist", "ambulance_nurse", "mental_health", "district_nursing", "coordinator")
ZCC_CALL_TYPES = ("hap_call", "mental_health_call", "warm_transfer", "bed_request", "district_nursing_request",
                  "ggz_request", "gp_consultation")
ALTERNATIVES = ("district_nursing", "elv", "crisis_bed", "home_visit", "ggz_crisis")
