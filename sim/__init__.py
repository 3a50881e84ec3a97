"""acutesim: discrete-event simulation of the Dutch acute care chain and zorgcoördinatie."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("acutesim")  # written once, in pyproject.toml
except PackageNotFoundError:  # a source tree that was never installed
    __version__ = "unknown"
