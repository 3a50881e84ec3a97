"""acutesim: discrete-event simulation of the Dutch acute care chain and zorgcoördinatie."""

from __future__ import annotations

from sim import native as _native  # noqa: F401  # chooses compiled or pure core before any of it is imported


def __getattr__(name: str) -> str:
    """``__version__`` on first use: reading the installed metadata costs ~30 ms that ``validate`` need not pay."""
    if name != "__version__":
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        value = version("acutesim")  # written once, in pyproject.toml
    except PackageNotFoundError:  # a source tree that was never installed
        value = "unknown"
    globals()["__version__"] = value
    return value
