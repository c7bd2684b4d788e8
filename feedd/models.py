"""The types data takes on its way through feedd, one per stage.

``SeedFile`` is what a scan of the seeds folder finds, ``Item`` is an article after
normalizing (pure data, no database identity yet), ``Entry`` is an item as the store keeps and
publishes it, with its stable id.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple


def tag_key(tag: str) -> str:
    """The identity of a tag: NFKC, case-folded, whitespace collapsed. What the store keeps
    of each entry's tags (normalize.tags.key) and what a query's ``tag:`` looks them up by
    (feedd.query): one rule, here, where both can reach it."""
    return " ".join(unicodedata.normalize("NFKC", tag).split()).casefold()


def _positional(self: object) -> tuple:
    """Pickle as a constructor call: a slotted dataclass's default (a Python-level
    ``__setstate__``) is much slower, and it is paid per file on a cold start, when items
    come back from the worker processes."""
    return (type(self), tuple(getattr(self, n) for n in self.__slots__))  # type: ignore[attr-defined]


class SeedFile(NamedTuple):
    """A regular file below the seeds folder, as the scan saw it (a named tuple: a scan makes
    one per file on every run, and a tuple is much quicker to make than a dataclass)."""

    key: str  # path relative to the seeds folder, '/'-separated: the source key
    path: str  # absolute path to read
    size: int
    mtime_ns: int


class Enclosure(NamedTuple):
    """A file an entry links to: an image, a podcast's audio. Published as an Atom
    ``link rel="enclosure"``, an image also as the thumbnail readers show."""

    url: str  # absolute, or (from a seed's front matter) relative to base_url
    type: str | None = None  # MIME type, when known
    length: int | None = None  # bytes, when known
    image: bool = False


class Sketch(NamedTuple):
    """What the store keeps of a text to find its near-duplicates (see normalize.similar)."""

    tokens: int  # tokens in the part of the text sketched
    exact: bytes  # hash of that token sequence: equal for texts equal after normalizing
    digest: bytes  # MinHash values, uint32 little-endian
    bands: tuple[int, ...]  # LSH band hashes, signed 64-bit


class Credit(NamedTuple):
    """Another copy of a story, linked from its published entry: ``via`` (a copy credited)
    or ``alternate`` (the story in another script or language, ``hreflang``)."""

    href: str
    rel: str
    hreflang: str | None = None


@dataclass(frozen=True, slots=True)
class RawEntry:
    """One entry of a remote feed as parsed, before normalizing: every field may be missing."""

    guid: str | None
    link: str | None
    title: str | None
    content: str | None  # HTML (content, else summary)
    summary: str | None  # HTML or text
    published: datetime | str | None  # a string as written (JSON Feed), read by normalize
    updated: datetime | str | None
    author: str | None = None
    lang: str | None = None
    tags: tuple[str, ...] = ()
    # (url, type, length, image) as the feed gives them, unchecked: enclosures, Media RSS
    # thumbnails and content, JSON Feed attachments and images
    enclosures: tuple[tuple[object, object, object, bool], ...] = ()


@dataclass(frozen=True, slots=True)
class RawFeed:
    """A remote feed as parsed."""

    title: str | None
    link: str | None
    lang: str | None
    entries: tuple[RawEntry, ...]
    id: str | None = None  # an Atom feed's own id


@dataclass(frozen=True, slots=True)
class Item:
    """One article, normalized; what the store decides about."""

    source_key: str
    content_hash: str  # over the normalized title and text: see normalize.text.content_hash
    title: str
    summary: str
    html: bytes  # rendered and sanitized body, UTF-8: stored and published as such
    lang: str  # BCP 47 tag of the article, e.g. "zh-CN", "pt"
    lang_group: str  # the language feed it belongs to, e.g. "zh-Hans", "pt"
    tags: tuple[str, ...] = ()  # display forms, first-seen spelling, case-insensitively unique
    link: str | None = None
    author: str | None = None
    published: datetime | None = None  # from the file; None: the store uses first-seen time
    updated: datetime | None = None  # lastmod/updated from the file, if any
    enclosures: tuple[Enclosure, ...] = ()
    draft: bool = False
    pinned_id: str | None = None  # the stored id the article's `id` key asks for: see ids.py
    fingerprint: str = ""  # hash of every field a feed shows but the dates: see article.py
    sketch: Sketch | None = None  # made by the reader when stories are on; else by the store
    warnings: tuple[str, ...] = field(default=(), compare=False)

    __reduce__ = _positional


@dataclass(frozen=True, slots=True)
class Entry:
    """A published article as stored: what a feed is written from."""

    id: str  # stored id; a feed shows ids.public_entry_id of it
    content_hash: str
    title: str
    summary: str
    html: bytes  # UTF-8, as stored: escaped and written out without being decoded first
    lang: str
    lang_group: str
    tags: tuple[str, ...]
    link: str | None
    author: str | None
    published: datetime
    updated: datetime
    enclosures: tuple[Enclosure, ...] = ()
    story: str = ""  # the id its story is published under in all and tag feeds
    lang_id: str = ""  # the id it is published under in its language's feed
    credits: tuple[Credit, ...] = ()  # its story's other copies
    source_id: int = 0  # where the copy it shows comes from: 0 a seed file, else a source
