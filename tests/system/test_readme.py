"""The README's two commands and CI stay in step.

Test plan (the README and .ci/run must agree): the README opens with exactly two
bash commands (main job, tests); .ci/run contains the README's test command
verbatim; the main job compares scenario III with the status quo of the default
region, and both files exist; the third command installs the app extra and starts the app, and
the screenshot below it (docs/app.png, taken of the real app by tests/system/test_app_browser.py)
is a PNG.
"""

from __future__ import annotations

import re

from tests.helpers import ROOT


def _commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```bash\n(.+?)\n```", text)[:2]


def test_ci_runs_the_readme_test_command():
    main_job, tests = _commands()
    assert tests in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert tests.endswith("pytest")


def test_app_command_installs_the_app_extra_and_starts_the_app():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    app = re.findall(r"```bash\n(.+?)\n```", text)[2]
    assert app.endswith('pip install -e ".[app]" && acutesim app')
    shot = re.search(r"!\[[^\]]*\]\((docs/app\.png)\)", text)
    assert shot and text.index(app) < shot.start() < text.index("## Using it")
    assert (ROOT / shot.group(1)).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_main_job_compares_scenario_iii_with_the_status_quo_in_noord():
    main_job, _ = _commands()
    base, alt = main_job.split("acutesim compare ")[1].split()[:2]
    assert (base, alt) == ("scenarios/noord/status_quo.yaml", "scenarios/noord/zcc.yaml")
    assert (ROOT / base).exists() and (ROOT / alt).exists()
