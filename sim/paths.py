"""Where the project's folders are: the only module that knows the repository layout.

acutesim reads its shipped inputs (``scenarios/``, ``calibration/``) from the
project root and writes results under ``results/`` there. The root is, in
order: the ``ACUTESIM_ROOT`` environment variable (set by ``acutesim --root``),
or the checkout that holds this package (an editable install, the README's
way). A scenario path given by a user is taken as given when it exists (from
the current folder), else relative to the root, so commands work from any
folder.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT_ENV = "ACUTESIM_ROOT"
PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"


def root() -> Path:
    """The project root: ``$ACUTESIM_ROOT``, else the checkout that holds the package."""
    env = os.environ.get(ROOT_ENV)
    return Path(env).resolve() if env else PACKAGE_DIR.parent


def scenarios_dir() -> Path:
    return root() / "scenarios"


def national_dir() -> Path:
    """National default inputs shared by every region (``scenarios/_national``)."""
    return scenarios_dir() / "_national"


def calibration_dir() -> Path:
    return root() / "calibration"


def calibration_targets() -> Path:
    return calibration_dir() / "targets.yaml"


def calibrated_dir() -> Path:
    return calibration_dir() / "calibrated"


def results_dir() -> Path:
    return root() / "results"


def docs_dir() -> Path:
    return root() / "docs"


def region_scenario(region: str, name: str = "status_quo") -> Path:
    """``scenarios/<region>/<name>.yaml`` under the root."""
    return scenarios_dir() / region / f"{name}.yaml"


def user_path(path: str | Path) -> Path:
    """A path a user typed: as given if it exists, else relative to the project root.

    ``scenarios/noord/zcc.yaml`` then works from any folder; a missing file
    keeps the path as typed, so the error message shows what the user wrote.
    """
    p = Path(path)
    if p.exists() or p.is_absolute():
        return p
    candidate = root() / p
    return candidate if candidate.exists() else p
