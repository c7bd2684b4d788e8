"""Defined feeds and rules on the stored entries (the query language: see feedd.query).

After each write and before each publish, every entry that changed since it was last matched
(its row, tags, dates, story, role or copies: the schema's triggers forget its row in
``matched`` then) is matched again, and only those: against the rules, in order (the first
that blocks it is recorded in ``entries.blocked``, and every feed and page leaves it out), and
against each defined feed's query (``entry_feeds``). A change of the rules, the defined feeds
or what the sources are called matches every entry again. Each match marks, in the same
commit, the facets whose feeds it moved: the feeds an entry left or joined, and all of an
entry's feeds when it is blocked or let through again. A blocked entry stays stored under
its id, so when the rules let it through again it comes back as it was, never as a new one.

A defined feed shows a story once: of the story's published copies (its representative, the
first copy of each other language group) that match, the representative if it does, else the
first copy that does; under the id its language feed shows it by (see store.stories).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

from .. import parallel
from ..config import FeedDef, Rule
from ..errors import ConfigError
from ..normalize import tags as tagmod
from ..normalize.html import to_text
from ..query import VERSION, Facts, Query, combined, fold
from . import facets
from .db import connect
from .facets import Facet

_CHUNK = 500  # entries matched at a time: their bodies, when a query reads them, in memory
_COLS = "e.id, e.title, e.tags, e.lang, e.lang_group, e.role, e.story, e.published, e.blocked"
# The entries to match: those not matched since they changed (the schema's triggers forget
# an entry's row in ``matched`` when its row, tags, dates, story, role or copies change), and
# whether each is in a defined feed's rows (``entry_feeds``) from before.
_DUE = (
    f"SELECT {_COLS}, EXISTS (SELECT 1 FROM entry_feeds f WHERE f.entry_id = e.id) "
    "FROM entries e WHERE NOT EXISTS (SELECT 1 FROM matched m WHERE m.entry_id = e.id) "
    "ORDER BY e.id"
)
_ALL = f"SELECT {_COLS} FROM entries e ORDER BY e.id"


class Defined(NamedTuple):
    slug: str
    name: str
    created: str


class Matched(NamedTuple):
    entries: int  # matched again
    blocked: int  # blocked by a rule now, in all
    newly_blocked: int
    let_through: int  # blocked before, no more


class Preview(NamedTuple):
    """What a config's queries match in the store as it is (``feedd check``)."""

    feeds: list[tuple[str, int]]  # (name, entries the feed would hold)
    rules: list[tuple[str, int, list[str]]]  # (rule, entries it blocks, a few of their titles)


MATCH_IN_WORKERS_FROM = 2000  # entries to match; fewer are matched in this process


