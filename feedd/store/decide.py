"""What a freshly read file means for the store: new, edit, duplicate, refresh or unchanged.

Pure: it takes the stored rows, the new item and the time, and returns an intent; the store
carries the intent out. Keeping the decision here keeps the rules in one readable place and
makes them table-testable without a database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from ..ids import entry_id
from ..models import Item

# Stored ids are urn:uuid:<uuid5 of the source key> (see ids.py): derived from the file's path
# below the seeds folder, so a rebuilt database gives every file its old id, and an edit (same
# path) keeps it; or pinned by the article's `id` key. Never from the title, link or date: a
# changed slug or date must not re-publish an old post.
ONE_SECOND = dt.timedelta(seconds=1)

Action = Literal["new", "edit", "attach", "refresh", "rehash", "unchanged", "draft"]


@dataclass(frozen=True, slots=True)
class Stored:
    """The parts of a stored entry a decision needs."""

    id: str
    content_hash: str
    source_key: str
    row_hash: str
    published: dt.datetime
    updated: dt.datetime
    refs: int  # how many files publish this entry
    source_id: int = 0  # with source_key, the item whose metadata the entry shows
    tags: tuple[str, ...] = ()  # tag keys the entry is published with (its copies' union)


@dataclass(frozen=True, slots=True)
class Intent:
    action: Action
    entry_id: str | None = None  # the entry the file publishes afterwards
    published: dt.datetime | None = None
    updated: dt.datetime | None = None
    release: str | None = None  # an entry the file stops publishing (deleted if unreferenced)


def natural_id(item: Item) -> str:
    """The id a new entry of this item gets unless another entry has it already."""
    return item.pinned_id or entry_id(item.source_key)


def decide(
    item: Item,
    row_hash: str,
    current: Stored | None,
    match: Stored | None,
    first_seen: dt.datetime,
    mtime: dt.datetime,
    id_taken: bool,
    source_id: int = 0,
) -> Intent:
    """Decide for one file.

    ``current`` is the entry the file published until now, ``match`` the entry that already
    has the item's content hash (the same one for an unchanged article). ``first_seen`` is when
    the file was first seen (the date of an undated article), ``mtime`` when it last changed,
    neither later than now. ``id_taken``
    says the file's natural id (see ``natural_id``) is already used by another entry.
    ``source_id`` is the item's source (0: the seeds folder): with its source key it tells
    the copy an entry shows from the others (two feeds may carry the same guid).
    """
    release = current.id if current is not None else None
    if item.draft:
        return Intent("draft", release=release)

    shown = current is not None and (
        (current.source_id, current.source_key) == (source_id, item.source_key)
    )
    if match is not None and current is not None and match.id == current.id:
        if not shown or current.row_hash == row_hash:
            return Intent("unchanged", entry_id=current.id)  # a duplicate's metadata is not shown
        return Intent(
            "refresh",
            entry_id=current.id,
            published=item.published or current.published,
            # a metadata change (tags, summary, an image) is no news: the date moves only
            # when the article's own says so
            updated=item.updated
            if item.updated and item.updated > current.updated
            else current.updated,
        )

    if match is not None:  # the article is already published from another file: fold into it
        return Intent("attach", entry_id=match.id, release=release)

    if current is not None and _version(current.content_hash) != _version(item.content_hash):
        # stored under an older way of hashing (normalize.text.HASH_VERSION): the same
        # article, re-hashed; not an edit, or an upgrade would bump every entry
        if not shown:
            return Intent("unchanged", entry_id=current.id)
        return Intent(
            "rehash",
            entry_id=current.id,
            published=item.published or current.published,
            updated=max(item.updated, current.updated) if item.updated else current.updated,
        )

    if current is not None and current.refs == 1:  # the only file of its entry was edited
        return Intent(
            "edit",
            entry_id=current.id,
            published=item.published or current.published,
            updated=_bumped(item, current, mtime),
        )

    published = item.published or first_seen
    updated = max(item.updated or published, published)
    new_id = entry_id(item.source_key, item.content_hash) if id_taken else natural_id(item)
    return Intent("new", entry_id=new_id, published=published, updated=updated, release=release)


def _version(content_hash: str) -> str:
    return content_hash.partition(":")[0]


def _bumped(item: Item, current: Stored, seen: dt.datetime) -> dt.datetime:
    """A later ``updated`` for an edited article: the file's own date if it moved on, else
    the file's mtime, and never the same as before, or readers would not show the edit."""
    if item.updated and item.updated > current.updated:
        return item.updated
    return max(seen, current.updated + ONE_SECOND)
