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
    """Cancel what has not started and end the running workers now (an interrupted run)."""
    processes = list(getattr(pool, "_processes", {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)
