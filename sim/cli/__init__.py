"""Command line: ``acutesim`` (parser and thin commands)."""

from sim.cli.main import main

__all__ = ["main"]
