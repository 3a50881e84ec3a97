"""Static checks: import layers, lint and types (configured in pyproject.toml).

Test plan (the tools' own rules, configured in pyproject.toml): `lint-imports` keeps each
import-linter contract (the layers of the package point one way; no import cycles between sibling
modules); `ruff check sim tests` and `mypy sim` find nothing. Each runs from the test environment's
bin folder in the project root, and a failure shows the tool's output.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT

BIN = Path(sys.executable).parent


def _run(*args: str) -> None:
    tool = BIN / args[0]
    if not tool.exists():
        pytest.fail(f"{tool} not found: install the test extra (pip install -e '.[test]')")
    done = subprocess.run([str(tool), *args[1:]], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"


@pytest.mark.parametrize("contract", ["layers", "chain", "care-knows-no-setting", "acyclic"])
def test_import_contract(contract):
    _run("lint-imports", "--no-cache", "--no-logo", "--contract", contract)


def test_ruff():
    _run("ruff", "check", "sim", "tests")


def test_mypy():
    _run("mypy", "sim")