def _verdicts_all(
    database: Path, rows: list[tuple], rules: Sequence[Rule], feeds: list[tuple[str, Query]]
) -> list[tuple[int, list[str]]] | None:
    """``Matching.verdicts`` of many rows, split over the CPU cores (folding each body's text
    is most of the work); None for few rows or one core."""
    n = parallel.workers()
    if len(rows) < MATCH_IN_WORKERS_FROM or n < 2:
        return None
    step = -(-len(rows) // n)
    parts = [(database, rows[i : i + step], rules, feeds) for i in range(0, len(rows), step)]
    out: list[tuple[int, list[str]]] = []
    with parallel.pool(len(parts), "matching rules and defined feeds") as pool:
        for verdicts in pool.map(_verdicts_at, parts):
            out += verdicts
    return out


def _verdicts_at(
    args: tuple[Path, list[tuple], Sequence[Rule], list[tuple[str, Query]]],
) -> list[tuple[int, list[str]]]:
    database, rows, rules, feeds = args
    conn = connect(database, readonly=True)
    try:
        return Matching(conn).verdicts(rows, rules, feeds)
    finally:
        conn.close()


def _need_bodies(rules: Sequence[Rule], queries: Sequence[Query]) -> bool:
    return any(r.needs_body for r in rules) or any(q.needs_body for q in queries)


class Matching:
    """Defined feeds and rules of one connection (``path``: its database, for workers)."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None = None) -> None:
        self.conn = conn
        self.path = path

    def defined(self) -> list[Defined]:
        """Every defined feed of the config, by slug."""
        sql = "SELECT slug, name, created FROM defined ORDER BY slug"
        return [Defined._make(r) for r in self.conn.execute(sql)]

    def blocked(self) -> list[tuple[str, int]]:
        """``(rule, entries it blocks)`` for each rule the entries were last matched with (a
        config edited since is matched on the next run), in their order."""
        row = self.conn.execute("SELECT value FROM meta WHERE name = 'rules'").fetchone()
        rules = json.loads(row[0]) if row else []
        counts = dict(self.conn.execute(
            "SELECT blocked - 1, count(*) FROM entries WHERE blocked > 0 GROUP BY blocked"
        ))  # fmt: skip
        return [(text, counts.get(i, 0)) for i, text in enumerate(rules)]

    def apply(self, rules: Sequence[Rule], feeds: Sequence[FeedDef], now: str) -> Matched | None:
        """Match what changed (everything, when the definitions did); None when there was
        nothing to match: no rule and no defined feed, now or before, or no change since."""
        c = self.conn
        sig = self._signature(rules, feeds)
        row = c.execute("SELECT value FROM meta WHERE name = 'matching'").fetchone()
        before = row[0] if row else None
        if not rules and not feeds and before is None:
            return None  # (the common case: nothing is defined, nothing to undo)
        moved = before != sig
        if not moved and not facets.pending(c).facets:
            return None
        dirty: set[Facet] = set()
        with c:
            slugs = self._sync(feeds, now, dirty)
            if moved:
                dirty |= {
                    ("feed", s) for (s,) in c.execute("SELECT DISTINCT feed FROM entry_feeds")
                }
                c.execute("DELETE FROM matched")
                c.execute("DELETE FROM entry_feeds")
            self._forget_gone(dirty)
            found = self._match(rules, [(slugs[f.name.casefold()], f.query) for f in feeds], dirty)
            if moved:
                rules_json = json.dumps([r.text for r in rules], ensure_ascii=False)
                c.executemany(
                    "INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)",
                    [("matching", sig), ("rules", rules_json)],
                )
            facets.mark(c, dirty)
        return found

    def preview(
        self, rules: Sequence[Rule], feeds: Sequence[FeedDef], now: str, titles: int = 3
    ) -> Preview:
        """What ``rules`` would block and how many entries ``feeds`` would hold, over the
        entries stored now, written nowhere."""
        rows = self.conn.execute(_ALL).fetchall()
        named = [(str(i), f.query) for i, f in enumerate(feeds)]
        blocked = [0] * len(rules)
        shown: list[list[str]] = [[] for _ in rules]
        stories: list[set[str]] = [set() for _ in feeds]  # a story once in a feed
        for r, (rule, feeds_in) in zip(rows, self.verdicts(rows, rules, named), strict=True):
            if rule:
                blocked[rule - 1] += 1
                if len(shown[rule - 1]) < titles:
                    shown[rule - 1].append(r[1])
            elif r[7] <= now:  # (published by now)
                for i in feeds_in:
                    stories[int(i)].add(r[6])
        return Preview(
            [(f.name, len(stories[i])) for i, f in enumerate(feeds)],
            [(rule.text, blocked[i], shown[i]) for i, rule in enumerate(rules)],
        )

    # --- the parts ---------------------------------------------------------------------------

    def _signature(self, rules: Sequence[Rule], feeds: Sequence[FeedDef]) -> str:
        # (source: matches a source's name, slug or feed title)
        sql = "SELECT id, name, slug, title FROM sources ORDER BY id"
        names = self.conn.execute(sql).fetchall()
        text = json.dumps(
            [
                VERSION,
                [r.text for r in rules],
                [[f.name, f.slug, f.query.text] for f in feeds],
                names,
            ],  # fmt: skip
            ensure_ascii=False,
        )
        return hashlib.sha256(text.encode()).hexdigest()

    def _sync(self, feeds: Sequence[FeedDef], now: str, dirty: set[Facet]) -> dict[str, str]:
        """Record each defined feed's slug, once: the one the config asks for, else the one
        recorded for its name, else one made from its name (the rule of tags); forget the
        feeds no longer defined. ``{name, case-folded: slug}``."""
        c = self.conn
        known = dict(c.execute("SELECT key, slug FROM defined"))
        wanted = {f.name.casefold(): f for f in feeds}
        for key in set(known) - set(wanted):
            c.execute("DELETE FROM defined WHERE key = ?", (key,))
            c.execute("DELETE FROM entry_feeds WHERE feed = ?", (known[key],))
            dirty.add(("feed", known.pop(key)))
        asked = {key: f.slug for key, f in wanted.items() if f.slug}
        # slugs are compared case-folded: feeds/News.atom and feeds/news.atom are one file
        # on a case-insensitive file system
        holder = {slug.casefold(): key for key, slug in known.items() if key not in asked}
        for key, slug in asked.items():
            other = holder.get(slug.casefold())
            if other is not None and other != key:
                index = next(i for i, f in enumerate(feeds) if f.name.casefold() == key)
                raise ConfigError(
                    f"feeds[{index}].slug",
                    f"{slug!r} is the address of the feed {wanted[other].name!r} (recorded when "
                    "it was first published, and a feed's address never moves): choose another",
                )
        slugs: dict[str, str] = dict(asked)
        taken = {s.casefold() for s in asked.values()}
        for key in wanted:  # then the slugs recorded, then new ones
            if key not in slugs and key in known and known[key].casefold() not in taken:
                slugs[key] = known[key]
                taken.add(known[key].casefold())
        for key, f in wanted.items():
            if key in slugs:
                continue
            # (a made slug is case-folded already: see slugify)
            slug = tagmod.unique_slug(tagmod.slugify(f.name, empty="feed"), taken)
            slugs[key] = slug
            taken.add(slug.casefold())
        moved = {key: slug for key, slug in slugs.items() if known.get(key) != slug}
        if moved:  # (a slug freed first: two feeds may trade theirs)
            c.executemany("DELETE FROM defined WHERE key = ?", [(k,) for k in moved])
        for key, slug in moved.items():
            old = known.get(key)
            if old is not None:
                c.execute("UPDATE entry_feeds SET feed = ? WHERE feed = ?", (f"/{slug}", old))
                dirty.add(("feed", old))
            dirty.add(("feed", slug))
            c.execute(
                "INSERT INTO defined (key, slug, name, created) VALUES (?, ?, ?, ?)",
                (key, slug, wanted[key].name, now),
            )
        if moved:  # ("/" is in no slug)
            c.execute("UPDATE entry_feeds SET feed = substr(feed, 2) WHERE feed LIKE '/%'")
        c.executemany(
            "UPDATE defined SET name = ? WHERE key = ? AND name != ?",
            [(f.name, key, f.name) for key, f in wanted.items()],
        )
        return slugs

    def _forget_gone(self, dirty: set[Facet]) -> None:
        """Entries deleted since they were matched leave their defined feeds."""
        c = self.conn
        gone = c.execute(
            "SELECT f.entry_id, f.feed FROM entry_feeds f LEFT JOIN entries e "
            "ON e.id = f.entry_id WHERE e.id IS NULL"
        ).fetchall()
        for eid, feed in gone:
            dirty.add(("feed", feed))
            c.execute("DELETE FROM entry_feeds WHERE entry_id = ?", (eid,))
        c.execute(
            "DELETE FROM matched WHERE entry_id IN (SELECT m.entry_id FROM matched m "
            "LEFT JOIN entries e ON e.id = m.entry_id WHERE e.id IS NULL)"
        )

    def _match(
        self, rules: Sequence[Rule], feeds: list[tuple[str, Query]], dirty: set[Facet]
    ) -> Matched:
        c = self.conn
        rows = c.execute(_DUE).fetchall()
        verdicts = _verdicts_all(self.path, rows, rules, feeds) if self.path else None
        if verdicts is None:
            verdicts = self.verdicts(rows, rules, feeds)
        entries = newly = through = 0
        joined: list[tuple] = []
        done: list[tuple[str]] = []
        for r, (blocked, now_in) in zip(rows, verdicts, strict=True):
            eid, _title, tags_json, _lang, group, role, story, published, was, seen = r
            entries += 1
            if blocked != was:
                c.execute("UPDATE entries SET blocked = ? WHERE id = ?", (blocked, eid))
                dirty |= facets.of(group, json.loads(tags_json))
                newly += bool(blocked and not was)
                through += bool(was and not blocked)
            old_in = []
            if seen:  # (most are in none: no query)
                sql = "SELECT feed FROM entry_feeds WHERE entry_id = ?"
                old_in = [x for (x,) in c.execute(sql, (eid,))]
            if old_in:
                c.execute("DELETE FROM entry_feeds WHERE entry_id = ?", (eid,))
            rank = f"{2 - role}{eid}"  # the representative first, then by id
            joined += [(s, eid, published, story, rank) for s in now_in]
            dirty |= {("feed", s) for s in (*old_in, *now_in)}
            done.append((eid,))
        c.executemany(
            "INSERT INTO entry_feeds (feed, entry_id, published, story, rank) "
            "VALUES (?, ?, ?, ?, ?)",
            joined,
        )
        c.executemany("INSERT OR REPLACE INTO matched (entry_id) VALUES (?)", done)
        total = c.execute("SELECT count(*) FROM entries WHERE blocked > 0").fetchone()[0]
        return Matched(entries, total, newly, through)

    def verdicts(
        self, rows: list[tuple], rules: Sequence[Rule], feeds: list[tuple[str, Query]]
    ) -> list[tuple[int, list[str]]]:
        """Per row of ``_DUE``: the rule that blocks the entry (1 + its index; 0: none) and
        the defined feeds it may be shown in (a published copy that no rule blocks)."""
        out = []
        slugs = [s for s, _ in feeds]
        matches = combined([q for _, q in feeds])  # (one function: see query.combined)
        needs_body = _need_bodies(rules, [q for _, q in feeds])
        for chunk, sources, bodies in self._chunks(rows, needs_body):
            for r in chunk:
                f = self._facts(r, sources, bodies)
                blocked = next((i + 1 for i, rule in enumerate(rules) if rule.blocks(f)), 0)
                shown = not blocked and r[5] >= 1  # (role: a published copy)
                out.append((blocked, [slugs[i] for i in matches(f)] if shown else []))
        return out

    def _chunks(
        self, rows: Iterable[tuple], needs_body: bool
    ) -> Iterable[tuple[list[tuple], dict[str, frozenset[str]], dict[str, str]]]:
        """The rows a chunk at a time, with the chunk's entries' sources (names and slugs,
        folded; "" for the seeds folder) and, if a query reads bodies, their HTML."""
        names = {
            sid: {fold(n) for n in (name, slug, title) if n}
            for sid, name, slug, title in self.conn.execute(
                "SELECT id, name, slug, title FROM sources"
            )
        }
        rows = iter(rows)
        while chunk := [r for _, r in zip(range(_CHUNK), rows, strict=False)]:
            ids = [r[0] for r in chunk]
            marks = ",".join("?" * len(ids))
            sources: dict[str, set[str]] = {}
            for eid, sid in self.conn.execute(
                f"SELECT entry_id, source_id FROM items WHERE entry_id IN ({marks})", ids
            ):
                sources.setdefault(eid, set()).update(names.get(sid, ()) if sid else {""})
            bodies = {}
            if needs_body:
                sql = f"SELECT id, CAST(html AS BLOB) FROM entries WHERE id IN ({marks})"
                bodies = {
                    i: (h or b"").decode(errors="replace") for i, h in self.conn.execute(sql, ids)
                }
            yield chunk, {k: frozenset(v) for k, v in sources.items()}, bodies

    @staticmethod
    def _facts(r: tuple, sources: dict[str, frozenset[str]], bodies: dict[str, str]) -> Facts:
        eid, title, tags_json, lang, group = r[:5]
        mine = sources.get(eid, frozenset())
        body = bodies.get(eid) or ""
        return Facts(
            title=title,
            tags=frozenset(json.loads(tags_json)),
            langs=(lang, group),
            sources=mine - {""},
            seeds="" in mine,
            body=lambda: to_text(body),
        )
