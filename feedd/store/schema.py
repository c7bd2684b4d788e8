"""The database schema and its migrations, applied on open; the only place that knows them.

The version lives in ``PRAGMA user_version``; each migration moves it up by one, inside a
transaction, so a crash mid-migration leaves the old schema intact.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..errors import DatabaseError

if TYPE_CHECKING:
    from sqlite_utils import Database


def _v1(db: Database) -> None:
    # One row per source item that read cleanly: a seed file (source_id 0, key its path below
    # the seeds folder) or, later, a remote entry. A file that fails to read has no row, so it
    # is tried (and reported) again on every run while a previous good version stays published.
    db["items"].create(
        {
            "source_id": int,  # 0: the seeds folder
            "key": str,  # seeds: path below the seeds folder, '/'-separated
            "size": int,
            "mtime_ns": int,  # with size, what tells an unchanged file without reading it
            "entry_id": str,  # the entry this item publishes; NULL for a draft
            "content_hash": str,  # the hash the item had when last read
            "first_seen": str,  # min(mtime, clock) when first seen: the date of undated files
            # 1: dropped by a source's retention; the key stays known so that the entry, still
            # in the remote feed, does not come back as new on the next fetch
            "retired": int,
        },
        pk=("source_id", "key"),
        defaults={"retired": 0},
    )
    db["items"].create_index(["entry_id"])
    db["entries"].create(
        {
            "id": str,  # the Atom id, urn:uuid:...; never changes once given out
            "content_hash": str,  # one entry per distinct article: duplicates fold into it
            "source_key": str,  # the file whose metadata the entry shows
            "title": str,
            "summary": str,
            "html": str,
            "lang": str,
            "lang_group": str,  # a facet: see normalize.lang.group
            "tags": str,  # JSON list of tag keys (casefolded), in the file's order
            "link": str,
            "author": str,
            "published": str,  # ISO UTC 'Z' strings: they sort as text
            "updated": str,
            "row_hash": str,  # hash of every published field: a feed's signature is made of these
        },
        pk="id",
    )
    db["entries"].create_index(["content_hash"], unique=True)
    db["entries"].create_index(["published", "id"])
    db["entries"].create_index(["lang_group", "published", "id"])
    db["entry_tags"].create(
        {"tag_key": str, "entry_id": str, "published": str}, pk=("tag_key", "entry_id")
    )
    db["entry_tags"].create_index(["tag_key", "published", "entry_id"])
    db["entry_tags"].create_index(["entry_id"])
    # A tag's slug is recorded the first time the tag is seen and never moves afterwards,
    # whatever later spelling or case: a subscribed feed URL must keep working.
    db["tags"].create({"key": str, "name": str, "slug": str, "created": str}, pk="key")
    db["tags"].create_index(["slug"], unique=True)
    # Language groups ever stored, with when they were first: publish keeps a feed for each,
    # possibly empty, as for tags.
    db["langs"].create({"code": str, "created": str}, pk="code")
    # Remote feeds. A source is known by the URL it was configured (or imported) with; `url`
    # is where it is fetched from now, moved by permanent redirects.
    db["sources"].create(
        {
            "id": int,
            "config_url": str,  # the URL as configured: how a config entry finds its row
            "origin": str,  # "config" or "opml" (added by `feedd sources import`)
            "url": str,
            "name": str,
            "title": str,  # the feed's own title, from its last good fetch
            "etag": str,  # validators from the last 200, sent back on the next request
            "last_modified": str,
            "last_fetch": str,
            "last_status": str,  # "200", "304", "410", "timeout", ...
            "last_error": str,
            "errors": int,  # consecutive failures: drives the backoff
            "next_check": str,
            "disabled": str,  # why feedd stopped fetching it (410 Gone); NULL while active
            "moved_to": str,  # a permanent redirect's target, seen `moved_seen` times in a row
            "moved_seen": int,
            "last_size": int,  # bytes of the last 200: what each 304 saved
        },
        pk="id",
        not_null={"config_url", "url", "origin"},
        defaults={"errors": 0, "moved_seen": 0},
    )
    db["sources"].create_index(["config_url"], unique=True)
    # The signature each feed file was last written with; equal signature, no rewrite.
    db["feeds"].create({"path": str, "signature": str}, pk="path")


def _v2(db: Database) -> None:
    # Facets (see store.facets) whose entries changed since they were last published:
    # written in the same transaction as the change, cleared once the publisher has looked at
    # them, so a run that stops in between leaves them to the next. ``kind`` and ``key`` are
    # the facet ("all" has key ""). Rows only ever grow in id: the publisher clears the ones
    # it read.
    db.execute(
        "CREATE TABLE dirty (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, "
        "key TEXT NOT NULL)"
    )
    # What the last publish was made with: the settings' signature and its clock, which tell
    # when every feed must be looked at (settings moved) or which dated entries came due.
    db["published"].create({"name": str, "value": str}, pk="name")


_V3 = """
        CREATE TABLE items_v3 (
            source_id INTEGER NOT NULL, key TEXT NOT NULL, size INTEGER, mtime_ns INTEGER,
            entry_id TEXT, content_hash TEXT, first_seen TEXT, retired INTEGER DEFAULT 0,
            PRIMARY KEY (source_id, key)
        ) WITHOUT ROWID;
        INSERT INTO items_v3 SELECT source_id, key, size, mtime_ns, entry_id, content_hash,
            first_seen, retired FROM items;
        DROP TABLE items;
        ALTER TABLE items_v3 RENAME TO items;
        CREATE INDEX idx_items_entry_id ON items (entry_id);

        CREATE TABLE entry_tags_v3 (
            tag_key TEXT NOT NULL, published TEXT NOT NULL, entry_id TEXT NOT NULL,
            PRIMARY KEY (tag_key, published, entry_id)
        ) WITHOUT ROWID;
        INSERT INTO entry_tags_v3 SELECT tag_key, published, entry_id FROM entry_tags;
        DROP TABLE entry_tags;
        ALTER TABLE entry_tags_v3 RENAME TO entry_tags;
        CREATE INDEX idx_entry_tags_entry_id ON entry_tags (entry_id);
