"""The operations a run is made of: the one door the CLI and the daemon go through.

Each operation opens the store, takes the run lock when it writes, and returns what it did as
plain values: the drivers print them (``feedd``) or log and schedule them (``feedd run``) and
touch nothing below this package.

    run_once        scan, fetch what is due, publish: ``feedd once``
    scan            the seeds folder into the store
    sync_sources    the sources in line with the config; what to fetch, and how often
    fetch_source    one source fetched and stored (the daemon's fetch jobs)
    publish         the feeds whose entries changed
    check           every seed read, nothing written
    stats, list_sources, import_opml, export_opml, remove_source, source_states,
    failing_sources, ensure_database: the rest of the commands and the daemon's health
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

from ..config import Config
from ..errors import NotFoundError
from ..normalize.dates import iso
from ..publish.info import url
from ..publish.site import Published, plan
from ..publish.site import publish as publish_site
from ..store import (
    Breakdown,
    Changes,
    Copy,
    Matched,
    Preview,
    Rules,
    Source,
    Store,
    describe,
)  # fmt: skip
from . import remote
from .lock import run_lock
from .remote import HostSlots, Outcome, RemoteReport
from .seeds import Progress, Report, check, first_read, ingest_seeds
from .websub import ONCE_WAIT, Notifier

__all__ = [
    "Changes",
    "HostSlots",
    "Notifier",
    "Outcome",
    "Published",
    "RemoteReport",
    "Report",
    "check",
    "describe",
    "ensure_database",
    "export_opml",
    "feed_urls",
    "failing_sources",
    "fetch_source",
    "import_opml",
    "list_sources",
    "preview",
    "publish",
    "remove_source",
    "run_lock",
    "run_once",
    "scan",
    "source_states",
    "stats",
    "sync_sources",
]


def rules(config: Config) -> Rules:
    """The stories' rules of a config (its ``[stories]`` table)."""
    from ..normalize.similar import Shingling

    shingling = Shingling(config.shingle_chars, config.shingle_words)
    return Rules(config.stories, config.threshold, shingling)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


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
    now = (now or _now()).replace(microsecond=0)
    report = Report()
    with run_lock(config.database, wait), contextlib.ExitStack() as first_reads:
        first = first_read(config, now, progress, first_reads)
        with Store(config.database, rules=rules(config)) as store:
            ingest_seeds(store, config, now, report, progress, first)
            first_reads.close()
            report.remote = remote.refresh(store, config, now, fetch_all=fetch_all)
            report.notices = store.items.notices(config.site_id)
            report.matched, report.published = _publish(store, config, now)
            totals = store.feeds.totals()
            report.entries, report.blocked = totals.entries, totals.blocked
    if config.websub_hubs:  # told after the lock is let go: a slow hub holds up no other run
        notifier = Notifier(config.websub_hubs)
        notifier.notify(feed_urls(config, report.published))
        notifier.close(ONCE_WAIT)
        report.websub = notifier.counts
    report.seconds = time.perf_counter() - started
    return report


def feed_urls(config: Config, published: Published) -> list[str]:
    """The URLs of the feeds a publish changed (those it deleted left out): what WebSub
    hubs are told of."""
    return [
        url(config.base_url, p)
        for p in published.written
        if p.endswith((".atom", ".json")) and (config.output / p).exists()
    ]


def scan(config: Config, wait: float) -> Report:
    """Store what changed in the seeds folder (``report.notices``: what to say once)."""
    report = Report()
    with run_lock(config.database, wait), Store(config.database, rules=rules(config)) as store:
        ingest_seeds(store, config, _now(), report)
        report.notices = store.items.notices(config.site_id)
    return report


class PublishResult(NamedTuple):
    published: Published
    entries: int  # published by now
    matched: Matched | None = None


def publish(config: Config, wait: float) -> PublishResult:
    """Publish the feeds whose entries changed since the last publish."""
    with run_lock(config.database, wait), Store(config.database, rules=rules(config)) as store:
        now = _now()
        matched, result = _publish(store, config, now)
        return PublishResult(result, store.feeds.count_published(iso(now)), matched)


def _publish(store: Store, config: Config, now: dt.datetime) -> tuple[Matched | None, Published]:
    """Match what changed against the rules and the defined feeds, then publish."""
    matched = store.matching.apply(config.rules, config.feeds, iso(now))
    return matched, publish_site(store, config, now)


def preview(config: Config) -> Preview:
    """What the config's rules block and its defined feeds hold, over the entries stored
    (read-only): ``feedd check``."""
    with Store(config.database, readonly=True) as store:
        return store.matching.preview(config.rules, config.feeds, iso(_now()))


