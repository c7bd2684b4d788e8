"""The read side publish uses: facets and their windows, entries, counts, publish state.

An entry's facets (see ``facets``) are what the store knows; which feeds draw on
them, their paths and titles are publish's to decide.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from typing import NamedTuple

from ..models import Credit, Entry
from . import facets
from .db import columns, reader
from .facets import Facet


class Tag(NamedTuple):
    key: str  # casefolded: see normalize.tags.key
    name: str  # its first-seen spelling
    slug: str  # recorded once, never moved: see ingest.Items._new_tag
    created: str


class LangGroup(NamedTuple):
    code: str
    created: str


class Signed(NamedTuple):
    """What a feed's signature is made of, per entry in its window."""

    id: str
    signature: str  # the row hash and the tags (a copy joining can change the tags only)
    published: str
    updated: str


# What a remote entry shows of its source (see publish.atom's <source>): part of what its
# feeds and page are made from, so a source retitled rewrites the feeds it is in, no others.
_ORIGIN = (
    "coalesce((SELECT s.slug || '|' || coalesce(s.name, '') || '|' || coalesce(s.title, '') "
    "|| '|' || s.url || '|' || coalesce(s.home, '') || '|' || coalesce(s.guid, '') "
    "FROM sources s WHERE s.id = {0}source_id), '')"
)
_SIGNED = columns(Signed, {"signature": f"row_hash || tags || story_sig || {_ORIGIN.format('')}"})
_ENTRY_COLS = columns(Entry, {"html": "CAST(html AS BLOB)", "credits": "'[]'"})
_ENTRY_COLS += ", story_sig != ''"
_PAGE_SIG = f"(e.row_hash || e.tags || e.story_sig || {_ORIGIN.format('e.')})"  # its page's


