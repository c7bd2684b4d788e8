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

import collections
import contextlib
import itertools
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from .errors import WorkerError

if TYPE_CHECKING:  # imported when a pool starts: a run that reads a handful of files never needs
    from concurrent.futures import Future, ProcessPoolExecutor

MAX_WORKERS = 8
STOP_WAIT = 5.0

__all__ = ["Workers", "pool", "workers"]


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


WATCH = 1.0  # seconds between looks at the workers while waiting for a result
_broken: list[str] = []  # what pools were doing when a worker died, in this process


def broken() -> bool:
    """Whether a pool of this process lost a worker. The executor's threads may then never
    end (one waits on a pipe the dead worker held), so a one-shot process should leave with
    ``os._exit`` once its output is flushed rather than wait for them at exit."""
    return bool(_broken)


def _chunk_of(fn: Callable[[Any], Any], items: list) -> list:
    return [fn(item) for item in items]


class Workers:
    """A process pool whose results are waited for with an eye on the workers: a worker
    that died is a WorkerError within WATCH seconds, even where the executor itself
    would wait forever (a worker killed while sending a result leaves half a message in the
    pipe, and the executor's manager thread waits for the rest)."""

    def __init__(self, executor: ProcessPoolExecutor, doing: str, n: int) -> None:
        self.executor = executor
        self.doing = doing
        self.n = n

    @property
    def processes(self) -> list:
        return list((getattr(self.executor, "_processes", None) or {}).values())

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        """``fn(*args)`` as a task; a pool that lost a worker is a WorkerError here too."""
        from concurrent.futures.process import BrokenProcessPool

        try:
            return self.executor.submit(fn, *args)
        except BrokenProcessPool as e:
            raise WorkerError(self.doing) from e

    def map(self, fn: Callable[[Any], Any], items: Iterable, chunksize: int = 1) -> Iterator:
        """``fn`` of each item, in order, computed ``chunksize`` items to a task; the items
        are taken from ``items`` as tasks are handed out.

        The first tasks are handed out at once, before a result is asked for, and no more
        than two a worker are ever ahead of the caller: a finished result waits in this
        process until taken, so with every task handed out, a caller slower than the
        workers would hold every result at once (a cold start's articles, for one).
        """
        each = iter(items)
        chunks = iter(lambda: list(itertools.islice(each, chunksize)), [])
        ahead = collections.deque(
            self.submit(_chunk_of, fn, chunk) for chunk in itertools.islice(chunks, 2 * self.n)
        )
        return self._results(ahead, fn, chunks)

    def _results(self, ahead: collections.deque, fn: Callable, chunks: Iterator) -> Iterator:
        while ahead:
            done = self.result(ahead.popleft())
            for chunk in itertools.islice(chunks, 1):
                ahead.append(self.submit(_chunk_of, fn, chunk))
            yield from done

    def result(self, future: Future) -> Any:
        from concurrent.futures import TimeoutError as FutureTimeout
        from concurrent.futures.process import BrokenProcessPool

        while True:
            try:
                return future.result(timeout=WATCH)
            except FutureTimeout:
                if any(p.exitcode is not None for p in self.processes):
                    raise WorkerError(self.doing) from None
            except BrokenProcessPool as e:
                raise WorkerError(self.doing) from e


@contextlib.contextmanager
def pool(n: int, doing: str, fresh: tuple[str, ...] = ()) -> Iterator[Workers]:
    """``n`` worker processes for the block; a worker that died is a WorkerError saying
    what the pool was ``doing``. ``fresh``: the modules the workers need, for workers
    forked from a new small process that imports them, not from this one: for a pool
    started when this process is large (a fork's memory is shared with its parent, but a
    worker forked from 200 MB is counted as 200 MB more by whatever measures each process:
    GNU time, a supervisor's per-process limit)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    method = "fork" if threading.active_count() == 1 and not fresh else "forkserver"
    context = multiprocessing.get_context(method)
    if fresh:
        context.set_forkserver_preload(list(fresh))
    executor = ProcessPoolExecutor(n, mp_context=context, initializer=_worker_start)
    workers = Workers(executor, doing, n)
    try:
        yield workers
    except BrokenProcessPool as e:
        raise WorkerError(doing) from e
    finally:
        if any(p.exitcode for p in workers.processes):
            _broken.append(doing)
        _stop(executor, workers.processes)


def _stop(executor: ProcessPoolExecutor, processes: list) -> None:
    executor.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + STOP_WAIT
    for p in processes:
        p.join(max(0.0, deadline - time.monotonic()))
    for p in processes:
        if p.is_alive():
            p.kill()
            p.join(1)
    if any(p.exitcode for p in processes):
        # A worker died or was killed: half a message may sit in the result pipe. With every
        # worker gone, closing this process's copy of its writing end makes the manager
        # thread's wait for the rest an end of file, so that it, and the interpreter's exit
        # that joins it, end.
        queue = getattr(executor, "_result_queue", None)
        with contextlib.suppress(Exception):
            queue._writer.close()  # type: ignore[union-attr]
        calls = getattr(executor, "_call_queue", None)
        with contextlib.suppress(Exception):
            calls.cancel_join_thread()  # type: ignore[union-attr] # its readers are gone