class Scheduled(NamedTuple):
    """A source to fetch: how often, and when next (None: now)."""

    id: int
    interval: int
    next_check: dt.datetime | None


def _active(config: Config, sources: list[Source]) -> list[Scheduled]:
    configured = remote.settings_for(config)
    out = []
    for src in sources:
        s = remote.settings_of(src, configured, config)
        if s.enabled and not src.disabled:
            out.append(Scheduled(src.id, s.interval, src.due_at))
    return out


def sync_sources(config: Config, wait: float) -> list[Scheduled]:
    """Bring the sources in line with the config; the ones to fetch, on their intervals."""
    with run_lock(config.database, wait), Store(config.database, rules=rules(config)) as store:
        return _active(config, remote.sync(store, config))


class Fetch(NamedTuple):
    outcome: Outcome | None  # None: not fetched (not due yet)
    changed: bool  # entries changed: publish
    next_check: dt.datetime | None  # when the source is due next, by its stored schedule


def fetch_source(config: Config, source_id: int, slots: HostSlots, wait: float) -> Fetch | None:
    """Fetch one source if it is due, outside the run lock, and store what it brought
    under it. None: the source is gone or disabled."""
    with Store(config.database, rules=rules(config)) as store:
        src = store.sources.get(source_id)
    if src is None:
        return None
    settings = remote.settings_of(src, remote.settings_for(config), config)
    if src.disabled or not settings.enabled:
        return None
    if not remote.is_due(src, _now()):
        return Fetch(None, False, src.due_at)
    with slots.hold(src.url):
        res = remote.fetch_one(src, config, _now())
    changes = Changes()
    with run_lock(config.database, wait), Store(config.database, rules=rules(config)) as store:
        if store.sources.get(source_id) is None:
            return None  # removed from the config (SIGHUP) while it was being fetched
        out = remote.apply(store, src, res, settings, _now(), changes, config.max_entry_bytes)
        after = store.sources.get(source_id)
    return Fetch(out, changes.any, after.due_at if after else None)


class FeedCount(NamedTuple):
    path: str
    entries: int  # published by now
    shown: int  # in the feed (its newest max_entries)


class Stats(NamedTuple):
    breakdown: Breakdown
    feeds: list[FeedCount]
    blocked: list[tuple[str, int]]  # (rule, entries it blocks), as of the last run


def stats(config: Config) -> Stats:
    """Entries per origin and per feed, from the database (read-only)."""
    with Store(config.database, readonly=True) as store:
        counts = store.feeds.counts(iso(_now()))
        feeds = []
        for info, _ in plan(store, config.title):
            total = counts.get(info.scope, 0)
            feeds.append(FeedCount(info.path, total, min(total, config.max_entries)))
        return Stats(store.feeds.breakdown(), feeds, store.matching.blocked())


def _open(config: Config) -> Store:
    """The store, its sources in line with the config."""
    store = Store(config.database, rules=rules(config))
    try:
        store.sources.sync([(s.url, s.name) for s in config.sources])
    except BaseException:
        store.close()
        raise
    return store


class Listed(NamedTuple):
    source: Source
    entries: int
    enabled: bool  # by the config (an imported source always is)


def list_sources(config: Config) -> list[Listed]:
    enabled = {s.url: s.enabled for s in config.sources}
    with _open(config) as store:
        counts = store.sources.entry_counts()
        return [
            Listed(s, counts.get(s.id, 0), enabled.get(s.config_url, True))
            for s in store.sources.all()
        ]


def import_opml(config: Config, data: bytes) -> tuple[int, int]:
    """Add every feed of an OPML document as a source: ``(feeds in it, added)``. Raises
    OpmlError for a document that is no OPML."""
    from ..sources import opml

    subs = opml.read(data)
    with _open(config) as store:
        added = sum(store.sources.add_imported(s.url, s.title) for s in subs)
    return len(subs), added


def export_opml(config: Config) -> str:
    """Every source, configured or imported, as OPML 2.0."""
    from ..sources import opml

    with _open(config) as store:
        subs = [opml.Subscription(s.url, s.name or s.title) for s in store.sources.all()]
    return opml.write(f"{config.title} sources", subs)


class Removed(NamedTuple):
    url: str
    changes: Changes


