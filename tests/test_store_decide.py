"""decide(): what a freshly read file means for the store, table-tested without a database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from feedd.models import Item
from feedd.store.decide import Intent, Stored, decide, entry_id

KEY = "posts/a.md"
OTHER = "posts/b.md"
T0 = dt.datetime(2025, 2, 1, tzinfo=dt.UTC)
T1 = dt.datetime(2025, 2, 2, tzinfo=dt.UTC)
FIRST_SEEN = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
MTIME = dt.datetime(2025, 3, 5, tzinfo=dt.UTC)


def item(content_hash: str = "v1:new", key: str = KEY, **kw: object) -> Item:
    fields: dict = dict(
        source_key=key, content_hash=content_hash, title="t", summary="s", html=b"<p>b</p>",
        lang="en", lang_group="en",
    )  # fmt: skip
    fields.update(kw)
    return Item(**fields)


def stored(id: str, content_hash: str, key: str = KEY, refs: int = 1, row: str = "row") -> Stored:
    return Stored(
        id=id, content_hash=content_hash, source_key=key, row_hash=row, published=T0,
        updated=T1, refs=refs,
    )  # fmt: skip


@dataclass
class Case:
    item: Item
    current: Stored | None
    match: Stored | None
    expected: Intent
    row_hash: str = "row"
    id_taken: bool = False
    mtime: dt.datetime = MTIME


MINE = entry_id(KEY)
THEIRS = entry_id(OTHER)

CASES = {
    "new-file": Case(
        item(),
        current=None,
        match=None,
        expected=Intent("new", entry_id=MINE, published=FIRST_SEEN, updated=FIRST_SEEN),
    ),
    "new-file-dated": Case(
        item(published=T0, updated=T1),
        current=None,
        match=None,
        expected=Intent("new", entry_id=MINE, published=T0, updated=T1),
    ),
    "new-file-updated-before-published": Case(
        item(published=T1, updated=T0),
        current=None,
        match=None,
        expected=Intent("new", entry_id=MINE, published=T1, updated=T1),
    ),
    "new-duplicate-attaches": Case(
        item("v1:dup"),
        current=None,
        match=stored(THEIRS, "v1:dup", key=OTHER),
        expected=Intent("attach", entry_id=THEIRS),
    ),
    "edit-into-a-duplicate-attaches-and-releases": Case(
        item("v1:dup"),
        current=stored(MINE, "v1:old"),
        match=stored(THEIRS, "v1:dup", key=OTHER),
        expected=Intent("attach", entry_id=THEIRS, release=MINE),
    ),
    "unchanged": Case(
        item("v1:same"),
        current=stored(MINE, "v1:same"),
        match=stored(MINE, "v1:same"),
        expected=Intent("unchanged", entry_id=MINE),
    ),
    "duplicate-file-metadata-change-is-not-shown": Case(
        item("v1:same", key=OTHER),
        current=stored(MINE, "v1:same", refs=2),
        match=stored(MINE, "v1:same", refs=2),
        row_hash="changed",
        expected=Intent("unchanged", entry_id=MINE),
    ),
    "metadata-only-change-refreshes": Case(
        item("v1:same", tags=("new tag",)),
        current=stored(MINE, "v1:same"),
        match=stored(MINE, "v1:same"),
        row_hash="changed",
        expected=Intent("refresh", entry_id=MINE, published=T0, updated=T1),
    ),
    "metadata-change-with-the-same-lastmod-keeps-updated": Case(
        # an image or a tag added (or first read, after an upgrade) is no news
        item("v1:same", updated=T1, tags=("new tag",)),
        current=stored(MINE, "v1:same"),
        match=stored(MINE, "v1:same"),
        row_hash="changed",
        expected=Intent("refresh", entry_id=MINE, published=T0, updated=T1),
    ),
    "metadata-change-with-an-older-lastmod-keeps-updated": Case(
        item("v1:same", updated=T0, tags=("new tag",)),
        current=stored(MINE, "v1:same"),
        match=stored(MINE, "v1:same"),
        row_hash="changed",
        expected=Intent("refresh", entry_id=MINE, published=T0, updated=T1),
    ),
    "metadata-change-with-later-lastmod": Case(
        item("v1:same", updated=MTIME + dt.timedelta(days=1)),
        current=stored(MINE, "v1:same"),
        match=stored(MINE, "v1:same"),
        row_hash="changed",
        expected=Intent(
            "refresh", entry_id=MINE, published=T0, updated=MTIME + dt.timedelta(days=1)
        ),
    ),
    "edit-in-place-keeps-id": Case(
        item("v1:edited"),
        current=stored(MINE, "v1:old"),
        match=None,
        expected=Intent("edit", entry_id=MINE, published=T0, updated=MTIME),
    ),
    "edit-with-mtime-not-after-updated-bumps-a-second": Case(
        item("v1:edited"),
        current=stored(MINE, "v1:old"),
        match=None,
        mtime=T0,
        expected=Intent("edit", entry_id=MINE, published=T0, updated=T1 + dt.timedelta(seconds=1)),
    ),
    "edit-with-new-date-in-file": Case(
        item("v1:edited", published=T0 - dt.timedelta(days=1)),
        current=stored(MINE, "v1:old"),
        match=None,
        expected=Intent("edit", entry_id=MINE, published=T0 - dt.timedelta(days=1), updated=MTIME),
    ),
    "edit-of-shared-entry-is-new-and-releases": Case(
        item("v1:edited"),
        current=stored(THEIRS, "v1:old", key=OTHER, refs=2),
        match=None,
        expected=Intent(
            "new", entry_id=MINE, published=FIRST_SEEN, updated=FIRST_SEEN, release=THEIRS
        ),
    ),
    "edit-of-shared-entry-under-own-id-gets-salted-id": Case(
        item("v1:edited"),
        current=stored(MINE, "v1:old", refs=2),
        match=None,
        id_taken=True,
        expected=Intent(
            "new",
            entry_id=entry_id(KEY, "v1:edited"),
            published=FIRST_SEEN,
            updated=FIRST_SEEN,
            release=MINE,
        ),
    ),
    "draft-of-new-file": Case(
        item(draft=True),
        current=None,
        match=None,
        expected=Intent("draft"),
    ),
    "draft-releases-its-entry": Case(
        item("v1:same", draft=True),
        current=stored(MINE, "v1:same"),
        match=stored(MINE, "v1:same"),
        expected=Intent("draft", release=MINE),
    ),
    "id-taken-gets-salted-id": Case(
        item("v1:new"),
        current=None,
        match=None,
        id_taken=True,
        expected=Intent(
            "new", entry_id=entry_id(KEY, "v1:new"), published=FIRST_SEEN, updated=FIRST_SEEN
        ),
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_decide(case: Case):
    got = decide(
        case.item,
        case.row_hash,
        case.current,
        case.match,
        first_seen=FIRST_SEEN,
        mtime=case.mtime,
        id_taken=case.id_taken,
    )
    assert got == case.expected


@pytest.mark.parametrize(
    "item_updated, mtime",
    [(None, T0), (None, MTIME), (T0, T0), (T1, T1), (MTIME, T0)],
    ids=["no-date-old-mtime", "no-date-new-mtime", "older-date", "same-date", "later-date"],
)
def test_edit_bumps_updated_strictly(item_updated, mtime):
    current = stored(MINE, "v1:old")
    got = decide(
        item("v1:edited", updated=item_updated), "row2", current, None, FIRST_SEEN, mtime, False
    )
    assert got.action == "edit"
    assert got.entry_id == current.id
    assert got.updated > current.updated


def test_salted_id_differs_from_natural_id():
    salted = entry_id(KEY, "v1:abc")
    assert salted != entry_id(KEY)
    assert salted.startswith("urn:uuid:")


def test_entry_id_is_stable_and_per_key():
    assert entry_id(KEY) == entry_id(KEY)
    assert entry_id(KEY) != entry_id(OTHER)
    assert entry_id(KEY).startswith("urn:uuid:")
