"""Render one Atom 1.0 feed (RFC 4287) from stored entries with feedgen.

feedgen's gaps, each covered here and by a test: it prepends entries unless told
``order='append'``; it sets the feed's ``updated`` to the clock unless given one (we give the
newest entry's, so an unchanged feed is byte-for-byte the same); it has no per-entry
``xml:lang`` (an entry extension adds it); it raises on XML-illegal characters and naive
datetimes (text is cleaned and every date is aware UTC before it gets here).
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from typing import Any

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator

from .. import PROJECT_URL, __version__
from ..models import Entry
from ..normalize.text import xml_safe
from .info import FeedInfo

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


class _FeedExt(BaseExtension):
    pass


class _EntryFixes(BaseEntryExtension):
    """What feedgen cannot say of an entry: ``xml:lang``, and the ``rel``/``type`` of its
    alternate link (feedgen 1.0 drops both attributes of entry links when it writes them)."""

    lang: str | None = None
    link: str | None = None

    def extend_atom(self, entry):
        if self.lang:
            entry.attrib[XML_LANG] = self.lang
        for el in entry.iterfind("link"):  # feedgen builds elements without a namespace
            if el.get("href") == self.link:
                el.set("rel", "alternate")
                el.set("type", "text/html")
        return entry


def render(
    info: FeedInfo, entries: list[Entry], tag_names: dict[str, str], **settings: Any
) -> bytes:
    """The feed's bytes; the same arguments always give the same bytes.

    ``settings``: ``base_url``, ``feed_id``, ``author`` and ``empty_updated`` (the feed's
    ``updated`` while it has no entry). Stored text was cleaned of XML-illegal characters when
    it was normalized, so it goes in as it is; should any slip through anyway (lxml refuses
    them with ValueError), the feed is built again with every string cleaned here: never
    invalid XML, never a crash.
    """
    try:
        return _render(info, entries, tag_names, safe=_as_is, **settings)
    except ValueError:
        return _render(info, entries, tag_names, safe=xml_safe, **settings)


def _as_is(s: str) -> str:
    return s


def _render(
    info: FeedInfo,
    entries: list[Entry],
    tag_names: dict[str, str],
    *,
    base_url: str,
    feed_id: str,
    author: str,
    empty_updated: dt.datetime,
    safe: Callable[[str], str],
) -> bytes:
    fg = FeedGenerator()
    fg.register_extension("feedd", _FeedExt, _EntryFixes, atom=True, rss=False)
    fg.id(feed_id)
    fg.title(xml_safe(info.title))
    fg.author({"name": xml_safe(author)})
    fg.link(href=base_url + _quote_path(info.path), rel="self", type="application/atom+xml")
    fg.link(href=base_url, rel="alternate", type="text/html")
    fg.generator("feedd", __version__, PROJECT_URL)
    if info.lang:
        fg.language(info.lang)
    fg.updated(max((e.updated for e in entries), default=empty_updated))
    scheme = base_url + "tags/"
    for e in entries:
        fe = fg.add_entry(order="append")
        fe.id(e.id)
        title = safe(e.title) or "(untitled)"
        fe.title(title)
        fe.updated(e.updated)
        fe.published(e.published)
        fe.author({"name": safe(e.author or author)})
        if e.link:
            fe.link(href=safe(e.link), rel="alternate", type="text/html")
            fe.feedd.link = safe(e.link)
        fe.summary(safe(e.summary) or title)
        fe.content(safe(e.html) or f"<p>{html.escape(title)}</p>", type="html")
        for key in e.tags:
            fe.category(term=safe(tag_names.get(key, key)), scheme=scheme)
        if e.lang != info.lang:
            fe.feedd.lang = e.lang
    return fg.atom_str(pretty=True)


def _quote_path(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="/")
