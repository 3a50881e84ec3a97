"""Where the project's folders are: the only module that knows the repository layout.

acutesim reads its shipped inputs (``scenarios/``, ``calibration/``) from the
project root and writes results under ``results/`` there. The root is, in
order: the ``ACUTESIM_ROOT`` environment variable (set by ``acutesim --root``),
or the checkout that holds this package (an editable install, the README's
way), or, for a package installed without its checkout, the project folder the
user works in. A scenario path given by a user is taken as given when it exists
(from the current folder), else relative to the root, else as a shipped name
(``noord/zcc``), so commands work from any folder. Functions take an optional
``base`` for another checkout (tests, ``acutesim docs`` on a copy).
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT_ENV = "ACUTESIM_ROOT"
NATIONAL = "_national"
PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
# The Streamlit page of `acutesim app` (sim/app/page.py), started by the command line as a file
# (the command line does not import the app layer: they are independent siblings).
APP_PAGE = PACKAGE_DIR / "app" / "page.py"


def _is_project(folder: Path) -> bool:
    return (folder / "scenarios" / NATIONAL).is_dir()


def root() -> Path:
    """The project root: ``$ACUTESIM_ROOT``, else the checkout that holds the package.

    A package installed without its checkout (a wheel in site-packages) has no ``scenarios/``
    next to it; then the current folder or the nearest folder above it that holds
    ``scenarios/_national`` is the project (a clone the user works in), else the package's parent
    as before (a missing scenario is then one line naming it).
    """
    env = os.environ.get(ROOT_ENV)
    if env:
        return Path(env).resolve()
    checkout = PACKAGE_DIR.parent
    if _is_project(checkout):
        return checkout
    here = Path.cwd().resolve()
    return next((folder for folder in (here, *here.parents) if _is_project(folder)), checkout)


def scenarios_dir(base: Path | None = None) -> Path:
    """``scenarios/`` under ``base`` (default: the root)."""
    return (base or root()) / "scenarios"


def national_dir(scenarios: Path | None = None) -> Path:
    """National default inputs shared by every region: ``_national`` in a scenarios folder (default: the root's)."""
    return (scenarios or scenarios_dir()) / NATIONAL


def calibration_dir(base: Path | None = None) -> Path:
    return (base or root()) / "calibration"


def calibration_targets(base: Path | None = None) -> Path:
    """The published targets and fitted parameters of ``acutesim calibrate``."""
    return calibration_dir(base) / "targets.yaml"


def calibrated_dir(base: Path | None = None) -> Path:
    return calibration_dir(base) / "calibrated"


def results_dir(base: Path | None = None) -> Path:
    return (base or root()) / "results"


APP_DIR_ENV = "ACUTESIM_APP_DIR"


def app_results_dir(base: Path | None = None) -> Path:
    """Where ``acutesim app`` writes variants and results: ``$ACUTESIM_APP_DIR``, else ``results/app``."""
    env = os.environ.get(APP_DIR_ENV)
    return Path(env).resolve() if env and base is None else results_dir(base) / "app"


def docs_dir(base: Path | None = None) -> Path:
    return (base or root()) / "docs"


def pyproject(base: Path | None = None) -> Path:
    return (base or root()) / "pyproject.toml"


def region_dir(region: str, scenarios: Path | None = None) -> Path:
    """A region's folder in a scenarios folder (default: the root's)."""
    return (scenarios or scenarios_dir()) / region


def region_scenario(region: str, name: str = "status_quo", base: Path | None = None) -> Path:
    """``scenarios/<region>/<name>.yaml`` under ``base`` (default: the root)."""
    return scenarios_dir(base) / region / f"{name}.yaml"


def shown(path: str | Path) -> str:
    """A path as a report shows it: relative to the project root when it lies below it."""
    p = Path(path).resolve()
    try:
        return p.relative_to(root()).as_posix()
    except ValueError:
        return str(path)


def user_path(path: str | Path) -> Path:
    """A path a user typed: as given if it exists, else relative to the project root, else a shipped name.

    ``scenarios/noord/zcc.yaml`` then works from any folder, and so does a shipped scenario's
    name, ``noord/zcc`` (or ``noord/zcc.yaml``: relative to ``scenarios/``); a missing file
    keeps the path as typed, so the error message shows what the user wrote.
    """
    p = Path(path)
    if p.exists() or p.is_absolute():
        return p
    for candidate in (root() / p, scenarios_dir() / p, scenarios_dir() / f"{p}.yaml"):
        if candidate.is_file() or (candidate == root() / p and candidate.exists()):
            return candidate
    return p
