"""Tags from front matter values, and URL slugs for them; pure.

A tag is compared case-insensitively (``casefold``) and shown in its first-seen spelling. A
slug keeps letters of every script (人工智能 stays 人工智能, percent-encoded in links) because
transliterating CJK is ambiguous; the store records each slug once and never moves it.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Container, Iterable

from ..models import tag_key
from .text import collapse

MAX_TAG_CHARS = 100
MAX_TAGS = 50  # per entry: more is tag spam, and each tag is a feed
MAX_SLUG_CHARS = 60
_SLUG_JUNK = re.compile(r"[^\w]+")


@functools.lru_cache(maxsize=8192)  # a corpus has a few hundred tags, each on many articles
def key(tag: str) -> str:
    """The identity of a tag (see models.tag_key)."""
    return tag_key(tag)


def values(raw: object) -> list[str]:
    """Tag strings from a front matter value: a list, a comma-separated string, or a scalar."""
    if raw is None or isinstance(raw, bool):
        return []
    if isinstance(raw, str):
        return raw.split(",")
    if isinstance(raw, int | float):
        return [str(raw)]
    if isinstance(raw, list | tuple):
        out: list[str] = []
        for v in raw:
            if isinstance(v, str | int | float) and not isinstance(v, bool):
                out.append(str(v))
        return out
    return []


def merge(*groups: Iterable[str]) -> tuple[str, ...]:
    """Union of tag lists, trimmed, case-insensitively unique, first-seen spelling kept."""
    seen: dict[str, str] = {}
    for g in groups:
        for t in g:
            t = collapse(unicodedata.normalize("NFC", t))[:MAX_TAG_CHARS]
            k = key(t)
            if k and k not in seen:
                seen[k] = t
    return tuple(seen.values())


def slugify(tag: str, empty: str = "tag") -> str:
    """A file- and URL-safe name for a tag; never empty, never a dot file.

    Letters and digits of any script stay; every other run of characters becomes one ``-``.
    ``C++`` becomes ``c-plus-plus`` rather than a bare ``c`` that would shadow the language C.
    """
    s = unicodedata.normalize("NFKC", tag).casefold()
    s = s.replace("++", "-plus-plus").replace("#", "-sharp").replace("&", "-and-")
    s = _SLUG_JUNK.sub("-", s).strip("-_")
    s = s[:MAX_SLUG_CHARS].strip("-_")
    return s or empty


def unique_slug(base: str, taken: Container[str]) -> str:
    """``base``, else ``base-2``, ``base-3`` ...: the first that is not ``taken``."""
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug
