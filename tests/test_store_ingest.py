"""The store on a real SQLite file: renames, duplicates, shared entries, schema versions."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from feedd.errors import DatabaseError
from feedd.models import Item
from feedd.normalize.text import content_hash
from feedd.store import Store, schema

DATA = Path(__file__).parent / "data"

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
MTIME = 1_700_000_000 * 10**9


def item(key: str, text: str, **kw: object) -> Item:
    fields = dict(
        source_key=key, content_hash=content_hash("T", text), title="T", summary=text,
        html=f"<p>{text}</p>".encode(), lang="en", lang_group="en", tags=("News",),
        published=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
    )  # fmt: skip
    fields.update(kw)
    return Item(**fields)


def ids(store: Store) -> dict[str, str | None]:
    return dict(store._conn.execute("SELECT key, entry_id FROM items"))


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "db" / "feedd.db")
    yield s
    s.close()


def test_rename_keeps_the_entry(store: Store) -> None:
    store.items.ingest([("a.md", 1, MTIME, item("a.md", "hello"))], [], NOW)
    eid = ids(store)["a.md"]
    ch = store.items.ingest([("b.md", 1, MTIME, item("b.md", "hello"))], ["a.md"], NOW)
    assert ids(store) == {"b.md": eid}
    assert (ch.new, ch.removed) == (0, 0)


def test_duplicate_outlives_its_original(store: Store) -> None:
    ch = store.items.ingest(
        [("a.md", 1, MTIME, item("a.md", "x")), ("b.md", 1, MTIME, item("b.md", "x"))], [], NOW
    )
    assert (ch.new, ch.folded) == (1, 1)
    eid = ids(store)["a.md"]
    assert ids(store)["b.md"] == eid
    ch = store.items.ingest([], ["a.md"], NOW)
    assert ch.removed == 0
    assert store._conn.execute("SELECT source_key FROM entries").fetchone()[0] == "b.md"
    ch = store.items.ingest([], ["b.md"], NOW)
    assert ch.removed == 1 and store.feeds.totals() == (0, 0, 0)


def test_editing_one_copy_of_a_shared_article_keeps_the_other(store: Store) -> None:
    store.items.ingest(
        [("a.md", 1, MTIME, item("a.md", "x")), ("b.md", 1, MTIME, item("b.md", "x"))], [], NOW
    )
    eid = ids(store)["a.md"]
    ch = store.items.ingest([("a.md", 2, MTIME + 1, item("a.md", "x, edited"))], [], NOW)
    assert ch.new == 1
    got = ids(store)
    assert got["b.md"] == eid and got["a.md"] != eid  # the old article is not re-announced


def test_edit_in_place_bumps_updated_and_keeps_id(store: Store) -> None:
    store.items.ingest([("a.md", 1, MTIME, item("a.md", "v1"))], [], NOW)
    before = store._conn.execute("SELECT id, updated FROM entries").fetchone()
    store.items.ingest([("a.md", 2, MTIME, item("a.md", "v2"))], [], NOW)
    after = store._conn.execute("SELECT id, updated FROM entries").fetchone()
    assert after[0] == before[0] and after[1] > before[1]


def test_tag_spelling_is_the_first_seen(store: Store) -> None:
    store.items.ingest([("a.md", 1, MTIME, item("a.md", "a", tags=("DeepSeek",)))], [], NOW)
    store.items.ingest(
        [("b.md", 1, MTIME, item("b.md", "b", tags=("deepseek", "Deepseek")))], [], NOW
    )
    assert [(k, n, s) for k, n, s, _ in store.feeds.tags()] == [
        ("deepseek", "DeepSeek", "deepseek")
    ]


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "feedd.db"
    Store(path).close()
    con = sqlite3.connect(path)
    con.execute("PRAGMA user_version = 99")
    con.close()
    with pytest.raises(DatabaseError):
        Store(path)


def test_a_first_load_decides_as_a_later_load_does(tmp_path: Path) -> None:
    """The first load skips lookups that can only find nothing; the outcome must not move."""
    batch = [(k, 1, MTIME, item(k, text)) for k, text in
             [("a.md", "x"), ("b.md", "y"), ("c.md", "x"), ("d.md", "z"), ("e.md", "y")]]  # fmt: skip
    first = Store(tmp_path / "first.db")
    later = Store(tmp_path / "later.db")
    later.items.ingest([("0.md", 1, MTIME, item("0.md", "other"))], [], NOW)
    reader = sqlite3.connect(tmp_path / "later.db")  # an open reader keeps WAL mode
    reader.execute("SELECT count(*) FROM entries").fetchone()
    a, b = first.items.ingest(batch, [], NOW), later.items.ingest(batch, [], NOW)
    assert (a.new, a.folded) == (b.new, b.folded) == (3, 2)
    assert ids(first) == {k: v for k, v in ids(later).items() if k != "0.md"}
    for s in (first, later):
        assert s._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        s.close()
    reader.close()


TAG_ROWS = "SELECT tag_key, entry_id, published FROM entry_tags"


def load_v3(path: Path) -> None:
    """A database as the feedd before schema 4 wrote it, from the shipped seeds."""
    con = sqlite3.connect(path)
    con.executescript((DATA / "db_v3_seeds.sql").read_text(encoding="utf-8"))
    con.execute("PRAGMA user_version = 3")
    con.close()


def test_an_older_database_is_migrated_with_its_data(tmp_path: Path) -> None:
    path = tmp_path / "feedd.db"
    load_v3(path)
    con = sqlite3.connect(path)
    before = con.execute("SELECT id, tags, updated FROM entries ORDER BY id").fetchall()
    tag_rows = sorted(con.execute(TAG_ROWS))
    con.close()
    new = Store(path)
    try:
        c = new._conn
        assert c.execute("PRAGMA user_version").fetchone()[0] == schema.VERSION == 11
        assert c.execute("SELECT id, tags, updated FROM entries ORDER BY id").fetchall() == before
        assert sorted(c.execute(TAG_ROWS)) == tag_rows
        assert c.execute("SELECT DISTINCT source_id FROM entries").fetchall() == [(0,)]
        # each copy's tags, from the entry it publishes; every seed is read again
        assert c.execute("SELECT count(*) FROM items WHERE tags IS NULL").fetchone()[0] == 0
        assert c.execute("SELECT DISTINCT mtime_ns FROM items").fetchall() == [(-1,)]
        assert len(new.items.notices("http://127.0.0.1:8080/")) == 1  # said once ...
        assert new.items.notices("http://127.0.0.1:8080/") == []  # ... and only once
    finally:
        new.close()


def test_sources_get_their_slugs_by_migration_in_the_order_they_came(
    tmp_path: Path, monkeypatch
) -> None:
    from feedd.store import schema

    path = tmp_path / "feedd.db"
    monkeypatch.setattr(schema, "VERSION", 8)
    Store(path).close()
    monkeypatch.undo()
    con = sqlite3.connect(path)
    with con:
        con.executemany(
            "INSERT INTO sources (config_url, origin, url, name) VALUES (?, 'config', ?, ?)",
            [("https://a.example/feed.xml", "https://a.example/feed.xml", "Planet"),
             ("https://b.example/rss", "https://b.example/rss", "planet"),
             ("https://c.example/blog/atom.xml", "https://c.example/blog/atom.xml", None)],
        )  # fmt: skip
    con.close()
    new = Store(path)
    try:
        assert [s.slug for s in new.sources.all()] == ["planet", "planet-2", "c-example-blog"]
        assert (
            new._conn.execute("SELECT count(*) FROM entries WHERE blocked != 0").fetchone()[0] == 0
        )
    finally:
        new.close()


def test_a_migration_that_fails_leaves_the_old_schema(tmp_path: Path, monkeypatch) -> None:
    from feedd.store import schema

    path = tmp_path / "feedd.db"
    monkeypatch.setattr(schema, "VERSION", 2)
    Store(path).close()
    monkeypatch.undo()

    def broken(db) -> None:
        db.execute("DROP TABLE items")
        raise OSError("disk full")

    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS[:2], broken])
    with pytest.raises(OSError):
        Store(path)
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA user_version").fetchone()[0] == 2
        assert con.execute("SELECT count(*) FROM items").fetchone() == (0,)
    finally:
        con.close()
