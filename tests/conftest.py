"""Test tiers: every test gets the marker of the folder it lives in (see tests/README.md).

- ``unit``: resources and single components, no long simulation;
- ``functional``: short simulation runs checked against conservation, theory and relations;
- ``back``: stored fingerprints of short fixed-seed runs (bit for bit);
- ``system``: the command line end to end, documents, reports, experiments, full-length runs.

The quick tier is ``unit``, ``functional`` and ``back`` without the ``slow`` tests: those get the
``quick`` marker here, so ``pytest -m quick`` runs exactly that tier. A test module outside the four
folders is refused, so that every test has a place in the plan.
"""

from __future__ import annotations

from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
TIERS = ("unit", "functional", "back", "system")
QUICK_TIERS = ("unit", "functional", "back")


def tier_of(path: Path) -> str | None:
    """The tier folder under tests/ that holds ``path``; "" for a test in tests/ outside the tiers;
    None for a path outside tests/ (not ours to mark)."""
    try:
        parts = Path(path).resolve().relative_to(TESTS).parts
    except ValueError:
        return None
    return parts[0] if len(parts) > 1 and parts[0] in TIERS else ""


@pytest.hookimpl(tryfirst=True)  # before -m deselects, so `-m unit` and `-m quick` see these markers
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    outside = sorted({str(item.path) for item in items if tier_of(item.path) == ""})
    if outside:
        raise pytest.UsageError(
            "tests outside a tier folder (move them to tests/unit, tests/functional or tests/system; "
            f"see tests/README.md): {', '.join(outside)}")
    for item in items:
        tier = tier_of(item.path)
        if not tier:
            continue
        item.add_marker(tier)
        if tier in QUICK_TIERS and item.get_closest_marker("slow") is None:
            item.add_marker("quick")
