"""The Streamlit page of ``acutesim app``: widgets only; what it shows and runs is in :mod:`sim.app.logic`.

Long runs go to a background thread (:class:`sim.app.logic.Job`); a fragment that reruns every
second (``st.fragment(run_every=...)``) shows its progress, so the page never freezes, and the
whole page reruns once when the job ends to show the results.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from sim.app import logic
from sim.app.maps import map_figure
from sim.report.tables import HEADLINE, MECHANISMS, in_short

POLL_SECONDS = 1.0


@st.cache_data(show_spinner=False)
def _default(region: str) -> logic.Variant:
    return logic.default_variant(region)


@st.cache_data(show_spinner=False)
def _candidates(region: str) -> dict[str, str]:
    return logic.candidates(logic.load(logic.shipped(region)))


@st.cache_data(show_spinner=False)
def _p_median(region: str, k: int) -> list[str]:
    return logic.p_median_sites(logic.load(logic.shipped(region)), k)


@st.cache_data(show_spinner=False)
def _options(region: str) -> dict[str, str]:
    return logic.staffing_options(region)


@st.cache_data(show_spinner=False)
def _figures(folder: str) -> list[tuple[str, str, str]]:
    return [(f.title, f.caption, str(f.png)) for f in logic.report_and_figures(Path(folder))]


def _progress_of(key: str) -> None:
    """Poll a background job every second; when it ends, rerun the page to show its result (or its error)."""

    @st.fragment(run_every=POLL_SECONDS)
    def poll() -> None:
        j = logic.job(key)
        if j is None:
            return
        st.progress(min(1.0, j.done / max(1, j.total)), text=j.status())
        if j.finished:
            st.rerun()

    poll()


def _job_state(key: str) -> str:
    """running, failed or idle: shows the progress bar while running and the one-line error after a failure."""
    j = logic.job(key)
    if j is not None and not j.finished:
        _progress_of(key)
        return "running"
    if j is not None and j.error:
        st.error(j.error)
        return "failed"
    return "idle"


def variant_section(region: str) -> tuple[logic.Variant, Path | None]:
    default = _default(region)
    cands = _candidates(region)
    st.subheader("Scenario III variant")
    left, right = st.columns([1, 1])
    with left:
        k = int(st.number_input("Number of zcc work locations", min_value=1, max_value=len(cands),
                                value=len(default.sites), step=1, key=f"k_{region}"))
        start = list(default.sites) if k == len(default.sites) else _p_median(region, k)
        sites = st.multiselect("Work locations (default: the planner's p-median for this number)",
                               options=list(cands), default=[c for c in start if c in cands],
                               format_func=lambda c: f"{cands[c]} ({c})", key=f"sites_{region}_{k}")
        mode = st.radio("Locations work", ["pooled", "separate"], index=["pooled", "separate"].index(default.mode),
                        horizontal=True, key=f"mode_{region}",
                        help="pooled: one virtual queue over all locations; separate: each location its own calls")
        options = _options(region)
        names = list(options)
        staffing = st.selectbox("Staffing option", names, index=names.index(default.staffing),
                                format_func=lambda n: f"{n}: {options[n]}" if options[n] else n,
                                key=f"staffing_{region}")
    with right:
        shares = []
        for key, label in logic.SHARES.items():
            value = st.slider(f"{label} ({key})", min_value=0.0, max_value=1.0, value=default.share(key),
                              step=0.01, key=f"{key}_{region}")
            shares.append((key, float(value)))
        around = st.checkbox("Admission window around the clock: ELV, GRZ and crisis beds admit 24/7 with a "
                             "4-hour transfer lag (the shipped admission_247 variant; shipped: office hours)",
                             value=default.admission_247, key=f"admission_{region}")
    variant = logic.Variant(region, tuple(sites), mode, staffing, tuple(shares), around)
    try:
        path = logic.write_variant(variant)
        scenario = logic.load(path)
    except Exception as exc:  # one line, as the command line gives it
        st.error(logic.one_line(exc))
        return variant, None
    changed = logic.changes(path)
    if changed:
        st.markdown("**Changed in the app** (every other input as shipped, with its source or estimate):")
        st.table([{"key": c.key, "value": c.value, "unit": c.unit, "provenance": c.provenance} for c in changed])
    else:
        st.info("Nothing changed yet: the variant is the shipped zcc scenario.")
    if sites:
        mean, p95 = logic.commute_of(scenario, list(sites))
        st.caption(f"Staff commute to these locations: mean {mean:.1f} min, 95th percentile {p95:.1f} min (one way); "
                   f"per location (staff work at the nearest one):")
        st.table(logic.commute_by_location(scenario, list(sites)))
    return variant, path


def compare_section(variant: logic.Variant, path: Path) -> None:
    st.subheader("Status quo against the variant")
    default_seed = logic.load(logic.shipped(variant.region, "status_quo")).run.seed
    a, b, c = st.columns(3)
    n = int(a.number_input("Replications (paired)", min_value=1, max_value=100, value=5, step=1, key="n"))
    days = float(b.number_input("Days after warm-up", min_value=1, max_value=3650, value=28, step=1, key="days"))
    seed = int(c.number_input("Seed", min_value=0, value=int(default_seed), step=1, key="seed"))
    try:
        plan = logic.plan_comparison(path, variant.region, n, days, seed)
    except Exception as exc:
        st.error(logic.one_line(exc))
        return
    estimate = logic.estimate_seconds(plan.base, n, days)
    if plan.done:
        st.caption("This variant was run before with these settings: its results are shown without running again.")
    else:
        st.caption(f"Estimated time: about {estimate:.0f} s on {logic.workers()} core(s) "
                   f"({n} x 2 replications of {days:g} days after {plan.base.run.warmup_days:g} days warm-up).")
    if st.button("Run status quo vs variant", type="primary", key="run") and not plan.done:
        logic.start_comparison(plan)
    _job_state(plan.folder.name)
    if plan.done:  # run now or before: the results of exactly these settings
        st.session_state["results"] = str(plan.folder)
        results_section(plan.folder, variant, n, days, seed)


def _table(diffs: list, names: list[str]) -> None:
    rows = logic.table_rows(diffs, names)
    if rows:
        st.table(rows)


def results_section(folder: Path, variant: logic.Variant, n: int, days: float, seed: int) -> None:
    diffs = logic.read_differences(folder)
    names = [d.kpi for d in diffs]
    st.subheader("Results")
    st.metric("SEH arrivals per day, variant - status quo", logic.seh_difference(diffs))
    st.text(in_short(diffs))
    tabs = st.tabs(["Headline", "SEH by hour", "Desk answer times", "Ambulance", "Costs", "Mechanisms", "Figures",
                    "Downloads"])
    with tabs[0]:
        _table(diffs, list(HEADLINE))
    with tabs[1]:
        _table(diffs, [f"seh_arrivals_by_hour.h{h:02d}" for h in range(24)])
    with tabs[2]:
        _table(diffs, logic.desk_kpis(names))
    with tabs[3]:
        _table(diffs, logic.ambulance_kpis(names))
    with tabs[4]:
        _table(diffs, logic.cost_kpis(names))
    with tabs[5]:
        _table(diffs, list(MECHANISMS))
    figures = _figures(str(folder))
    with tabs[6]:
        for title, caption, png in figures:
            st.image(png, caption=f"{title}. {caption}")
    with tabs[7]:
        files = logic.downloads(folder)
        for name, file in files.items():
            st.download_button(f"Download {name}", file.read_bytes(), file_name=name, key=f"dl_{name}",
                               mime="text/html" if name.endswith(".html") else "text/csv")
        yaml_name, yaml_text = logic.variant_yaml(variant, n, days, seed)
        st.download_button("Download the variant (scenario YAML)", yaml_text, file_name=yaml_name, key="dl_yaml",
                           mime="application/x-yaml")
        st.caption(f"Results folder: {folder}")


def locations_section(path: Path) -> None:
    st.subheader("Location planner: staff against commute")
    st.caption("For k = 1..K locations (p-median among towns with a HAP, an SEH or the meldkamer), pooled and "
               "separate: the FTE that meets the zcc's service level, and the staff commute (acutesim locations).")
    a, b, c = st.columns(3)
    max_k = int(a.number_input("Up to k locations", min_value=1, max_value=8, value=3, step=1, key="loc_k"))
    n = int(b.number_input("Replications per check", min_value=1, max_value=20, value=2, step=1, key="loc_n"))
    days = float(c.number_input("Days per check", min_value=1, max_value=365, value=14, step=1, key="loc_days"))
    try:
        key, out = logic.locations_plan(path, max_k, n, days)
    except Exception as exc:
        st.error(logic.one_line(exc))
        return
    if st.button("Run the location planner", key="loc_run") and not logic.locations_done(out):
        logic.start_locations(path, max_k, n, days)
    _job_state(key)
    if logic.locations_done(out):
        st.session_state["locations"] = str(out)
        st.table(logic.read_locations(out))
        st.image(str(out / "tradeoff.png"), caption="zcc FTE meeting the service level against mean staff commute")


def main() -> None:
    st.set_page_config(page_title="acutesim planner", layout="wide")
    st.title("acutesim: scenario III planner")
    st.caption("A care coordination centre (zcc) per ROAZ region against the status quo, simulated with the "
               "shipped inputs. Every number you change is marked 'changed in the app'.")
    regions = logic.regions()
    region = st.sidebar.selectbox("ROAZ region", regions, index=regions.index("noord") if "noord" in regions else 0,
                                  key="region")
    try:
        variant, path = variant_section(region)
    except Exception as exc:
        st.error(logic.one_line(exc))
        return
    scenario = logic.load(path) if path is not None else logic.load(logic.shipped(region))
    st.plotly_chart(map_figure(logic.map_points(scenario, list(variant.sites)),
                               f"Region {region}: municipalities (size: inhabitants), sites and zcc locations"),
                    key="map")
    if path is None:
        return
    compare_tab, locations_tab = st.tabs(["Compare", "Location planner"])
    with compare_tab:
        compare_section(variant, path)
    with locations_tab:
        locations_section(path)


main()
