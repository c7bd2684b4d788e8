"""Ingest: apply what a run read to the store, and take out what vanished, in one transaction.

Each item read is decided on (``decide``, pure) and the decision carried out here: a new
entry, an edit, a copy folded into the entry it duplicates, a draft. Each write also records,
in its own commit, which facets of the entries it touched (``facets``): the publisher looks
at the feeds of those, not at all of them. A crash leaves the previous state, never
half of a run.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import json
import operator
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from ..models import Entry, Item
from ..normalize import tags as tagmod
from ..normalize.dates import from_iso, iso
from . import facets
from .db import bulk_load, columns, json_text, reader, to_json, tuple_fields
from .decide import Intent, Stored, decide, natural_id
from .facets import Facet
from .stories import Rules, Stories

# An entry row is written from the Item by field name: every field of Entry (a field added to
# both is stored without an edit here, once the schema has its column; a tuple of named
# tuples as JSON), the copy it shows, and what the store decides (dates, tags, row hash).
# The HTML goes in as text: it is UTF-8 bytes.
_DECIDED = ("tags", "published", "updated", "row_hash", "source_id")
_STORY = ("story", "lang_id", "credits")  # see stories: a new entry is a story of its own
_FROM_ITEM = [f.name for f in dataclasses.fields(Entry) if f.name not in ("id", *_DECIDED, *_STORY)]
_AS_JSON = tuple(n for n in tuple_fields(Entry) if n in _FROM_ITEM)
_AS_IS = (*(n for n in _FROM_ITEM if n not in _AS_JSON), "source_key")
_WRITTEN = (*_AS_IS, *_AS_JSON, *_DECIDED)
_as_is = operator.attrgetter(*_AS_IS)
_MARKS = ["CAST(? AS TEXT)" if n == "html" else "?" for n in _WRITTEN]
_INSERT = (
    f"INSERT INTO entries ({', '.join(_WRITTEN)}, first_seen, id, story, lang_id) "
    f"VALUES ({', '.join(_MARKS)}, ?, ?, ?, ?)"
)
_SETS = ", ".join(f"{n} = {m}" for n, m in zip(_WRITTEN, _MARKS, strict=True))
_UPDATE = f"UPDATE entries SET {_SETS} WHERE id = ?"


_STORED = columns(Stored, {"refs": "(SELECT count(*) FROM items i WHERE i.entry_id = e.id)"})
_stored = reader(Stored)


@dataclass
class Changes:
    """What one ingest did, for the run summary."""

    read: int = 0
    new: int = 0
    updated: int = 0
    removed: int = 0
    folded: int = 0  # files whose article was already published from another file
    near: int = 0  # entries folded into the story of a near-duplicate (see stories)
    drafts: int = 0

    @property
    def any(self) -> bool:
        return bool(self.new or self.updated or self.removed)

    def add(self, other: Changes) -> None:
        for f in dataclasses.fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


class Items:
    """The write path of one connection: what a run read goes in, what vanished goes out.
    Not thread-safe; one per run or per thread."""

    def __init__(self, conn: sqlite3.Connection, rules: Rules | None = None) -> None:
        self.conn = conn
        self.rules = rules or Rules()
        self.stories = Stories(conn, self.rules, self._touch, self._retag_story)
        self._fresh: list[str] = []  # entries new or edited in the open write: see stories
        self._edited: set[str] = set()  # of those, the edited ones
        self._restory: set[str] = set()  # entries whose copies changed: their stories' credits
        # Per ingest (see there): a first load, and the content hashes and ids it wrote
        self._new_source = self._first_load = False
        self._hashes: set[str] = set()
        self._ids: set[str] = set()
        self._dirty: set[Facet] = set()  # facets the open write touched: see _writing

    # --- seed files -------------------------------------------------------------------------

    def file_stats(self) -> dict[str, tuple[int, int]]:
        """``{key: (size, mtime_ns)}`` of every seed file read before: the no-change fast
        path, compared with each file's stat as it is (a pair, not a named type: one per file
        on every run)."""
        rows = self.conn.execute("SELECT key, size, mtime_ns FROM items WHERE source_id = 0")
        return {k: (s, m) for k, s, m in rows}

    def failures(self, reader: str) -> dict[str, Failure]:
        """Seed files that failed to read under ``reader`` (see schema v5), by key: not read
        again while their size and mtime hold."""
        rows = self.conn.execute(
            "SELECT key, size, mtime_ns, reason FROM failures WHERE reader = ?", (reader,)
        )
        return {k: Failure(s, m, r) for k, s, m, r in rows}

    def keep_failures(
        self, reader: str, failed: Iterable[tuple[str, int, int, str]], cleared: Iterable[str]
    ) -> None:
        """Remember ``failed`` ``(key, size, mtime_ns, reason)``; forget ``cleared`` keys
        (read cleanly, or gone) and failures remembered under another reader."""
        with self.conn:
            self.conn.execute("DELETE FROM failures WHERE reader != ?", (reader,))
            self.conn.executemany("DELETE FROM failures WHERE key = ?", ((k,) for k in cleared))
            self.conn.executemany(
                "INSERT OR REPLACE INTO failures (key, size, mtime_ns, reader, reason) "
                "VALUES (?, ?, ?, ?, ?)",
                ((k, size, mtime, reader, reason) for k, size, mtime, reason in failed),
            )

    def ingest(
        self,
        results: Iterable[tuple[str, int, int, Item]],
        deleted: Iterable[str],
        now: dt.datetime,
        source_id: int = 0,
    ) -> Changes:
        """Apply freshly read items and vanished ones in one transaction.

        ``results`` yields ``(key, size, mtime_ns, item)`` for items that read cleanly, in a
        fixed order (sorted by key) so that a rebuild makes the same choices as the first run.
        Seed files are source 0; a remote source's items have no size, and their mtime is
        the fetch time.
        """
        ch = Changes()
        # A first load (no item of the source, no entry at all) knows every item, hash and id
        # there is, because it writes them: the lookups that could only find nothing are
        # skipped.
        self._new_source = self._none("SELECT 1 FROM items WHERE source_id = ?", source_id)
        self._first_load = self._none("SELECT 1 FROM entries")
        self._hashes, self._ids = set(), set()
        with bulk_load(self.conn, self._first_load), self._writing():
            for key, size, mtime_ns, item in results:
                ch.read += 1
                self._apply(source_id, key, size, mtime_ns, item, now, ch)
            # Vanished files last: a renamed file has by now attached to its entry, which so
            # keeps its id instead of leaving and coming back as a new entry.
            for key in deleted:
                self._forget(source_id, key, ch)
            self._settle(ch)
        return ch

    def restory(self) -> Changes:
        """Group the stored entries again if the stories' rules changed since they were
        grouped (a threshold, folding turned on or off); a no-op otherwise."""
        ch = Changes()
        with self._writing():
            self._settle(ch)
        return ch

    def _settle(self, ch: Changes) -> None:
        """The stories part of a write: place the entries it made or edited (see stories),
        or group every entry again under changed rules; and credit changed copies."""
        fresh, self._fresh = self._fresh, []
        edited, self._edited = self._edited, set()
        restory, self._restory = self._restory, set()
        sig = self.rules.signature()
        row = self.conn.execute("SELECT value FROM meta WHERE name = 'stories'").fetchone()
        # a first load's entries are all fresh: placing them is grouping them all
        moved = (row[0] if row else "off") != sig
        if moved and not (self._first_load and self.rules.enabled):
            ch.near += self.stories.regroup()
        elif self.rules.enabled:  # (settle passes over those deleted since)
            ch.near += self.stories.settle(fresh, edited=edited)
        if moved:
            self.conn.execute(
                "INSERT OR REPLACE INTO meta (name, value) VALUES ('stories', ?)", (sig,)
            )
        for eid in restory:
            row = self.conn.execute("SELECT story FROM entries WHERE id = ?", (eid,)).fetchone()
            if row:
                self.stories.arrange(row[0])
        self.stories.flush()

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """One write transaction that also records, in the same commit, the facets whose
        entries it touched (see ``facets``): the publisher looks at those, not at all."""
        self._dirty = set()
        vars(self).pop("_known", None)  # read again, when this write first needs it
        with self.conn:
            yield
            facets.mark(self.conn, self._dirty)

    def _touch(self, lang_group: str, tag_keys: Iterable[str]) -> None:
        """The facets of an entry (as it is, or was before an edit or a delete) changed."""
        self._dirty |= facets.of(lang_group, tag_keys)

    def _touch_stored(self, eid: str) -> None:
        row = self.conn.execute("SELECT lang_group, tags FROM entries WHERE id = ?", (eid,))
        for lang_group, tags in row:
            self._touch(lang_group, json.loads(tags))

    def _none(self, sql: str, *args: object) -> bool:
        return self.conn.execute(sql + " LIMIT 1", args).fetchone() is None

    def _may_exist(self, written: set[str], value: str) -> bool:
        """Whether an entry with this content hash or id may be stored; on a first load,
        only if this load wrote it (``written`` is ``_hashes`` or ``_ids``)."""
        return not self._first_load or value in written

    def _stored(self, where: str, arg: str) -> Stored | None:
        r = self.conn.execute(f"SELECT {_STORED} FROM entries e WHERE {where}", (arg,)).fetchone()
        return None if r is None else _stored(r)

    def _apply(
        self,
        source_id: int,
        key: str,
        size: int,
        mtime_ns: int,
        item: Item,
        now: dt.datetime,
        ch: Changes,
    ) -> None:
        c = self.conn
        old = (
            None
            if self._new_source
            else c.execute(
                "SELECT entry_id, first_seen, retired, tags, link FROM items "
                "WHERE source_id = ? AND key = ?",
                (source_id, key),
            ).fetchone()
        )
        if old and old[2]:
            return  # dropped by retention: never published again
        mtime = min(dt.datetime.fromtimestamp(mtime_ns / 1e9, dt.UTC), now).replace(microsecond=0)
        first_seen = from_iso(old[1]) if old else mtime
        current = self._stored("id = ?", old[0]) if old and old[0] else None
        match = None
        if self._may_exist(self._hashes, item.content_hash):
            match = self._stored("content_hash = ?", item.content_hash)
        keys = [tagmod.key(t) for t in item.tags]
        rh = item.fingerprint
        taken = False
        if match is None and (current is None or current.refs > 1):  # a new entry is coming
            natural = natural_id(item)
            taken = self._may_exist(self._ids, natural) and not (
                self._none("SELECT 1 FROM entries WHERE id = ?", natural)
                and self._none("SELECT 1 FROM kept_ids WHERE id = ?", natural)
            )
        intent = decide(item, rh, current, match, first_seen, mtime, taken, source_id)

        if intent.action == "new":
            self._write_entry(intent, item, keys, rh, source_id, first_seen)
            ch.new += 1
        elif intent.action in ("edit", "refresh", "rehash"):
            self._write_entry(intent, item, keys, rh, source_id)
            ch.updated += intent.action != "rehash"  # a new hash of the same text: no news
        elif intent.action == "attach":
            ch.folded += 1
            if item.link:
                self._restory.add(intent.entry_id)
        elif intent.action == "draft":
            ch.drafts += 1
        copy_tags = json_text(item.tags)
        c.execute(
            "INSERT OR REPLACE INTO items (source_id, key, size, mtime_ns, entry_id, content_hash,"
            " first_seen, tags, link) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                source_id,
                key,
                size,
                mtime_ns,
                intent.entry_id,
                item.content_hash,
                iso(first_seen),
                copy_tags,
                item.link,
            ),
        )
        if intent.action == "refresh" and old is not None and old[4] != item.link:
            self._restory.add(intent.entry_id)
        if intent.release and intent.release != intent.entry_id:
            self._release(intent.release, ch)
        # An entry is published with the union of its copies' tags: it is retagged when a
        # copy it does not show brings a tag it lacks or changes its own, or when the copy it
        # shows is rewritten while other copies exist.
        if intent.action in ("attach", "unchanged"):
            held = match or current  # unchanged without a match: re-hashed, not shown
            retag = (
                held is not None
                and not set(keys) <= set(held.tags)
                or (old is not None and old[3] is not None and old[3] != copy_tags)
            )
        else:
            retag = intent.action in ("edit", "refresh", "rehash") and current.refs > 1
        if retag:
            self._retag(intent.entry_id)

    def _write_entry(
        self,
        intent: Intent,
        item: Item,
        keys: list[str],
        rh: str,
        source_id: int,
        first_seen: dt.datetime | None = None,
    ) -> None:
        """Write a new entry (given when its first copy was ``first_seen``) or an edit."""
        assert intent.entry_id and intent.published and intent.updated
        c = self.conn
        insert = first_seen is not None
        published, updated = iso(intent.published), iso(intent.updated)
        if self._first_load:
            self._hashes.add(item.content_hash)
            self._ids.add(intent.entry_id)
        copied = (*_as_is(item), *(to_json(getattr(item, n)) for n in _AS_JSON))
        eid = intent.entry_id
        values = (*copied, json_text(keys), published, updated, rh, source_id)
        if not insert:
            self._touch_stored(eid)  # the feeds it leaves, if its tags moved
        self._touch(item.lang_group, keys)
        if insert:
            c.execute(_INSERT, (*values, iso(first_seen), eid, eid, eid))
        else:
            c.execute(_UPDATE, (*values, eid))
        if self.rules.enabled and intent.action in ("new", "edit"):
            # a remote item comes without a sketch: its reader does not know the rules
            sketch = item.sketch or self.stories.sketch(item.html.decode(), item.lang_group)
            self.stories.index(eid, sketch, new=insert)
            self._fresh.append(eid)
            if not insert:
                self._edited.add(eid)
        elif intent.action == "refresh" or not insert:
            self._restory.add(eid)
        if insert or self._heads(eid):  # only a story's representative is in tag feeds
            self._tag_rows(eid, keys, published, clear=not insert)
        self._new_tags(item.tags, keys, updated)
        if item.lang_group not in self._known.langs:
            self._known.langs.add(item.lang_group)
            c.execute("INSERT INTO langs (code, created) VALUES (?, ?)", (item.lang_group, updated))

    @functools.cached_property
    def _known(self) -> _Known:
        """The tags and language groups that have feeds, for the new ones a write creates;
        read once per write (``_writing`` forgets it), and only by a write that needs it."""
        c = self.conn
        return _Known(
            {r[0] for r in c.execute("SELECT key FROM tags")},
            {r[0] for r in c.execute("SELECT slug FROM tags")},
            {r[0] for r in c.execute("SELECT code FROM langs")},
        )

    def _new_tags(self, names: Iterable[str], keys: Iterable[str], when: str) -> None:
        for name, k in zip(names, keys, strict=True):
            if k not in self._known.tag_keys:
                self._new_tag(k, name, when)

    def _heads(self, eid: str) -> bool:
        """Whether ``eid`` represents its story (see stories)."""
        row = self.conn.execute("SELECT role FROM entries WHERE id = ?", (eid,)).fetchone()
        return row is not None and row[0] == 2

    def _retag(self, eid: str) -> None:
        """Publish ``eid``'s story with the union of its copies' tags (see _retag_story)."""
        row = self.conn.execute("SELECT story FROM entries WHERE id = ?", (eid,)).fetchone()
        if row is not None:
            self._retag_story(row[0])

    def _retag_story(self, story: str) -> None:
        """Publish a story with the union of its copies' tags: the copy its representative
        shows first, then the others in source and key order, each tag in its first-seen
        spelling. Only the representative is in the tag feeds."""
        c = self.conn
        members = c.execute(
            "SELECT id, role, source_id, source_key, tags, lang_group, published, updated "
            "FROM entries WHERE story = ? ORDER BY role DESC, id",
            (story,),
        ).fetchall()
        if not members:
            return
        head = members[0]
        shown = (head[2], head[3])
        ids = [m[0] for m in members]
        marks = ",".join("?" * len(ids))
        copies = c.execute(
            f"SELECT i.source_id, i.key, i.tags FROM items i WHERE i.entry_id IN ({marks}) "
            "ORDER BY i.entry_id != ?, i.source_id, i.key",
            (*ids, head[0]),
        ).fetchall()
        # the copy shown first; sorting is stable, so the rest keep their order
        copies.sort(key=lambda r: (r[0], _shown_key(r[0], r[1])) != shown)
        names = tagmod.merge(*(json.loads(t) if t else () for _s, _k, t in copies))
        names = names[: tagmod.MAX_TAGS]  # as for one copy: each tag is a feed
        keys = [tagmod.key(t) for t in names]
        for m_id, role, _sid, _key, old, lang_group, published, updated in members:
            old_keys = json.loads(old)
            if role == 2:
                has = {r[0] for r in c.execute(
                    "SELECT tag_key FROM entry_tags WHERE entry_id = ?", (m_id,)
                )}  # fmt: skip
                if keys == old_keys and has == set(keys):
                    continue
                self._tag_rows(m_id, keys, published, clear=True)
                self._new_tags(names, keys, updated)
            elif keys == old_keys:
                continue
            self._touch(lang_group, old_keys)
            self._touch(lang_group, keys)
            c.execute("UPDATE entries SET tags = ? WHERE id = ?", (json_text(keys), m_id))

    def _tag_rows(self, eid: str, keys: Iterable[str], published: str, clear: bool) -> None:
        """The entry's rows in its tags' feeds (``entry_tags``), replacing any it had."""
        if clear:
            self.conn.execute("DELETE FROM entry_tags WHERE entry_id = ?", (eid,))
        self.conn.executemany(
            "INSERT OR IGNORE INTO entry_tags (tag_key, entry_id, published) VALUES (?, ?, ?)",
            [(k, eid, published) for k in keys],
        )

    def _new_tag(self, key: str, name: str, when: str) -> None:
        """Record a tag and its slug, once: the slug never moves afterwards."""
        slug = tagmod.unique_slug(tagmod.slugify(name), self._known.slugs)
        self._known.tag_keys.add(key)
        self._known.slugs.add(slug)
        self.conn.execute(
            "INSERT INTO tags (key, name, slug, created) VALUES (?, ?, ?, ?)",
            (key, name, slug, when),
        )

    def _release(self, eid: str, ch: Changes) -> None:
        """A file stopped publishing ``eid``: drop the entry if no file publishes it any more."""
        c = self.conn
        left = [
            (sid, _shown_key(sid, key))
            for sid, key in c.execute(
                "SELECT source_id, key FROM items WHERE entry_id = ? ORDER BY source_id, key",
                (eid,),
            )
        ]
        if not left:
            self._touch_stored(eid)
            self.stories.leave(eid)
            c.execute("DELETE FROM entry_tags WHERE entry_id = ?", (eid,))
            c.execute("DELETE FROM entries WHERE id = ?", (eid,))
            ch.removed += 1
            return
        # another copy of the article still publishes it: if the copy it showed is gone, the
        # first one left speaks for it; and its tags are the union of the copies left
        shown = c.execute("SELECT source_id, source_key FROM entries WHERE id = ?", (eid,))
        if shown.fetchone() not in left:
            c.execute(
                "UPDATE entries SET source_id = ?, source_key = ? WHERE id = ?", (*left[0], eid)
            )
        self._retag(eid)
        self._restory.add(eid)

    def _forget(self, source_id: int, key: str, ch: Changes) -> None:
        where = "FROM items WHERE source_id = ? AND key = ?"
        row = self.conn.execute(f"SELECT entry_id {where}", (source_id, key)).fetchone()
        self.conn.execute(f"DELETE {where}", (source_id, key))
        if row and row[0]:
            self._release(row[0], ch)

    def forget_source(self, source_id: int) -> Changes:
        """Drop every item of a source; entries nothing else publishes leave the feeds."""
        ch = Changes()
        with self._writing():
            keys = [
                r[0]
                for r in self.conn.execute(
                    "SELECT key FROM items WHERE source_id = ?", (source_id,)
                )
            ]
            for key in keys:
                self._forget(source_id, key, ch)
        return ch

    def retire(self, source_id: int, keep: int, max_age_days: int, now: dt.datetime) -> Changes:
        """Retention: keep a source's newest ``keep`` entries (0: all) and those younger than
        ``max_age_days`` (0: any age). Retired items stay known, so they are not re-added."""
        ch = Changes()
        rows = self.conn.execute(
            "SELECT i.key, e.published FROM items i JOIN entries e ON e.id = i.entry_id "
            "WHERE i.source_id = ? AND i.retired = 0 ORDER BY e.published DESC, e.id",
            (source_id,),
        ).fetchall()
        cutoff = iso(now - dt.timedelta(days=max_age_days)) if max_age_days else None
        drop = [
            k
            for n, (k, published) in enumerate(rows)
            if (keep and n >= keep) or (cutoff and published < cutoff)
        ]
        with self._writing():
            for key in drop:
                row = self.conn.execute(
                    "SELECT entry_id FROM items WHERE source_id = ? AND key = ?", (source_id, key)
                ).fetchone()
                self.conn.execute(
                    "UPDATE items SET retired = 1, entry_id = NULL WHERE source_id = ? AND key = ?",
                    (source_id, key),
                )
                if row and row[0]:
                    self._release(row[0], ch)
        return ch

    def notices(self, site_id: str) -> list[str]:
        """What this run must say once: ids that changed (an upgrade, a new ``site_id``).
        Records ``site_id`` as the one the ids are now made from."""
        c = self.conn
        meta = dict(c.execute("SELECT name, value FROM meta"))
        out = []
        if meta.get("notice:ids"):
            out.append(
                "entry and feed ids are now unique to each site (made from site_id, which "
                "defaults to base_url), as RFC 4287 asks: feed readers show this database's "
                "entries once more as new. This happens once, after this upgrade."
            )
        elif meta.get("site_id") not in (None, site_id):
            out.append(
                f"site_id changed from {meta['site_id']!r} to {site_id!r} (site_id defaults "
                "to base_url): every entry and feed id changed, and feed readers show every "
                f"entry once more as new. To keep the old ids, set site_id = "
                f'"{meta["site_id"]}" in the config.'
            )
        if meta.get("notice:ids") or meta.get("site_id") != site_id:
            with c:
                c.execute("DELETE FROM meta WHERE name = 'notice:ids'")
                c.execute(
                    "INSERT OR REPLACE INTO meta (name, value) VALUES ('site_id', ?)", (site_id,)
                )
        return out


class Failure(NamedTuple):
    size: int
    mtime_ns: int
    reason: str


class _Known(NamedTuple):
    tag_keys: set[str]
    slugs: set[str]
    langs: set[str]


def _shown_key(source_id: int, key: str) -> str:
    """An item's key as entries.source_key holds it: remote keys carry a ``remote:`` prefix
    (normalize.remote), so a guid can never pass for a seed file's path."""
    return key if source_id == 0 else "remote:" + key
