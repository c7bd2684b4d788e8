"""The seeds half of a run: scan the folder, read what changed, store it.

Reading and normalizing run in worker processes when many files changed (a cold start):
they are pure and CPU-bound, and the store only ever sees their results in key order, so a
parallel run decides exactly what a serial one would.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from .. import __version__, parallel
from ..config import Config
from ..errors import InputError, WorkerError
from ..models import Item, SeedFile
from ..normalize.similar import Shingling
from ..publish.site import Published
from ..sources.files import read_bytes, scan
from ..store import Changes, Failure, Matched, Store
from .remote import RemoteReport

READ_IN_WORKERS_FROM = 200  # changed files; below this a worker pool costs more than it saves
Progress = Callable[[int, int], None]


@dataclass
class Report:
    """What a run did: the CLI prints it, tests read it."""

    files: int = 0  # files below the seeds folder
    changes: Changes = field(default_factory=Changes)
    errors: list[InputError] = field(default_factory=list)
    repeated: int = 0  # of the errors, those of unchanged files, reported from the store
    warnings: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # to say once: ids changed, ...
    published: Published = field(default_factory=Published)
    matched: Matched | None = None  # what the rules and defined feeds matched (None: nothing)
    websub: object = None  # websub.Counts: what the hubs were told (None: no hub)
    remote: RemoteReport = field(default_factory=RemoteReport)
    entries: int = 0
    blocked: int = 0  # entries stored that the rules keep out
    seconds: float = 0.0


@dataclass(frozen=True)
class Reading:
    """What reading a seed depends on besides its bytes: the config's zone and entry size
    limit, and the run's clock (a date over a year ahead of it is a typo)."""

    zone: str
    now: dt.datetime
    max_bytes: int
    shingling: Shingling | None = None  # stories on: each item's sketch is made as it is read

    @classmethod
    def of(cls, config: Config, now: dt.datetime) -> Reading:
        shingling = Shingling(config.shingle_chars, config.shingle_words)
        return cls(
            config.timezone, now, config.max_entry_bytes, shingling if config.stories else None
        )

    @property
    def reader(self) -> str:
        """What a file's failure to read depends on besides its bytes (not the clock)."""
        return f"{__version__} {self.zone} {self.max_bytes}"


def _read(f: SeedFile, how: Reading) -> Item | InputError:
    from ..normalize.article import normalize  # YAML, Markdown, HTML: only when files changed

    try:
        return normalize(f.key, read_bytes(f), ZoneInfo(how.zone), how.now, how.max_bytes)
    except InputError as e:
        return e
    except Exception as e:  # noqa: BLE001 - one odd file must never stop the run
        return InputError(f.key, f"unexpected error while reading: {type(e).__name__}: {e}")


def _read_many(args: tuple[list[SeedFile], Reading]) -> list[Item | InputError]:
    """Read files, and (stories on) sketch the articles read all at once (see
    normalize.similar.sketches: one call for many texts costs little more than one)."""
    files, how = args
    results = [_read(f, how) for f in files]
    if how.shingling is None:
        return results
    from ..normalize import similar

    items = [(i, r) for i, r in enumerate(results) if isinstance(r, Item) and not r.draft]
    try:
        made = similar.sketches([(r.html.decode(), r.lang_group) for _i, r in items], how.shingling)
    except Exception:  # noqa: BLE001 - the store sketches them one by one instead
        return results
    for (i, r), sketch in zip(items, made, strict=True):
        results[i] = dataclasses.replace(r, sketch=sketch)
    return results


Results = Iterator[tuple[SeedFile, Item | InputError]]
First = tuple[list[SeedFile], list[InputError], Results]  # see ingest_seeds


@contextlib.contextmanager
def reading(
    files: list[SeedFile], how: Reading, progress: Progress | None = None
) -> Iterator[Results]:
    """Read and normalize ``files``; the context gives the results, in the order given.

    Many files are read by one worker process per core, started on entering the context: the
    caller may do other work (set up a new database) before it asks for the first result.
    """
    n = parallel.workers()
    if len(files) >= READ_IN_WORKERS_FROM and n > 1:
        from ..normalize import article, lang  # noqa: F401 - loaded here, inherited by workers

        lang.script_patterns()
        if how.shingling:
            from ..normalize import similar

            similar.preload()
        with parallel.pool(n, "reading seed files") as pool:
            k = _chunk(len(files), n)
            jobs = [(files[i : i + k], how) for i in range(0, len(files), k)]
            results = (r for chunk in pool.map(_read_many, jobs) for r in chunk)
            yield _counted(files, _unless_broken(files, results), progress)
    else:
        yield _counted(files, _read_serially(files, how), progress)


def _read_serially(files: list[SeedFile], how: Reading) -> Iterator[Item | InputError]:
    for i in range(0, len(files), _SKETCH_BATCH):
        yield from _read_many((files[i : i + _SKETCH_BATCH], how))


_SKETCH_BATCH = 64  # files read in one process between two sketching calls


def _unless_broken(files: list[SeedFile], results: Iterator) -> Iterator:
    """The results; should a worker die, the files not read yet are each an error of this
    run (transient: read again next time), and the files already read are kept."""
    done = 0
    try:
        for res in results:
            yield res
            done += 1
    except WorkerError:
        reason = "not read: a worker process died (killed, or out of memory?); read next run"
        for f in files[done:]:
            yield InputError(f.key, reason, transient=True)


def _counted(files: list[SeedFile], results: Iterator, progress: Progress | None) -> Results:
    for i, (f, res) in enumerate(zip(files, results, strict=True), 1):
        if progress:
            progress(i, len(files))
        yield f, res


