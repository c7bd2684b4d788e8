"""Worker pools for CPU-bound stages, safe to start from ``feedd once`` and the daemon alike.

``fork`` is cheapest (workers inherit the imported modules), but forking a process that runs
other threads (the daemon's scheduler and HTTP server) can leave a lock held forever in the
child; there the workers come from a ``forkserver`` instead, a clean single-threaded process.

The pools are ``concurrent.futures`` ones, not ``multiprocessing.Pool``: when a worker dies
(the OOM killer, a SIGKILL) the work it held is lost, and a ``multiprocessing.Pool`` waits for
it forever, where a ``ProcessPoolExecutor`` says so (BrokenProcessPool). Leaving a pool never
waits long on a worker either: one that has not ended STOP_WAIT seconds after the work is
done or abandoned is killed.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from .errors import WorkerError

MAX_WORKERS = 8
STOP_WAIT = 5.0

__all__ = ["BrokenProcessPool", "pool", "workers"]


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


@contextlib.contextmanager
def pool(n: int, doing: str) -> Iterator[ProcessPoolExecutor]:
    """``n`` worker processes for the block; a worker that died is a WorkerError saying
    what the pool was ``doing``."""
    import multiprocessing

    method = "fork" if threading.active_count() == 1 else "forkserver"
    context = multiprocessing.get_context(method)
    executor = ProcessPoolExecutor(n, mp_context=context, initializer=_worker_start)
    try:
        yield executor
    except BrokenProcessPool as e:
        raise WorkerError(doing) from e
    finally:
        _stop(executor)


def _stop(executor: ProcessPoolExecutor) -> None:
    processes = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + STOP_WAIT
    for p in processes:
        p.join(max(0.0, deadline - time.monotonic()))
    for p in processes:
        if p.is_alive():
            p.kill()
            p.join(1)
