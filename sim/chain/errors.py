"""Errors of the patient chain (kept out of the compiled core: mypyc compiles no exception classes)."""

from __future__ import annotations


class DoubleOutcome(RuntimeError):
    """A patient was given a second outcome: a modelling error, never tolerated."""
