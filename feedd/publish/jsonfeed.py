"""Write JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/) beside every Atom feed.

Each ``.json`` feed carries what its ``.atom`` twin carries, in the same order: the same
entry ids (``id``), titles, dates, HTML content, summaries, links, tags and attachments, so
a reader moving from one format to the other sees no article twice. Like the Atom entries,
an item is serialized once and its bytes shared by every feed it is in (see site); the feed
holds no date of its own, so an unchanged feed is byte for byte the same.

What JSON Feed has no field for goes in an extension object, ``_feedd`` (the spec's rule for
extensions: a key beginning with an underscore): a story's other copies, as Atom's ``via``
and ``alternate hreflang`` links (see store.stories).
"""

from __future__ import annotations

import datetime as dt
import json

from .. import PROJECT_URL
from ..ids import public_entry_id
from ..models import Entry
from ..normalize import media
from .html import entry_url
from .info import FeedInfo, Origin, absolute_url, origin_of

VERSION = "https://jsonfeed.org/version/1.1"
EXTENSION = PROJECT_URL + "#json-feed"  # what the ``_feedd`` object is (see the README)


def head(
    info: FeedInfo, *, base_url: str, feed_url: str, author: str, hubs: tuple[str, ...] = ()
) -> dict:
    """The feed object without its items; ``hubs``: its WebSub hubs."""
    out = {
        "version": VERSION,
        "title": _clean(info.title),
        "home_page_url": base_url,
        "feed_url": feed_url,
        "authors": [{"name": _clean(author)}],
    }
    if info.lang:
        out["language"] = info.lang
    if hubs:
        out["hubs"] = [{"type": "WebSub", "url": h} for h in hubs]
    return out


def assemble(feed: dict, items: list[bytes]) -> bytes:
    """The feed from its head (see ``head``) and its items' JSON, in order."""
    start = _dumps({**feed, "items": []})[:-2]  # '..."items":[]}' -> '..."items":['
    return b"".join([start.encode(), b",".join(items), b"]}\n"])


def item_json(
    e: Entry,
    tag_names: dict[str, str],
    *,
    base_url: str,
    author: str,
    site_id: str,
    published_id: str | None = None,
    origins: dict[int, Origin] | None = None,
    pages: bool = True,
) -> bytes:
    """One item, as it appears in every feed, under ``published_id`` (see atom.entry_xml);
    where a remote entry came from (Atom's ``<source>``) goes in ``_feedd.source``."""
    pid = published_id or e.story or e.id
    title = _clean(e.title) or "(untitled)"
    item: dict = {
        "id": public_entry_id(site_id, pid),
        "title": title,
        "content_html": _clean(e.html.decode("utf-8", "replace")) or f"<p>{title}</p>",
        "summary": _clean(e.summary) or title,
        "date_published": _date(e.published),
        "date_modified": _date(e.updated),
        "authors": [{"name": _clean(e.author or author)}],
        "language": e.lang,
    }
    if link := entry_url(e, base_url, site_id, pages):
        item["url"] = link
    if e.tags:
        item["tags"] = [_clean(tag_names.get(k, k)) for k in e.tags]
    attachments = []
    for enc in e.enclosures:
        if not media.stored(enc.url):  # a database edited by others may hold anything
            continue
        a = {"url": absolute_url(base_url, enc.url),
             "mime_type": enc.type or "application/octet-stream"}  # fmt: skip
        if enc.length:
            a["size_in_bytes"] = int(enc.length)
        attachments.append(a)
        if enc.image and "image" not in item:
            item["image"] = a["url"]
    if attachments:
        item["attachments"] = attachments
    extension: dict = {}
    if e.credits:
        extension["links"] = [
            {"url": c.href, "rel": c.rel, **({"hreflang": c.hreflang} if c.hreflang else {})}
            for c in e.credits
        ]
    origin = origin_of(e.source_id, origins)
    if origin is not None:
        extension["source"] = {"title": _clean(origin.title), "feed_url": origin.url}
        if origin.home:
            extension["source"]["home_page_url"] = origin.home
    if extension:
        item["_feedd"] = {"about": EXTENSION, **extension}
    return _dumps(item).encode()


def _dumps(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def _clean(s: str) -> str:
    """A string that encodes as UTF-8: a lone surrogate (from a database edited by something
    else) becomes U+FFFD, never an error halfway through a feed."""
    try:
        s.encode()
        return s
    except UnicodeEncodeError:
        return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in s)


def _date(d: dt.datetime) -> str:
    if d.utcoffset() is None:
        raise ValueError(f"a naive datetime cannot go into a feed: {d}")
    return d.isoformat()