class Feeds:
    """Queries for publish on one connection (read-only connections too)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def tags(self) -> list[Tag]:
        """Every tag ever stored, by slug."""
        sql = f"SELECT {columns(Tag)} FROM tags ORDER BY slug"
        return [Tag._make(r) for r in self.conn.execute(sql)]

    def lang_groups(self) -> list[LangGroup]:
        """Every language group ever stored, by code."""
        sql = f"SELECT {columns(LangGroup)} FROM langs ORDER BY code"
        return [LangGroup._make(r) for r in self.conn.execute(sql)]

    def window(self, facet: Facet, now: str, limit: int) -> list[Signed]:
        """The newest ``limit`` entries of a facet published by ``now``, newest first, each
        as what a feed's signature is made of."""
        return [Signed._make(r) for r in self._window(facet, now, limit, _SIGNED)]

    def entries(self, ids: list[str]) -> dict[str, Entry]:
        """The entries with these ids, by id."""
        found: dict[str, Entry] = {}
        for i in range(0, len(ids), 500):  # SQLite caps the number of parameters
            part = ids[i : i + 500]
            marks = ",".join("?" * len(part))
            storied = []
            for r in self.conn.execute(
                f"SELECT {_ENTRY_COLS} FROM entries WHERE id IN ({marks})", part
            ):
                e = _entry(r[:-1])
                found[e.id] = e
                if r[-1]:
                    storied.append(e)
            for e in storied:
                found[e.id] = dataclasses.replace(e, credits=self.credits(e))
        return found

    def credits(self, e: Entry) -> tuple[Credit, ...]:
        """The other copies of an entry's story, as its published entry links them: the first
        copy of each other language group as an ``alternate`` in its language, every other
        copy's own link as ``via``; each link once, none to the entry's own."""
        c = self.conn
        members = c.execute(
            "SELECT id, role, lang, lang_group, link FROM entries WHERE story = ? ORDER BY id",
            (e.story,),
        ).fetchall()
        seen = {e.link} if e.link else set()
        out: list[Credit] = []
        langs = set()
        for _id, role, lang, group, link in members:
            alternate = role >= 1 and group != e.lang_group and link
            if alternate and link not in seen and lang not in langs:
                langs.add(lang)
                seen.add(link)
                out.append(Credit(link, "alternate", lang))
        ids = [m[0] for m in members]
        marks = ",".join("?" * len(ids))
        for (link,) in c.execute(
            f"SELECT link FROM items WHERE entry_id IN ({marks}) AND link IS NOT NULL "
            "ORDER BY source_id, key",
            ids,
        ):
            if link not in seen:
                seen.add(link)
                out.append(Credit(link, "via"))
        for _id, _role, _lang, _group, link in members:  # an entry's own link, no file's
            if link and link not in seen:
                seen.add(link)
                out.append(Credit(link, "via"))
        return tuple(out)

    def _window(self, facet: Facet, now: str, limit: int, cols: str) -> list[tuple]:
        table, where, args = _scope(facet, now)
        order = "ORDER BY published DESC, id ASC LIMIT ?"
        if table == "entries":
            sql = f"SELECT {cols} FROM entries WHERE {where} {order}"
        else:  # the newest ids first, from the index on (tag or feed, published, entry_id)
            sql = (
                f"SELECT {cols} FROM entries WHERE id IN (SELECT entry_id FROM {table} "
                f"WHERE {where} ORDER BY published DESC, entry_id ASC LIMIT ?) {order}"
            )
            args = (*args, limit)
        return self.conn.execute(sql, (*args, limit)).fetchall()

    def counts(self, now: str) -> dict[Facet, int]:
        """Entries published by ``now`` per facet (``("all", "")`` for all); a facet with
        none is missing."""
        c = self.conn
        found = {("all", ""): self.count_published(now)}
        for kind, sql in (
            ("lang", "SELECT lang_group, count(*) FROM entries WHERE published <= ? "
                     "AND role >= 1 AND blocked = 0 GROUP BY lang_group"),
            ("tag", f"SELECT tag_key, count(*) FROM entry_tags WHERE published <= ? "
                    f"AND {_UNBLOCKED} GROUP BY tag_key"),
            ("feed", f"SELECT feed, count(*) FROM entry_feeds WHERE published <= ? "
                     f"AND {_FIRST_OF_STORY} GROUP BY feed"),
        ):  # fmt: skip
            found.update(((kind, k), n) for k, n in c.execute(sql, (now,)))
        sql = (
            "SELECT i.source_id, count(DISTINCT i.entry_id) FROM items i "
            "JOIN entries e ON e.id = i.entry_id WHERE i.source_id > 0 AND e.published <= ? "
            "AND e.blocked = 0 "
            "GROUP BY i.source_id"
        )
        found.update((("source", str(k)), n) for k, n in c.execute(sql, (now,)))
        return found

    def count_published(self, now: str) -> int:
        """Entries published by ``now``: none held back for its date."""
        sql = "SELECT count(*) FROM entries WHERE role = 2 AND published <= ? AND blocked = 0"
        return self.conn.execute(sql, (now,)).fetchone()[0]

    def feed_signatures(self) -> dict[str, str]:
        return dict(self.conn.execute("SELECT path, signature FROM feeds"))

    def dirty(self) -> facets.Pending:
        """The facets changes touched since the last publish."""
        return facets.pending(self.conn)

    def of_sources(self, ids: set[int]) -> set[Facet]:
        """The facets of the entries these sources' copies give: what a source retitled
        touches."""
        found: set[Facet] = set()
        for i in ids:
            for lang_group, tags in self.conn.execute(
                "SELECT lang_group, tags FROM entries WHERE id IN "
                "(SELECT entry_id FROM items WHERE source_id = ? AND entry_id IS NOT NULL)",
                (i,),
            ):
                found |= facets.of(lang_group, json.loads(tags))
        return found

    def came_due(self, after: str, now: str) -> set[Facet]:
        """The facets of entries that came due after ``after``, by ``now``."""
        return facets.came_due(self.conn, after, now)

    def pages_due(self, now: str) -> list[tuple[str, str]]:
        """``(entry id, signature)`` of each entry page to write: the entries published by
        ``now`` without a link of their own whose page is missing or was made from another
        version of them (its row, tags or story)."""
        return self.conn.execute(
            f"SELECT e.id, {_PAGE_SIG} FROM entries e LEFT JOIN pages p ON p.entry_id = e.id "
            f"WHERE e.link IS NULL AND e.published <= ? AND e.blocked = 0 "
            f"AND p.signature IS NOT {_PAGE_SIG}",
            (now,),
        ).fetchall()

    def pages_gone(self, now: str) -> list[str]:
        """The entries whose page was written but should be there no more: deleted, given a
        link of their own, or (after a clock moved back) not published yet."""
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT p.entry_id FROM pages p LEFT JOIN entries e ON e.id = p.entry_id "
                "WHERE e.id IS NULL OR e.link IS NOT NULL OR e.published > ? OR e.blocked != 0",
                (now,),
            )
        ]

    def pages_written(self, written: list[tuple[str, str]], removed: list[str]) -> None:
        """Record the entry pages written (with their signatures) and those removed."""
        with self.conn:
            self.conn.executemany(
                "INSERT OR REPLACE INTO pages (entry_id, signature) VALUES (?, ?)", written
            )
            self.conn.executemany("DELETE FROM pages WHERE entry_id = ?", [(r,) for r in removed])

    def forget_pages(self) -> None:
        """Every entry page is to be made again (the settings moved)."""
        with self.conn:
            self.conn.execute("DELETE FROM pages")

    def publish_state(self) -> dict[str, str]:
        """What the last publish recorded: ``settings`` and ``now`` (absent before the first)."""
        return dict(self.conn.execute("SELECT name, value FROM published"))

    def published(
        self, sigs: dict[str, str], dirty_upto: int, settings: str, now: str, origins: str = "{}"
    ) -> None:
        """Record a publish, once its files are in place: the signatures of the feeds it wrote,
        the dirty marks it looked at gone, its settings and clock, and what the sources said
        of themselves (``origins``, JSON)."""
        with self.conn:
            c = self.conn
            c.executemany(
                "INSERT OR REPLACE INTO feeds (path, signature) VALUES (?, ?)", sigs.items()
            )
            c.execute("DELETE FROM dirty WHERE id <= ?", (dirty_upto,))
            c.executemany(
                "INSERT OR REPLACE INTO published (name, value) VALUES (?, ?)",
                [("settings", settings), ("now", now), ("origins", origins)],
            )

    def breakdown(self) -> Breakdown:
        """Entries by where the copy they show comes from, and what they come from."""
        c = self.conn
        seed_files = c.execute(
            "SELECT count(*) FROM items WHERE source_id = 0 AND entry_id IS NOT NULL"
        ).fetchone()[0]
        remote_items, sources = c.execute(
            "SELECT count(*), count(DISTINCT source_id) FROM items "
            "WHERE source_id > 0 AND entry_id IS NOT NULL"
        ).fetchone()
        by = dict(c.execute("SELECT source_id > 0, count(*) FROM entries GROUP BY 1"))
        return Breakdown(
            by.get(0, 0) + by.get(1, 0),
            by.get(0, 0),
            seed_files,
            by.get(1, 0),
            remote_items,
            sources,
        )

    def totals(self) -> Totals:
        """Copies that publish an entry, and entries, in the store."""
        f = self.conn.execute("SELECT count(*) FROM items WHERE entry_id IS NOT NULL").fetchone()
        n, blocked = self.conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE blocked != 0) FROM entries"
        ).fetchone()
        return Totals(f[0], n - blocked, blocked)


