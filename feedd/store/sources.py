"""Remote sources in the store: which exist, their HTTP state, and what each fetch changed.

A source row is found by the URL it was configured or imported with (``config_url``), so a
permanent redirect can move its fetch ``url`` without losing its entries or its identity.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..normalize.dates import from_iso, iso
from .items import Store

# A permanent redirect to another host moves the subscription only once seen this many times
# in a row: a misconfigured (or hijacked) server cannot steal it with one response.
MOVE_AFTER = 3


@dataclass(frozen=True)
class Source:
    id: int
    config_url: str
    origin: str
    url: str
    name: str | None
    title: str | None
    etag: str | None
    last_modified: str | None
    last_fetch: str | None
    last_status: str | None
    last_error: str | None
    errors: int
    next_check: str | None
    disabled: str | None
    moved_to: str | None
    moved_seen: int
    last_size: int | None

    @property
    def label(self) -> str:
        return self.name or self.title or self.url


_COLS = ("id, config_url, origin, url, name, title, etag, last_modified, last_fetch, "
         "last_status, last_error, errors, next_check, disabled, moved_to, moved_seen, "
         "last_size")  # fmt: skip


def all_sources(store: Store) -> list[Source]:
    return [Source(*r) for r in store.conn.execute(f"SELECT {_COLS} FROM sources ORDER BY id")]


def get(store: Store, source_id: int) -> Source | None:
    r = store.conn.execute(f"SELECT {_COLS} FROM sources WHERE id = ?", (source_id,)).fetchone()
    return Source(*r) if r else None


def entry_counts(store: Store) -> dict[int, int]:
    rows = store.conn.execute(
        "SELECT source_id, count(*) FROM items WHERE entry_id IS NOT NULL AND source_id > 0 "
        "GROUP BY source_id"
    )
    return dict(rows)


def sync(store: Store, configured: list[tuple[str, str]]) -> tuple[dict[str, int], list[int]]:
    """Make the rows match the config's ``(url, name)`` pairs: ``({config_url: id}, ids of
    sources removed)``.

    A source removed from the config is removed with its items (its entries leave the feeds
    unless another source or a seed publishes them too); imported (OPML) ones stay. A name
    in the config is the source's name in listings.
    """
    c = store.conn
    with c:
        for url, name in configured:
            c.execute(
                "INSERT INTO sources (config_url, origin, url, name) VALUES (?, 'config', ?, ?) "
                "ON CONFLICT (config_url) DO UPDATE SET name = excluded.name "
                "WHERE origin = 'config' AND name IS NOT excluded.name",
                (url, url, name or None),
            )
        rows = c.execute("SELECT id, config_url, origin FROM sources").fetchall()
    wanted = {url for url, _ in configured}
    removed = [i for i, url, origin in rows if origin == "config" and url not in wanted]
    return {url: i for i, url, origin in rows if url in wanted or origin != "config"}, removed


def add_imported(store: Store, url: str, name: str | None) -> bool:
    """A subscription from an OPML file; False when the URL is already a source."""
    with store.conn:
        cur = store.conn.execute(
            "INSERT OR IGNORE INTO sources (config_url, origin, url, name) "
            "VALUES (?, 'opml', ?, ?)",
            (url, url, name),
        )
    return cur.rowcount == 1


def find(store: Store, ident: str) -> Source | None:
    """A source by its id (as ``feedd sources list`` shows it) or by a URL it has."""
    if ident.isdigit():
        return get(store, int(ident))
    r = store.conn.execute(
        f"SELECT {_COLS} FROM sources WHERE config_url = ? OR url = ? ORDER BY id LIMIT 1",
        (ident, ident),
    ).fetchone()
    return Source(*r) if r else None


def delete(store: Store, source_id: int) -> None:
    with store.conn:
        store.conn.execute("DELETE FROM sources WHERE id = ?", (source_id,))


def is_due(src: Source, now: dt.datetime) -> bool:
    return src.disabled is None and (src.next_check is None or from_iso(src.next_check) <= now)


def moved(src: Source, target: str) -> tuple[str | None, int, bool]:
    """Decide on a permanent redirect: ``(moved_to, moved_seen, move_now)``.

    A same-host move from http to https is taken at once; any other target only after it was
    seen MOVE_AFTER times in a row.
    """
    old, new = urlsplit(src.url), urlsplit(target)
    if old.scheme == "http" and new.scheme == "https" and old.hostname == new.hostname:
        return None, 0, True
    seen = src.moved_seen + 1 if src.moved_to == target else 1
    return (None, 0, True) if seen >= MOVE_AFTER else (target, seen, False)


def record(store: Store, source_id: int, **fields: object) -> None:
    """Store what a fetch found out; ``None`` values are stored as NULL."""
    if not fields:
        return
    cols = ", ".join(f"{k} = ?" for k in fields)
    with store.conn:
        store.conn.execute(f"UPDATE sources SET {cols} WHERE id = ?", (*fields.values(), source_id))


def when(d: dt.datetime | None) -> str | None:
    return iso(d) if d else None
