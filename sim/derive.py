"""Derive region inputs from national published figures (``acutesim derive-regions``).

Writes, reproducibly and with an ``estimate:`` note on every number:

* ``scenarios/_national/profiles.yaml``: hour-of-week arrival profiles; the HAP
  profile is fitted to the three Nivel anchor shares (weekday 18-20 h, weekend
  10-12 h, weekend 04-06 h);
* ``scenarios/<region>/region.yaml``: sites placed by a population-weighted
  p-median over the region's municipalities; rosters by Erlang C for the
  desks and by target occupancy for GPs, cars and teams; bed pools by target
  occupancy; all loads are the national figure times the population share.

The derivation is a starting point for planners, not data: region files say so.
"""

from __future__ import annotations

import math
import unicodedata
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from sim.queueing import servers_for_service_level
from sim.regions import SubArea, known_regions, road_km_matrix, subareas_of

HOURS = 168


# ------------------------------------------------------------------ profiles
def _week(day_shape: list[float], weekend_shape: list[float] | None = None) -> np.ndarray:
    weekend_shape = weekend_shape or day_shape
    return np.array([*(day_shape * 5), *(weekend_shape * 2)], dtype=float)


def _anchor_share(w: np.ndarray, days: range, hours: range) -> float:
    return sum(w[d * 24 + h] for d in days for h in hours) / w.sum()


def hap_profile() -> np.ndarray:
    """HAP (ANW) call profile: zero in weekday office hours, fitted to Nivel anchors."""
    night = [0.45, 0.30, 0.25, 0.20, 0.20, 0.20, 0.30, 0.60]
    weekday = night + [0.0] * 9 + [1.2, 2.6, 2.2, 1.5, 1.1, 0.9, 0.6]
    weekend = night + [2.0, 3.0, 3.4, 3.3, 2.6, 2.2, 2.0, 2.0, 2.1, 2.3, 2.0, 1.7, 1.4, 1.0, 0.8, 0.6]
    w = _week(weekday, weekend)
    weekdays, weekend_days = range(0, 5), range(5, 7)
    targets = [  # (days, hours, share) from vzinfo.nl HAP gebruik (Nivel)
        (weekdays, range(18, 20), 0.123),
        (weekend_days, range(10, 12), 0.101),
        (weekend_days, range(4, 6), 0.0085),
    ]
    for _ in range(200):  # iterative proportional fitting of the three anchor blocks
        for days, hours, share in targets:
            cur = _anchor_share(w, days, hours)
            others = 1 - cur
            factor = share / cur * others / (1 - share)
            for d in days:
                for h in hours:
                    w[d * 24 + h] *= factor
    return w / w.max()


