"""Output folders are never mixed: every command that writes results leaves a manifest.

``manifest.json`` in a results folder says which command made it and from what inputs (the
content hashes of the resolved scenarios, seed, replications, days; for an experiment its
name). A command refuses a folder made by another command or from other inputs unless told
to ``--overwrite`` (then acutesim's own files there are removed first, so no stale table
survives); the same command with the same inputs continues in it. A non-empty folder
without a manifest is refused too: it may hold anything (except an experiment folder of an
earlier version, whose replications are filed by their scenario's content).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

from sim.config.loader import ScenarioError, resolved_yaml
from sim.config.provenance import PROVENANCE_KEYS
from sim.config.schema import Scenario

MANIFEST = "manifest.json"
# Everything acutesim writes into a results folder (removed by --overwrite, nothing else is).
OWN_FILES = ("manifest.json", "summary.csv", "replications.csv", "comparison.csv", "levels.csv", "differences.csv",
             "results.parquet", "scenario.resolved.yaml", "base.resolved.yaml", "alt.resolved.yaml", "report.html",
             "sensitivity.json", "nominal.csv")
OWN_GLOBS = ("events_rep*.parquet", "summary_*.csv", "*.tmp*")
OWN_FOLDERS = ("replications", "figures", "finished", "morris", "sobol")


def scenario_hash(scenario: Scenario) -> str:
    """A short hash of the resolved scenario, run settings included: results are filed under what made them."""
    return hashlib.sha256(resolved_yaml(scenario).encode()).hexdigest()[:16]


def model_hash(scenario: Scenario | dict[str, Any]) -> str:
    """A short hash of the resolved scenario without its run settings (days, seed, replications, start).

    Two results of the same model inputs share it however long they ran: compare uses it to find
    the sensitivity result that belongs to its scenario pair (a 28-day sensitivity of the same files).
    A results folder's resolved YAML (read as a dict) gives the same hash as the scenario it stores.
    """
    data = dict(scenario) if isinstance(scenario, dict) else scenario.model_dump(mode="json")
    data.pop("run", None)
    return hashlib.sha256(json.dumps(_values(data), sort_keys=True).encode()).hexdigest()[:16]


def _values(data: Any) -> Any:
    """The data without provenance texts: a sourced 0.3 and a sampled 0.3 are the same input."""
    if isinstance(data, dict):
        return {k: _values(v) for k, v in data.items() if k not in PROVENANCE_KEYS}
    if isinstance(data, list):
        return [_values(v) for v in data]
    return data


def manifest(command: str, inputs: dict[str, Any]) -> dict[str, Any]:
    return {"command": command, "inputs": inputs}


def read(folder: Path) -> dict[str, Any] | None:
    """The manifest of ``folder``, None when it has none; a broken one is an error (one line)."""
    path = folder / MANIFEST
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise ScenarioError(f"{path}: unreadable manifest; pass --overwrite to start the folder anew") from None
    if not isinstance(data, dict) or "command" not in data:
        raise ScenarioError(f"{path}: not an acutesim manifest; pass --overwrite to start the folder anew")
    return data


def _clear(folder: Path) -> None:
    for name in OWN_FILES:
        (folder / name).unlink(missing_ok=True)
    for pattern in OWN_GLOBS:
        for path in folder.glob(pattern):
            path.unlink()
    for name in OWN_FOLDERS:
        shutil.rmtree(folder / name, ignore_errors=True)


def _older_experiment(folder: Path, wanted: dict[str, Any]) -> bool:
    """An experiment folder of a version before manifests: its replications are filed by content, so safe."""
    return wanted["command"] == "experiment" and (folder / "replications").is_dir() and \
        all(p.name in OWN_FILES or p.name in OWN_FOLDERS for p in folder.iterdir())


def claim(folder: Path, wanted: dict[str, Any], overwrite: bool) -> bool:
    """Make ``folder`` this command's: refuse another's unless ``overwrite``; True when continuing in it."""
    old = None if overwrite else read(folder)
    if folder.exists() and not folder.is_dir():
        raise ScenarioError(f"--out {folder}: is a file, not a folder")
    if overwrite:
        if folder.is_dir():
            _clear(folder)
    elif old is not None and old != wanted:
        what = "another command" if old["command"] != wanted["command"] else "other inputs"
        raise ScenarioError(f"--out {folder}: holds the results of `acutesim {old['command']}` from {what}; "
                            f"choose another --out or pass --overwrite")
    elif old is None and folder.is_dir() and any(folder.iterdir()) and not _older_experiment(folder, wanted):
        raise ScenarioError(f"--out {folder}: not empty and not an acutesim results folder (no {MANIFEST}); "
                            f"choose another --out or pass --overwrite")
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f"{MANIFEST}.tmp"
    tmp.write_text(json.dumps(wanted, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, folder / MANIFEST)
    return old is not None
