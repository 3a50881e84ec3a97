"""The command line works from any folder, and `--root` points it at another project folder.

Test plan (deterministic cases: the same result from any folder): from an empty temporary folder,
`acutesim validate` and `acutesim params` on the shipped noord scenario succeed (console script and
`python -m sim`), also by its shipped name (`noord/zcc`), `--version` prints the package metadata's
version, and `params` names the same files as from the project root; `--root` sets
ACUTESIM_ROOT for the command only (sim.paths follows it, and it is restored afterwards); a package
installed without its checkout finds the project from the current folder or one above it; a scenario
that is nowhere gives one line naming it; the parser imports no command module.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

from sim import paths
from sim.cli import parser as cli_parser
from sim.cli.main import main
from tests.helpers import ROOT

BIN = Path(sys.executable).parent
SCENARIO = "scenarios/noord/zcc.yaml"


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != paths.ROOT_ENV}
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_validate_and_params_from_another_folder(tmp_path):
    for command in ([str(BIN / "acutesim")], [sys.executable, "-m", "sim"]):
        done = _run([*command, "validate", SCENARIO], tmp_path)
        assert done.returncode == 0, done.stderr
        assert f"{SCENARIO}: ok (region noord, setting zcc)" in done.stdout
    elsewhere = _run([str(BIN / "acutesim"), "params", SCENARIO, "--format", "csv"], tmp_path)
    here = _run([str(BIN / "acutesim"), "params", SCENARIO, "--format", "csv"], ROOT)
    assert elsewhere.returncode == 0, elsewhere.stderr
    assert elsewhere.stdout == here.stdout
    assert ",scenarios/noord/region.yaml\n" in elsewhere.stdout
    assert list(tmp_path.iterdir()) == []


def test_version_and_shipped_names_from_another_folder(tmp_path):
    from importlib.metadata import version

    done = _run([str(BIN / "acutesim"), "--version"], tmp_path)
    assert done.returncode == 0 and done.stdout.strip() == f"acutesim {version('acutesim')}"
    for name in ("noord/zcc", "noord/zcc.yaml"):
        done = _run([str(BIN / "acutesim"), "validate", name], tmp_path)
        assert done.returncode == 0, done.stderr
        assert f"{name}: ok (region noord, setting zcc)" in done.stdout
    done = _run([str(BIN / "acutesim"), "validate", "noord/nowhere"], tmp_path)
    assert done.returncode == 2 and done.stderr.strip() == "error: noord/nowhere: file not found"
    assert list(tmp_path.iterdir()) == []


def test_root_option_sets_the_project_folder_for_the_command_only(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv(paths.ROOT_ENV, raising=False)
    seen = {}

    def spy(args):
        seen["root"] = paths.root()
        return 0

    monkeypatch.setitem(__import__("sim.cli.commands", fromlist=["COMMANDS"]).COMMANDS, "validate", spy)
    assert main(["--root", str(tmp_path), "validate", SCENARIO]) == 0
    assert seen["root"] == tmp_path.resolve()
    assert paths.ROOT_ENV not in os.environ and paths.root() == ROOT
    monkeypatch.chdir(tmp_path)
    assert paths.user_path(SCENARIO) == ROOT / SCENARIO
    assert paths.user_path("nowhere.yaml") == Path("nowhere.yaml")


def test_installed_package_without_checkout_finds_the_project_from_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.delenv(paths.ROOT_ENV, raising=False)
    monkeypatch.setattr(paths, "PACKAGE_DIR", tmp_path / "site-packages" / "sim")
    monkeypatch.chdir(ROOT / "docs")
    assert paths.root() == ROOT
    assert paths.user_path("noord/zcc") == ROOT / "scenarios" / "noord" / "zcc.yaml"
    monkeypatch.chdir(tmp_path)
    assert paths.root() == tmp_path / "site-packages"


def test_missing_scenario_names_the_path_as_typed(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "scenarios/noord/nowhere.yaml"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.endswith("scenarios/noord/nowhere.yaml: file not found"), err


def test_parser_imports_no_command_module():
    tree = ast.parse(Path(cli_parser.__file__).read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert imported <= {"__future__", "argparse", "sim.paths", "math", "sys", "typing", "collections.abc",
                        "importlib.metadata"}


def test_parser_bounds_are_the_schema_bounds():
    from sim.config import schema

    assert (cli_parser.MAX_DAYS, cli_parser.MAX_REPLICATIONS, cli_parser.MAX_SEED) == \
        (schema.MAX_DAYS, schema.MAX_REPLICATIONS, schema.MAX_SEED)