def read_all(files: list[SeedFile], how: Reading, progress: Progress | None = None) -> Results:
    """Read and normalize ``files``, yielding results in the order given."""
    with reading(files, how, progress) as results:
        yield from results


def _chunk(files: int, workers: int) -> int:
    """Files per task: each task and result has a fixed cost in the coordinating process, so
    large (a cold start's CPU goes to reading, not to bookkeeping), but never so large that
    the results in flight weigh much: at most 256 articles a chunk."""
    return max(16, min(256, files // (workers * 8)))


def ingest_seeds(
    store: Store,
    config: Config,
    now: dt.datetime,
    report: Report,
    progress: Progress | None = None,
    first: First | None = None,
) -> None:
    """Scan the seeds folder and store what changed; fills ``report`` (files, changes,
    errors, warnings). Unchanged files (same size and mtime) are not read.

    A file is taken as deleted only when the folder it was in could be read: a folder that
    cannot be (gone, no permission, an unmounted disk) is an error, and what was published
    from below it stays published until it can be read again.

    ``first``: for a new database, every file of the folder, sorted by key, the folders that
    could not be read, and the files' results already on their way (see ``run_once``).
    """
    known = store.items.file_stats()
    how = Reading.of(config, now)
    failed = store.items.failures(how.reader)
    folders: set[str] = set()
    if first is None:
        unreadable: list[InputError] = []
        files, results = list(scan(config.seeds, unreadable, folders)), None
    else:  # a new database: nothing known, nothing to delete
        files, unreadable, results = first
    report.files = len(files)
    report.errors.extend(unreadable)
    changed = sorted(
        (f for f in files if known.get(f.key) != (f.size, f.mtime_ns)), key=lambda f: f.key
    )
    # A file that failed and has not changed since fails again: said from the store, not
    # read again (100,000 empty files cost a query, not 100,000 reads).
    still = [f for f in changed if f.key in failed and _same(failed[f.key], f)]
    if still:
        report.errors.extend(InputError(f.key, failed[f.key].reason) for f in still)
        report.repeated = len(still)
        skip = {f.key for f in still}
        changed = [f for f in changed if f.key not in skip]
    found = {f.key for f in files}
    root = config.seeds.resolve()
    lost = tuple(_prefix(Path(e.path), root) for e in unreadable)
    # a file whose folder is gone too went with its folder (moved, unmounted): kept, and the
    # folder named; files deleted from a folder that is there are deleted
    deleted: list[str] = []
    vanished: Counter[str] = Counter()
    for key in sorted(k for k in known if k not in found and not (lost and k.startswith(lost))):
        top = _missing_folder(key, folders)
        if top is None:
            deleted.append(key)
        else:
            vanished[top] += 1
    for top, n in sorted(vanished.items()):
        report.errors.append(
            InputError(
                str(config.seeds / top),
                f"folder vanished (moved, unmounted or deleted): its {n} "
                "files stay published until it is back; to remove them, delete its files or "
                "leave the folder empty",
            )
        )
    if results is None or len(changed) != len(files):  # (a new database knows no file)
        results = read_all(changed, how, progress)
    new_failures: list[tuple[str, int, int, str]] = []
    cleared = [k for k in failed if k not in found and not (lost and k.startswith(lost))]

    def good() -> Iterator[tuple[str, int, int, Item]]:
        for f, res in results:
            if isinstance(res, InputError):
                report.errors.append(res)
                if not res.transient:
                    new_failures.append((f.key, f.size, f.mtime_ns, res.reason))
                continue
            if f.key in failed:
                cleared.append(f.key)
            report.warnings.extend(f"{f.key}: {w}" for w in res.warnings)
            yield f.key, f.size, f.mtime_ns, res

    report.changes = store.items.ingest(good(), deleted, now)
    if new_failures or cleared:
        store.items.keep_failures(how.reader, new_failures, cleared)


def first_read(
    config: Config, now: dt.datetime, progress: Progress | None, stack: contextlib.ExitStack
) -> First | None:
    """For a new database, every seed file and its results on their way, for ``ingest_seeds``
    (the workers start on them while the database is set up); None for an existing one."""
    if config.database.exists():
        return None
    unreadable: list[InputError] = []
    files = sorted(scan(config.seeds, unreadable), key=lambda f: f.key)
    return files, unreadable, stack.enter_context(reading(files, Reading.of(config, now), progress))


def check(
    config: Config, progress: Progress | None = None, now: dt.datetime | None = None
) -> tuple[int, list[InputError], list[str]]:
    """Read every seed without writing anything: ``(files, errors, warnings)``."""
    now = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    errors: list[InputError] = []
    files = sorted(scan(config.seeds, errors), key=lambda f: f.key)
    warnings: list[str] = []
    how = dataclasses.replace(Reading.of(config, now), shingling=None)  # nothing is stored
    for f, res in read_all(files, how, progress):
        if isinstance(res, InputError):
            errors.append(res)
        else:
            warnings.extend(f"{f.key}: {w}" for w in res.warnings)
    return len(files), errors, warnings


def _same(failure: Failure, f: SeedFile) -> bool:
    return (failure.size, failure.mtime_ns) == (f.size, f.mtime_ns)


def _prefix(folder: Path, root: Path) -> str:
    """The key prefix of the files below ``folder``: ``"a/b/"``, or ``""`` for the root."""
    rel = folder.relative_to(root).as_posix()
    return "" if rel == "." else rel + "/"


def _missing_folder(key: str, folders: set[str]) -> str | None:
    """The outermost folder of ``key`` that the scan did not find, or None."""
    parts = key.split("/")[:-1]
    for i in range(len(parts)):
        prefix = "/".join(parts[: i + 1]) + "/"
        if prefix not in folders:
            return prefix.rstrip("/")
    return None
