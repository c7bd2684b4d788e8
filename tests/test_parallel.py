"""Worker pools end when asked, whatever signal handlers the process that starts them has."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.slow  # every test here runs feedd, a server or worker processes

SCRIPT = """
import os, signal, sys, time
from feedd import parallel
signal.signal(signal.SIGTERM, lambda *_: None)  # as the daemon's: SIGTERM sets an event
signal.signal(signal.SIGHUP, lambda *_: None)
with parallel.pool(2, "testing") as pool:
    list(pool.map(abs, list(range(4))))
    busy = [pool.submit(time.sleep, 30) for _ in range(2)]  # both workers in a task
    time.sleep(0.5)
    print(" ".join(str(p.pid) for p in pool.processes), flush=True)
    if sys.argv[1] == "hang":
        time.sleep(60)
    if sys.argv[1] == "die":
        os.kill(pool.processes[0].pid, signal.SIGKILL)
        try:
            pool.result(busy[0])
        except Exception as e:
            print(type(e).__name__, flush=True)
            raise
    started = time.monotonic()
# leaving the block ends the pool: busy workers are killed after parallel.STOP_WAIT
print(f"left the pool in {time.monotonic() - started:.1f}s", flush=True)
"""


def test_a_pool_ends_although_the_process_ignores_sigterm() -> None:
    r = subprocess.run([sys.executable, "-c", SCRIPT, "end"], capture_output=True, text=True,
                       timeout=60)  # fmt: skip
    assert r.returncode == 0, r.stderr
    seconds = float(r.stdout.split("left the pool in ")[1].rstrip("s\n"))
    assert seconds < 10  # not the 30 s of the tasks: the workers were ended


def test_a_worker_that_dies_is_an_error_not_a_wait_forever() -> None:
    """multiprocessing.Pool waited forever for the work a killed worker held."""
    r = subprocess.run([sys.executable, "-c", SCRIPT, "die"], capture_output=True, text=True,
                       timeout=60)  # fmt: skip
    assert r.returncode == 1 and "WorkerError" in r.stdout, (r.stdout, r.stderr)
    assert "WorkerError: a worker process died while testing" in r.stderr


def test_workers_do_not_outlive_a_killed_parent() -> None:
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, "hang"], stdout=subprocess.PIPE,
                            text=True)  # fmt: skip
    pids = [int(p) for p in proc.stdout.readline().split()]
    assert len(pids) == 2
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    deadline = time.monotonic() + 10
    alive = pids
    while alive and time.monotonic() < deadline:
        alive = [p for p in alive if _running(p)]
        time.sleep(0.1)
    assert alive == [], "orphaned workers still running"


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(") ")[1][0] != "Z"  # a zombie has exited
    except FileNotFoundError:
        return False


def test_once_survives_a_worker_killed_while_reading(tmp_path) -> None:
    """The OOM killer takes a worker in a cold start: the run ends (exit 1, saying so),
    keeps what was read, and the next run reads the rest."""
    import os
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, str(root / "bench" / "gen_corpus.py"), "--n", "3000",
                    "--out", str(tmp_path / "seeds"), "--seed", "1"],
                   check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    (tmp_path / "config.toml").write_text('seeds = "seeds"\n')
    feedd = Path(sys.executable).with_name("feedd")
    cmd = [str(feedd), "once", "--config", str(tmp_path / "config.toml")]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    killed = None
    deadline = time.monotonic() + 30
    while killed is None and proc.poll() is None and time.monotonic() < deadline:
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as fh:
                        ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
                except OSError:
                    continue
                if ppid == proc.pid:
                    time.sleep(0.3)  # let it start on its chunk
                    os.kill(int(entry), signal.SIGKILL)
                    killed = int(entry)
                    break
        time.sleep(0.01)
    out, err = proc.communicate(timeout=120)
    assert killed is not None, "no worker seen"
    assert proc.returncode == 1 and "Traceback" not in err, err
    assert "a worker process died (killed, or out of memory?)" in err, err
    again = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert "read 0 of" not in again.stdout  # the files the dead worker held are read now
    third = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert "read 0 of 3000 files" in third.stdout, third.stdout


def test_workers_run_only_a_few_tasks_ahead_of_a_slow_caller() -> None:
    """A result waits in the caller's process until taken: were every task handed out at
    once, a caller slower than the workers (a cold start writing its articles) would hold
    every result at the same time."""
    script = """
import json, time
from feedd import parallel

def stamp(_i):
    return time.monotonic()

with parallel.pool(2, "testing") as pool:
    started, taken = [], []
    for s in pool.map(stamp, list(range(60))):
        started.append(s)
        taken.append(time.monotonic())
        time.sleep(0.01)  # slower than the workers
print(json.dumps([started, taken]))
"""
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                       timeout=60)  # fmt: skip
    assert r.returncode == 0, r.stderr
    started, taken = json.loads(r.stdout)
    assert len(started) == 60
    # two tasks a worker ahead at most: task j starts after task j - 4 was taken (8: slack)
    early = [j for j in range(8, 60) if started[j] < taken[j - 8]]
    assert early == []
