"""Worker pools end when asked, whatever signal handlers the process that starts them has."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

SCRIPT = """
import os, signal, sys, time
from feedd import parallel
signal.signal(signal.SIGTERM, lambda *_: None)  # as the daemon's: SIGTERM sets an event
signal.signal(signal.SIGHUP, lambda *_: None)
with parallel.pool(2) as pool:
    pool.map(abs, range(4))
    busy = pool.map_async(time.sleep, [30, 30], chunksize=1)  # both workers in a task
    time.sleep(0.5)
    print(" ".join(str(p.pid) for p in pool._pool), flush=True)
    if sys.argv[1] == "hang":
        time.sleep(60)
    started = time.monotonic()
# leaving the block terminates the pool: its busy workers get SIGTERM
print(f"left the pool in {time.monotonic() - started:.1f}s", flush=True)
"""


def test_a_pool_ends_although_the_process_ignores_sigterm() -> None:
    r = subprocess.run([sys.executable, "-c", SCRIPT, "end"], capture_output=True, text=True,
                       timeout=60)  # fmt: skip
    assert r.returncode == 0, r.stderr
    seconds = float(r.stdout.split("left the pool in ")[1].rstrip("s\n"))
    assert seconds < 10  # not the 30 s of the tasks: SIGTERM ended the workers


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