def remove_source(config: Config, ident: str, wait: float = 60.0) -> Removed:
    """Remove an imported source (by id or URL) with its entries, and publish without them.
    NotFoundError says why nothing was removed (unknown, or a source of the config)."""
    with run_lock(config.database, wait), Store(config.database, rules=rules(config)) as store:
        src = store.sources.find(ident)
        if src is None:
            raise NotFoundError(ident, f"no source {ident!r}: 'feedd sources list' shows them")
        if src.origin == "config" and src.config_url in {s.url for s in config.sources}:
            raise NotFoundError(
                ident, f"{src.url} is a [[sources]] table of {config.source}: delete it there"
            )
        changes = store.items.forget_source(src.id)
        store.sources.delete(src.id)
        publish_site(store, config, _now())
    return Removed(src.url, changes)


class SourceStates(NamedTuple):
    entries: int
    states: dict[str, int]  # active, failing, disabled
    failing: list[tuple[str, int, str]]  # (url, consecutive errors, last error)


def source_states(config: Config) -> SourceStates:
    """The sources' states for /metrics (read-only)."""
    with Store(config.database, readonly=True) as store:
        states = {"active": 0, "failing": 0, "disabled": 0}
        failing = []
        for src in store.sources.all():
            key = "disabled" if src.disabled else "failing" if src.errors else "active"
            states[key] += 1
            if src.last_error:
                failing.append((src.url, src.errors, src.last_error))
        return SourceStates(store.feeds.totals().entries, states, failing)


def failing_sources(config: Config) -> int:
    """How many sources failed their last fetch (read-only)."""
    with Store(config.database, readonly=True) as store:
        return store.sources.failing()


def ensure_database(database: Path) -> None:
    """Open (and migrate) the database once: raises DatabaseError for a file feedd cannot
    use, so a daemon can refuse to start rather than fail every job after."""
    Store(database).close()


class Explained(NamedTuple):
    a: str
    b: str
    similarity: float
    tokens: tuple[int, int]
    same: bool
    reason: str
    stored: bool  # both were stored entries (else read from the files given)
    folded: bool | None  # stored: whether they are in one story now


def stories(config: Config, threshold: float | None = None) -> list[Copy]:
    """Every copy of every story with more than one. With ``threshold``, as they would be
    under it: grouped again on a copy of the database, the database itself untouched."""
    if not config.database.exists():
        return []
    if threshold is None or (threshold == config.threshold and config.stories):
        with Store(config.database, readonly=True) as store:
            return store.stories()
    import tempfile

    with tempfile.TemporaryDirectory(prefix="feedd-check-") as tmp:
        copy = Path(tmp) / "feedd.db"
        with Store(config.database, readonly=True) as store:
            store.backup(copy)
        changed = Rules(True, threshold, rules(config).shingling)
        with Store(copy, rules=changed) as trial:
            trial.items.restory()
            return trial.stories()


def explain(config: Config, a: str, b: str) -> Explained:
    """Why two inputs are or are not one story: each a file (a path, or a seed's key), or a
    stored entry (its id, a remote item's key or link). Files are read and compared as they
    are now; for inputs the database holds, it also says whether they are folded there."""
    from ..normalize import similar
    from ..normalize.article import normalize

    paths = [_input_path(config, x) for x in (a, b)]
    stored = None
    if config.database.exists():
        with Store(config.database, readonly=True, rules=rules(config)) as store:
            refs = [_seed_key(config, p) if p else x for p, x in zip(paths, (a, b), strict=True)]
            ids = [store.find(r) for r in refs]
            if all(ids):
                stored = store.story_of(ids[0]) == store.story_of(ids[1])  # type: ignore[arg-type]
                if not all(paths):
                    c, v = store.explain(*ids)  # type: ignore[arg-type]
                    return Explained(a, b, c.similarity, c.tokens, v.same, v.reason, True, stored)
    if not all(paths):
        ref = a if not paths[0] else b
        raise NotFoundError(ref, f"{ref}: no such file, entry id, item key or link")
    texts = []
    zone = ZoneInfo(config.timezone)
    for p in paths:
        item = normalize(str(p), p.read_bytes(), zone)  # type: ignore[union-attr]
        texts.append(similar.comparable(item.html.decode(), item.lang_group))
    c = similar.compare(texts[0], texts[1], rules(config).shingling)
    v = similar.judge(c, config.threshold)
    return Explained(a, b, c.similarity, c.tokens, v.same, v.reason, stored is not None, stored)


def _seed_key(config: Config, path: Path) -> str:
    """A file's key below the seeds folder (its path, if it is not there)."""
    try:
        return path.resolve().relative_to(config.seeds.resolve()).as_posix()
    except ValueError:
        return str(path)


def _input_path(config: Config, ref: str) -> Path | None:
    for p in (Path(ref), config.seeds / ref):
        if p.is_file():
            return p
    return None
