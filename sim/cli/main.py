"""Command line entry point: ``acutesim`` (console script) and ``python -m sim``.

:mod:`sim.cli.parser` defines the commands and options, :mod:`sim.cli.commands` runs them;
this module parses, applies ``--root``, turns a bad input into one line and exit 2, and makes sure an
interrupted command ends.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path

from sim.cli.commands import COMMANDS
from sim.cli.parser import build_parser
from sim.config.loader import ScenarioError
from sim.paths import ROOT_ENV

EXIT_INTERRUPTED = 130  # the shell's code for a command stopped by Ctrl-C (128 + SIGINT); SIGTERM gives it too
EXIT_GRACE_SECONDS = 10.0  # an interrupted command that has not ended this long after saying so is ended


def _terminated(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _end_when_stuck() -> None:
    """Daemon timer: end the process if the interpreter's exit hangs after an interrupt.

    At exit Python joins the threads of process pools and Dask clients; a library thread left waiting
    by the interrupt would keep the command alive after it said "interrupted". Finished replications
    are already on disk, so ending the process loses nothing; a normal exit comes first and stops
    the timer with it.
    """
    def end() -> None:
        print(f"acutesim: the workers did not shut down within {EXIT_GRACE_SECONDS:g} s of the interrupt; "
              "ending the process", file=sys.stderr, flush=True)
        os._exit(EXIT_INTERRUPTED)

    timer = threading.Timer(EXIT_GRACE_SECONDS, end)
    timer.daemon = True
    timer.start()


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    before = os.environ.get(ROOT_ENV)
    if args.root:
        # Set for the command (and the worker processes it starts), restored after it.
        os.environ[ROOT_ENV] = str(Path(args.root).resolve())
    previous = signal.getsignal(signal.SIGTERM)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminated)  # SIGTERM stops a run like Ctrl-C does
    try:
        return COMMANDS[args.command](args)
    except ScenarioError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        # An environment problem (read-only or full disk, missing permission): one line, exit 1.
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc} (nothing was changed in the inputs; fix the folder and "
              f"rerun the same command)", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: every finished replication is kept; rerun the same command to continue", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, previous)
        if before is None:
            os.environ.pop(ROOT_ENV, None)
        else:
            os.environ[ROOT_ENV] = before


def program() -> int:
    """The ``acutesim`` program (console script and ``python -m sim``): :func:`main`, made sure to end.

    Kept apart from :func:`main`, which tests call in their own process.
    """
    code = main()
    if code == EXIT_INTERRUPTED:
        _end_when_stuck()
    return code


if __name__ == "__main__":
    raise SystemExit(program())
