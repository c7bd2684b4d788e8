"""Finish an ``Item``: the one place its fingerprint is computed, for seeds and remote entries.

The fingerprint is a hash of everything a feed shows of an item but its dates. The store
compares it to tell a metadata change (new tags, a fixed summary) from nothing at all; the
dates are left out because the store decides those (first seen, edited). The content hash
stands for title and body (the HTML is rendered from the body).
"""

from __future__ import annotations

from typing import Any

from ..models import Item
from .dates import iso
from .tags import key
from .text import stable_hash


def finish(**fields: Any) -> Item:
    """An Item from its fields, with its fingerprint."""
    published, updated = fields.get("published"), fields.get("updated")
    fields["fingerprint"] = stable_hash(
        [fields["content_hash"], fields["summary"], fields["lang"], fields["lang_group"],
         [key(t) for t in fields.get("tags", ())], fields.get("link"), fields.get("author"),
         published and iso(published), updated and iso(updated)]
    )  # fmt: skip
    return Item(**fields)