def profiles() -> dict[str, dict[str, Any]]:
    """All hour-of-week profiles with their provenance notes."""
    emergency = [0.55, 0.45, 0.40, 0.35, 0.33, 0.35, 0.50, 0.75, 1.00, 1.15, 1.20, 1.20,
                 1.15, 1.10, 1.10, 1.10, 1.10, 1.15, 1.15, 1.10, 1.00, 0.90, 0.80, 0.65]
    seh = [0.35, 0.25, 0.20, 0.15, 0.12, 0.15, 0.30, 0.60, 1.10, 1.50, 1.60, 1.55,
           1.45, 1.40, 1.40, 1.40, 1.35, 1.35, 1.30, 1.20, 1.10, 0.95, 0.75, 0.50]
    office = [0.0] * 8 + [0.6, 1.0, 1.1, 1.1, 0.9, 1.0, 1.1, 1.0, 0.8] + [0.0] * 7
    planned = [0.05] * 7 + [0.5, 1.0, 1.2, 1.2, 1.1, 1.0, 1.1, 1.1, 1.0, 0.8, 0.5, 0.3, 0.2] + [0.1] * 4
    self_triage = [0.3, 0.15, 0.1, 0.08, 0.08, 0.1, 0.3, 0.7, 1.0, 1.1, 1.1, 1.0,
                   0.9, 0.9, 0.9, 0.9, 1.0, 1.1, 1.3, 1.4, 1.4, 1.2, 0.9, 0.6]
    provider = [0.15] * 7 + [0.5, 1.2, 1.5, 1.5, 1.3, 1.1, 1.2, 1.3, 1.2, 1.0, 0.6, 0.4, 0.3, 0.25, 0.2, 0.15, 0.15]

    def entry(values: np.ndarray, note: str, kind: str = "estimate") -> dict[str, Any]:
        return {"values": [round(float(v), 4) for v in values], kind: note}

    return {
        "anw": entry(hap_profile(),
                     "HAP calls by hour of week: zero in weekday office hours (own GP), fitted so that weekday "
                     "18-20 h holds 12.3%, weekend 10-12 h 10.1% and weekend 04-06 h 0.85% of weekly contacts "
                     "(vzinfo.nl HAP gebruik, Nivel); the remaining shape is an estimate"),
        "emergency": entry(_week(emergency, [x * 1.05 for x in emergency]),
                           "112 medical calls by hour: daytime peak, night trough, weekend 5% higher; shape estimated"),
        "seh_walk_in": entry(_week(seh, [x * 1.1 for x in seh]),
                             "SEH self-referrals: late-morning to evening plateau, weekend 10% higher; shape estimated"),
        "office_hours": entry(_week(office, [0.0] * 24),
                              "own-GP referrals to the SEH: weekdays 08-17 h only (GP practice opening hours)"),
        "planned": entry(_week(planned, [x * 0.4 for x in planned]),
                         "planned (B) ambulance transports: weekday daytime, 40% at weekends; shape estimated"),
        "self_triage": entry(_week(self_triage, [x * 1.3 for x in self_triage]),
                             "self-triage use: daytime and evening, 30% more at weekends; shape estimated"),
        "provider": entry(_week(provider, [x * 0.6 for x in provider]),
                          "provider requests for beds and acute care: office-hours peak, 60% at weekends; "
                          "shape estimated"),
    }


# --------------------------------------------------------------- placement
def p_median(areas: tuple[SubArea, ...], km: np.ndarray, k: int) -> list[int]:
    """Choose ``k`` sub-areas minimising population-weighted distance to the nearest one.

    Greedy addition followed by one-swap improvement (Teitz-Bart), deterministic.
    """
    pop = np.array([a.population for a in areas], dtype=float)
    n = len(areas)
    k = max(1, min(k, n))

    def cost(sites: list[int]) -> float:
        return float((pop * km[:, sites].min(axis=1)).sum())

    chosen: list[int] = []
    for _ in range(k):
        best = min((i for i in range(n) if i not in chosen), key=lambda i: cost(chosen + [i]))
        chosen.append(best)
    improved = True
    while improved:
        improved = False
        base = cost(chosen)
        for pos in range(k):
            for cand in range(n):
                if cand in chosen:
                    continue
                trial = chosen.copy()
                trial[pos] = cand
                c = cost(trial)
                if c < base - 1e-6:
                    chosen, base, improved = trial, c, True
    return sorted(chosen, key=lambda i: -pop[i])


def _served_share(areas, km, sites: list[int]) -> np.ndarray:
    pop = np.array([a.population for a in areas], dtype=float)
    nearest = np.argmin(km[:, sites], axis=1)
    return np.array([pop[nearest == j].sum() for j in range(len(sites))]) / pop.sum()


# ----------------------------------------------------------------- rosters
def _hourly_share(profile: list[float]) -> np.ndarray:
    w = np.asarray(profile, dtype=float)
    return w / w.sum()


def _erlang_roster(per_year: float, profile: list[float], handling: float, target: float,
                   minimum_when_open: int, open_mask: np.ndarray) -> list[int]:
    calls_per_hour = per_year / 52.18 * _hourly_share(profile)
    roster = []
    for h in range(HOURS):
        load = calls_per_hour[h] * handling / 60.0
        if not open_mask[h]:
            roster.append(0)
            continue
        roster.append(servers_for_service_level(load, handling, 2.0, target, minimum_when_open))
    return roster


