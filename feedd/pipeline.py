"""One pass over the seeds: scan, read what changed, store, publish. The drivers' only entry.

Reading and normalizing run in worker processes when many files changed (a cold start):
they are pure and CPU-bound, and the store only ever sees their results in key order, so a
parallel run decides exactly what a serial one would.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from . import parallel
from .config import Config
from .errors import BusyError, InputError
from .models import Item, SeedFile
from .publish.site import Published, publish
from .remote import RemoteReport, refresh
from .sources.files import read_bytes, scan
from .store.items import Changes, Store

PARALLEL_FROM = 200  # changed files; below this a worker pool costs more than it saves
Progress = Callable[[int, int], None]


@dataclass
class Report:
    """What a run did: the CLI prints it, tests read it."""

    files: int = 0  # files below the seeds folder
    changes: Changes = field(default_factory=Changes)
    errors: list[InputError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    published: Published = field(default_factory=Published)
    remote: RemoteReport = field(default_factory=RemoteReport)
    entries: int = 0
    seconds: float = 0.0


def _read(args: tuple[SeedFile, str]) -> Item | InputError:
    from .normalize.article import normalize  # YAML, Markdown, HTML: only when files changed

    f, zone = args
    try:
        return normalize(f.key, read_bytes(f), ZoneInfo(zone))
    except InputError as e:
        return e
    except Exception as e:  # noqa: BLE001 - one odd file must never stop the run
        return InputError(f.key, f"unexpected error while reading: {type(e).__name__}: {e}")


def read_all(
    files: list[SeedFile], zone: str, progress: Progress | None = None
) -> Iterator[tuple[SeedFile, Item | InputError]]:
    """Read and normalize ``files``, yielding results in the order given."""
    jobs = [(f, zone) for f in files]
    n = parallel.workers()
    if len(files) >= PARALLEL_FROM and n > 1:
        from .normalize import article, lang  # noqa: F401 - loaded here, inherited by workers

        lang.script_patterns()

        with parallel.pool(n) as pool:
            results = pool.imap(_read, jobs, chunksize=_chunk(len(files), n))
            for i, (f, res) in enumerate(zip(files, results, strict=True), 1):
                if progress:
                    progress(i, len(files))
                yield f, res
    else:
        for i, job in enumerate(jobs, 1):
            if progress:
                progress(i, len(files))
            yield job[0], _read(job)


def _chunk(files: int, workers: int) -> int:
    """Files per task: each task and result costs the coordinating process ~1 ms, so large
    (a cold start's CPU goes to reading, not to bookkeeping), but never so large that the
    results in flight weigh much: at most 256 articles (~2 MB) a chunk."""
    return max(16, min(256, files // (workers * 8)))


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


def ingest_seeds(
    store: Store, config: Config, now: dt.datetime, report: Report,
    progress: Progress | None = None,
) -> None:  # fmt: skip
    """Scan the seeds folder and store what changed; fills ``report`` (files, changes,
    errors, warnings). Unchanged files (same size and mtime) are not read."""
    known = store.file_stats()
    found = {f.key: f for f in scan(config.seeds)}
    report.files = len(found)
    changed = sorted(
        (f for k, f in found.items() if known.get(k) != (f.size, f.mtime_ns)),
        key=lambda f: f.key,
    )
    deleted = sorted(k for k in known if k not in found)

    def good() -> Iterator[tuple[str, int, int, Item]]:
        for f, res in read_all(changed, config.timezone, progress):
            if isinstance(res, InputError):
                report.errors.append(res)
                continue
            report.warnings.extend(f"{f.key}: {w}" for w in res.warnings)
            yield f.key, f.size, f.mtime_ns, res

    report.changes = store.ingest(good(), deleted, now)


def run_once(
    config: Config,
    *,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
    wait: float = 60.0,
    fetch_all: bool = False,
) -> Report:
    """Scan the seeds, fetch the sources that are due (all with ``fetch_all``), publish.

    Expected input errors (a broken file, a failing source) are in the report, not raised.
    """
    started = time.perf_counter()
    now = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    report = Report()
    with run_lock(config.database, wait):
        store = Store(config.database)
        try:
            ingest_seeds(store, config, now, report, progress)
            report.remote = refresh(store, config, now, fetch_all=fetch_all)
            report.published = publish(store, config, now)
            report.entries = store.totals()[1]
        finally:
            store.close()
    report.seconds = time.perf_counter() - started
    return report


def check(
    config: Config, progress: Progress | None = None
) -> tuple[int, list[InputError], list[str]]:
    """Read every seed without writing anything: ``(files, errors, warnings)``."""
    files = sorted(scan(config.seeds), key=lambda f: f.key)
    errors: list[InputError] = []
    warnings: list[str] = []
    for f, res in read_all(files, config.timezone, progress):
        if isinstance(res, InputError):
            errors.append(res)
        else:
            warnings.extend(f"{f.key}: {w}" for w in res.warnings)
    return len(files), errors, warnings
