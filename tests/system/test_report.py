"""``acutesim report``: one self-contained HTML page per results folder, checked in a headless browser.

Test plan (a real browser reading the page; a self-contained page refers to
nothing outside itself):
- a real (short) compare run and a run folder give a report with the
  comparison or KPI table, every figure, the inputs with their sources and the
  reproduce command; ``levels.csv`` is written by both and holds every pool;
- the page refers to nothing outside itself: no http(s) ``src``/``href``,
  every ``src`` an inline ``data:`` URI, no scripts;
- a ``locations.csv`` in the folder adds the trade-off figure and table;
- headless Chromium (skipped when absent) loads the page and every image has
  decoded (``naturalWidth > 0``) and takes up space on the page;
- a missing or foreign folder gives one ``error:`` line and exit 2.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from sim.cli.main import main
from sim.config.loader import load_scenario
from sim.run.runner import run_comparison, run_scenario
from tests.helpers import NOORD

ZCC = NOORD.parent / "zcc.yaml"
SHORT = {"run": {"days": 4, "warmup_days": 3}}
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
FIGURES = {"seh_arrivals_by_hour", "answer_times", "patient_flows", "bed_occupancy"}


@pytest.fixture(scope="module")
def compare_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("compare")
    run_comparison(load_scenario(NOORD, SHORT), load_scenario(ZCC, SHORT), out, 2)
    assert main(["report", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("run")
    run_scenario(load_scenario(ZCC, SHORT), out, 2)
    with (out / "locations.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["k", "sites", "mode", "fte", "answer_within_2min_share", "commute_mean_min", "commute_p95_min"])
        w.writerows([[1, "groningen", "pooled", 85.4, 0.99, 38.0, 80.0],
                     [2, "groningen;assen", "separate", 88.0, 0.97, 25.0, 55.0]])
    assert main(["report", str(out), "--out", str(out / "page.html")]) == 0
    return out


def _html(folder: Path, name: str = "report.html") -> str:
    return (folder / name).read_text(encoding="utf-8")


def test_levels_csv_has_every_pool_and_day(compare_dir, run_dir):
    rows = list(csv.DictReader((compare_dir / "levels.csv").open()))
    assert list(rows[0]) == ["scenario", "replication", "day", "pool", "occupancy"]
    keys = {(r["scenario"], r["replication"], r["pool"]) for r in rows}
    assert len(keys) == 2 * 2 * 4 and len(rows) == len(keys) * 7  # 3 warm-up + 4 measured days
    assert all(0 <= float(r["occupancy"]) <= 1 for r in rows)
    run_rows = list(csv.DictReader((run_dir / "levels.csv").open()))
    assert list(run_rows[0]) == ["replication", "day", "pool", "occupancy"] and len(run_rows) == 2 * 4 * 7


def test_compare_report_content(compare_dir):
    page = _html(compare_dir)
    assert "noord_status_quo vs noord_zcc" in page
    for text in ("95% CI of difference", "seh_arrivals_per_day", "Inputs that differ", "Reproduce:",
                 "acutesim compare", "base.resolved.yaml", "source or estimate", "168 values: min"):
        assert text in page, text
    ids = set(re.findall(r'<figure id="fig-([a-z_]+)"', page))
    assert ids == FIGURES
    for name in FIGURES:
        assert (compare_dir / "figures" / f"{name}.png").exists() and (compare_dir / "figures" / f"{name}.svg").exists()


def test_run_report_with_locations(run_dir):
    page = _html(run_dir, "page.html")
    assert "alt − base" not in page and "95% CI" in page and "acutesim run" in page
    ids = set(re.findall(r'<figure id="fig-([a-z_]+)"', page))
    assert ids == FIGURES | {"location_tradeoff"}
    assert "groningen;assen" in page


@pytest.mark.parametrize("which", ["compare", "run"])
def test_report_is_self_contained(which, compare_dir, run_dir):
    page = _html(compare_dir) if which == "compare" else _html(run_dir, "page.html")
    assert not re.search(r'(src|href)\s*=\s*["\']?\s*(https?:)?//', page, re.I)
    srcs = re.findall(r'\ssrc="([^"]{0,30})', page)
    assert srcs and all(s.startswith("data:image/") for s in srcs)
    assert "<script" not in page.lower() and "<link" not in page.lower() and "@import" not in page


CHECK = """<script>
window.addEventListener('load', () => {
  const imgs = Array.from(document.images);
  const bad = imgs.filter(i => !(i.complete && i.naturalWidth > 0 && i.naturalHeight > 0
                                 && i.getBoundingClientRect().width > 100 && i.getBoundingClientRect().height > 100));
  const out = document.createElement('pre');
  out.id = 'figure-check';
  out.textContent = 'images=' + imgs.length + ' bad=' + bad.map(i => i.alt).join('|') + ' end';
  document.body.appendChild(out);
});
</script>"""


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium); CI installs it")
@pytest.mark.parametrize("which", ["compare", "run"])
def test_every_figure_is_visible_in_headless_chromium(which, compare_dir, run_dir, tmp_path):
    page = _html(compare_dir) if which == "compare" else _html(run_dir, "page.html")
    probe = tmp_path / "probe.html"
    probe.write_text(page.replace("</body>", CHECK + "</body>"), encoding="utf-8")
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,900", "--virtual-time-budget=5000",
         "--dump-dom", probe.as_uri()],
        capture_output=True, text=True, timeout=120)
    found = re.search(r'<pre id="figure-check">images=(\d+) bad=(.*?) end</pre>', done.stdout)
    assert found, f"no check result in the DOM (exit {done.returncode}): {done.stderr[-500:]}"
    expected = len(FIGURES) + (1 if which == "run" else 0)
    assert (int(found.group(1)), found.group(2)) == (expected, "")


def test_bad_folders_give_one_line(tmp_path, capsys):
    assert main(["report", str(tmp_path / "nothing")]) == 2
    assert capsys.readouterr().err.strip().count("\n") == 0
    (tmp_path / "summary.csv").write_text("kpi,mean,ci_low,ci_high,n\nx,1,1,1,1\n")
    assert main(["report", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "scenario.resolved.yaml" in err and "\n" not in err
