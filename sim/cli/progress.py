"""The progress printer of every long command: one line on stderr per step, with the time so far and to go.

``run`` and ``compare`` print ``replication 2/5 done (40 s, about 60 s to go)``; ``warmup``,
``national``, ``validation-report``, ``calibrate``, ``locations`` and ``staffing`` use the same
printer, so every command that runs for more than a few seconds says how far it is. A search
whose length is only bounded (calibration evaluations, staffing iterations) gives the time to
go at most.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from typing import TextIO

_FRACTION = re.compile(r"(\d+)/(\d+) done")


def eta_text(elapsed: float, done: float, total: float, at_most: bool = False) -> str:
    """``(40 s, about 60 s to go)``; before the first step only the time so far."""
    if done <= 0 or total <= 0:
        return f"({elapsed:.0f} s)"
    to_go = max(elapsed / done * (total - done), 0.0)
    return f"({elapsed:.0f} s, {'at most' if at_most else 'about'} {to_go:.0f} s to go)"


class Progress:
    """Prints progress lines of one command; call it with ``(done, total)`` or use :meth:`note`."""

    def __init__(self, what: str, stream: TextIO | None = None) -> None:
        self.what = what
        self.stream = stream
        self.started = time.perf_counter()
        self.kept = 0  # steps finished by an earlier, interrupted run of the same command

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def _print(self, line: str) -> None:
        print(line, file=self.stream or sys.stderr, flush=True)

    def __call__(self, done: int, total: int) -> None:
        """``done`` of ``total`` steps finished; the time to go is this run's own pace (kept steps aside)."""
        self._print(f"  {self.what} {done}/{total} done {eta_text(self.elapsed, done - self.kept, total - self.kept)}")

    def resumed(self, kept: int, total: int) -> None:
        """A rerun found ``kept`` of ``total`` steps finished by an interrupted run: said at once, and left
        out of the pace (else the time to go of a resumed run would count work it never did)."""
        self.kept = kept
        if kept:
            self._print(f"  {self.what} {kept}/{total} kept from an earlier run of the same command; "
                        f"{total - kept} to go")

    def note(self, message: str, done: float = 0, total: float = 0, at_most: bool = False) -> None:
        """A free-text step (a search's iteration) with the time so far and, given a count, to go."""
        self._print(f"  {message} {eta_text(self.elapsed, done, total, at_most)}")

    def messages(self, pattern: str | None = None, total: int = 0, at_most: bool = False) -> Callable[[str], None]:
        """A printer for the messages of a layer below (which cannot import this one).

        A message with ``D/T done`` counts D of T steps; else the number after ``pattern``
        (``evaluation 3``, ``iteration 2``) counts the steps done of at most ``total``; other
        messages are printed with the time so far.
        """
        number = re.compile(rf"{re.escape(pattern)} (\d+)") if pattern else None

        def show(message: str) -> None:
            fraction = _FRACTION.search(message)
            found = number.search(message) if number else None
            if fraction:
                self.note(message.strip(), int(fraction.group(1)), int(fraction.group(2)))
            elif found:
                self.note(message.strip(), int(found.group(1)), total, at_most)
            else:
                self.note(message.strip())
        return show