"""


def _v3(db: Database) -> None:
    # items and entry_tags become WITHOUT ROWID tables, clustered on their primary key: one
    # B-tree fewer to write per row (a cold start writes several such rows for every file),
    # and a tag's feed window reads its (tag, published, entry) key in order.
    for statement in _V3.split(";"):
        if statement.strip():
            db.conn.execute(statement)  # one by one: executescript would commit first


_V4 = """
        CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
        ALTER TABLE entries ADD COLUMN source_id INTEGER NOT NULL DEFAULT 0;
        UPDATE entries SET source_id = coalesce((SELECT min(i.source_id) FROM items i
            WHERE i.entry_id = entries.id AND i.source_id > 0
            AND 'remote:' || i.key = entries.source_key), 0);
        ALTER TABLE items ADD COLUMN tags TEXT;
        UPDATE items SET tags = (SELECT e.tags FROM entries e WHERE e.id = items.entry_id)
            WHERE entry_id IS NOT NULL;
        UPDATE items SET mtime_ns = -1 WHERE source_id = 0
"""


def _v4(db: Database) -> None:
    # meta: name/value facts about the database itself: the site_id its ids were last
    # published under, and notices for the next run to say once.
    # entries.source_id: with source_key, the copy whose metadata an entry shows (two remote
    # feeds may carry one guid, so the key alone cannot tell their copies apart).
    # items.tags: the tags each copy brings (display names, JSON): an entry is published
    # with the union of its copies' tags. Filled from the entries for the copies they show.
    # Every seed file is read again (mtime -1): content hashes moved to version 2.
    had_entries = db.conn.execute("SELECT 1 FROM entries LIMIT 1").fetchone() is not None
    for statement in _V4.split(";"):
        if statement.strip():
            db.conn.execute(statement)
    if had_entries:
        db.conn.execute("INSERT INTO meta (name, value) VALUES ('notice:ids', '1')")


_V5 = """
        CREATE TABLE failures (
            key TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
            reader TEXT NOT NULL, reason TEXT NOT NULL
        ) WITHOUT ROWID
