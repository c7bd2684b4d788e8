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


def pool(n: int) -> Pool:
    import multiprocessing

    method = "fork" if threading.active_count() == 1 else "forkserver"
    return multiprocessing.get_context(method).Pool(n)
