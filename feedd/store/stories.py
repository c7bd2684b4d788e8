"""Stories: entries whose texts are near-duplicates (see normalize.similar), published once.

Every entry belongs to one story (most to a story of their own). Per story:

- the **representative** (``role`` 2) is the copy seen first: the entry whose first copy was
  seen earliest (a file by its modification time when first read, a remote item by its first
  fetch; ties by source and key). A copy arriving later never takes over, whatever its date.
  It is published in ``all`` and in the tag feeds under the story's id (``story``), with the
  union of every copy's tags;
- the first copy of each other language group (``role`` 1) is published in that group's
  language feed, under its own id (``lang_id``);
- every other copy (``role`` 0) is credited on the published entries, not published.

A story keeps its id while any of its copies remains: when the representative is deleted, the
next copy seen represents it under the same id (and the first copy of a language group left
inherits that group's id). Ids kept so are listed in ``kept_ids``, so that no new entry is
given one. A copy edited into another article leaves its story, under its own id.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import sqlite3
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, NamedTuple

from .. import parallel
from ..errors import WorkerError
from ..models import Sketch
from ..normalize import similar

if TYPE_CHECKING:
    import numpy as np
from ..normalize.text import stable_hash

# Candidates whose MinHash estimate is this far below the threshold are not judged: with
# NUM_PERM = 80 the estimate's standard error is about 0.05 near 0.7
MARGIN = 0.1
# Keys held back at most (see Stories.flush): 16 bytes each, so 20 MB; a first load of
# 50,000 entries then writes its keys at once, in order, into an empty B-tree, where writing
# them in ten parts costs five times as much (each part's pages go all over the tree).
_FLUSH_FROM = 1_250_000
_ROWS_FROM = 4096  # sketches held back at most (about 400 bytes each)
PER_KEY = 32  # entries looked at per key (see Stories.candidates)
BULK_FROM = 64  # a round of this many entries finds its candidates at once (see near)
_SCORED_AT_ONCE = 16_384  # pairs estimated in one array (80 values a side: 10 MiB)
_KEPT = 4 * PER_KEY  # candidates kept per entry by near, before place leaves out the unplaced
JUDGED = 4  # candidates judged per entry, the most similar by estimate first
PREJUDGE_FROM = 64  # a round judging this many pairs judges them in worker processes
# what the workers that judge ahead load before they start (see parallel.pool)
_JUDGING = ("numpy", "opencc", "feedd.normalize.html", "feedd.normalize.similar")
_PAIRS_A_TASK = 32  # pairs a worker judges at a time: their texts travel with them


class Rules(NamedTuple):
    """What folding is made with: the config's ``[stories]`` table."""

    enabled: bool = True
    threshold: float = 0.7
    shingling: similar.Shingling = similar.Shingling()

    def signature(self) -> str:
        """Stored entries are grouped again when this changes."""
        if not self.enabled:
            return "off"
        return f"{self.threshold:.4f} {self.shingling.signature()}"


class Member(NamedTuple):
    id: str
    lang_group: str
    role: int
    story: str
    lang_id: str
    story_sig: str
    first_seen: str
    source_id: int
    source_key: str

    @property
    def order(self) -> tuple[str, int, str]:
        return (self.first_seen, self.source_id, self.source_key)


_MEMBER = "id, lang_group, role, story, lang_id, story_sig, first_seen, source_id, source_key"


class Match(NamedTuple):
    entry_id: str
    similarity: float
    reason: str


