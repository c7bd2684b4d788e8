"""The run lock: two runs on one database (cron beside the daemon, two cron jobs) take turns."""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

from ..errors import BusyError


@contextlib.contextmanager
def run_lock(database: Path, wait: float) -> Iterator[None]:
    """Hold ``<database>.lock`` for a run: two runs on one database take turns.

    SQLite alone would keep the data consistent; the lock keeps two runs from reading the same
    changed files and publishing the same feeds twice. The second waits up to ``wait`` seconds.
    """
    database.parent.mkdir(parents=True, exist_ok=True)
    path = database.with_name(database.name + ".lock")
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise BusyError(str(path), wait) from None
                time.sleep(0.1)
        yield
    finally:
        os.close(fd)  # closing releases the lock
