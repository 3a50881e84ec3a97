"""`acutesim app` end to end in a real browser: headless Debian Chromium driven by Playwright.

Test plan (a planner's path through the real app; the numbers it shows against the files of the
same run): start `acutesim app` on a free port, open it in headless Chromium (the system's
`/usr/bin/chromium`, no browser download), pick noord, set three pooled work locations (the
planner's p-median towns appear), run a short comparison (2 paired replications of 7 days) and
check that
- the SEH difference shown equals `diff_mean` of `seh_arrivals_per_day` in that run's
  comparison.csv, formatted as the compare command prints it;
- every figure rendered: the map (a Plotly chart with its markers) and every result figure
  (one image per PNG the run wrote, each decoded: naturalWidth > 0);
- the HTML report downloads, and it is the report of this run;
- the page shows no exception.
Skipped with a reason when Chromium or Playwright is absent (CI installs both: .ci/run).
With ACUTESIM_SCREENSHOT=FILE it also saves a screenshot of the results (docs/app.png).
"""

from __future__ import annotations

import csv
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from sim import paths
from sim.measure.format import signed

CHROMIUM = next((p for p in ("/usr/bin/chromium", shutil.which("chromium") or "") if p and Path(p).exists()), None)
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run", "--disable-sync"]
BIN = Path(sys.executable).parent

pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def app_url(tmp_path):
    pytest.importorskip("streamlit", reason="the app extra is not installed (pip install -e '.[app]')")
    port = _free_port()
    env = {**os.environ, paths.APP_DIR_ENV: str(tmp_path / "app")}
    env.pop(paths.ROOT_ENV, None)
    log = (tmp_path / "app.log").open("w")
    proc = subprocess.Popen([str(BIN / "acutesim"), "app", "--port", str(port), "--host", "127.0.0.1",
                             "--no-browser"], cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        break
            except OSError:
                pass
            assert proc.poll() is None, (tmp_path / "app.log").read_text()
            assert time.monotonic() < deadline, "the app did not start within 60 s"
            time.sleep(0.3)
        yield url, tmp_path / "app"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def _settle(page) -> None:
    """Wait until Streamlit has finished its rerun."""
    page.wait_for_timeout(300)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)


def _set_number(page, label: str, value: int) -> None:
    box = page.get_by_label(label, exact=True)
    box.fill(str(value))
    box.press("Enter")
    _settle(page)


def test_planner_path_in_headless_chromium(app_url, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
    url, app_dir = app_url
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
            page.set_default_timeout(60_000)
            page.goto(url)
            page.get_by_text("acutesim: scenario III planner").wait_for()
            _settle(page)
            # Pick noord in the region box.
            page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').click()
            page.get_by_role("option", name="noord", exact=True).click()
            _settle(page)
            # Three pooled locations: the planner's p-median towns fill the location box.
            _set_number(page, "Number of zcc work locations", 3)
            tags = page.locator('[data-testid="stMultiSelect"] [data-tag]')
            tags.nth(2).wait_for()
            assert tags.count() == 3
            page.get_by_text("pooled", exact=True).click()
            _settle(page)
            assert page.locator('[data-testid="stTable"]').first.inner_text().count("changed in the app") >= 1
            _set_number(page, "Replications (paired)", 2)
            _set_number(page, "Days after warm-up", 7)
            page.get_by_text("2 x 2 replications of 7 days").wait_for()
            page.get_by_role("button", name="Run status quo vs variant").click()
            metric = page.locator('[data-testid="stMetricValue"]')
            metric.wait_for(timeout=150_000)
            _settle(page)
            shown = metric.inner_text().strip()
            runs = list((app_dir / "runs").iterdir())
            assert len(runs) == 1
            with (runs[0] / "comparison.csv").open(encoding="utf-8") as fh:
                seh = next(r for r in csv.DictReader(fh) if r["kpi"] == "seh_arrivals_per_day")
            assert shown == signed(float(seh["diff_mean"]))
            # Every figure rendered: the map's markers and each result image decoded.
            assert page.locator(".js-plotly-plot .scatterlayer .point").count() > 40
            page.get_by_role("tab", name="Figures").click()
            images = page.locator('[data-testid="stImage"] img')
            pngs = sorted((runs[0] / "figures").glob("*.png"))
            images.nth(len(pngs) - 1).wait_for()
            assert images.count() == len(pngs) >= 4
            for i in range(images.count()):
                images.nth(i).scroll_into_view_if_needed()
                page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                                       arg=images.nth(i).element_handle())
            shot = os.environ.get("ACUTESIM_SCREENSHOT")
            if shot:
                page.get_by_role("tab", name="Headline").click()
                page.set_viewport_size({"width": 1400, "height": 2300})
                page.evaluate("document.querySelectorAll('[data-testid=stMain], section.main, "
                              "[data-testid=stAppViewContainer]').forEach(e => e.scrollTo(0, 0))")
                page.wait_for_timeout(1000)
                page.screenshot(path=shot)
            # The report downloads.
            page.get_by_role("tab", name="Downloads").click()
            with page.expect_download() as got:
                page.get_by_role("button", name="Download report.html").click()
            saved = tmp_path / "report.html"
            got.value.save_as(saved)
            html = saved.read_text(encoding="utf-8")
            assert html.lstrip().lower().startswith("<!doctype html") and "seh_arrivals_per_day" in html
            assert html == (runs[0] / "report.html").read_text(encoding="utf-8")
            assert page.locator('[data-testid="stException"]').count() == 0
        finally:
            browser.close()