"""


def _v5(db: Database) -> None:
    # failures: seed files that failed to read for what is in them (empty, binary, broken
    # front matter), with the size and mtime they had and what reading depended on (feedd's
    # version, the zone, the size limit): while all three stay, the file is not read again
    # and its error is reported from here. A file that cannot be opened is not kept here:
    # a permission fixed moves no mtime.
    db.conn.execute(_V5)


def _v6(db: Database) -> None:
    # entries.enclosures: the images and audio an entry links to (JSON list of models.
    # Enclosure, each an object by field name). Every seed file is read again once (mtime
    # -1), so that entries whose front matter names an image show it; remote sources lose
    # their validators, so that their next fetch is a full one, read with its enclosures.
    db.conn.execute("ALTER TABLE entries ADD COLUMN enclosures TEXT NOT NULL DEFAULT '[]'")
    db.conn.execute("UPDATE items SET mtime_ns = -1 WHERE source_id = 0")
    db.conn.execute("UPDATE sources SET etag = NULL, last_modified = NULL")


_V7 = """
        ALTER TABLE entries ADD COLUMN story TEXT;
        ALTER TABLE entries ADD COLUMN lang_id TEXT;
        ALTER TABLE entries ADD COLUMN role INTEGER NOT NULL DEFAULT 2;
        ALTER TABLE entries ADD COLUMN first_seen TEXT;
        ALTER TABLE entries ADD COLUMN story_sig TEXT NOT NULL DEFAULT '';
        UPDATE entries SET story = id, lang_id = id, first_seen = coalesce((SELECT
            min(i.first_seen) FROM items i WHERE i.entry_id = entries.id), published);
        CREATE INDEX idx_entries_story ON entries (story);
        ALTER TABLE items ADD COLUMN link TEXT;
        CREATE TABLE sketches (
            n INTEGER PRIMARY KEY, entry_id TEXT NOT NULL, tokens INTEGER NOT NULL,
            exact BLOB NOT NULL, digest BLOB NOT NULL, similarity REAL, matched TEXT, reason TEXT
        );
        CREATE TABLE story_keys (
            key INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (key, n)
        ) WITHOUT ROWID;
        CREATE TABLE kept_ids (id TEXT PRIMARY KEY) WITHOUT ROWID;
        UPDATE items SET mtime_ns = -1 WHERE source_id = 0
