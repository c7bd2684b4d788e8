"""Worker pools for CPU-bound stages, safe to start from ``feedd once`` and the daemon alike.

``fork`` is cheapest (workers inherit the imported modules), but forking a process that runs
other threads (the daemon's scheduler and HTTP server) can leave a lock held forever in the
child; there the workers come from a ``forkserver`` instead, a clean single-threaded process.
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from multiprocessing.pool import Pool

MAX_WORKERS = 8


def workers() -> int:
    try:
        return min(len(os.sched_getaffinity(0)), MAX_WORKERS)
    except AttributeError:  # not Linux
        return min(os.cpu_count() or 1, MAX_WORKERS)


def _worker_start() -> None:
    """Run in each worker as it starts: a forked worker inherits the daemon's signal handlers,
    which turn SIGTERM into "set the stop event", so the pool could not end it and waited on
    it forever; and it must not outlive the process it works for (it would hold that
    process's run lock, inherited with its open files)."""
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:  # Linux: killed with the parent, however the parent dies (PR_SET_PDEATHSIG)
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)
        if os.getppid() == 1:  # the parent died before the line above: go now
            os._exit(1)
    except (OSError, AttributeError):
        pass


def pool(n: int) -> Pool:
    import multiprocessing

    method = "fork" if threading.active_count() == 1 else "forkserver"
    return multiprocessing.get_context(method).Pool(n, initializer=_worker_start)
