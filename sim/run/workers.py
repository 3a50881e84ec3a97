"""Worker processes that never outlive their command and leave Ctrl-C to it.

:func:`init_worker` is the initializer of every local process pool: a worker ignores SIGINT
(Ctrl-C reaches the whole process group; the main process alone stops the run and says so in
one line) and watches its parent: when the main process is gone (killed with SIGKILL, say) the
worker exits within a second instead of finishing its replication and waiting for more work.
:func:`stop` ends a pool's workers at once when a run is interrupted.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor

POLL_SECONDS = 0.5


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(POLL_SECONDS)
        if os.getppid() != parent:
            os._exit(1)


def init_worker() -> None:
    """Ignore Ctrl-C and exit when the parent process is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a forked worker must not take the command's handler
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()


def stop(pool: ProcessPoolExecutor) -> None:
    """Cancel what has not started and end the running workers now (an interrupted run).

    A worker ended while it was sending its result leaves half a message in the result pipe, and
    the pool's manager thread would wait for the rest for ever (the main process holds the pipe's
    other end), so the interpreter could never exit. Once the workers are gone that end is closed
    too: the manager thread then reads end-of-file, marks the pool broken and ends.

    That thread is waited for here: ending on its own while the interpreter exits, it closes its
    wake-up pipe as the exit handler writes to it (a race in CPython 3.11's
    ``concurrent.futures.process``), which prints an "Exception ignored" traceback.
    """
    processes = list((getattr(pool, "_processes", None) or {}).values())
    results = getattr(pool, "_result_queue", None)  # shutdown() drops the executor's reference to it
    manager = getattr(pool, "_executor_manager_thread", None)  # and to its manager thread
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)
    writer = getattr(results, "_writer", None)
    if writer is not None and not any(process.is_alive() for process in processes):
        writer.close()
    if manager is not None:
        manager.join(timeout=5)