def _occupancy_roster(per_year: float, profile: list[float], minutes: float, occupancy: float,
                      minimum_when_open: int, open_mask: np.ndarray) -> list[int]:
    per_hour = per_year / 52.18 * _hourly_share(profile)
    return [max(minimum_when_open, math.ceil(per_hour[h] * minutes / 60.0 / occupancy)) if open_mask[h] else 0
            for h in range(HOURS)]


def _v(x: float) -> float:
    return round(float(x), 6)


# ----------------------------------------------------------------- regions
def derive_region(region: str, base: dict[str, Any], fig: dict[str, Any]) -> dict[str, Any]:
    """The ``resources`` section of one region, derived from national figures."""
    areas = subareas_of(region)
    travel = base["care"]["travel"]
    km = road_km_matrix(areas, travel["detour_factor"]["value"], travel["within_subarea_km"]["value"])
    pop = sum(a.population for a in areas)
    share = pop / fig["population"]["value"]
    f = {k: v["value"] for k, v in fig.items()}
    prof = {k: v["values"] for k, v in base["profiles"].items()}
    desks = base["desks"]
    hap_open = np.array(prof["anw"]) > 0
    always = np.ones(HOURS, dtype=bool)
    scaled = f"national figure x population share {share:.4f} ({pop:,} of {f['population']:,} inhabitants)"

    n_hap = max(1, round(f["hap_posts"] * share))
    hap_sites = p_median(areas, km, n_hap)
    hap_share = _served_share(areas, km, hap_sites)
    handling = desks["hap_triage"]["handling"]["mean"] + (
        desks["hap_triage"]["gp_input_share"]["value"] * desks["hap_triage"]["gp_input_time"]["mean"])
    consult = base["care"]["hap"]["consult"]["mean"]
    visit = base["care"]["hap"]["home_visit_on_site"]["mean"] + 2 * 10 / base["care"]["hap"]["car_speed_kmh"]["value"] * 60
    haps = {}
    for j, i in enumerate(hap_sites):
        contacts = f["hap_contacts_per_year"] * share * hap_share[j]
        note = (f"{contacts:,.0f} HAP contacts a year ({scaled}; {hap_share[j]:.1%} of the region lives nearest "
                f"this post)")
        haps[f"hap_{_slug(areas[i].name)}"] = {
            "subarea": areas[i].code,
            "triage_roster": {"values": _erlang_roster(contacts, prof["anw"], handling,
                                                        f["hap_triage_target_within_2min"], 1, hap_open),
                              "estimate": f"Erlang C, {f['hap_triage_target_within_2min']:.0%} within 2 min, "
                                          f"{handling:.2f} min per call; {note}"},
            "gp_roster": {"values": _occupancy_roster(contacts * (f["hap_consult_share"] + 0.075), prof["anw"],
                                                      consult, f["gp_target_occupancy"], 1, hap_open),
                          "estimate": f"consult workload (50% of contacts + walk-ins, {consult:g} min) at "
                                      f"{f['gp_target_occupancy']:.0%} occupancy; {note}"},
            "car_roster": {"values": _occupancy_roster(contacts * f["hap_home_visit_share"], prof["anw"], visit,
                                                       f["car_target_occupancy"], 1, hap_open),
                           "estimate": f"home-visit workload (10% of contacts, {visit:.0f} min incl. ~10 km each "
                                       f"way) at {f['car_target_occupancy']:.0%} occupancy; {note}"},
        }

    n_seh = max(1, round(f["seh_locations"] * share))
    seh_sites = p_median(areas, km, n_seh)
    seh_share = _served_share(areas, km, seh_sites)
    seh_profile = _hourly_share(prof["seh_walk_in"])
    los = (base["care"]["seh"]["los_home"]["mean"] * 2 + base["care"]["seh"]["los_admitted"]["mean"]) / 3
    sehs = {}
    for j, i in enumerate(seh_sites):
        arrivals = f["seh_arrivals_per_year"] * share * seh_share[j]
        peak_load = arrivals / 52.18 * seh_profile.max() * los / 60.0
        places = max(2, math.ceil(peak_load / f["seh_target_occupancy"]))
        sehs[f"seh_{_slug(areas[i].name)}"] = {
            "subarea": areas[i].code,
            "places": {"value": places,
                       "estimate": f"{arrivals:,.0f} SEH arrivals a year ({scaled}; {seh_share[j]:.1%} nearest); "
                                   f"busiest-hour load {peak_load:.1f} places at {f['seh_target_occupancy']:.0%} "
                                   f"occupancy; location = p-median of population among municipalities"},
        }

    n_post = max(1, round(f["ambulance_posts"] * share))
    post_sites = p_median(areas, km, n_post)
    post_share = _served_share(areas, km, post_sites)
    fleet = max(n_post, round(f["ambulances"] * share))
    vehicles = np.maximum(1, np.floor(post_share * fleet)).astype(int)
    while vehicles.sum() < fleet:
        vehicles[int(np.argmax(post_share * fleet - vehicles))] += 1
    posts = {f"post_{_slug(areas[i].name)}": {
        "subarea": areas[i].code,
        "vehicles": {"value": int(vehicles[j]),
                     "estimate": f"{fleet} ambulances in the region (940 nationally, AZN 2022, x population share "
                                 f"{share:.4f}), spread over posts by population served ({post_share[j]:.1%})"}}
        for j, i in enumerate(post_sites)}
    day = f["ambulances_weekday_day"] * share
    on_duty = []
    for h in range(HOURS):
        d, hod = divmod(h, 24)
        level = f["ambulance_night_share_of_day"] if (hod >= 23 or hod < 7) else (
            f["ambulance_evening_weekend_share_of_day"] if (hod >= 17 or d >= 5) else 1.0)
        on_duty.append(min(fleet, max(1, round(day * level))))

    dispatch_calls = base["streams"]["call_112"]["rate_per_1000_per_year"]["value"] * pop / 1000
    dispatch_handling = desks["dispatch_112"]["handling"]["mean"]
    bed_requests = (f["elv_users_per_year"] + f["grz_admissions_per_year"] + f["crisis_bed_admissions_per_year"]) * share
    elv_handling = desks["elv_point"]["handling"]["mean"]

    def beds(admissions: float, los_min: float, what: str, occupancy: float | None = None) -> dict[str, Any]:
        occupancy = occupancy or f["target_bed_occupancy"]
        busy = admissions * los_min / 1440 / 365
        n = max(1, math.ceil(busy / occupancy))
        return {"value": n, "estimate": f"{admissions:,.0f} {what} a year ({scaled}) x mean stay "
                                        f"{los_min / 1440:.1f} days = {busy:.1f} beds busy, at "
                                        f"{occupancy:.0%} occupancy"}

    care = base["care"]
    dn_visits = f["acute_district_nursing_visits_per_year"] * share
    ggz = f["ggz_crisis_contacts_per_year"] * share
    return {
        "haps": haps,
        "sehs": sehs,
        "meldkamer": {
            "subarea": areas[hap_sites[0]].code,
            "roster": {"values": _erlang_roster(dispatch_calls, prof["emergency"], dispatch_handling,
                                                f["dispatch_target_within_2min"], 2, always),
                       "estimate": f"Erlang C, {f['dispatch_target_within_2min']:.0%} within 2 min for "
                                   f"{dispatch_calls:,.0f} 112 medical calls a year of {dispatch_handling:g} min; "
                                   f"minimum 2 centralists; placed in the most populous HAP town"},
        },
        "ambulance": {
            "posts": posts,
            "on_duty": {"values": on_duty,
                        "estimate": f"692 ambulances on weekdays in daytime (RIVM 2023) x population share "
                                    f"{share:.4f} = {day:.1f}; evenings and weekend days "
                                    f"{f['ambulance_evening_weekend_share_of_day']:.0%}, nights "
                                    f"{f['ambulance_night_share_of_day']:.0%} of that (estimate)"},
        },
        "elv_point_roster": {"values": _erlang_roster(bed_requests, prof["provider"], elv_handling,
                                                      f["elv_point_target_within_2min"], 1, always),
                             "estimate": f"Erlang C, {f['elv_point_target_within_2min']:.0%} within 2 min for "
                                         f"{bed_requests:,.0f} bed requests a year of {elv_handling:g} min; "
                                         f"at least 1 coordinator 24/7"},
        "hospital_beds": beds(f["seh_admissions_per_year"] * share, f["hospital_acute_los_days"] * 1440,
                              "acute admissions from the SEH (NZa 2021)", f["hospital_target_occupancy"]),
        "elv_beds": beds(f["elv_users_per_year"] * share, care["elv"]["los"]["mean"], "ELV users (staatvenz 2022)"),
        "grz_beds": beds(f["grz_admissions_per_year"] * share, care["grz"]["los"]["mean"], "acute-chain GRZ admissions"),
        "crisis_beds": beds(f["crisis_bed_admissions_per_year"] * share, care["crisis_bed"]["los"]["mean"],
                            "crisis-bed admissions"),
        "district_nursing_roster": {
            "values": _occupancy_roster(dn_visits, prof["provider"], care["district_nursing"]["visit"]["mean"],
                                        f["district_nursing_target_occupancy"], 1, always),
            "estimate": f"{dn_visits:,.0f} acute district nursing visits a year ({scaled}) at "
                        f"{f['district_nursing_target_occupancy']:.0%} occupancy, at least 1 nurse 24/7"},
        "ggz_crisis_roster": {
            "values": _occupancy_roster(ggz, prof["provider"], care["ggz_crisis"]["visit"]["mean"],
                                        f["ggz_target_occupancy"], 1, always),
            "estimate": f"{ggz:,.0f} crisis GGZ contacts a year (vzinfo 2021 x population share) at "
                        f"{f['ggz_target_occupancy']:.0%} occupancy, at least 1 team 24/7"},
    }


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    out = "".join(ch.lower() if ch.isalnum() else "_" for ch in ascii_name)
    return "_".join(p for p in out.split("_") if p)


