"""The chain's cost in euros per day, from what the Recorder counted and the rosters.

Every care activity the model produces is priced with the unit costs of the
scenario's ``costs:`` section (``scenarios/_national/costs.yaml``), brought to
its price year (:meth:`sim.config.schema.Costs.eur`):

* ``hap``: telephone advice (triage decisions), consults at the post and home
  visits (counted when a HAP GP starts them, whoever triaged) at the NZa tariffs;
* ``ambulance``: urgent rides conveyed to the SEH at the base tariff plus the
  loaded km (patient's place to the SEH, :meth:`sim.chain.record.Recorder.ambulance_conveyed`),
  urgent deployments without conveyance at their (nil) tariff, planned rides at
  the planned base plus an estimated loaded km per ride;
* ``seh``: SEH arrivals x the visit cost;
* ``hospital``, ``elv``, ``grz``, ``crisis_bed``: occupied bed days (the
  time-average of busy beds is bed days per day); the hospital's verkeerde-bed
  days are taken out of ``hospital`` and priced as ``verkeerde_bed``;
* ``district_nursing``, ``ggz_crisis``: team visits x the visit cost;
* ``desk_staff``: the rostered triage and coordination staff (``staff_cost_per_day``);
* ``zcc_facilities``: the zcc's housing and workplaces per work location, its
  ICT and regiearts per region (a year's cost over 365.25 days).

``chain_cost_per_day`` is the sum of the components; ``cost_per_call.<desk>``
is a desk's staff cost per answered call (``answered_calls_per_day.<desk>``).
"""

from __future__ import annotations

from sim.chain import record as rec
from sim.config.constants import COST_COMPONENTS, DAYS_PER_YEAR, FOLLOWUP_BED_KINDS, HOSPITAL, TEAM_KINDS

# Desks whose staff cost is divided by their answered calls (the zcc's two lines share one staff).
CALL_DESKS = {"hap_triage": (rec.HAP_DESK,), "dispatch_112": (rec.DISPATCH_DESK,), "elv_point": (rec.ELV_DESK,),
              "zcc": (rec.PATIENT_LINE, rec.PROVIDER_LINE)}


def zcc_facilities_per_year(sc) -> float:
    """Euros a year of the zcc's work locations (housing, workplaces), ICT and regiearts; 0 without a zcc."""
    if sc.setting != "zcc" or sc.zcc is None:
        return 0.0
    z, eur = sc.costs.zcc, sc.costs.eur
    return (len(sc.zcc.locations.sites) * eur(z.per_location_per_year) + eur(z.ict_per_region_per_year)
            + eur(z.regiearts_per_region_per_year))


def component_costs(m, days: float, staff_cost_per_day: float) -> dict[str, float]:
    """Euros per day of each part of the chain (:data:`sim.config.constants.COST_COMPONENTS`)."""
    sc = m.scenario
    costs = sc.costs
    eur = costs.eur
    c = m.metrics.counts
    met, now = m.metrics, m.env.now

    def per_day(key: str) -> float:
        return c.get(key, 0.0) / days

    def bed_days(pool: str) -> float:
        return met.level(rec.busy_key(pool)).mean(now)

    hap = costs.hap
    amb = costs.ambulance
    urgent = per_day(rec.sub(rec.AMBULANCE_DEPLOYMENTS, "a1")) + per_day(rec.sub(rec.AMBULANCE_DEPLOYMENTS, "a2"))
    conveyed = per_day(rec.AMBULANCE_CONVEYED)
    planned = per_day(rec.sub(rec.AMBULANCE_DEPLOYMENTS, "b"))
    verkeerde = met.level(rec.VERKEERDE_BED).mean(now)
    out = {
        "hap": (per_day(rec.sub(rec.HAP_CONTACTS, "telephone_advice")) * eur(hap.telephone_advice)
                + per_day(rec.sub(rec.HAP_CARE, "consult")) * eur(hap.consult)
                + per_day(rec.sub(rec.HAP_CARE, "home_visit")) * eur(hap.home_visit)),
        "ambulance": (conveyed * eur(amb.urgent_base) + per_day(rec.AMBULANCE_LOADED_KM) * eur(amb.per_km)
                      + (urgent - conveyed) * eur(amb.no_conveyance)
                      + planned * (eur(amb.planned_base) + amb.planned_ride_km.value * eur(amb.per_km))),
        "seh": per_day(rec.SEH_ARRIVALS) * eur(costs.seh_visit),
        "hospital": (bed_days(HOSPITAL) - verkeerde) * eur(costs.bed_day[HOSPITAL]),
    }
    for kind in FOLLOWUP_BED_KINDS:
        out[kind] = bed_days(kind) * eur(costs.bed_day[kind])
    for team in TEAM_KINDS:
        out[team] = per_day(rec.visits_key(team)) * eur(costs.team_visit[team])
    out["verkeerde_bed"] = verkeerde * eur(costs.verkeerde_bed_day)
    out["desk_staff"] = staff_cost_per_day
    out["zcc_facilities"] = zcc_facilities_per_year(sc) / DAYS_PER_YEAR
    return {name: out[name] for name in COST_COMPONENTS}


def cost_kpis(m, days: float, staff: dict[str, float]) -> dict[str, float]:
    """``chain_cost_per_day`` and its components, answered calls and staff cost per answered call by desk.

    ``staff`` holds the ``staff_cost_per_day.<desk>`` KPIs of :func:`sim.measure.kpis.staffing_kpis`.
    """
    c = m.metrics.counts
    parts = component_costs(m, days, staff["staff_cost_per_day"])
    k = {"chain_cost_per_day": sum(parts.values())}
    for name, value in parts.items():
        k[f"chain_cost_per_day.{name}"] = value
    k["ambulance_loaded_km_per_day"] = c.get(rec.AMBULANCE_LOADED_KM, 0.0) / days
    k["ambulance_conveyed_per_day"] = c.get(rec.AMBULANCE_CONVEYED, 0.0) / days
    for kind in ("consult", "home_visit"):
        k[f"hap_care_per_day.{kind}"] = c.get(rec.sub(rec.HAP_CARE, kind), 0.0) / days
    total_answered = 0.0
    for desk, keys in CALL_DESKS.items():
        if desk == "zcc" and m.zcc is None:
            continue
        answered = sum(c.get(rec.desk_key(d, "attempts"), 0.0) - c.get(rec.desk_key(d, "abandoned"), 0.0)
                       for d in keys) / days
        cost = staff.get(f"staff_cost_per_day.{desk}", 0.0)
        k[f"answered_calls_per_day.{desk}"] = answered
        k[f"cost_per_call.{desk}"] = cost / answered if answered else float("nan")
        total_answered += answered
    # All triage and coordination desks together: comparable between the status quo and scenario III.
    k["answered_calls_per_day"] = total_answered
    k["cost_per_call"] = staff["staff_cost_per_day"] / total_answered if total_answered else float("nan")
    return k
