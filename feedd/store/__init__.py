"""The SQLite store: one database file, and a small facade over the modules that use it.

    Store
    ├── .items    ingest.Items      what a run read goes in (``decide`` says how, purely),
    │                               what vanished goes out, retention, the failures cache
    ├── .feeds    queries.Feeds     what publish reads (facets, their windows, entries,
    │                               counts) and what it records (signatures, its clock)
    ├── .sources  sources.Sources   the remote sources and their HTTP state
    └── .matching matching.Matching the rules and the defined feeds, matched on what changed

    db        the connection, its journal for a first load, rows mapped onto row types
    facets    what an entry can be found by, and which facets changed since the last publish
    schema    the tables and their migrations

One database file in WAL mode, so readers (``feedd stats``, the HTTP server) never block the
writer. Nothing outside this package touches a connection or writes SQL; rows leave it as
named types.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .db import connect
from .facets import Facet
from .ingest import Changes, Failure, Items
from .matching import Defined, Matched, Matching, Preview
from .queries import Breakdown, Feeds, LangGroup, Signed, Tag, Totals
from .schema import describe, migrate, readable
from .sources import Source, Sources, is_due, moved, when
from .stories import Copy, Rules, find, folded

if TYPE_CHECKING:
    from ..normalize.similar import Compared, Verdict

__all__ = [
    "Breakdown", "Changes", "Copy", "Defined", "Facet", "Failure", "LangGroup", "Matched",
    "Preview", "Rules", "Signed", "Source", "Store", "Tag", "Totals", "describe", "is_due",
    "moved", "when",
]  # fmt: skip


class Store:
    """One connection to the database, migrated on open (unless read-only). Not
    thread-safe: one per run or per thread."""

    def __init__(self, path: Path, readonly: bool = False, rules: Rules | None = None) -> None:
        self.path = path
        self._conn = connect(path, readonly)
        if readonly:
            try:
                readable(self._conn, str(path))
            except BaseException:
                self._conn.close()
                raise
        else:
            try:
                migrate(self._conn, str(path))
            except BaseException:
                self._conn.close()
                raise
        self.items = Items(self._conn, rules)
        self.feeds = Feeds(self._conn)
        self.sources = Sources(self._conn)
        self.matching = Matching(self._conn, path)

    def stories(self) -> list[Copy]:
        """Every copy of every story with more than one (see stories)."""
        return folded(self._conn)

    def find(self, ref: str) -> str | None:
        """The entry id an input (entry id, seed key, remote key or link) stands for."""
        return find(self._conn, ref)

    def explain(self, a: str, b: str) -> tuple[Compared, Verdict]:
        """Two stored entries compared, and the verdict (see normalize.similar)."""
        return self.items.stories.judge(a, b)

    def story_of(self, eid: str) -> str | None:
        """The story an entry is in."""
        m = self.items.stories.member(eid)
        return m.story if m else None

    def backup(self, path: Path) -> None:
        """A consistent copy of the database at ``path``."""
        import sqlite3

        target = sqlite3.connect(path)
        try:
            self._conn.backup(target)
        finally:
            target.close()

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