class _FlowLists(yaml.SafeDumper):
    """Dump number lists (rosters, profiles) on one line each."""


def _repr_list(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
    flow = bool(data) and all(isinstance(x, (int, float)) for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_FlowLists.add_representer(list, _repr_list)


def _dump(data: Any, header: str) -> str:
    body = yaml.dump(data, Dumper=_FlowLists, sort_keys=False, allow_unicode=True, width=100000)
    return header + body


def write_all(scenarios: Path) -> list[Path]:
    """Regenerate the national profiles and every region's region.yaml (and a status_quo.yaml if missing)."""
    national = scenarios / "_national"
    written = []
    prof_path = national / "profiles.yaml"
    prof_path.write_text(_dump({"profiles": profiles()},
                               "# Generated by `acutesim derive-regions` (sim/derive.py); do not edit by hand.\n"
                               "# Hour-of-week weights, Monday 00:00 first; only relative sizes matter.\n"),
                         encoding="utf-8")
    written.append(prof_path)
    base = yaml.safe_load((national / "status_quo.yaml").read_text(encoding="utf-8"))
    base["profiles"] = profiles()
    fig = yaml.safe_load((national / "capacity_figures.yaml").read_text(encoding="utf-8"))
    for region in known_regions():
        folder = scenarios / region
        folder.mkdir(exist_ok=True)
        path = folder / "region.yaml"
        header = (f"# Region '{region}': capacities derived from national published figures by\n"
                  f"# `acutesim derive-regions` (sim/derive.py). Every number is an estimate: the national\n"
                  f"# figure times the region's population share, placed and rostered as the notes say.\n"
                  f"# Edit the derivation or override values in a scenario, not this file.\n")
        path.write_text(_dump({"region": region, "resources": derive_region(region, base, fig)}, header),
                        encoding="utf-8")
        written.append(path)
        sq = folder / "status_quo.yaml"
        if not sq.exists():
            sq.write_text(
                f"# Status quo of ROAZ region '{region}': national defaults plus the region's capacities.\n"
                f"extends: [../_national/status_quo.yaml, region.yaml]\n"
                f"name: {region}_status_quo\n",
                encoding="utf-8")
            written.append(sq)
    return written
