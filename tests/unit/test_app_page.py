"""The app's page in Streamlit's own test harness (streamlit.testing.v1.AppTest), without a browser.

Test plan (deterministic cases): the page opens on noord with no error and no exception, and draws
the map; three locations give the planner's p-median three towns (sim.plan.locations.layouts) and
the table of changes lists them with "changed in the app"; a changed share appears with its value
and provenance; no location at all is the one-line error of the logic, never a traceback. The
location planner runs in the background and its table and trade-off figure appear (the planner's
search itself, minutes of simulation, is replaced by a stand-in here: tests/system/test_planning.py
checks it); the commute shown is the model's for each p-median layout.
"""

from __future__ import annotations

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

from sim import paths  # noqa: E402
from sim.app import logic  # noqa: E402

PAGE = str(paths.APP_PAGE)


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.APP_DIR_ENV, str(tmp_path))
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.run()
    assert not at.exception and not at.error
    return at


def _table_text(at: AppTest) -> str:
    return "\n".join(t.value.to_string() for t in at.table)


def test_opens_on_noord_with_the_map(app):
    assert app.selectbox(key="region").value == "noord"
    assert len(app.get("plotly_chart")) == 1
    assert any("Nothing changed yet" in i.value for i in app.info)


def test_three_locations_and_a_share_are_marked_changed_in_the_app(app):
    app.number_input(key="k_noord").set_value(3).run()
    expected = logic.p_median_sites(logic.load(logic.shipped("noord")), 3)
    assert app.multiselect(key="sites_noord_3").value == expected
    app.slider(key="zcc.substitution.seh_noord").set_value(0.25).run()
    assert not app.exception and not app.error
    text = _table_text(app)
    assert "zcc.locations.sites" in text and "zcc.substitution.seh" in text and "0.25" in text
    assert text.count(logic.APP_ESTIMATE) >= 2


def test_no_location_is_one_line(app):
    app.multiselect(key="sites_noord_1").set_value([]).run()
    assert not app.exception
    assert [e.value for e in app.error] == ["error: app: key zcc.locations.sites: choose at least one work location"]


def test_location_planner_runs_in_the_background_and_shows_the_tradeoff(app, monkeypatch):
    import time

    from sim.plan import locations

    def stand_in(scenario, max_k, replications, workers, scenario_path=None, progress=None):
        rows = []
        for layout in locations.layouts(scenario, max_k):
            mean, p95 = locations.commute(scenario, layout)
            for mode in ("pooled", "separate"):
                if progress:
                    progress(f"k={layout.k} {mode}: stand-in")
                rows.append(locations.Row(layout, mode, 50.0 + layout.k + (mode == "separate"), 0.9, mean, p95,
                                          0.9, {}))
        return rows

    monkeypatch.setattr(locations, "plan", stand_in)
    app.number_input(key="loc_k").set_value(2).run()
    app.button(key="loc_run").click().run()
    deadline = time.monotonic() + 60
    while "locations" not in app.session_state and time.monotonic() < deadline:
        time.sleep(0.3)
        app.run()
    assert "locations" in app.session_state and not app.exception and not app.error
    shown = app.table[-1].value
    scenario = logic.load(logic.shipped("noord"))
    commutes = [f"{locations.commute(scenario, lay)[0]:.2f}" for lay in locations.layouts(scenario, 2) for _ in "ps"]
    assert list(shown["commute_mean_min"]) == commutes and list(shown["mode"]) == ["pooled", "separate"] * 2
    assert len(app.get("image")) == 1
