"""Ctrl-C, SIGTERM and SIGKILL stop a run cleanly and leave no worker behind.

Test plan (deterministic outcomes of real signals on real processes): ``acutesim run``,
``acutesim compare`` and ``acutesim experiment`` on two workers, started in their own process
group, get SIGINT (as Ctrl-C sends it to the whole group) or SIGTERM (to the main process) once
the first progress is printed: the command exits 130 within seconds with one ``interrupted`` line
and no traceback, and no process of the group is left. After SIGKILL of the main process alone
the workers of each of the three commands notice their parent is gone and exit within seconds.
A run or compare killed after its first replication and rerun says at once what it kept and
ends with results byte-identical to an uninterrupted run (experiment: tests/system/test_experiment.py).
Stopping a pool whose worker is cut off halfway through sending its result (forced, not left to timing)
still lets the pool's manager thread end, so the interrupted command can exit, and stopping returns only
once that thread has ended (so it does not race the interpreter's exit).
"""

from __future__ import annotations

import os
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import NOORD, ROOT, small_experiment


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _wait_group_gone(pgid: int, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if not _group_alive(pgid):
            return True
        time.sleep(0.2)
    return False


def _ctrl_c_as_in_a_terminal() -> None:
    """The command starts with Ctrl-C at its default, as from a terminal: a test suite started in the background
    (``nohup pytest &``) ignores SIGINT, and a child would inherit that and never see the interrupt."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start(args: list[str], tmp_path: Path) -> subprocess.Popen:
    err = (tmp_path / "stderr.txt").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "sim", *args], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err,
                            start_new_session=True, preexec_fn=_ctrl_c_as_in_a_terminal)
    # Wait until the workers are busy: the header line is printed before the pool starts.
    end = time.monotonic() + 60
    while time.monotonic() < end and "acutesim:" not in (tmp_path / "stderr.txt").read_text():
        time.sleep(0.2)
    time.sleep(1.5)
    assert proc.poll() is None, (tmp_path / "stderr.txt").read_text()
    return proc


def _run_args(tmp_path: Path, command: str = "run") -> list[str]:
    short = tmp_path / "short.yaml"
    short.write_text(f"extends: {NOORD}\nrun: {{warmup_days: 0}}\n", encoding="utf-8")
    if command == "experiment":
        return ["experiment", str(small_experiment(tmp_path, reps=4, days=20)), "--workers", "2", "--out",
                str(tmp_path / "out")]
    scenarios = [str(short)]
    if command == "compare":
        zcc = tmp_path / "short_zcc.yaml"
        zcc.write_text(f"extends: {NOORD.parent / 'zcc.yaml'}\nrun: {{warmup_days: 0}}\n", encoding="utf-8")
        scenarios.append(str(zcc))
    return [command, *scenarios, "-n", "6", "--days", "60", "--workers", "2", "--out", str(tmp_path / "out")]


@pytest.mark.parametrize("command", ["run", "compare"])
@pytest.mark.parametrize("how", ["SIGINT", "SIGTERM"])
def test_run_stops_cleanly(how, command, tmp_path):
    proc = _start(_run_args(tmp_path, command), tmp_path)
    if how == "SIGINT":
        os.killpg(proc.pid, signal.SIGINT)
    else:
        proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=20) == 130
    err = (tmp_path / "stderr.txt").read_text()
    assert "Traceback" not in err, err
    assert len([line for line in err.splitlines() if line.startswith("interrupted")]) == 1, err
    assert _wait_group_gone(proc.pid, 10)


@pytest.mark.parametrize("command", ["run", "compare", "experiment"])
def test_workers_exit_when_the_main_process_is_killed(command, tmp_path):
    proc = _start(_run_args(tmp_path, command), tmp_path)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert _wait_group_gone(proc.pid, 10), "workers outlived the killed main process"


@pytest.mark.parametrize("how", ["SIGINT", "SIGTERM"])
def test_experiment_stops_cleanly(how, tmp_path):
    proc = _start(_run_args(tmp_path, "experiment"), tmp_path)
    if how == "SIGINT":
        os.killpg(proc.pid, signal.SIGINT)
    else:
        proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=20) == 130
    err = (tmp_path / "stderr.txt").read_text()
    assert "Traceback" not in err and "rerun the same command to continue" in err, err
    assert _wait_group_gone(proc.pid, 10)


@pytest.mark.parametrize("command", ["run", "compare"])
def test_killed_run_or_compare_resumes_to_identical_results(command, tmp_path, capsys):
    """SIGKILL after the first replication, rerun the same command: finished ones kept, results byte-identical."""
    from sim.cli.main import main

    short = tmp_path / "short.yaml"
    short.write_text(f"extends: {NOORD}\nrun: {{warmup_days: 0}}\n", encoding="utf-8")
    zcc = tmp_path / "short_zcc.yaml"
    zcc.write_text(f"extends: {NOORD.parent / 'zcc.yaml'}\nrun: {{warmup_days: 0}}\n", encoding="utf-8")
    scenarios = [str(short)] if command == "run" else [str(short), str(zcc)]
    # Days enough that the second replication is still running when the first is reported done
    # with a margin (a compiled-core replication of 3 days took less than the polling step; 30 days take ~1 s).
    args = [command, *scenarios, "-n", "2", "--days", "30", "--workers", "1"]
    table = "summary.csv" if command == "run" else "comparison.csv"
    assert main([*args, "--out", str(tmp_path / "whole")]) == 0
    out = tmp_path / "killed"
    err_path = tmp_path / "stderr.txt"
    with err_path.open("w") as err:
        proc = subprocess.Popen([sys.executable, "-m", "sim", *args, "--out", str(out)], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
        end = time.monotonic() + 120
        while time.monotonic() < end and " 1/2 done" not in err_path.read_text():
            time.sleep(0.02)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finished = sorted((out / "finished").glob("*.json"))
    assert finished and not (out / table).exists()
    capsys.readouterr()
    assert main([*args, "--out", str(out)]) == 0
    assert "1/2 kept from an earlier run" in capsys.readouterr().err  # said at once, before any simulation
    for name in (table, "levels.csv"):
        assert (out / name).read_bytes() == (tmp_path / "whole" / name).read_bytes(), name


def test_experiment_on_a_dask_cluster_stops_cleanly_and_resumes(tmp_path):
    """Ctrl-C of an experiment whose work runs on a Dask cluster: one line, exit 130; the cluster (the
    user's) stays up, and the same command again finishes with every replication exactly once."""
    from distributed import LocalCluster

    args = _run_args(tmp_path, "experiment")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        command = [*args[:2], "--scheduler", cluster.scheduler_address, *args[4:]]
        proc = _start(command, tmp_path)
        os.killpg(proc.pid, signal.SIGINT)
        assert proc.wait(timeout=30) == 130
        err = (tmp_path / "stderr.txt").read_text()
        assert "Traceback" not in err and len([ln for ln in err.splitlines() if ln.startswith("interrupted")]) == 1, err
        assert _wait_group_gone(proc.pid, 10)
        done = subprocess.run([sys.executable, "-m", "sim", *command], cwd=ROOT, capture_output=True, text=True,
                              timeout=600)
        assert done.returncode == 0, done.stderr
    out = Path(args[-1])
    reps = sorted(p.name for p in out.rglob("rep*.json"))
    assert len(reps) == 4 * 4 and not list(out.rglob("*.tmp*"))  # 4 points x 4 replications, each once


def _send_half_a_result_and_hang() -> None:
    """Runs in a pool worker: what a worker killed mid-send leaves in the result pipe, made certain.

    The message header promises 1000 bytes and 7 follow; then the worker waits to be stopped.
    """
    frame = sys._getframe()
    while frame is not None and "result_queue" not in frame.f_locals:  # CPython's _process_worker
        frame = frame.f_back
    assert frame is not None, "no result_queue in the worker's frames: concurrent.futures has changed"
    frame.f_locals["result_queue"]._writer._send(struct.pack("!i", 1000) + b"partial")
    time.sleep(600)


def _work_until_stopped() -> None:
    """Runs in a pool worker: a replication that is still running when the run is interrupted."""
    time.sleep(600)


@pytest.mark.parametrize("work", [_work_until_stopped, _send_half_a_result_and_hang])
def test_stopping_a_pool_returns_once_its_manager_thread_has_ended(work):
    """A worker terminated while sending its result left the manager thread reading for ever, and the
    interpreter joins that thread at exit: Ctrl-C then hung the command (1 run in ~180 here). A manager
    thread still ending while the interpreter exits races CPython 3.11's exit handler for its wake-up
    pipe ("Exception ignored ... Bad file descriptor", 1 run in ~25): ``stop`` returns after it ended."""
    from concurrent.futures import ProcessPoolExecutor

    from sim.run.workers import init_worker, stop

    pool = ProcessPoolExecutor(max_workers=2, initializer=init_worker)
    futures = [pool.submit(work) for _ in range(3)]
    time.sleep(1.0)  # both workers are busy (and, for the second case, have written half a message)
    manager = pool._executor_manager_thread
    assert manager is not None and manager.is_alive() and not any(f.done() for f in futures)
    stop(pool)
    assert not manager.is_alive(), "stop() returned while the pool's manager thread still runs"


_STUCK_EXIT = """
import importlib, threading, time
cli = importlib.import_module("sim.cli.main")  # the package exports main() under the module's name
cli.EXIT_GRACE_SECONDS = 0.5
cli._end_when_stuck()
if {stuck}:
    threading.Thread(target=time.sleep, args=(60,)).start()  # a library thread the exit would wait for
"""


@pytest.mark.parametrize("stuck", [True, False])
def test_an_interrupted_command_whose_exit_hangs_is_ended(stuck):
    """The last line of defence: an interrupted command whose interpreter exit waits on a thread is ended
    after the grace time with exit 130 and one line saying why; a clean exit is not held up by it."""
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", _STUCK_EXIT.format(stuck=stuck)], cwd=ROOT, capture_output=True,
                          text=True, timeout=30)
    took = time.monotonic() - started
    if stuck:
        assert done.returncode == 130 and took < 20, (done.returncode, took)
        assert done.stderr.strip() == ("acutesim: the workers did not shut down within 0.5 s of the interrupt; "
                                       "ending the process")
    else:
        assert done.returncode == 0 and done.stderr == "" and took < 10, (done.returncode, done.stderr, took)
