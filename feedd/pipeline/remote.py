"""The remote half of a run: fetch the sources that are due, store what they bring.

Fetching is concurrent (httpx, asyncio) under a global limit and a per-host limit, so one host
with many feeds is never hammered. Each source's outcome is applied on its own: one failing
source is reported and backs off; it never stops the others.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .. import parallel
from ..config import MAX_ENTRY_BYTES, Config, SourceConfig
from ..errors import FeeddError, FeedParseError, SourceError
from ..models import Item, RawFeed
from ..sources.schedule import next_check
from ..store import Changes, Source, Store, is_due, moved, when

if TYPE_CHECKING:  # httpx and asyncio load only when a source is fetched
    import httpx

    from ..sources import http

MAX_STORED_ERROR = 500
FETCH_IN_WORKERS_FROM = 200  # due sources; fewer are fetched by this process alone
POOL_SIZE = 4  # connections per HTTP client; a host allowed more gets several clients


@dataclass
class Outcome:
    """One source's fetch, for the run summary and metrics."""

    url: str
    label: str
    outcome: str  # 200, 304, 4xx, 5xx, timeout, too_large, error, parse_error, gone
    error: SourceError | None = None
    warnings: list[str] = field(default_factory=list)
    new: int = 0
    updated: int = 0
    bytes: int = 0
    saved: int = 0  # body bytes a 304 spared: the size of the last full response
    seconds: float = 0.0


@dataclass
class RemoteReport:
    outcomes: list[Outcome] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.error]


def settings_for(config: Config) -> dict[str, SourceConfig]:
    return {s.url: s for s in config.sources}


def settings_of(src: Source, configured: dict[str, SourceConfig], config: Config) -> SourceConfig:
    return configured.get(src.config_url) or SourceConfig(
        url=src.config_url,
        interval=config.interval,
        keep_entries=config.keep_entries,
        keep_days=config.keep_days,
    )


def limits_for(config: Config) -> http.Limits:
    from ..sources import http

    return http.Limits(
        connect_timeout=min(10.0, config.fetch_timeout),
        read_timeout=min(20.0, config.fetch_timeout),
        total_timeout=float(config.fetch_timeout),
        max_bytes=config.max_feed_bytes,
    )


Handle = Callable[[Source, "http.Fetched"], None]


