"""Remote sources in the store: which exist, their HTTP state, and what each fetch found out.

A source row is found by the URL it was configured or imported with (``config_url``), so a
permanent redirect can move its fetch ``url`` without losing its entries or its identity.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..normalize import tags
from ..normalize.dates import from_iso, iso
from .db import columns

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
    slug: str  # its feeds' name (sources/<slug>.atom): recorded once, never moved
    guid: str | None  # the feed's own id (Atom), from its last good fetch
    home: str | None  # the feed's home page, from its last good fetch

    @property
    def label(self) -> str:
        return self.name or self.title or self.url

    @property
    def due_at(self) -> dt.datetime | None:
        """When the source is due next by its stored schedule; None: now."""
        return from_iso(self.next_check) if self.next_check else None


_COLS = columns(Source)


class Sources:
    """The sources table of one connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def all(self) -> list[Source]:
        return [Source(*r) for r in self.conn.execute(f"SELECT {_COLS} FROM sources ORDER BY id")]

    def get(self, source_id: int) -> Source | None:
        r = self.conn.execute(f"SELECT {_COLS} FROM sources WHERE id = ?", (source_id,)).fetchone()
        return Source(*r) if r else None

    def entry_counts(self) -> dict[int, int]:
        rows = self.conn.execute(
            "SELECT source_id, count(*) FROM items WHERE entry_id IS NOT NULL AND source_id > 0 "
            "GROUP BY source_id"
        )
        return dict(rows)

    def sync(self, configured: list[tuple[str, str]]) -> tuple[dict[str, int], list[int]]:
        """Make the rows match the config's ``(url, name)`` pairs: ``({config_url: id}, ids of
        sources removed)``.

        A source removed from the config is removed with its items (its entries leave the feeds
        unless another source or a seed publishes them too); imported (OPML) ones stay. A name
        in the config is the source's name in listings.
        """
        c = self.conn
        with c:
            known = {r[0] for r in c.execute("SELECT config_url FROM sources")}
            for url, name in configured:
                if url not in known:
                    known.add(url)
                    c.execute(
                        "INSERT INTO sources (config_url, origin, url, name, slug) "
                        "VALUES (?, 'config', ?, ?, ?)",
                        (url, url, name or None, new_slug(url, name, self._slugs())),
                    )
                else:  # (a rename keeps the slug: subscribed URLs keep working)
                    c.execute(
                        "UPDATE sources SET name = ? WHERE config_url = ? AND origin = 'config' "
                        "AND name IS NOT ?",
                        (name or None, url, name or None),
                    )
            rows = c.execute("SELECT id, config_url, origin FROM sources").fetchall()
        wanted = {url for url, _ in configured}
        removed = [i for i, url, origin in rows if origin == "config" and url not in wanted]
        return {url: i for i, url, origin in rows if url in wanted or origin != "config"}, removed

    def add_imported(self, url: str, name: str | None) -> bool:
        """A subscription from an OPML file; False when the URL is already a source."""
        with self.conn:
            if self.conn.execute("SELECT 1 FROM sources WHERE config_url = ?", (url,)).fetchone():
                return False
            self.conn.execute(
                "INSERT INTO sources (config_url, origin, url, name, slug) "
                "VALUES (?, 'opml', ?, ?, ?)",
                (url, url, name, new_slug(url, name, self._slugs())),
            )
        return True

    def _slugs(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT slug FROM sources")}

    def find(self, ident: str) -> Source | None:
        """A source by its id (as ``feedd sources list`` shows it) or by a URL it has."""
        if ident.isdigit():
            return self.get(int(ident))
        r = self.conn.execute(
            f"SELECT {_COLS} FROM sources WHERE config_url = ? OR url = ? ORDER BY id LIMIT 1",
            (ident, ident),
        ).fetchone()
        return Source(*r) if r else None

    def delete(self, source_id: int) -> None:
        with self.conn:
            self.conn.execute("DELETE FROM sources WHERE id = ?", (source_id,))

    def record(self, source_id: int, **fields: object) -> None:
        """Store what a fetch found out; ``None`` values are stored as NULL."""
        if not fields:
            return
        cols = ", ".join(f"{k} = ?" for k in fields)
        with self.conn:
            self.conn.execute(
                f"UPDATE sources SET {cols} WHERE id = ?", (*fields.values(), source_id)
            )

    def failing(self) -> int:
        """How many sources failed their last fetch."""
        return self.conn.execute("SELECT count(*) FROM sources WHERE errors > 0").fetchone()[0]


def new_slug(url: str, name: str | None, taken: set[str]) -> str:
    """A new source's slug, by the rule of tags (see normalize.tags.slugify): from its name in
    the config, else its URL's host and path; ``-2``, ``-3`` ... after one already taken. Made
    from the config alone, so a rebuilt database gives every source the same slug."""
    if name and name.strip():
        base = tags.slugify(name, empty="source")
    else:
        parts = urlsplit(url)
        path = parts.path.rstrip("/")
        for tail in (".xml", ".atom", ".rss", ".json", "/feed", "/rss", "/atom", "/index"):
            path = path.removesuffix(tail)
        base = tags.slugify(f"{parts.hostname or ''} {path}", empty="source")
    return tags.unique_slug(base, taken)


def is_due(src: Source, now: dt.datetime) -> bool:
    return src.disabled is None and (src.due_at is None or src.due_at <= now)


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


def when(d: dt.datetime | None) -> str | None:
    return iso(d) if d else None
