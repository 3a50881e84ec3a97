"""Derive region inputs from national published figures (``acutesim derive-regions``).

Writes, reproducibly and with an ``estimate:`` note on every number:

* ``scenarios/_national/profiles.yaml``: hour-of-week arrival profiles; the HAP
  profile is fitted to the three Nivel anchor shares (weekday 18-20 h, weekend
  10-12 h, weekend 04-06 h);
* ``scenarios/<region>/region.yaml``: sites placed by a population-weighted
  p-median over the region's municipalities, except the ambulance posts: the
  published national number is placed nationally by maximal coverage within the
  RIVM drive-time norm (:func:`coverage_sites`), so rural regions get more posts
  per inhabitant, each post with at least one ambulance on duty around the
  clock; the desks' head counts (HAP
  triagists, meldkamer centralists) from published staffing, their rosters
  computed by the scenario loader (sim/config/rosters.py); rosters by target
  occupancy for GPs, cars, teams and the ELV point; bed pools by target
  occupancy; all loads are the national figure times the population share.

The derivation is a starting point for planners, not data: region files say so.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from sim import paths
from sim.config.constants import (
    BED_POOL_TITLES,
    DAY_NAMES,
    DAYS_PER_COMMON_YEAR,
    FOLLOWUP_BED_KINDS,
    HOSPITAL,
    HOURS_PER_DAY,
    HOURS_PER_WEEK,
    MIN_PER_DAY,
    MIN_PER_HOUR,
    WEEKEND_DAYS,
    WEEKS_PER_YEAR,
)
from sim.config.loader import load_scenario
from sim.config.rosters import largest_remainder
from sim.config.schema import Resources
from sim.geo.regions import (
    Settlement,
    SubArea,
    all_subareas,
    known_regions,
    road_km_matrix,
    straight_km_matrix,
    subareas_of,
)
from sim.geo.sites import nearest_site, site_shares


# ------------------------------------------------------------------ profiles
def _week(shape: dict[str, Any]) -> np.ndarray:
    weekday = [float(x) for x in shape["weekday"]]
    weekend = shape.get("weekend") or [x * shape.get("weekend_factor", 1.0) for x in weekday]
    if len(weekday) != HOURS_PER_DAY or len(weekend) != HOURS_PER_DAY:
        raise ValueError("profile shapes need 24 hourly values for weekday and weekend")
    return np.array([*(weekday * 5), *(list(weekend) * 2)], dtype=float)


def _anchor_share(w: np.ndarray, days: list[int], hours: list[int]) -> float:
    return sum(w[d * HOURS_PER_DAY + h] for d in days for h in hours) / w.sum()


def fit_anchors(w: np.ndarray, anchors: list[dict[str, Any]]) -> np.ndarray:
    """Scale hour blocks so each anchor block holds its published share of the week.

    Iterative proportional fitting over the (disjoint) anchor blocks; the rest of the
    shape keeps its relative form.
    """
    w = w.copy()
    for _ in range(200):
        for a in anchors:
            cur = _anchor_share(w, a["days"], a["hours"])
            factor = a["share"] / cur * (1 - cur) / (1 - a["share"])
            for d in a["days"]:
                for h in a["hours"]:
                    w[d * HOURS_PER_DAY + h] *= factor
    return w / w.max()


def profiles(shapes: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """All hour-of-week profiles, built from the daily shapes, with their provenance."""
    out = {}
    for name, shape in shapes.items():
        w = _week(shape)
        if shape.get("anchors"):
            w = fit_anchors(w, shape["anchors"])
        note = {k: shape[k] for k in ("source", "estimate") if k in shape}
        out[name] = {"values": [round(float(v), 4) for v in w], **note}
    return out


def hap_profile(scenarios: Path | None = None) -> np.ndarray:
    """The fitted HAP (ANW) profile from the shipped shapes."""
    return np.array(profiles(_shapes(scenarios))["anw"]["values"])


def _shapes(scenarios: Path | None = None) -> dict[str, Any]:
    path = paths.national_dir(scenarios) / "profile_shapes.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))["shapes"]


# --------------------------------------------------------------- placement
def p_median(areas: tuple[SubArea, ...], km: np.ndarray, k: int, candidates: list[int] | None = None) -> list[int]:
    """Choose ``k`` sub-areas minimising population-weighted distance to the nearest one.

    Greedy addition followed by one-swap improvement (Teitz-Bart), deterministic.
    ``candidates`` restricts the choice (e.g. towns with a HAP, hospital or meldkamer).
    """
    pop = np.array([a.population for a in areas], dtype=float)
    pool = sorted(set(candidates)) if candidates is not None else list(range(len(areas)))
    k = max(1, min(k, len(pool)))

    def cost(sites: list[int]) -> float:
        return float((pop * km[:, sites].min(axis=1)).sum())

    chosen: list[int] = []
    for _ in range(k):
        best = min((i for i in pool if i not in chosen), key=lambda i: cost(chosen + [i]))
        chosen.append(best)
    improved = True
    while improved:
        improved = False
        base = cost(chosen)
        for pos in range(k):
            for cand in pool:
                if cand in chosen:
                    continue
                trial = chosen.copy()
                trial[pos] = cand
                c = cost(trial)
                if c < base - 1e-6:
                    chosen, base, improved = trial, c, True
    return sorted(chosen, key=lambda i: -pop[i])


# Points per municipality at which coverage is counted: a sunflower (Vogel) pattern on the town around the
# town hall and another on the municipality's disc, the places where the model draws a patient
# (sim/geo/regions.py, Settlement), each point carrying an equal share of its part of the inhabitants.
COVER_POINTS = 32
_GOLDEN_ANGLE = math.pi * (3.0 - math.sqrt(5.0))


def settlement_of(travel: dict[str, Any]) -> Settlement:
    """The settlement geometry of a scenario's ``care.travel`` section (plain YAML data)."""
    return Settlement(float(travel["town_share"]["value"]), float(travel["town_density_per_km2"]["value"]))