async def fetch_many(
    due: list[Source],
    config: Config,
    now: dt.datetime,
    concurrency: int | None = None,
    per_host: int | None = None,
    handle: Handle | None = None,
) -> list[tuple[Source, http.Fetched]]:
    """Fetch ``due`` concurrently: at most ``concurrency`` in all and ``per_host`` to any one
    host (by default the config's ``fetch_concurrency`` and ``fetch_per_host``); a slow server
    holds one slot for at most ``fetch_timeout``.

    With ``handle``, each result is handed to it in ``due``'s order as soon as it and those
    before it are in, and not returned: a body then waits only for the sources before it,
    instead of every body of the round being held until the last one comes."""
    import asyncio
    import concurrent.futures

    from ..sources import http

    limits = limits_for(config)
    concurrency = concurrency or config.fetch_concurrency
    per_host = per_host or config.fetch_per_host
    overall = asyncio.Semaphore(concurrency)
    hosts: defaultdict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(per_host))
    # Small connection pools: httpx's pool costs CPU per request in proportion to its size.
    pool_size = min(POOL_SIZE, per_host, concurrency)
    per_host_clients = -(-min(per_host, concurrency) // pool_size)  # ceiling division
    async with contextlib.AsyncExitStack() as stack:
        clients: dict[tuple[str, int], httpx.AsyncClient] = {}
        counts: defaultdict[str, int] = defaultdict(int)

        def client_for(host: str) -> httpx.AsyncClient:
            slot = counts[host] % per_host_clients
            counts[host] += 1
            if (host, slot) not in clients:
                clients[host, slot] = http.client(limits, max_connections=pool_size)
                stack.push_async_callback(clients[host, slot].aclose)
            return clients[host, slot]

        async def one(src: Source) -> tuple[Source, http.Fetched]:
            host = host_of(src.url)
            async with hosts[host], overall:  # the host's turn first: no global slot held
                # http.fetch returns whatever happens: the fetch stage's own boundary
                return src, await http.fetch(
                    client_for(host), src.url, src.etag, src.last_modified, limits, now
                )

        if handle is None:
            return list(await asyncio.gather(*(one(s) for s in due)))
        tasks = [asyncio.ensure_future(one(s)) for s in due]
        loop = asyncio.get_running_loop()
        # handled in a thread of its own, one at a time: parsing a big feed must not stall
        # the downloads still running (their time limits keep counting)
        with concurrent.futures.ThreadPoolExecutor(1, "handle") as one_at_a_time:
            try:
                for task in tasks:
                    await loop.run_in_executor(one_at_a_time, handle, *await task)
            finally:
                for task in tasks:
                    task.cancel()
        return []


class HostSlots:
    """Fetches at once, in all and to each host, for fetches that run in threads of their
    own (the daemon's jobs): the same limits ``fetch_many`` keeps within one round."""

    def __init__(self, config: Config) -> None:
        import threading

        self._new = functools.partial(threading.BoundedSemaphore, config.fetch_per_host)
        self._overall = threading.BoundedSemaphore(config.fetch_concurrency)
        self._hosts: dict[str, threading.BoundedSemaphore] = {}
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def hold(self, url: str) -> Iterator[None]:
        with self._lock:
            host = self._hosts.setdefault(host_of(url), self._new())
        with host, self._overall:  # the host's turn first: no global slot held meanwhile
            yield


def fetch_one(src: Source, config: Config, now: dt.datetime) -> http.Fetched:
    """Fetch one source now, whatever happens (``http.fetch`` is the fetch stage's own
    boundary); the caller keeps the limits (``HostSlots``)."""
    import asyncio

    from ..sources import http

    limits = limits_for(config)

    async def one() -> http.Fetched:
        client = http.client(limits, max_connections=1)
        async with client:
            return await http.fetch(client, src.url, src.etag, src.last_modified, limits, now)

    return asyncio.run(one())


def sync(store: Store, config: Config, changes: Changes | None = None) -> list[Source]:
    """Make the sources match the config (a removed one goes, with its entries: counted in
    ``changes``); every source there is now, configured or imported."""
    _, removed = store.sources.sync([(s.url, s.name) for s in config.sources])
    for sid in removed:
        ch = store.items.forget_source(sid)
        if changes is not None:
            changes.add(ch)
        store.sources.delete(sid)
    return store.sources.all()


def refresh(
    store: Store, config: Config, now: dt.datetime, fetch_all: bool = False
) -> RemoteReport:
    """Bring the sources in line with the config, fetch those due, and store the results."""
    report = RemoteReport()
    configured = settings_for(config)
    due: list[Source] = []
    settings: dict[int, SourceConfig] = {}
    for src in sync(store, config, report.changes):
        s = settings_of(src, configured, config)
        if s.enabled and (fetch_all or is_due(src, now)):  # --fetch-all retries disabled ones
            due.append(src)
            settings[src.id] = s
    if not due:
        return report

    def handle(src: Source, res: http.Fetched) -> None:
        out = apply(store, src, res, settings[src.id], now, report.changes, config.max_entry_bytes)
        report.outcomes.append(out)

    fetch_due(due, config, now, handle)
    return report


def fetch_due(due: list[Source], config: Config, now: dt.datetime, handle: Handle) -> None:
    """Fetch ``due`` and hand each result to ``handle``, in ``due``'s order. Many sources
    are split over one process per core: every request costs the HTTP client CPU, so a large
    round is CPU-bound in one process, even when every answer is a 304. The limits hold
    across processes (see ``shards``)."""
    import asyncio

    workers = parallel.workers()
    if len(due) < FETCH_IN_WORKERS_FROM or workers < 2 or config.fetch_concurrency < 2:
        asyncio.run(fetch_many(due, config, now, handle=handle))
        return
    jobs = [
        (part, concurrency, per_host, config, now)
        for part, concurrency, per_host in shards(
            due, workers, config.fetch_concurrency, config.fetch_per_host
        )
    ]
    with parallel.pool(len(jobs), "fetching sources") as pool:
        done = {src.id: (src, res) for part in pool.map(_fetch_shard, jobs) for src, res in part}
    for src in due:
        handle(*done.pop(src.id))  # each body let go once handled


def _fetch_shard(
    args: tuple[list[Source], int, int, Config, dt.datetime],
) -> list[tuple[Source, http.Fetched]]:
    import asyncio

    due, concurrency, per_host, config, now = args
    return asyncio.run(fetch_many(due, config, now, concurrency, per_host))


def shards(
    due: list[Source], n: int, concurrency: int, per_host: int
) -> list[tuple[list[Source], int, int]]:
    """Split ``due`` into at most ``n`` parts, each with its own fetch limits, such that the
    parts together never exceed ``concurrency`` fetches at once, nor ``per_host`` to a host.

    Each part gets ``concurrency // n`` slots. With ``per_host >= n`` a host's sources are
    dealt over the parts, each allowed ``per_host // n`` at once to it; with fewer, each
    host's sources stay in one part (the emptiest), allowed ``per_host``.
    """
    n = max(1, min(n, concurrency))
    parts: list[list[Source]] = [[] for _ in range(n)]
    if per_host >= n:
        by_host: defaultdict[str, int] = defaultdict(int)
        for src in due:
            host = host_of(src.url)
            parts[by_host[host] % n].append(src)
            by_host[host] += 1
        limit = per_host // n
    else:
        home: dict[str, list[Source]] = {}
        for src in due:
            host = host_of(src.url)
            if host not in home:
                home[host] = min(parts, key=len)
            home[host].append(src)
        limit = per_host
    return [(part, concurrency // n, limit) for part in parts if part]


def host_of(url: str) -> str:
    """The host a per-host fetch limit counts against."""
    return (urlsplit(url).hostname or "").lower()


def apply(
    store: Store,
    src: Source,
    res: http.Fetched,
    settings: SourceConfig,
    now: dt.datetime,
    changes: Changes,
    max_entry_bytes: int = MAX_ENTRY_BYTES,
) -> Outcome:
    """Store one fetch's result: entries, validators, schedule, and the source's state.

    This is the source's boundary: whatever goes wrong parsing, normalizing or storing its
    feed becomes its error (the store's transaction rolled back), never the run's.
    """
    interval = dt.timedelta(seconds=settings.interval)
    out = Outcome(src.url, src.label, res.outcome, bytes=res.size, seconds=res.seconds)
    if res.kind == "not_modified":
        out.saved = src.last_size or 0
    state: dict[str, object] = {"last_fetch": when(now)}
    if res.kind in ("body", "not_modified"):
        state.update(_moved(src, res))
    if res.kind == "body":
        try:
            feed = _stage("parse", src, _parse, res, src)
            items = _stage("normalize", src, _normalize, feed, settings, now, max_entry_bytes, out)
            ch = _stage("store", src, _store, store, src.id, items, settings, now)
        except SourceError as e:
            # kept as a value: without its traceback and context, whose frames hold the body
            e.__context__ = None
            res.kind, res.reason, out.outcome = "failed", e.reason, e.outcome
            out.error = e.with_traceback(None)
        else:
            out.new, out.updated = ch.new, ch.updated
            changes.add(ch)
            from ..normalize.remote import feed_about

            title, guid, home = feed_about(feed)
            state.update(etag=res.etag, last_modified=res.last_modified, last_size=res.size,
                         title=title, guid=guid, home=home)  # fmt: skip
        res.body = b""  # the next source's body may take its place in memory
    errors = 0 if res.kind in ("body", "not_modified") else src.errors + 1
    state.update(last_status=str(res.status or res.outcome), errors=errors)
    if res.kind == "gone":
        state.update(disabled=f"{res.reason} ({when(now)})", last_error=res.reason)
        out.outcome = "gone"
        out.error = SourceError(src.url, "fetch", f"{res.reason}; source disabled", "gone")
    elif res.kind in ("failed", "retry"):
        state["last_error"] = res.reason[:MAX_STORED_ERROR]
        out.error = out.error or SourceError(src.url, "fetch", res.reason, res.outcome)
    elif out.error:  # some entries could not be read; the others are stored
        state.update(last_error=out.error.reason[:MAX_STORED_ERROR], disabled=None)
    else:
        state.update(last_error=None, disabled=None)
    state["next_check"] = when(next_check(now, interval, errors, res.retry_after, res.max_age))
    store.sources.record(src.id, **state)
    return out


_STAGES = {
    "parse": ("cannot parse the feed", "parse_error"),
    "normalize": ("cannot read the feed's entries", "parse_error"),
    "store": ("cannot store the feed's entries", "error"),
}


def _stage(name: str, src: Source, fn, *args):  # noqa: ANN001, ANN202 - a thin wrapper
    """Run one stage of a source's ingest; any exception becomes the source's SourceError."""
    what, outcome = _STAGES[name]
    try:
        return fn(*args)
    except FeeddError as e:
        raise SourceError(src.url, name, f"{what}: {e}", outcome) from None
    except Exception as e:  # noqa: BLE001 - the source's boundary: see apply
        reason = f"{what}: unexpected {type(e).__name__}: {e}"
        raise SourceError(src.url, name, reason[:MAX_STORED_ERROR], outcome) from None


def _parse(res: http.Fetched, src: Source) -> RawFeed:
    from ..sources.feeds import parse_feed  # only with a body to read

    return parse_feed(res.body, res.headers, res.final_url or src.url)


def _normalize(
    feed: RawFeed, settings: SourceConfig, now: dt.datetime, max_bytes: int, out: Outcome
) -> dict[str, Item]:
    """The feed's entries as items by key. An entry that cannot be read is left out and
    counted in the source's error; the others go on."""
    from ..normalize.remote import SourceSettings, normalize_entry  # HTML tools: loaded late

    extra = SourceSettings(tags=settings.tags, lang=settings.lang or None)
    items: dict[str, Item] = {}
    failed: list[str] = []
    for raw in feed.entries:
        try:
            item = normalize_entry(raw, feed, extra, now, max_bytes)
        except Exception as e:  # noqa: BLE001 - one entry's boundary
            failed.append(f"{type(e).__name__}: {e}")
            continue
        out.warnings.extend(item.warnings)
        key = item.source_key.removeprefix("remote:")
        items.setdefault(key, item)  # a feed listing one guid twice: the first (newest) wins
    if failed and not items and feed.entries:
        raise FeedParseError(f"no entry could be read ({failed[0]})")
    if failed:
        reason = f"{len(failed)} of {len(feed.entries)} entries could not be read: {failed[0]}"
        out.error = SourceError(out.url, "normalize", reason, out.outcome, partial=True)
    return items


def _store(
    store: Store,
    source_id: int,
    items: dict[str, Item],
    settings: SourceConfig,
    now: dt.datetime,
) -> Changes:
    stamp = int(now.timestamp() * 1e9)
    rows = [(k, 0, stamp, items[k]) for k in sorted(items)]
    ch = store.items.ingest(rows, [], now, source_id=source_id)
    ch.add(store.items.retire(source_id, settings.keep_entries, settings.keep_days, now))
    return ch


def _moved(src: Source, res: http.Fetched) -> dict[str, object]:
    if not res.moved_to or res.moved_to == src.url:
        return {"moved_to": None, "moved_seen": 0}
    moved_to, seen, move_now = moved(src, res.moved_to)
    if move_now:
        return {"url": res.moved_to, "moved_to": None, "moved_seen": 0}
    return {"moved_to": moved_to, "moved_seen": seen}
