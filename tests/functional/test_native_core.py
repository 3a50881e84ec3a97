"""The compiled core (sim/native.py, built by setup.py) runs the same model as its Python sources.

- the compiled and the pure-Python core give bit-identical KPIs and event logs for runs that
  together pass every compiled module (status quo and scenario III with separate and pooled
  locations, 24/7 admission, another region);
- a process uses the compiled modules where they were built, and the sources when asked
  (``ACUTESIM_PURE_PYTHON=1``) or when a source changed since the build: a stale compiled module
  never runs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sim import native
from tests.back.fingerprint import fingerprint
from tests.helpers import ROOT

CASES = [
    ("scenarios/noord/status_quo.yaml", 0),
    ("scenarios/noord/zcc_2loc_separate.yaml", 1),
    ("scenarios/noord/zcc_247_admission.yaml", 0),
    ("scenarios/limburg/zcc.yaml", 0),
]

compiled_only = pytest.mark.skipif(
    native.ENGINE != "compiled", reason=f"no compiled core in this process: {native.ENGINE}")


def _python(code: str, env: dict[str, str] | None = None, cwd: Path = ROOT) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600,
                          env={**os.environ, **(env or {})}, cwd=cwd)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@compiled_only
def test_compiled_and_pure_python_cores_give_identical_results() -> None:
    compiled = {f"{f}#{rep}": fingerprint(f, rep) for f, rep in CASES}
    runs = f"{{f'{{f}}#{{r}}': fingerprint(f, r) for f, r in {CASES!r}}}"
    pure = json.loads(_python(
        "import json; from sim import native; from tests.back.fingerprint import fingerprint; "
        f"print(json.dumps({{'engine': native.ENGINE, 'runs': {runs}}}))", {native.PURE_ENV: "1"}))
    assert pure["engine"].startswith("python")
    assert pure["runs"].keys() == compiled.keys()
    for case, got in compiled.items():
        assert got == pure["runs"][case], f"{case}: the compiled core differs from its sources"


@compiled_only
def test_modules_are_compiled_where_built_and_sources_when_asked() -> None:
    probe = "import importlib, json; from sim import native; " \
            "print(json.dumps([native.ENGINE] + [importlib.import_module(m).__file__ for m in native.COMPILED]))"
    compiled = json.loads(_python(probe))
    assert compiled[0] == "compiled"
    assert all(not f.endswith(".py") for f in compiled[1:])
    pure = json.loads(_python(probe, {native.PURE_ENV: "1"}))
    assert pure[0] == f"python ({native.PURE_ENV} is set)"
    assert all(f.endswith(".py") for f in pure[1:])


@compiled_only
def test_a_stale_compiled_core_is_never_used(tmp_path: Path) -> None:
    """An edit to one compiled source after the build: every compiled module runs from its source."""
    shutil.copytree(ROOT / "sim", tmp_path / "sim", ignore=shutil.ignore_patterns("__pycache__", "app"))
    for lib in ROOT.glob(f"{native.GROUP}__mypyc*"):
        shutil.copy(lib, tmp_path)
    probe = "import importlib, json, warnings; warnings.simplefilter('ignore'); from sim import native; " \
            "print(json.dumps([native.ENGINE] + [importlib.import_module(m).__file__ for m in native.COMPILED]))"
    env = {"PYTHONPATH": str(tmp_path)}
    assert json.loads(_python(probe, env, tmp_path))[0] == "compiled"  # the copy is current
    edited = native.source_file(native.COMPILED[-1], tmp_path)
    edited.write_text(edited.read_text() + "\n# an edit after the build\n")
    stale = json.loads(_python(probe, env, tmp_path))
    assert stale[0] == "python (compiled core older than its sources)"
    assert all(f.endswith(".py") and f.startswith(str(tmp_path)) for f in stale[1:])
    warned = subprocess.run([sys.executable, "-c", "import sim"], capture_output=True, text=True,
                            env={**os.environ, **env}, cwd=tmp_path, timeout=120)
    assert "pip install -e ." in warned.stderr  # one warning says how to recompile


def test_the_digest_covers_every_compiled_source() -> None:
    assert native.source_digest().count(";") == len(native.COMPILED) - 1
    assert native.source_digest() != native.source_digest(native.COMPILED[:-1])
    assert all(native.source_file(m).exists() for m in native.COMPILED)
    # Every module a patient's flow calls per event is compiled (an interpreted one there costs its calls).
    assert {"sim.chain.patient", "sim.engine.calendar", "sim.geo.driving"} <= set(native.COMPILED)