"""


def _v7(db: Database) -> None:
    # Stories (see store.stories): entries whose texts are near-duplicates form one story.
    # entries.story: the id the story is published under in all and tag feeds, the same on
    # every copy of it; entries.lang_id: the id a copy is published under in its language's
    # feed; entries.role: 2 the story's representative (all, tag and language feeds), 1 the
    # first copy of another language group (its language feed), 0 credited only;
    # entries.first_seen: when its first copy was seen, what decides which copy represents a
    # story; entries.story_sig: a hash of what the story adds to the entry as published
    # (its ids, the copies credited), part of a feed's signature.
    # items.link: each copy's own link, credited on the story's entry.
    # sketches and story_keys: each entry's MinHash sketch, numbered by a 64-bit hash of the
    # entry's id (see stories._ref: one B-tree, no index on the id), and its keys (its exact
    # hash and LSH band hashes) as an index by that number (rows of two integers: a first
    # load writes 21 an entry), that finds a new text's near-duplicates. kept_ids: ids a story
    # is still published under after the copy that gave them was deleted: given to no other.
    # Every seed file is read again once (mtime -1), for its copy's link and its sketch.
    for statement in _V7.split(";"):
        if statement.strip():
            db.conn.execute(statement)


def _v8(db: Database) -> None:
    # pages: each entry page written (see publish.html: an entry without a link of its own
    # has a page), with what it was made from, so that a publish writes only the pages whose
    # entry changed and deletes those whose entry went.
    db.conn.execute(
        "CREATE TABLE pages (entry_id TEXT PRIMARY KEY, signature TEXT NOT NULL) WITHOUT ROWID"
    )


def _v9(db: Database) -> None:
    # Per-source feeds (sources/<slug>.atom): each source's slug, recorded once like a tag's
    # (see store.sources.new_slug); and the remote feed's own id and home page, which the
    # entries it gave name in their Atom <source> element.
    from .sources import new_slug

    c = db.conn
    for col in ("slug", "guid", "home"):
        c.execute(f"ALTER TABLE sources ADD COLUMN {col} TEXT")
    taken: set[str] = set()
    rows = c.execute("SELECT id, config_url, name FROM sources ORDER BY id").fetchall()
    for sid, url, name in rows:
        slug = new_slug(url, name, taken)
        taken.add(slug)
        c.execute("UPDATE sources SET slug = ? WHERE id = ?", (slug, sid))
    c.execute("CREATE UNIQUE INDEX idx_sources_slug ON sources (slug)")


_V10 = """
    ALTER TABLE entries ADD COLUMN blocked INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX idx_entries_blocked ON entries (id) WHERE blocked != 0;
    CREATE TABLE defined (key TEXT PRIMARY KEY, slug TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
        created TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE entry_feeds (feed TEXT NOT NULL, entry_id TEXT NOT NULL,
        published TEXT NOT NULL, story TEXT NOT NULL, rank TEXT NOT NULL,
        PRIMARY KEY (feed, entry_id)) WITHOUT ROWID;
    CREATE INDEX idx_entry_feeds_window ON entry_feeds (feed, published, entry_id);
    CREATE INDEX idx_entry_feeds_story ON entry_feeds (feed, story, rank);
    CREATE INDEX idx_entry_feeds_entry ON entry_feeds (entry_id);
    CREATE TABLE matched (entry_id TEXT PRIMARY KEY, signature TEXT NOT NULL) WITHOUT ROWID
"""


def _v10(db: Database) -> None:
    # Defined feeds and rules (see store.matching). entries.blocked: 0, or 1 + the index of
    # the rule that keeps the entry out of every feed and page. defined: each [[feeds]] table
    # by its name, with its slug, recorded once. entry_feeds: the entries each defined feed
    # may show (a story's copies that match; the feed shows the first by rank). matched: what
    # each entry was last matched as (its signature), so only changed ones are matched again.
    for statement in _V10.split(";"):
        if statement.strip():
            db.conn.execute(statement)


_V11 = """
    DROP TABLE matched;
    CREATE TABLE matched (entry_id TEXT PRIMARY KEY) WITHOUT ROWID;
    DELETE FROM meta WHERE name = 'matching';
    CREATE TRIGGER matched_entry AFTER UPDATE OF row_hash, tags, published, role, story,
        source_id ON entries
    BEGIN DELETE FROM matched WHERE entry_id = NEW.id; END;
    CREATE TRIGGER matched_item BEFORE INSERT ON items
    BEGIN DELETE FROM matched WHERE entry_id = NEW.entry_id OR entry_id = (SELECT entry_id
        FROM items WHERE source_id = NEW.source_id AND key = NEW.key); END;
    CREATE TRIGGER matched_item_moved AFTER UPDATE OF entry_id ON items
    BEGIN DELETE FROM matched WHERE entry_id IN (OLD.entry_id, NEW.entry_id); END;
    CREATE TRIGGER matched_item_gone AFTER DELETE ON items
    BEGIN DELETE FROM matched WHERE entry_id = OLD.entry_id; END
"""


def _v11(db: Database) -> None:
    # matched: the entries matched since they last changed, kept so by triggers (a change to
    # an entry's row, tags, dates, story, role or copies forgets its row), where a signature
    # compared on every run cost a pass over every entry: only the forgotten are matched again.
    # (split at the ends of lines: a trigger's body holds a statement of its own)
    for statement in _V11.split(";\n"):
        if statement.strip():
            db.conn.execute(statement)


MIGRATIONS: list[Callable[[Database], None]] = [
    _v1, _v2, _v3, _v4, _v5, _v6, _v7, _v8, _v9, _v10, _v11,
]  # fmt: skip
VERSION = len(MIGRATIONS)


def describe(e: sqlite3.Error, path: object) -> str:
    """One line for an SQLite error on the database at ``path``, saying what to do.

    Only SQLite's own verdict that the file is damaged (SQLITE_CORRUPT, SQLITE_NOTADB) earns
    the advice to delete it: a full disk or a read-only file is a healthy database that
    deleting would lose for nothing.
    """
    name = getattr(e, "sqlite_errorname", "") or ""
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return (
            f"{path}: {e}: the database is damaged; delete it (and any -wal and -shm "
            "file beside it) and run again: it is rebuilt from the seeds and sources with "
            "the same entry ids"
        )
    if name.startswith("SQLITE_FULL"):
        return f"{path}: {e}: free space on its disk and run again"
    if name.startswith("SQLITE_READONLY"):
        return f"{path}: {e}: feedd needs to write the database and its folder"
    if name.startswith("SQLITE_CANTOPEN"):
        return f"{path}: {e}: check that its folder exists and can be written"
    return f"{path}: {e}"


def migrate_check(version: int, path: str) -> None:
    """Refuse a database a newer feedd wrote."""
    if version > VERSION:
        raise DatabaseError(
            path,
            f"written by a newer feedd (schema version {version}; this feedd reads up to "
            f"{VERSION}): upgrade feedd, or point `database` at another file",
        )


def readable(conn: sqlite3.Connection, path: str = "") -> None:
    """Refuse to read a database of another schema than this feedd's: a newer feedd's, or
    an older one's, which a run (that may write) brings up to date first."""
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    migrate_check(current, path)
    if 0 < current < VERSION:
        raise DatabaseError(
            path,
            f"written by an older feedd (schema version {current}; this feedd reads "
            f"{VERSION}): run `feedd once` (or start `feedd run`) to bring it up to date",
        )


def migrate(conn: sqlite3.Connection, path: str = "") -> None:
    """Bring the database to VERSION; refuse one written by a newer feedd."""
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    migrate_check(current, path)
    if current == VERSION:
        return
    from sqlite_utils import Database  # imported only for a migration: most opens have none

    db = Database(conn)
    for version in range(current, VERSION):
        with conn:
            conn.execute("BEGIN")  # DDL too: sqlite3 opens no transaction for it by itself
            MIGRATIONS[version](db)
            conn.execute(f"PRAGMA user_version = {version + 1}")
