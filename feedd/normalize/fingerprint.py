"""Finish an ``Item``: the one place its fingerprint is computed, for seeds and remote entries.

The fingerprint is a hash of everything a feed shows of an item. The store compares it to
tell a metadata change (new tags, a fixed summary, an image) from nothing at all. It is made
of every field of ``Item`` but those in ``NOT_SHOWN``, so a field added to ``Item`` is an edit
when it changes without a line here: the first nine as they always were, any later one only
when it is set (so that adding a field does not move every stored fingerprint).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ..models import Item
from .dates import iso
from .tags import key
from .text import stable_hash

# title and html: the content hash stands for them; the rest is no part of what a feed shows
NOT_SHOWN = frozenset(
    ["source_key", "title", "html", "draft", "pinned_id", "fingerprint", "sketch", "warnings"]
)
# the fields the fingerprint was first made of, in its order
_FIRST = ("content_hash", "summary", "lang", "lang_group", "tags", "link", "author")
_FIRST += ("published", "updated")
_LATER = tuple(
    (f.name, f.default)
    for f in dataclasses.fields(Item)
    if f.name not in NOT_SHOWN and f.name not in _FIRST
)


def finish(**fields: Any) -> Item:
    """An Item from its fields, with its fingerprint."""
    published, updated = fields.get("published"), fields.get("updated")
    tags = [key(t) for t in fields.get("tags", ())]
    parts = [fields["content_hash"], fields["summary"], fields["lang"], fields["lang_group"], tags]
    parts += [fields.get("link"), fields.get("author")]
    parts += [published and iso(published), updated and iso(updated)]
    parts += [[n, fields[n]] for n, default in _LATER if fields.get(n, default) != default]
    fields["fingerprint"] = stable_hash(parts)
    return Item(**fields)