def _disc_points(areas: tuple[SubArea, ...], settlement: Settlement
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Owner index, radius (km), angle and weight (inhabitants) of each coverage point.

    Per municipality ``COVER_POINTS`` points on the town's disc weighted by ``share`` of its inhabitants,
    then ``COVER_POINTS`` on the municipality's disc weighted by the rest.
    """
    k = np.arange(COVER_POINTS)
    unit_r = np.sqrt((k + 0.5) / COVER_POINTS)
    phi = (k * _GOLDEN_ANGLE) % (2 * math.pi)
    s = settlement.share
    owner = np.repeat(np.arange(len(areas)), 2 * COVER_POINTS)
    radius = np.concatenate([np.r_[unit_r * settlement.town_radius_km(a), unit_r * a.radius_km] for a in areas])
    angle = np.tile(np.r_[phi, phi], len(areas))
    weight = np.concatenate([np.r_[np.full(COVER_POINTS, s * a.population / COVER_POINTS),
                                   np.full(COVER_POINTS, (1 - s) * a.population / COVER_POINTS)] for a in areas])
    return owner, radius, angle, weight


def coverage_road_km(areas: tuple[SubArea, ...], detour_factor: float, settlement: Settlement
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Road km from every town hall (columns) to every coverage point (rows), with each point's owner and weight.

    The model's trip geometry (:func:`sim.geo.regions.trip_km`): straight km from a town hall at great-circle
    distance ``D`` to a point at ``(r, theta)`` from its own town hall, ``theta`` measured from the direction of
    that town hall (bearing on a local east-north plane), times the detour factor.
    """
    owner, r, phi, weight = _disc_points(areas, settlement)
    lat = np.radians([a.lat for a in areas])
    lon = np.radians([a.lon for a in areas])
    d = straight_km_matrix(areas)[owner]  # [point, site]
    bearing = np.arctan2(lat[None, :] - lat[owner][:, None],
                         (lon[None, :] - lon[owner][:, None]) * np.cos(lat[owner])[:, None])
    cos_theta = np.cos(phi[:, None] - bearing)
    straight = np.sqrt(np.maximum(0.0, d * d + r[:, None] ** 2 - 2.0 * d * r[:, None] * cos_theta))
    return straight * detour_factor, owner, weight


@dataclass(frozen=True)
class CoveragePosts:
    """A region's posts from the national coverage placement."""

    sites: tuple[int, ...]  # indices into subareas_of(region), most populous first
    covered_share: float  # inhabitants within the drive limit of one of the region's posts
    for_cover: int  # posts placed to reach inhabitants; the rest shorten the population-weighted drive


@lru_cache(maxsize=4)
def coverage_sites(n_posts: int, cover_km: float, detour_factor: float, settlement: Settlement
                   ) -> dict[str, CoveragePosts]:
    """Place ``n_posts`` posts nationally over the town halls by maximal coverage (RIVM referentiekader method).

    Greedy: each step adds the town hall that brings the most inhabitants within ``cover_km`` road km of a
    post; once nobody more can be reached, the one that most shortens the population-weighted road distance
    to the nearest post (p-median). A region's inhabitants count only for posts in the same ROAZ region,
    since the model runs each region on its own. Ties go to the first town hall in the table.
    """
    everyone = all_subareas()
    km, owner, weight = coverage_road_km(everyone, detour_factor, settlement)
    region_of = np.array([a.roaz_region for a in everyone])
    same = region_of[owner][:, None] == region_of[None, :]
    reach = (km <= cover_km) & same
    far = np.where(same, km, np.inf)
    nearest = np.full(len(weight), 2.0 * float(km.max()))  # no post in the region yet: beyond any real trip
    covered = np.zeros(len(weight), dtype=bool)
    chosen: list[int] = []
    for_cover: set[int] = set()  # posts that reached someone nobody reached before
    for _ in range(min(n_posts, len(everyone))):
        gain_cover = (weight * ~covered) @ reach
        gain_cover[chosen] = -1.0
        tied = np.flatnonzero(gain_cover == gain_cover.max())  # ascending: the first wins a full tie
        gain_dist = (weight[:, None] * np.maximum(0.0, nearest[:, None] - far[:, tied])).sum(axis=0)
        best = int(tied[int(np.argmax(gain_dist))])
        if gain_cover[best] > 0:
            for_cover.add(best)
        chosen.append(best)
        covered |= reach[:, best]
        nearest = np.minimum(nearest, far[:, best])
    out = {}
    for region in known_regions():
        index = {a.code: i for i, a in enumerate(subareas_of(region))}
        mine = [i for i in chosen if everyone[i].roaz_region == region]
        pts = region_of[owner] == region
        share = float(weight[pts & covered].sum() / weight[pts].sum())
        ordered = sorted(mine, key=lambda i: -everyone[i].population)
        out[region] = CoveragePosts(sites=tuple(index[everyone[i].code] for i in ordered), covered_share=share,
                                    for_cover=sum(i in for_cover for i in mine))
    return out


# ----------------------------------------------------------------- rosters
def _hourly_share(profile: list[float]) -> np.ndarray:
    w = np.asarray(profile, dtype=float)
    return w / w.sum()


def _occupancy_roster(per_year: float, profile: list[float], minutes: float, occupancy: float,
                      minimum_when_open: int, open_mask: np.ndarray) -> list[int]:
    per_hour = per_year / WEEKS_PER_YEAR * _hourly_share(profile)
    return [max(minimum_when_open, math.ceil(per_hour[h] * minutes / MIN_PER_HOUR / occupancy)) if open_mask[h] else 0
            for h in range(HOURS_PER_WEEK)]


def triage_centres(areas: tuple[SubArea, ...], km: np.ndarray, sites: list[int], pops: np.ndarray,
                   n_centres: int) -> list[list[int]]:
    """Group HAP posts into ``n_centres`` triage centres (indices into ``sites``), nearest first.

    Agglomerative, complete linkage on road km between the posts' town halls: the
    two groups whose farthest pair of posts is closest merge first, and groups in
    one province merge before groups across a provincial border (estimate: an HDS
    serves the GPs of one area, which rarely crosses a province). Groups are returned
    largest population first, posts in site order.
    """
    groups = [[j] for j in range(len(sites))]
    province = [areas[i].province for i in sites]
    while len(groups) > max(1, n_centres):
        best: tuple[bool, float, int, int] | None = None
        for a in range(len(groups)):
            for b in range(a + 1, len(groups)):
                across = len({province[j] for j in groups[a] + groups[b]}) > 1
                far = max(float(km[sites[x], sites[y]]) for x in groups[a] for y in groups[b])
                if best is None or (across, far) < best[:2]:
                    best = (across, far, a, b)
        assert best is not None
        _, _, a, b = best
        groups[a] = sorted(groups[a] + groups[b])
        del groups[b]
    return sorted(groups, key=lambda g: (-float(sum(pops[j] for j in g)), g))


# ----------------------------------------------------------------- regions
def derive_region(region: str, base: dict[str, Any], fig: dict[str, Any]) -> dict[str, Any]:
    """The ``resources`` section of one region, derived from national figures."""
    areas = subareas_of(region)
    travel = base["care"]["travel"]
    km = road_km_matrix(areas, travel["detour_factor"]["value"], settlement_of(travel))
    pop = sum(a.population for a in areas)
    share = pop / fig["population"]["value"]
    f = {k: v["value"] for k, v in fig.items()}
    prof = {k: v["values"] for k, v in base["profiles"].items()}
    desks = base["desks"]
    hap_open = np.array(prof["anw"]) > 0
    always = np.ones(HOURS_PER_WEEK, dtype=bool)
    least = int(f["min_staff_when_open"])  # on duty in every open hour of a desk, post, car or team
    scaled = f"national figure x population share {share:.4f} ({pop:,} of {f['population']:,} inhabitants)"

    n_hap = max(1, round(f["hap_posts"] * share))
    hap_sites = p_median(areas, km, n_hap)
    pops = np.array([a.population for a in areas], dtype=float)
    nearest_hap = nearest_site(km, hap_sites)
    hap_share = site_shares(pops, nearest_hap, len(hap_sites))
    consult = base["care"]["hap"]["consult"]["mean"]
    haps = {}
    for j, i in enumerate(hap_sites):
        served = nearest_hap == j
        trip_km = float((km[served, i] * pops[served]).sum() / pops[served].sum())
        visit = base["care"]["hap"]["home_visit_on_site"]["mean"] + (
            2 * trip_km / base["care"]["hap"]["car_speed_kmh"]["value"] * MIN_PER_HOUR)
        contacts = f["hap_contacts_per_year"] * share * hap_share[j]
        note = (f"{contacts:,.0f} HAP contacts a year ({scaled}; {hap_share[j]:.1%} of the region lives nearest "
                f"this post)")
        haps[f"hap_{slug(areas[i].name)}"] = {
            "subarea": areas[i].code,
            "triagists": {"value": round(float(f["hap_triagists_per_post"] * f["hap_posts"] * share * hap_share[j]), 1),
                          "estimate": f"{f['hap_triagists_per_post']:g} triagists per post x {f['hap_posts']:g} posts "
                                      f"(InEen 2022) = national head count, x population share {share:.4f} x "
                                      f"{hap_share[j]:.1%} of the region nearest this post; the roster follows "
                                      f"from desks.hap_triage.staffing"},
            "gp_roster": {"values": _occupancy_roster(contacts * (f["hap_consult_share"] + f["hap_walk_in_share"]),
                                                      prof["anw"],
                                                      consult, f["gp_target_occupancy"], least, hap_open),
                          "estimate": f"consult workload ({f['hap_consult_share']:.0%} of contacts + "
                                      f"{f['hap_walk_in_share']:.1%} walk-ins, {consult:g} min) at "
                                      f"{f['gp_target_occupancy']:.0%} occupancy; {note}"},
            "car_roster": {"values": _occupancy_roster(contacts * f["hap_home_visit_share"], prof["anw"], visit,
                                                       f["car_target_occupancy"], least, hap_open),
                           "estimate": f"home-visit workload ({f['hap_home_visit_share']:.0%} of contacts, "
                                       f"{visit:.0f} min "
                                       f"incl. {trip_km:.1f} km each way, the population-weighted mean distance "
                                       f"to this post) at {f['car_target_occupancy']:.0%} occupancy; {note}"},
        }

    n_centres = max(1, min(n_hap, round(f["hap_organisations"] * share)))
    post_names = list(haps)
    centres = {}
    for group in triage_centres(areas, km, hap_sites, hap_share, n_centres):
        served = sum(hap_share[j] for j in group)
        centres[f"triage_{slug(areas[hap_sites[group[0]]].name)}"] = {
            "posts": [post_names[j] for j in group],
            "estimate": f"{f['hap_organisations']:g} HDS run {f['hap_posts']:g} posts (InEen benchmark); each HDS "
                        f"answers its posts' callers at one triage centre behind one number, so the region gets "
                        f"its population share {share:.4f} of the HDS ({n_centres}), its posts grouped with their "
                        f"nearest neighbours in the same province (sim/derive/region_inputs.py triage_centres); "
                        f"{served:.1%} of the region's callers; the real HDS areas are not used"}

    n_seh = max(1, round(f["seh_locations"] * share))
    seh_sites = p_median(areas, km, n_seh)
    seh_share = site_shares(pops, nearest_site(km, seh_sites), len(seh_sites))
    seh_profile = _hourly_share(prof["seh_walk_in"])
    admitted = f["seh_admissions_per_year"] / f["seh_arrivals_per_year"]
    seh = base["care"]["seh"]
    los = (1 - admitted) * seh["los_home"]["mean"] + admitted * seh["los_admitted"]["mean"]
    sehs = {}
    for j, i in enumerate(seh_sites):
        arrivals = f["seh_arrivals_per_year"] * share * seh_share[j]
        peak_load = arrivals / WEEKS_PER_YEAR * seh_profile.max() * los / MIN_PER_HOUR
        places = max(int(f["seh_min_places"]), math.ceil(peak_load / f["seh_target_occupancy"]))
        sehs[f"seh_{slug(areas[i].name)}"] = {
            "subarea": areas[i].code,
            "places": {"value": places,
                       "estimate": f"{arrivals:,.0f} SEH arrivals a year ({scaled}; {seh_share[j]:.1%} nearest); "
                                   f"busiest-hour load {peak_load:.1f} places at {f['seh_target_occupancy']:.0%} "
                                   f"occupancy; location = p-median of population among municipalities"},
        }

    speed, drive_min = f["ambulance_post_planning_speed_kmh"], f["ambulance_post_drive_minutes"]
    placed = coverage_sites(int(f["ambulance_posts"]), drive_min / MIN_PER_HOUR * speed,
                            float(travel["detour_factor"]["value"]), settlement_of(travel))[region]
    post_sites = list(placed.sites)
    n_post = len(post_sites)
    post_share = site_shares(pops, nearest_site(km, post_sites), n_post)
    spare = f["ambulances"] - f["ambulance_posts"]  # vehicles beyond one per 24/7 post, nationally
    fleet = n_post + round(spare * share)
    vehicles = np.ones(n_post, dtype=int) + np.array(largest_remainder((post_share * (fleet - n_post)).tolist()))
    placement = (f"{n_post} of the {f['ambulance_posts']:g} posts open 24/7 (vzinfo 2023) stand in this region: "
                 f"placed nationally by the method of RIVM's referentiekader (as many inhabitants as possible within "
                 f"{drive_min:g} min of urgent driving at {speed:g} km/h, a planning speed, from a post in "
                 f"their own region; {placed.for_cover} posts reach {placed.covered_share:.1%} of the region, the "
                 f"rest shorten the population-weighted drive), at town halls, not at the real standplaatsen")
    posts = {f"post_{slug(areas[i].name)}": {
        "subarea": areas[i].code,
        "vehicles": {"value": int(vehicles[j]),
                     "estimate": f"{fleet} ambulances in the region: one per post and the region's population "
                                 f"share {share:.4f} of the other {spare:g} of the {f['ambulances']:g} nationally "
                                 f"(AZN 2022); here one and {vehicles[j] - 1} by population served "
                                 f"({post_share[j]:.1%}). {placement}"}}
        for j, i in enumerate(post_sites)}
    night_start, night_end = f["ambulance_night_start_hour"], f["ambulance_night_end_hour"]
    evening_start = f["ambulance_evening_start_hour"]
    on_duty = []
    for h in range(HOURS_PER_WEEK):
        d, hod = divmod(h, HOURS_PER_DAY)
        evening_or_weekend = hod >= evening_start or DAY_NAMES[d] in WEEKEND_DAYS
        level = f["ambulance_night_share_of_day"] if (hod >= night_start or hod < night_end) else (
            f["ambulance_evening_weekend_share_of_day"] if evening_or_weekend else 1.0)
        workload = max(0.0, f["ambulances_weekday_day"] * level - f["ambulance_posts"]) * share
        on_duty.append(min(fleet, n_post + round(workload)))
    day = n_post + (f["ambulances_weekday_day"] - f["ambulance_posts"]) * share

    bed_requests = sum(f[f"{kind}_admissions_per_year"] for kind in FOLLOWUP_BED_KINDS) * share
    elv_handling = desks["elv_point"]["handling"]["mean"]

    def beds(admissions: float, los_min: float, what: str, occupancy: float | None = None) -> dict[str, Any]:
        occupancy = occupancy or f["target_bed_occupancy"]
        busy = admissions * los_min / MIN_PER_DAY / DAYS_PER_COMMON_YEAR
        n = max(1, math.ceil(busy / occupancy))
        return {"value": n, "estimate": f"{admissions:,.0f} {what} a year ({scaled}) x mean stay "
                                        f"{los_min / MIN_PER_DAY:.1f} days = {busy:.1f} beds busy, at "
                                        f"{occupancy:.0%} occupancy"}

    care = base["care"]
    dn_visits = f["acute_district_nursing_visits_per_year"] * share
    ggz = f["ggz_crisis_contacts_per_year"] * share
    return {
        "haps": haps,
        "hap_triage_centres": centres,
        "sehs": sehs,
        "meldkamer": {
            "subarea": areas[hap_sites[0]].code,
            "centralists_weekday_day": {
                "value": round(f["meldkamer_centralists_weekday_day"] * share, 1),
                "estimate": f"{f['meldkamer_centralists_weekday_day']:g} centralists needed nationally on weekdays in "
                            f"daytime (RIVM 2022) x population share {share:.4f}; the roster follows from "
                            f"desks.dispatch_112.staffing; placed in the most populous HAP town"},
        },
        "ambulance": {
            "posts": posts,
            "on_duty": {"values": on_duty,
                        "estimate": f"one crew on duty at each of the region's {n_post} posts around the clock (24/7 "
                                    f"posts) plus the region's population share {share:.4f} of the national crews "
                                    f"beyond the {f['ambulance_posts']:g} posts: {f['ambulances_weekday_day']:g} "
                                    f"ambulances on weekdays in daytime (RIVM 2023), so {day:.1f} here; evenings and "
                                    f"weekend days {f['ambulance_evening_weekend_share_of_day']:.0%}, nights "
                                    f"{f['ambulance_night_share_of_day']:.0%} of the national number (estimate), "
                                    f"never fewer than the posts"},
        },
        "elv_point_roster": {"values": _occupancy_roster(bed_requests, prof["provider"], elv_handling,
                                                         f["elv_point_target_occupancy"], least, always),
                             "estimate": f"{bed_requests:,.0f} bed requests a year ({scaled}) of {elv_handling:g} min "
                                         f"at {f['elv_point_target_occupancy']:.0%} occupancy; at least {least} "
                                         f"coordinator 24/7"},
        "beds": {
            HOSPITAL: beds(f["seh_admissions_per_year"] * share,
                           f["hospital_acute_los_days"] * MIN_PER_DAY
                           + base["routing"]["hospital_long_term_care"]["value"]
                           * care["long_term_care"]["wait"]["mean"],
                           "acute admissions from the SEH (NZa 2021; stays include the waits for long-term care "
                           "places)",
                           f["hospital_target_occupancy"]),
            **{kind: beds(f[f"{kind}_admissions_per_year"] * share, care[kind]["los"]["mean"],
                          f"admissions to {BED_POOL_TITLES[kind]} ({kind}_admissions_per_year)")
               for kind in FOLLOWUP_BED_KINDS},
        },
        "district_nursing_roster": {
            "values": _occupancy_roster(dn_visits, prof["provider"], care["district_nursing"]["visit"]["mean"],
                                        f["district_nursing_target_occupancy"], least, always),
            "estimate": f"{dn_visits:,.0f} acute district nursing visits a year ({scaled}) at "
                        f"{f['district_nursing_target_occupancy']:.0%} occupancy, at least {least} nurse 24/7"},
        "ggz_crisis_roster": {
            "values": _occupancy_roster(ggz, prof["provider"], care["ggz_crisis"]["visit"]["mean"],
                                        f["ggz_target_occupancy"], least, always),
            "estimate": f"{ggz:,.0f} crisis GGZ contacts a year (vzinfo 2021 x population share) at "
                        f"{f['ggz_target_occupancy']:.0%} occupancy, at least {least} team 24/7"},
    }


# --------------------------------------------------------------------- zcc
def _per_hour(per_year: float, profile: list[float]) -> np.ndarray:
    return per_year / WEEKS_PER_YEAR * _hourly_share(profile)


def zcc_workload(region: str, base: dict[str, Any], fig: dict[str, Any], zcc: dict[str, Any]) -> dict[str, Any]:
    """Offered calls per hour of week and mean handling (min) for each zcc skill (and ``_parts``).

    Volumes are the national published figures x population share, as for the
    status-quo desks, so the budget-neutral zcc staffs the same work.
    """
    areas = subareas_of(region)
    pop = sum(a.population for a in areas)
    share = pop / fig["population"]["value"]
    f = {k: v["value"] for k, v in fig.items()}
    prof = {k: v["values"] for k, v in base["profiles"].items()}
    h, st, rt = zcc["handling"], base["streams"], base["routing"]
    mental = st["hap_call"]["need_mix"]["shares"].get("mental_health", 0.0)
    hap_calls = f["hap_contacts_per_year"] * share * (1 - f["hap_walk_in_share"])
    calls_112 = st["call_112"]["rate_per_1000_per_year"]["value"] * pop / 1000
    warm = zcc["flows"]["warm_transfer_share"]
    dispatch = rt["dispatch"]["shares"]
    transferred = calls_112 * sum(dispatch.get(k, 0.0) * warm[k]["value"] for k in ("A2", "no_ambulance"))
    beds = sum(f[f"{kind}_admissions_per_year"] for kind in FOLLOWUP_BED_KINDS) * share
    office = st["gp_referral"]["rate_per_1000_per_year"]["value"] * pop / 1000
    gp_seh = f["seh_arrivals_gp_hap_per_year"] * share
    consults = zcc["substitution"]["seh"]["value"]
    provider = st["provider_request"]["rate_per_1000_per_year"]["value"] * pop / 1000
    ggz_provider = provider * rt["provider_request"]["shares"].get("ggz_crisis", 0.0)
    dn = provider * rt["provider_request"]["shares"].get("district_nursing", 0.0)
    insight = zcc["capacity_insight_step"]["mean"]
    return {
        "gp_triagist": (_per_hour(hap_calls * (1 - mental), prof["anw"]), h["patient_line"]["handling"]["mean"]),
        "mental_health": (_per_hour(hap_calls * mental, prof["anw"]) + _per_hour(ggz_provider, prof["provider"]),
                          None),
        "ambulance_nurse": (_per_hour(transferred, prof["emergency"]), h["extended_triage"]["mean"]),
        "coordinator": (_per_hour(beds, prof["provider"]) + _per_hour(consults * office, prof["office_hours"])
                        + _per_hour(consults * max(gp_seh - office, 0.0), prof["anw"]), None),
        "district_nursing": (_per_hour(dn, prof["provider"]), insight),
        "_parts": {
            "mental_health": [(_per_hour(hap_calls * mental, prof["anw"]), h["patient_line"]["handling"]["mean"]),
                              (_per_hour(ggz_provider, prof["provider"]), insight)],
            "coordinator": [(_per_hour(beds, prof["provider"]), insight),
                            (_per_hour(consults * office, prof["office_hours"])
                             + _per_hour(consults * max(gp_seh - office, 0.0), prof["anw"]),
                             h["provider_request"]["mean"])],
        },
    }


def derive_zcc(region: str, base: dict[str, Any], sq: Resources) -> tuple[dict[str, Any], list[int], tuple]:
    """The region's zcc inputs: its default work location.

    Every roster of scenario III (HAP desks, 112 desk, ELV point, the zcc's staff
    groups) follows the work and is derived when the scenario is loaded
    (sim/config/zcc_rosters.py), so nothing of it is written here.
    ``sq`` is the status quo's resources as the loader resolves them.
    """
    areas = subareas_of(region)
    idx = {a.code: i for i, a in enumerate(areas)}
    candidates = sorted({idx[h.subarea] for h in sq.haps.values()}
                        | {idx[s.subarea] for s in sq.sehs.values()}
                        | {idx[sq.meldkamer.subarea]})
    travel = base["care"]["travel"]
    km = road_km_matrix(areas, travel["detour_factor"]["value"], settlement_of(travel))
    [site] = p_median(areas, km, 1, candidates)
    out = {"zcc": {"locations": {"sites": {f"zcc_{slug(areas[site].name)}": {"subarea": areas[site].code}}}}}
    return out, candidates, (areas, km)


def slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    out = "".join(ch.lower() if ch.isalnum() else "_" for ch in ascii_name)
    return "_".join(p for p in out.split("_") if p)


class FlowLists(yaml.SafeDumper):
    """Dump number lists (rosters, profiles) on one line each."""


def _repr_list(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
    flow = bool(data) and all(isinstance(x, (int, float)) for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


FlowLists.add_representer(list, _repr_list)


def dump_yaml(data: Any, header: str) -> str:
    body = yaml.dump(data, Dumper=FlowLists, sort_keys=False, allow_unicode=True, width=100000)
    return header + body


def write_all(scenarios: Path) -> list[Path]:
    """Regenerate the national profiles and every region's region.yaml (and a status_quo.yaml if missing)."""
    national = paths.national_dir(scenarios)
    written = []
    prof_path = national / "profiles.yaml"
    built = profiles(_shapes(scenarios))
    prof_path.write_text(dump_yaml({"profiles": built},
                               "# Generated by `acutesim derive-regions` (sim/derive/region_inputs.py); "
                               "do not edit by hand.\n"
                               "# Hour-of-week weights, Monday 00:00 first; only relative sizes matter.\n"),
                         encoding="utf-8")
    written.append(prof_path)
    base = yaml.safe_load((national / "status_quo.yaml").read_text(encoding="utf-8"))
    base["profiles"] = built
    fig = yaml.safe_load((national / "capacity_figures.yaml").read_text(encoding="utf-8"))
    base["zcc"] = yaml.safe_load((national / "zcc.yaml").read_text(encoding="utf-8"))["zcc"]
    zf = yaml.safe_load((national / "zcc_figures.yaml").read_text(encoding="utf-8"))
    for region in known_regions():
        folder = paths.region_dir(region, scenarios)
        folder.mkdir(exist_ok=True)
        path = folder / "region.yaml"
        header = (f"# Region '{region}': capacities derived from national published figures by\n"
                  f"# `acutesim derive-regions` (sim/derive/region_inputs.py). Every number is an estimate: "
                  f"the national\n"
                  f"# figure times the region's population share, placed and rostered as the notes say.\n"
                  f"# Edit the derivation or override values in a scenario, not this file.\n")
        resources = derive_region(region, base, fig)
        path.write_text(dump_yaml({"region": region, "resources": resources}, header), encoding="utf-8")
        written.append(path)
        written += _ensure(folder / "uncalibrated.yaml",
                           f"# Region '{region}' before calibration: national defaults plus the region's capacities.\n"
                           f"# `acutesim calibrate` fits uncertain inputs starting from this file.\n"
                           f"extends: [../_national/status_quo.yaml, region.yaml]\n"
                           f"name: {region}_uncalibrated\n")
        written += _ensure(folder / "status_quo.yaml",
                           f"# Status quo of ROAZ region '{region}': national defaults, the region's capacities "
                           f"and the\n"
                           f"# national calibration (calibration/calibrated/national.yaml, written by acutesim "
                           f"calibrate).\n"
                           f"extends: [uncalibrated.yaml, ../../calibration/calibrated/national.yaml]\n"
                           f"name: {region}_status_quo\n")
        sq = load_scenario(folder / "status_quo.yaml").resources
        zcc_inputs, candidates, (areas, km) = derive_zcc(region, base, sq)
        zpath = folder / "zcc_region.yaml"
        zpath.write_text(dump_yaml(zcc_inputs, header.replace("capacities", "scenario-III inputs")), encoding="utf-8")
        written.append(zpath)
        written += _ensure(folder / "zcc.yaml",
                           f"# Scenario III of ROAZ region '{region}': one zcc, equal-service staffing, "
                           f"one location.\n"
                           f"extends: [status_quo.yaml, ../_national/zcc.yaml, zcc_region.yaml]\n"
                           f"name: {region}_zcc\n")
        written += _ensure(folder / "zcc_247_admission.yaml",
                           f"# Scenario III of ROAZ region '{region}' with ELV, GRZ and crisis-bed admission around "
                           f"the clock\n# and a shorter transfer lag (../_national/admission_247.yaml).\n"
                           f"extends: [zcc.yaml, ../_national/admission_247.yaml]\n"
                           f"name: {region}_zcc_247_admission\n")
        if region == "noord":
            written += _noord_variants(folder, areas, km, candidates, zf)
    return written


def _ensure(path: Path, text: str) -> list[Path]:
    """Write a hand-editable scenario only if it does not exist yet."""
    if path.exists():
        return []
    path.write_text(text, encoding="utf-8")
    return [path]


def _noord_variants(folder: Path, areas, km, candidates: list[int], zf: dict[str, Any]) -> list[Path]:
    """Location layouts (1-4 sites, pooled and separate) and staffing variants for the planners."""
    written = []
    for k in zf["location_counts"]["values"]:
        chosen = p_median(areas, km, k, candidates)
        sites = {f"zcc_{slug(areas[i].name)}": {"subarea": areas[i].code} for i in chosen}
        for mode in ("pooled", "separate"):
            path = folder / f"zcc_{k}loc_{mode}.yaml"
            body = dump_yaml({"extends": "zcc.yaml", "name": f"noord_zcc_{k}loc_{mode}",
                          "zcc": {"locations": {"mode": mode, "sites": sites}}},
                         f"# Generated by `acutesim derive-regions`: {k} zcc work location(s), {mode} mode; sites by\n"
                         f"# population-weighted p-median among towns with a HAP, SEH or meldkamer.\n")
            path.write_text(body, encoding="utf-8")
            written.append(path)
    for option in ("budget_neutral", "lean", "generous"):
        path = folder / f"zcc_{option}.yaml"
        path.write_text(dump_yaml({"extends": "zcc.yaml", "name": f"noord_zcc_{option}", "zcc": {"staffing": option}},
                              f"# Generated by `acutesim derive-regions`: scenario III with the {option} staffing.\n"),
                        encoding="utf-8")
        written.append(path)
    return written