class Stories:
    """Story upkeep on one write connection, inside the caller's transaction. ``touch`` is
    told the facets (language group, tag keys) of every entry whose publishing changes;
    ``retag`` publishes a story with the union of its copies' tags (see ingest)."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        rules: Rules,
        touch: Callable[[str, Iterable[str]], None],
        retag: Callable[[str], None],
    ) -> None:
        self.conn = conn
        self.rules = rules
        self._touch = touch
        self._retag = retag
        self._texts: dict[str, str] = {}
        self._sets: dict[str, object] = {}  # shingle sets of the texts compared: see compare
        self._keys = array("q")  # keys of entries indexed, not written yet (see flush)
        self._keyed = array("q")  # the sketch number of each
        self._rows: list[tuple] = []
        self._verdicts: dict[
            tuple[str, str], tuple | None
        ] = {}  # judged ahead: _prejudge  # their sketches' rows, not written yet either

    # --- the index --------------------------------------------------------------------------

    def index(self, eid: str, sketch: Sketch, new: bool = False) -> None:
        """Record an entry's sketch; ``new``: the entry was just made, and has none yet."""
        if not new:
            self.unindex(eid)
        self._texts.pop(eid, None)
        keys = _keys(sketch)
        n = _ref(eid)
        self._rows.append((n, eid, sketch.tokens, sketch.exact, sketch.digest))
        self._keys.extend(keys)
        self._keyed.extend([n] * len(keys))
        if len(self._rows) >= _ROWS_FROM:
            self._write_rows()
        if len(self._keys) >= _FLUSH_FROM:
            self.flush()

    def flush(self) -> None:
        """Write the sketches and keys of the entries indexed since the last flush, the keys
        sorted: a B-tree fills in order many times faster than at random (a first load writes
        21 keys an entry)."""
        self._write_rows()
        if not self._keys:
            return
        import numpy as np

        keys = np.frombuffer(self._keys, dtype=np.int64)
        order = np.argsort(keys, kind="stable")
        owners = np.frombuffer(self._keyed, dtype=np.int64)[order]
        keys = keys[order]
        for lo in range(0, len(keys), 65_536):  # as Python ints a slice at a time: 72 B a key
            part = slice(lo, lo + 65_536)
            pairs = zip(keys[part].tolist(), owners[part].tolist(), strict=True)
            self.conn.executemany("INSERT OR IGNORE INTO story_keys (key, n) VALUES (?, ?)", pairs)
        self._keys, self._keyed = array("q"), array("q")

    def _write_rows(self) -> None:
        if self._rows:
            self._rows.sort()  # by number: the B-tree's order
            self.conn.executemany(
                "INSERT INTO sketches (n, entry_id, tokens, exact, digest) VALUES (?, ?, ?, ?, ?)",
                self._rows,
            )
            self._rows = []

    def unindex(self, eid: str) -> None:
        self.flush()
        n = _ref(eid)
        row = self.conn.execute("SELECT exact, digest FROM sketches WHERE n = ?", (n,)).fetchone()
        if row is None:
            return
        self.conn.executemany(
            "DELETE FROM story_keys WHERE key = ? AND n = ?", [(k, n) for k in _stored_keys(*row)]
        )
        self.conn.execute("DELETE FROM sketches WHERE n = ?", (n,))

    def sketch(self, html: str, lang_group: str) -> Sketch:
        """The sketch of a text, under these rules; one that cannot be made is empty (the
        entry then folds with nothing: a text feedd cannot sketch must not stop a run)."""
        try:
            return similar.sketch(html, lang_group, self.rules.shingling)
        except Exception:  # noqa: BLE001
            return Sketch(0, b"", b"", ())

    def _stored(self, eid: str) -> tuple[str, str]:
        """An entry's HTML and language group."""
        return self.conn.execute(
            "SELECT CAST(html AS TEXT), lang_group FROM entries WHERE id = ?", (eid,)
        ).fetchone()

    # --- candidates and verdicts ------------------------------------------------------------

    def candidates(self, eid: str, exclude: set[str] | None = None) -> list[str]:
        """Stored entries that may be near-duplicates of ``eid``, most similar first: with the
        same exact hash, or sharing two band keys and a MinHash estimate near enough the
        threshold; at most JUDGED of them.

        Two bands, not one (an AND of ORs, in LSH terms): a text of similarity 0.7 still
        shares two of 20 with probability 0.97 (0.997 at 0.76), one of 0.3 with 0.012 where
        one band would make it a candidate with 0.15: texts on one topic, sharing sentences,
        are many, and each candidate costs a lookup and an estimate. A key is looked up to
        PER_KEY entries: a flood of items from one template (thousands alike but for a
        number) costs each new one a bounded look, not one per item stored."""
        self.flush()
        mine = _ref(eid)
        row = self.conn.execute(
            "SELECT exact, digest FROM sketches WHERE n = ?", (mine,)
        ).fetchone()
        keys = _stored_keys(*row) if row else []
        if not keys:
            return []
        exact, digest = row
        sql = " UNION ALL ".join(
            [f"SELECT * FROM (SELECT n, {i} FROM story_keys WHERE key = ? LIMIT {PER_KEY})"
             for i in range(len(keys))]
        )  # fmt: skip
        shared: Counter[int] = Counter()
        same: set[int] = set()
        for n, i in self.conn.execute(sql, keys):
            if n != mine:
                shared[n] += 1
                if i == 0:  # the exact hash: see _keys
                    same.add(n)
        near = [n for n, count in shared.items() if count >= 2 or n in same]
        if not near:
            return []
        marks = ",".join("?" * len(near))
        floor = self.rules.threshold - MARGIN
        scored = []
        for n, other, their_digest in self.conn.execute(
            f"SELECT n, entry_id, digest FROM sketches WHERE n IN ({marks})", near
        ):
            if exclude is not None and other in exclude:
                continue
            score = 2.0 if n in same else similar.estimate(digest, their_digest)
            if score >= floor:
                scored.append((-score, n, other))
        scored.sort()
        return [other for _score, _n, other in scored[:JUDGED]]

    def text(self, eid: str) -> str:
        """An entry's comparable text, kept for the transaction."""
        t = self._texts.get(eid)
        if t is None:
            t = self._texts[eid] = similar.comparable(*self._stored(eid))
            if len(self._texts) > 256:  # a bound: the oldest goes
                self._texts.pop(next(iter(self._texts)))
        return t

    def judge(self, a: str, b: str) -> tuple[similar.Compared, similar.Verdict]:
        if (a, b) in self._verdicts:
            got = self._verdicts.pop((a, b))
            if got is None:
                raise ValueError(f"{a} and {b} could not be compared")
            return got
        c = similar.compare(self.text(a), self.text(b), self.rules.shingling, self._sets)
        return c, similar.judge(c, self.rules.threshold)

    def _prejudge(self, pairs: list[tuple[str, str]]) -> None:
        """Judge many pairs ahead, in worker processes (see ``judge``): a large round's
        verdicts are most of its cost, and each reads two whole texts. Any failure leaves
        the rest to be judged as they are asked for."""
        n = parallel.workers()
        if len(pairs) < PREJUDGE_FROM or n < 2:
            return

        def jobs() -> Iterator[tuple]:
            for lo in range(0, len(pairs), _PAIRS_A_TASK):
                part = pairs[lo : lo + _PAIRS_A_TASK]
                ids = list(dict.fromkeys(e for pair in part for e in pair))
                at = {e: i for i, e in enumerate(ids)}
                texts = [self._stored(e) for e in ids]
                yield (
                    texts,
                    [(at[a], at[b]) for a, b in part],
                    self.rules.shingling,
                    self.rules.threshold,
                )

        done = iter(pairs)
        judging = parallel.pool(n, "comparing texts", fresh=_JUDGING)
        with contextlib.suppress(WorkerError), judging as pool:
            for verdicts in pool.map(similar.judge_pairs, jobs()):
                for pair, got in zip(itertools.islice(done, len(verdicts)), verdicts, strict=True):
                    self._verdicts[pair] = got

    def best(self, eid: str, among: Iterable[str]) -> Match | None:
        """The candidate ``eid`` is most similar to, of those it is one story with."""
        best: Match | None = None
        for other in among:
            try:
                c, v = self.judge(eid, other)
            except Exception:  # noqa: BLE001 - texts that cannot be compared are apart
                continue
            if v.same and (best is None or c.similarity > best.similarity):
                best = Match(other, c.similarity, v.reason)
        return best

    # --- membership -------------------------------------------------------------------------

    def members(self, story: str) -> list[Member]:
        rows = self.conn.execute(f"SELECT {_MEMBER} FROM entries WHERE story = ?", (story,))
        return sorted((Member._make(r) for r in rows), key=lambda m: m.order)

    def member(self, eid: str) -> Member | None:
        r = self.conn.execute(f"SELECT {_MEMBER} FROM entries WHERE id = ?", (eid,)).fetchone()
        return None if r is None else Member._make(r)

    def place(
        self, eid: str, fresh: set[str], edited: bool = True, near: list[str] | None = None
    ) -> Match | None:
        """Find the story a new or ``edited`` entry belongs to, and put it there: among
        ``near`` (its candidates, when the caller found them: see ``near``), else among
        ``candidates``; those in ``fresh`` are not placed yet in this round and come later in
        order: they look back. An edited entry that still matches a copy of its story stays
        where it is (a new one is a story of its own so far)."""
        if edited:
            me = self.member(eid)
            if me is None:
                return None
            others = [m for m in self.members(me.story) if m.id != eid]
            if others:
                stay = self.best(eid, (m.id for m in others))
                if stay is not None:
                    self._note(eid, stay)
                    self.arrange(me.story)
                    return stay
                self.split(me, others)
        if near is None:
            near = self.candidates(eid, exclude=fresh)
        else:
            near = [c for c in near if c not in fresh][:JUDGED]
        found = self.best(eid, near) if near else None
        if found is None:
            if edited:
                self._note(eid, None)
            return None
        story = self.member(found.entry_id).story  # type: ignore[union-attr]
        self._join(eid, story)
        self._note(eid, found)
        return found

    def _note(self, eid: str, m: Match | None) -> None:
        self.conn.execute(
            "UPDATE sketches SET matched = ?, similarity = ?, reason = ? WHERE n = ?",
            (m and m.entry_id, m and m.similarity, m and m.reason, _ref(eid)),
        )

    def _join(self, eid: str, story: str) -> None:
        me = self.member(eid)
        assert me is not None
        self._touch_member(me)
        self.conn.execute("DELETE FROM entry_tags WHERE entry_id = ?", (eid,))
        # its lang_id stays: an id it carries (see arrange) is kept if it leads its group
        self.conn.execute("UPDATE entries SET story = ?, role = 0 WHERE id = ?", (story, eid))
        self.arrange(story)

    def split(self, me: Member, others: list[Member]) -> None:
        """``me`` leaves its story, under its own id: the story keeps its other ids."""
        self._touch_member(me)
        own_story = me.story == me.id
        self.conn.execute(
            "UPDATE entries SET story = id, role = 2, lang_id = id, story_sig = '' WHERE id = ?",
            (me.id,),
        )
        rest = me.story
        if own_story:  # its id goes with it: the rest is published under its first copy's
            rest = others[0].id
            self.conn.execute(
                "UPDATE entries SET story = ? WHERE story = ? AND id != ?", (rest, me.story, me.id)
            )
            self.conn.execute("UPDATE entries SET role = 0 WHERE story = ? AND role = 2", (rest,))
        inherit = {me.lang_group: me.lang_id} if me.role >= 1 and me.lang_id != me.id else {}
        self.arrange(rest, inherit)
        self.arrange(me.id)

    def leave(self, eid: str) -> None:
        """An entry is about to be deleted: the rest of its story carries on without it."""
        me = self.member(eid)
        if me is None:
            return
        self.unindex(eid)
        self.conn.execute("UPDATE entries SET story = '', role = 0 WHERE id = ?", (eid,))
        others = [m for m in self.members(me.story) if m.id != eid]
        if not others:  # the story is gone: the ids it kept are published no more
            self.conn.executemany("DELETE FROM kept_ids WHERE id = ?", [(me.story,), (me.lang_id,)])
            return
        # the story keeps its id, and this language group its own: nobody else may have them
        kept = {me.story} | ({me.lang_id} if me.role >= 1 else set())
        self.conn.executemany(
            "INSERT OR IGNORE INTO kept_ids (id) VALUES (?)", [(k,) for k in kept]
        )
        inherit = {me.lang_group: me.lang_id} if me.role >= 1 else {}
        self.arrange(me.story, inherit)

    def arrange(self, story: str, inherit: dict[str, str] | None = None) -> None:
        """Give a story's copies their roles and ids, keeping each one that still holds: the
        representative stays (the next copy seen takes over if it is gone), as does each
        language group's first copy."""
        members = self.members(story)
        if not members:
            return
        heads = [m for m in members if m.role == 2]
        head = heads[0] if heads else members[0]
        roles: dict[str, tuple[int, str]] = {}
        by_group: dict[str, list[Member]] = {}
        for m in members:
            by_group.setdefault(m.lang_group, []).append(m)
        for group, ms in by_group.items():
            if head.lang_group == group:
                lead = head
            else:
                leads = [m for m in ms if m.role >= 1]
                lead = leads[0] if leads else ms[0]
            if lead.role >= 1 or lead.lang_id != lead.id:  # its own, or one it carries
                lang_id = lead.lang_id
            elif inherit and group in inherit:  # the group's first copy is gone
                lang_id = inherit[group]
            else:
                lang_id = story if lead is head else lead.id
            for m in ms:
                roles[m.id] = (0, m.id)
            roles[lead.id] = (1, lang_id)
        roles[head.id] = (2, roles[head.id][1])
        sig = self._signature(story, members, roles)
        for m in members:
            role, lang_id = roles[m.id]
            shown_sig = sig if role else ""
            if (m.role, m.lang_id, m.story_sig) != (role, lang_id, shown_sig):
                self._touch_member(m)
                self.conn.execute(
                    "UPDATE entries SET role = ?, lang_id = ?, story_sig = ? WHERE id = ?",
                    (role, lang_id, shown_sig, m.id),
                )
                if role != 2:
                    self.conn.execute("DELETE FROM entry_tags WHERE entry_id = ?", (m.id,))
        self._retag(story)

    def _signature(self, story: str, members: list[Member], roles: dict) -> str:
        """What the story adds to its published entries: ids, roles, the copies' links."""
        if len(members) == 1 and members[0].id == story:
            links = self.links([members[0].id])
            return "" if len(links) <= 1 else stable_hash([story, links])
        return stable_hash(
            [
                story,
                sorted((m.id, *roles[m.id]) for m in members),
                self.links([m.id for m in members]),
            ]
        )

    def links(self, ids: list[str]) -> list[str]:
        """The links of every copy (file or feed item) of these entries, in a fixed order."""
        marks = ",".join("?" * len(ids))
        return [
            r[0]
            for r in self.conn.execute(
                f"SELECT DISTINCT link FROM items WHERE entry_id IN ({marks}) AND link IS NOT NULL "
                "ORDER BY link",
                ids,
            )
        ]

    def _touch_member(self, m: Member) -> None:
        tags = self.conn.execute("SELECT tags FROM entries WHERE id = ?", (m.id,)).fetchone()
        self._touch(m.lang_group, json.loads(tags[0]) if tags else ())

    # --- a round ----------------------------------------------------------------------------

    def settle(
        self, fresh: list[str], first: set[str] | None = None, edited: set[str] | None = None
    ) -> int:
        """Place every fresh (new or ``edited``) entry, in the order they were first seen (those
        in ``first`` before the others); return how many folded into another entry's story.

        A round of many (a first load, a regroup, a large import) finds the candidates of all
        of them at once, in memory (see ``near``), instead of one lookup each: a lookup reads a
        key to PER_KEY entries, which in such a round could all be ones not placed yet."""
        self.flush()
        if not fresh:
            return 0
        rows = []
        for i in range(0, len(fresh), 500):
            part = fresh[i : i + 500]
            marks = ",".join("?" * len(part))
            rows += self.conn.execute(
                f"SELECT id, first_seen, source_id, source_key FROM entries WHERE id IN ({marks})",
                part,
            ).fetchall()
        first, edited = first or set(), edited or set()
        rows.sort(key=lambda r: (r[0] not in first, r[1], r[2], r[3]))
        pending = {r[0] for r in rows}
        every = len(rows) >= BULK_FROM
        rank = {r[0]: i for i, r in enumerate(rows)}
        near = self.near(rank) if every else {}
        if every:  # the pairs place will judge: each entry with those placed before it
            self._prejudge([
                (eid, c) for eid, *_ in rows
                for c in [c for c in near.get(eid, ()) if rank.get(c, -1) < rank[eid]][:JUDGED]
            ])  # fmt: skip
        folded = 0
        try:
            for eid, *_ in rows:
                pending.discard(eid)
                mine = near.get(eid, []) if every else None
                found = self.place(eid, pending, eid in edited, mine)
                folded += found is not None
        finally:
            self._verdicts.clear()  # of this round's texts: none may outlive it
        return folded

    def near(self, rank: dict[str, int] | None = None) -> dict[str, list[str]]:
        """Every stored entry's candidates (as ``candidates`` finds them, unbounded in number
        but most similar first), found together: the keys of all sketches sorted, entries
        sharing one paired, the pairs that share two (or the exact hash) estimated at once.
        ``rank``: the order entries are placed in, for keys shared by more than PER_KEY: each
        is paired with the first PER_KEY placed, which are in stories when it looks."""
        import numpy as np

        (m,) = self.conn.execute(
            "SELECT count(*) FROM sketches WHERE length(digest) > 0"
        ).fetchone()
        if m < 2:
            return {}
        # filled row by row: no list of every digest, and no copy of it, at once in memory
        ids: list[str] = []
        d = np.empty((m, similar.NUM_PERM), dtype=np.uint32)
        table = np.empty((m, 1 + similar.BANDS), dtype=np.int64)  # as _keys makes them
        rows = self.conn.execute(
            "SELECT entry_id, exact, digest FROM sketches WHERE length(digest) > 0 ORDER BY n"
        )
        for i, (eid, exact, digest) in enumerate(rows):
            ids.append(eid)
            d[i] = np.frombuffer(digest, dtype=np.uint32)
            table[i, 0] = int.from_bytes(exact[:8], "little", signed=True)
        table[:, 1:] = similar.bands_of(d)
        keys = table.ravel()
        del table
        order = np.argsort(keys, kind="stable")  # by key, then by entry (ravel's order)
        keys = keys[order]
        owner = (order // (1 + similar.BANDS)).astype(np.int64)
        exact_key = order % (1 + similar.BANDS) == 0
        del order
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
        sizes = np.diff(np.r_[starts, len(keys)])
        del keys
        # the entries sharing each key, paired: runs of one size at a time, all at once; in a
        # run longer than PER_KEY, each entry with the first PER_KEY, as a lookup reads them
        exact, pairs = [], []
        short = sizes <= PER_KEY
        for size in np.unique(sizes[short & (sizes >= 2)]).tolist():
            at = starts[short & (sizes == size)]
            members = owner[at[:, None] + np.arange(size)]  # one row per run
            i, j = np.triu_indices(size, 1)
            codes_of = members[:, i] * m + members[:, j]
            is_exact = exact_key[at]
            exact.append(codes_of[is_exact].ravel())
            pairs.append(codes_of[~is_exact].ravel())
        # stored entries not in the round were placed before it: first
        placed = np.array([rank.get(eid, -1) for eid in ids]) if rank else np.arange(m)
        # a long run's pairs, once per set of entries: a flood of one text shares every key
        # with one set, and pairing it once a key would weigh 21 times as much
        long_runs: dict[bytes, tuple[np.ndarray, bool, int]] = {}
        for start, size in zip(starts[~short].tolist(), sizes[~short].tolist(), strict=True):
            run = owner[start : start + size]
            run = run[np.argsort(placed[run], kind="stable")]  # the first placed first
            seen = long_runs.get(run.tobytes())
            is_exact = bool(exact_key[start])
            long_runs[run.tobytes()] = (run, is_exact or bool(seen and seen[1]),
                                        (seen[2] if seen else 0) + 1)  # fmt: skip
        qualified = []  # pairs that need no count: their run came twice, or was the exact hash
        for run, is_exact, times in long_runs.values():
            first, rest = run[:PER_KEY], run[PER_KEY:]
            i, j = np.triu_indices(PER_KEY, 1)
            x = np.concatenate([first[i], np.repeat(first, len(rest))])
            y = np.concatenate([first[j], np.tile(rest, len(first))])
            codes_of = np.minimum(x, y) * m + np.maximum(x, y)  # one code a pair, as above
            if is_exact:
                exact.append(codes_of)
            else:
                (qualified if times >= 2 else pairs).append(codes_of)
        if not pairs and not exact and not qualified:
            return {}
        exact_codes = np.unique(_joined(exact))
        shared = _joined(pairs)  # a code twice: a pair sharing two keys
        shared.sort()
        codes = np.unique(shared[1:][shared[1:] == shared[:-1]])
        del shared
        codes = np.union1d(codes, exact_codes)
        if qualified:
            codes = np.union1d(codes, _joined(qualified))
        if not len(codes):
            return {}
        a, b = codes // m, codes % m
        apart = a != b  # (two bands of one text may hash alike)
        codes, a, b = codes[apart], a[apart], b[apart]
        score = np.empty(len(codes))
        for lo in range(0, len(codes), _SCORED_AT_ONCE):  # bounded: d[a] is a copy
            hi = lo + _SCORED_AT_ONCE
            score[lo:hi] = np.count_nonzero(d[a[lo:hi]] == d[b[lo:hi]], axis=1) / d.shape[1]
        score[np.isin(codes, exact_codes)] = 2.0
        keep = score >= self.rules.threshold - MARGIN
        a, b, score = a[keep], b[keep], score[keep]
        # each entry's candidates, most similar first, the first placed first among equals;
        # as many as place can use after those not placed yet are left out
        src, dst = np.concatenate([a, b]), np.concatenate([b, a])
        sc = np.concatenate([score, score])
        order = np.lexsort((placed[dst], -sc, src))
        src, dst = src[order], dst[order]
        first_of = np.r_[True, src[1:] != src[:-1]]
        start_of = np.maximum.accumulate(np.where(first_of, np.arange(len(src)), 0))
        top = np.arange(len(src)) - start_of < _KEPT
        out: dict[str, list[str]] = {}
        for x, y in zip(src[top].tolist(), dst[top].tolist(), strict=True):
            out.setdefault(ids[x], []).append(ids[y])
        return out

    def regroup(self) -> int:
        """Group every stored entry again (the rules changed), keeping the published ids that
        still stand for their stories: each story's representative and each language group's
        first copy keep theirs, and are placed first. Returns how many folded."""
        c = self.conn
        if self.rules.enabled:
            for (eid,) in c.execute(
                "SELECT id FROM entries WHERE id NOT IN (SELECT entry_id FROM sketches)"
            ).fetchall():
                self.index(eid, self.sketch(*self._stored(eid)), new=True)
        for r in c.execute(f"SELECT {_MEMBER} FROM entries WHERE role < 2 OR story != id"):
            self._touch_member(Member._make(r))
        first = [r[0] for r in c.execute("SELECT id FROM entries WHERE role >= 1")]
        c.execute(
            "UPDATE entries SET role = 2, story_sig = '', "
            "lang_id = CASE WHEN role >= 1 THEN lang_id ELSE id END, "
            "story = CASE WHEN role = 2 THEN story ELSE id END"
        )
        c.execute("UPDATE sketches SET matched = NULL, similarity = NULL, reason = NULL")
        ids = [r[0] for r in c.execute("SELECT id FROM entries")]
        if not self.rules.enabled:
            for eid in ids:
                self.arrange(self.member(eid).story)  # type: ignore[union-attr]
            return 0
        return self.settle(ids, first=set(first))


class Copy(NamedTuple):
    """One copy of a story with more than one, as ``feedd stories`` lists it."""

    story: str
    entry_id: str
    role: int  # 2 the representative, 1 its language group's copy, 0 credited
    lang_group: str
    title: str
    source_id: int
    source_key: str
    first_seen: str
    matched: str | None  # the copy it was found to be one story with
    similarity: float | None
    reason: str | None


def folded(conn: sqlite3.Connection) -> list[Copy]:
    """Every copy of every story with more than one, story by story, representative first."""
    rows = conn.execute(
        "SELECT story, id, role, lang_group, title, source_id, source_key, first_seen "
        "FROM entries WHERE story IN "
        "(SELECT story FROM entries GROUP BY story HAVING count(*) > 1) "
        "ORDER BY story, role DESC, first_seen, source_id, source_key"
    ).fetchall()
    out = []
    for r in rows:
        found = conn.execute(
            "SELECT matched, similarity, reason FROM sketches WHERE n = ?", (_ref(r[1]),)
        ).fetchone()
        out.append(Copy(*r, *(found or (None, None, None))))
    return out


def find(conn: sqlite3.Connection, ref: str) -> str | None:
    """The entry an input is: an entry id, a seed file's key, a remote item's key or link."""
    for sql in (
        "SELECT id FROM entries WHERE id = ?",
        "SELECT entry_id FROM items WHERE key = ? AND entry_id IS NOT NULL",
        "SELECT entry_id FROM items WHERE link = ? AND entry_id IS NOT NULL",
        "SELECT id FROM entries WHERE link = ?",
    ):
        row = conn.execute(sql, (ref,)).fetchone()
        if row:
            return row[0]
    return None


def _joined(pieces: list[np.ndarray]) -> np.ndarray:
    """The pieces end to end, each let go once copied: the pairs of a large round weigh
    tens of megabytes, and a concatenation would hold them twice."""
    import numpy as np

    out = np.empty(sum(len(p) for p in pieces), dtype=np.int64)  # (its pages come as filled)
    end = len(out)
    while pieces:
        piece = pieces.pop()
        out[end - len(piece) : end] = piece
        end -= len(piece)
    return out


def _keys(s: Sketch) -> list[int]:
    """An entry's keys in the index: its exact hash, then its band hashes."""
    if not s.exact:  # no sketch could be made: found by nothing
        return []
    return [int.from_bytes(s.exact[:8], "little", signed=True), *s.bands]


def _stored_keys(exact: bytes, digest: bytes) -> list[int]:
    """``_keys`` of a stored sketch: its bands made again from its digest."""
    import numpy as np

    bands = similar.band_hashes(np.frombuffer(digest, dtype=np.uint32)) if digest else ()
    return _keys(Sketch(0, exact, digest, bands))


def _ref(eid: str) -> int:
    """An entry's sketch number: a 64-bit hash of its id (ids are unique; two of them
    sharing a hash would take 2**32 entries to be likely)."""
    return int.from_bytes(
        hashlib.blake2b(eid.encode(), digest_size=8).digest(), "little", signed=True
    )