class Totals(NamedTuple):
    copies: int
    entries: int  # none a rule blocks
    blocked: int = 0  # by the rules


class Breakdown(NamedTuple):
    entries: int
    seed_entries: int  # entries that show a seed file's copy
    seed_files: int  # seed files that publish an entry
    remote_entries: int  # entries that show a remote item
    remote_items: int
    sources: int  # remote sources with items


def _scope(facet: Facet, now: str) -> tuple[str, str, tuple]:
    """``(table, condition, arguments)`` of the entries of one facet."""
    kind, key = facet
    if kind == "all":  # a story once: its representative
        return "entries", "role = 2 AND published <= ? AND blocked = 0", (now,)
    if kind == "lang":  # a story once per language group: its first copy there
        return (
            "entries", "lang_group = ? AND role >= 1 AND published <= ? AND blocked = 0",
            (key, now),
        )  # fmt: skip
    if kind == "source":  # what the source gave, every copy (folded into a story or not)
        mine = "SELECT entry_id FROM items WHERE source_id = ? AND entry_id IS NOT NULL"
        return "entries", f"id IN ({mine}) AND published <= ? AND blocked = 0", (int(key), now)
    if kind == "feed":  # a defined feed: a story once (see store.matching)
        return "entry_feeds", f"feed = ? AND published <= ? AND {_FIRST_OF_STORY}", (key, now)
    return "entry_tags", f"tag_key = ? AND published <= ? AND {_UNBLOCKED}", (key, now)


# no entry a rule blocks (see store.matching): a few at most, found by a partial index
_UNBLOCKED = "entry_id NOT IN (SELECT id FROM entries WHERE blocked != 0)"
# of a story's copies in a defined feed, the first by rank
_FIRST_OF_STORY = (
    "NOT EXISTS (SELECT 1 FROM entry_feeds g WHERE g.feed = entry_feeds.feed "
    "AND g.story = entry_feeds.story AND g.rank < entry_feeds.rank)"
)


_entry = reader(Entry)
