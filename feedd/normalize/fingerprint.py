"""Finish an ``Item``: the one place its fingerprint is computed, for seeds and remote entries.

The fingerprint is a hash of everything a feed shows of an item but its dates. The store
compares it to tell a metadata change (new tags, a fixed summary) from nothing at all; the
dates are left out because the store decides those (first seen, edited). The content hash
stands for title and body (the HTML is rendered from the body).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ..models import Item
from .dates import iso
from .tags import key
from .text import stable_hash


def finish(**fields: Any) -> Item:
    """An Item from its fields, with its fingerprint."""
    item = Item(**fields)
    published, updated = item.published, item.updated
    fp = stable_hash(
        [item.content_hash, item.summary, item.lang, item.lang_group, [key(t) for t in item.tags],
         item.link, item.author, published and iso(published), updated and iso(updated)]
    )  # fmt: skip
    return dataclasses.replace(item, fingerprint=fp)
