"""The fingerprint of an item: a hash of everything a feed shows of it but its dates.

The store compares it to tell a metadata change (new tags, a fixed summary) from nothing at
all; the dates are left out because the store decides those (first seen, edited). Seeds and
remote entries use this one function, so the two never drift apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from .dates import iso
from .tags import key
from .text import stable_hash


def fingerprint(
    content_hash: str,
    summary: str,
    lang: str,
    lang_group: str,
    tags: Sequence[str],
    link: str | None,
    author: str | None,
    published: dt.datetime | None,
    updated: dt.datetime | None,
) -> str:
    """The content hash stands for title and body (the HTML is rendered from the body)."""
    return stable_hash(
        [content_hash, summary, lang, lang_group, [key(t) for t in tags], link, author,
         published and iso(published), updated and iso(updated)]
    )  # fmt: skip
