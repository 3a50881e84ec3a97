"""The compiled core: which modules mypyc compiles, and when their Python sources run instead.

``pip install -e .`` (the README's command) compiles the modules of :data:`COMPILED` with mypyc
(``setup.py``): the simulation loop, the resources and the patient flows, where a run spends its
time. The compiled modules are the same source files, so they give the same results bit for bit
(``tests/functional/test_native_core.py`` runs both); compiled, a patient costs about a third of its
CPU as Python, less than a customer of a plain-SimPy M/M/c queue (``benchmarks/results.md``).

What keeps the compiled loop fast (a profile with ``valgrind --tool=callgrind`` shows any breach as
calls into CPython's generic machinery: ``PyObject_GetAttr``, dict look-ups, ``PyNumber_*``):

- everything a patient's flow touches per event is a class of a compiled module, with typed fields:
  an attribute typed ``Any`` (a value from ``.tolist()``, a pydantic model) turns every use into a
  generic look-up, so hot paths read plain snapshots (:class:`sim.chain.context.QueueOrder`);
- module constants and bound library functions are ``Final`` (compiled statics); a plain module
  global is a dict look-up on every use;
- no exception as control flow per event (a flow ends through ``next(flow, sentinel)``); native
  ints (``i64``) where a value can exceed 2**31 (the heap's order keys); one exact class per heap
  entry (a subclass fails the fast type check).

The pure-Python path always stays:

- ``ACUTESIM_PURE_PYTHON=1`` when installing builds no compiled core (nothing needs a C compiler);
  a compiler that fails leaves the pure-Python install working (the extension is optional);
- ``ACUTESIM_PURE_PYTHON=1`` when running uses the sources even where a compiled core exists;
- a compiled core older than its sources is never used: the build stamps the digest of the sources
  it compiled (:data:`STAMP`), and when a source changed since (an edit in an editable install) the
  sources run, with one warning that says how to recompile. Compiled and source modules are never
  mixed: compiled modules call each other directly, so one stale module would keep running its
  old code inside the others.

:data:`ENGINE` says which core this process runs (``"compiled"`` or ``"python"``) and why; the
benchmarks print it.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import sys
import warnings
import zlib
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Final

COMPILED: Final = (
    "sim.geo.driving",
    "sim.engine.calendar",
    "sim.engine.rng",
    "sim.engine.kernel",
    "sim.engine.flow",
    "sim.engine.stats",
    "sim.engine.deadlines",
    "sim.resources.pool",
    "sim.resources.skilldesk",
    "sim.resources.ambulance",
    "sim.chain.patient",
    "sim.chain.record",
    "sim.chain.context",
    "sim.chain.telephone",
    "sim.chain.demand",
    "sim.chain.care.handoffs",
    "sim.chain.care.teams",
    "sim.chain.care.beds",
    "sim.chain.care.hap_care",
    "sim.chain.care.ambulance",
    "sim.chain.care.seh",
    "sim.chain.care.hospital",
    "sim.chain.coordination.base",
    "sim.chain.coordination.true_need",
    "sim.chain.coordination.status_quo",
    "sim.chain.coordination.zcc",
    "sim.chain.model",
)
"""Modules compiled by mypyc (one group): every module a patient's flow calls into per event."""

GROUP: Final = "acutesim_native"
"""The mypyc group name: the shared library is ``acutesim_native__mypyc.*.so`` beside ``sim``."""

PURE_ENV: Final = "ACUTESIM_PURE_PYTHON"
"""Set to 1 (at install or at run time) for the pure-Python core."""

STAMP: Final = "_native_stamp.txt"
"""File in ``sim/`` with the digest of the sources the compiled core was built from."""

ROOT: Final = Path(__file__).resolve().parent.parent


def source_file(module: str, root: Path = ROOT) -> Path:
    """The ``.py`` file of a dotted module name under ``root``."""
    return root.joinpath(*module.split(".")).with_suffix(".py")


def source_digest(modules: Sequence[str] = COMPILED, root: Path = ROOT) -> str:
    """CRC-32 and length of each compiled module's source, in :data:`COMPILED` order.

    A check for edits, not for tampering: cheap enough for every start-up (``validate`` stays fast).
    """
    parts = []
    for module in modules:
        data = source_file(module, root).read_bytes()
        parts.append(f"{module}:{len(data)}:{zlib.crc32(data):08x}")
    return ";".join(parts)


def _compiled_file(module: str) -> Path | None:
    """The compiled extension of ``module`` beside its source, if one was built."""
    source = source_file(module)
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        candidate = source.with_suffix(suffix)
        if candidate.exists():
            return candidate
    return None


class _SourcesFirst:
    """Import finder that loads the compiled modules from their ``.py`` sources (the pure core)."""

    def find_spec(self, name: str, path: object = None, target: ModuleType | None = None) -> object:
        if name not in COMPILED:
            return None
        return importlib.util.spec_from_file_location(name, source_file(name))


def _choose() -> str:
    """Decide the core for this process (before any compiled module is imported) and say why."""
    if _compiled_file(COMPILED[0]) is None:
        return "python (no compiled core installed)"
    if os.environ.get(PURE_ENV, "") not in ("", "0"):
        sys.meta_path.insert(0, _SourcesFirst())  # type: ignore[arg-type]
        return f"python ({PURE_ENV} is set)"
    stamp = Path(__file__).with_name(STAMP)
    built = stamp.read_text().strip() if stamp.exists() else ""
    if built != source_digest():
        sys.meta_path.insert(0, _SourcesFirst())  # type: ignore[arg-type]
        warnings.warn(
            "acutesim: the sources of the compiled core changed since it was built; running them as "
            "Python (slower, same results). Recompile with: pip install -e .",
            RuntimeWarning,
            stacklevel=3,
        )
        return "python (compiled core older than its sources)"
    return "compiled"


ENGINE: Final = _choose() if __name__ == "sim.native" else "not chosen (read by setup.py)"
"""``"compiled"``, or ``"python (why)"``: the core this process runs."""
