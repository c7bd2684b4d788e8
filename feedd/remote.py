"""The remote half of a run: fetch the sources that are due, store what they bring.

Fetching is concurrent (httpx, asyncio) under a global limit and a per-host limit, so one host
with many feeds is never hammered. Each source's outcome is applied on its own: one failing
source is reported and backs off; it never stops the others.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .config import Config, SourceConfig
from .normalize.remote import SourceSettings, normalize_entry
from .sources.feeds import FeedParseError, parse_feed
from .sources.schedule import next_check
from .store import sources as srcstore
from .store.items import Changes, Store
from .store.sources import Source

if TYPE_CHECKING:  # httpx and asyncio load only when a source is fetched
    from .sources import http

MAX_STORED_ERROR = 500


@dataclass
class Outcome:
    """One source's fetch, for the run summary and metrics."""

    url: str
    label: str
    outcome: str  # 200, 304, 4xx, 5xx, timeout, too_large, error, parse_error, gone
    error: str | None = None
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
        url=src.config_url, interval=config.interval, keep_entries=config.keep_entries,
        keep_days=config.keep_days,
    )  # fmt: skip


def limits_for(config: Config) -> http.Limits:
    from .sources import http

    return http.Limits(
        connect_timeout=min(10.0, config.fetch_timeout),
        read_timeout=min(20.0, config.fetch_timeout),
        total_timeout=float(config.fetch_timeout),
        max_bytes=config.max_feed_bytes,
    )


async def fetch_many(
    due: list[Source], config: Config, now: dt.datetime
) -> list[tuple[Source, http.Fetched]]:
    """Fetch ``due`` concurrently: at most ``fetch_concurrency`` in all and ``fetch_per_host``
    to any one host; a slow server holds one slot for at most ``fetch_timeout``."""
    import asyncio

    from .sources import http

    limits = limits_for(config)
    overall = asyncio.Semaphore(config.fetch_concurrency)
    per_host: defaultdict[str, asyncio.Semaphore] = defaultdict(
        lambda: asyncio.Semaphore(config.fetch_per_host)
    )

    async def one(client, src: Source) -> tuple[Source, http.Fetched]:
        host = (urlsplit(src.url).hostname or "").lower()
        async with per_host[host], overall:  # the host's turn first: it holds no global slot
            return src, await http.fetch(client, src.url, src.etag, src.last_modified, limits, now)

    async with http.client(limits, max_connections=config.fetch_concurrency) as client:
        return list(await asyncio.gather(*(one(client, s) for s in due)))


def refresh(
    store: Store, config: Config, now: dt.datetime, fetch_all: bool = False
) -> RemoteReport:
    """Bring the sources in line with the config, fetch those due, and store the results."""
    report = RemoteReport()
    configured = settings_for(config)
    _, removed = srcstore.sync(store, list(configured))
    for sid in removed:
        report.changes.add(store.forget_source(sid))
        srcstore.delete(store, sid)
    due = []
    for src in srcstore.all_sources(store):
        s = settings_of(src, configured, config)
        if not s.enabled:
            continue
        if fetch_all or srcstore.is_due(src, now):  # --fetch-all retries disabled ones too
            due.append(src)
    if not due:
        return report
    import asyncio

    for src, res in asyncio.run(fetch_many(due, config, now)):
        outcome = apply(store, src, res, settings_of(src, configured, config), now, report.changes)
        report.outcomes.append(outcome)
    return report


def apply(
    store: Store,
    src: Source,
    res: http.Fetched,
    settings: SourceConfig,
    now: dt.datetime,
    changes: Changes,
) -> Outcome:
    """Store one fetch's result: entries, validators, schedule, and the source's state."""
    interval = dt.timedelta(seconds=settings.interval)
    out = Outcome(src.url, src.label, res.outcome, bytes=res.size, seconds=res.seconds)
    if res.kind == "not_modified":
        out.saved = src.last_size or 0
    state: dict[str, object] = {"last_fetch": srcstore.when(now)}
    if res.kind in ("body", "not_modified"):
        state.update(_moved(src, res))
    if res.kind == "body":
        try:
            feed = parse_feed(res.body, res.headers, res.final_url or src.url)
        except FeedParseError as e:
            res.kind, res.reason, out.outcome = (
                "failed",
                f"cannot parse the feed: {e}",
                "parse_error",
            )
        else:
            ch = _store_entries(store, src.id, feed, settings, now)
            out.new, out.updated = ch.new, ch.updated
            changes.add(ch)
            changes.add(store.retire(src.id, settings.keep_entries, settings.keep_days, now))
            state.update(etag=res.etag, last_modified=res.last_modified, title=feed.title,
                         last_size=res.size)  # fmt: skip
    errors = 0 if res.kind in ("body", "not_modified") else src.errors + 1
    state.update(last_status=str(res.status or res.outcome), errors=errors)
    if res.kind == "gone":
        state.update(disabled=f"{res.reason} ({srcstore.when(now)})", last_error=res.reason)
        out.outcome = "gone"
        out.error = f"{res.reason}; source disabled"
    elif res.kind in ("failed", "retry"):
        state["last_error"] = res.reason[:MAX_STORED_ERROR]
        out.error = res.reason
    else:
        state.update(last_error=None, disabled=None)
    state["next_check"] = srcstore.when(
        next_check(now, interval, errors, res.retry_after, res.max_age)
    )
    srcstore.record(store, src.id, **state)
    return out


def _moved(src: Source, res: http.Fetched) -> dict[str, object]:
    if not res.moved_to or res.moved_to == src.url:
        return {"moved_to": None, "moved_seen": 0}
    moved_to, seen, move_now = srcstore.moved(src, res.moved_to)
    if move_now:
        return {"url": res.moved_to, "moved_to": None, "moved_seen": 0}
    return {"moved_to": moved_to, "moved_seen": seen}


def _store_entries(
    store: Store, source_id: int, feed, settings: SourceConfig, now: dt.datetime
) -> Changes:
    extra = SourceSettings(tags=settings.tags, lang=settings.lang or None)
    items = {}
    for raw in feed.entries:
        item = normalize_entry(raw, feed, extra, now)
        key = item.source_key.removeprefix("remote:")
        items.setdefault(key, item)  # a feed listing one guid twice: the first (newest) wins
    stamp = int(now.timestamp() * 1e9)
    rows = [(k, 0, stamp, items[k]) for k in sorted(items)]
    return store.ingest(rows, [], now, source_id=source_id)
