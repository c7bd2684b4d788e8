"""Parse a fetched feed's bytes: sniff the format, then one small adapter per format.

RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 go through feedparser (given bytes and headers; feedd does
the HTTP), JSON Feed 1.0/1.1 through its own adapter; both return the same ``RawFeed``.

No XML entity is ever expanded (``_defuse``). feedparser parses with expat, which expands
entities declared in a DOCTYPE up to a hundredfold amplification (a 10 MB feed: 1 GB), and
when that parse fails it falls back to a loose parser that expands the "safe" entities it
found in the DOCTYPE with no limit at all. feedd gives feedparser defusedxml's expat reader
instead (an entity declaration or external reference is refused as the parser meets it) and
a DOCTYPE step that drops every entity declaration, so the loose parser has none to expand:
a feed whose entities were stripped is read with their references left as text; a feed that
declares entities where they cannot be stripped is refused with the reason.
tests/test_sources_feeds.py holds each shape of the attack.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import time
from typing import Any
from urllib.parse import urljoin

from ..errors import FeedParseError
from ..models import RawEntry, RawFeed

UTC = dt.UTC


_DEFUSED = False


def _defuse() -> None:
    """Make feedparser's two XML paths expand no entity (see the module docstring)."""
    global _DEFUSED
    if _DEFUSED:
        return
    import re

    import feedparser.api

    entity = re.compile(rb"<!ENTITY[^>]*>")
    doctype = re.compile(rb"<!DOCTYPE[^>\[]*(?:\[[^\]]*\])?[^>]*>")
    first_element = re.compile(rb"<\w")

    def replace_doctype(data: bytes) -> tuple[str | None, bytes, dict[str, str]]:
        # feedparser's own step re-declares "safe" entities for both parsers; this one drops
        # the DOCTYPE and every declaration before the first element, and hands none on.
        # Whatever it misses, the defused strict parser still refuses.
        m = first_element.search(data)
        cut = m.start() if m else len(data)
        head, rest = data[:cut], data[cut:]
        version = "rss091n" if b"netscape" in head.lower() and b"<!DOCTYPE" in head else None
        head = doctype.sub(b"", entity.sub(b"", head))
        return version, head + rest, {}

    feedparser.api.replace_doctype = replace_doctype
    # make_parser tries these modules first: defusedxml's reader is expat that refuses
    # entity declarations and external references instead of expanding or fetching them
    feedparser.api.PREFERRED_XML_PARSERS = ["defusedxml.expatreader"]
    _DEFUSED = True


def parse_feed(body: bytes, headers: dict[str, str], url: str) -> RawFeed:
    """Read a feed of any supported format; relative links resolve against ``url``."""
    head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{"):
        return _json_feed(body, url)
    return _xml_feed(body, headers, url)


def _struct(t: time.struct_time | None) -> dt.datetime | None:
    if not t:
        return None
    try:
        return dt.datetime.fromtimestamp(calendar.timegm(t), UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _xml_feed(body: bytes, headers: dict[str, str], url: str) -> RawFeed:
    import feedparser  # imported late: only runs with remote sources
    from defusedxml import DefusedXmlException

    _defuse()
    hdrs = {k.lower(): v for k, v in headers.items()}
    hdrs.setdefault("content-location", url)  # the base for relative links
    try:
        d = feedparser.parse(
            body, response_headers=hdrs, sanitize_html=False, resolve_relative_uris=True
        )
    except DefusedXmlException as e:
        raise FeedParseError(
            f"refused: the feed declares XML entities or external "
            f"references, which feedd never expands ({e})"
        ) from None
    if d.get("bozo") and not d.get("entries") and not d.get("feed"):
        raise FeedParseError(f"not a feed: {d.get('bozo_exception')}")
    if not d.get("version") and not d.get("entries"):
        raise FeedParseError("not an RSS, Atom or JSON feed")
    f = d.get("feed") or {}
    entries = []
    for e in d.get("entries") or ():
        content = None
        if e.get("content"):
            content = next(
                (c.value for c in e.content if "html" in c.get("type", "")), e.content[0].value
            )
        summary = e.get("summary")
        tags = tuple(t.get("term") or t.get("label") or "" for t in e.get("tags", []))
        author = e.get("author") or (e.get("author_detail") or {}).get("name")
        entries.append(
            RawEntry(
                guid=e.get("id") or None,
                link=_absolute(e.get("link"), url),
                title=e.get("title"),
                content=content or summary,
                summary=summary,
                published=_struct(e.get("published_parsed")),
                # dict.get: feedparser would map a missing "updated" to "published" (and warn)
                updated=_struct(dict.get(e, "updated_parsed")),
                author=author,
                lang=(e.get("content", [{}])[0].get("language") if e.get("content") else None)
                or e.get("language"),
                tags=tuple(t for t in tags if t),
                enclosures=_xml_enclosures(e, url),
            )
        )
    guid = f.get("id") if str(d.get("version", "")).startswith("atom") else None
    return RawFeed(
        f.get("title"), _absolute(f.get("link"), url), f.get("language"), tuple(entries), guid
    )


def _xml_enclosures(e: Any, base: str) -> tuple[tuple[object, object, object, bool], ...]:
    """RSS ``<enclosure>`` and Atom ``link rel="enclosure"`` (feedparser's ``enclosures``),
    Media RSS ``media:thumbnail`` and ``media:content``, as given."""
    out: list[tuple[object, object, object, bool]] = []
    for m in _dicts(e.get("media_thumbnail")):
        out.append((_absolute(m.get("url"), base), None, None, True))
    for m in _dicts(e.get("media_content")):
        image = m.get("medium") == "image"
        out.append((_absolute(m.get("url"), base), m.get("type"), m.get("filesize"), image))
    for m in _dicts(e.get("enclosures")):
        out.append(
            (_absolute(m.get("href") or m.get("url"), base), m.get("type"), m.get("length"), False)
        )
    return tuple(out)


def _dicts(value: Any) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _absolute(link: Any, base: str) -> str | None:
    if not isinstance(link, str) or not link.strip():
        return None
    try:
        return urljoin(base, link.strip())
    except ValueError:  # "http://[x": no URL (an unclosed IPv6 bracket)
        return None


def _json_date(value: Any) -> str | None:
    """A JSON Feed date as written: normalize.remote reads it (RFC 3339 by the spec)."""
    return value if isinstance(value, str) and value.strip() else None


def _json_feed(body: bytes, url: str) -> RawFeed:
    try:
        doc = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise FeedParseError(f"broken JSON: {e}") from None
    if not isinstance(doc, dict) or not str(doc.get("version", "")).startswith(
        "https://jsonfeed.org/version/"
    ):
        raise FeedParseError("JSON without a JSON Feed version")
    base = doc.get("feed_url") if isinstance(doc.get("feed_url"), str) else url
    entries = []
    for it in doc.get("items") or []:
        if not isinstance(it, dict):
            continue
        authors = it.get("authors") or (
            [it["author"]] if isinstance(it.get("author"), dict) else []
        )
        author = next(
            (a.get("name") for a in authors if isinstance(a, dict) and a.get("name")), None
        )
        text = it.get("content_text")
        content = it.get("content_html") or (
            "<p>" + _escape(text) + "</p>" if isinstance(text, str) else None
        )
        tags = it.get("tags") if isinstance(it.get("tags"), list) else []
        entries.append(
            RawEntry(
                guid=str(it["id"]) if it.get("id") not in (None, "") else None,
                link=_absolute(it.get("url") or it.get("external_url"), base),
                title=it.get("title") if isinstance(it.get("title"), str) else None,
                content=content if isinstance(content, str) else None,
                summary=it.get("summary") if isinstance(it.get("summary"), str) else None,
                published=_json_date(it.get("date_published")),
                updated=_json_date(it.get("date_modified")),
                author=author if isinstance(author, str) else None,
                lang=it.get("language") if isinstance(it.get("language"), str) else None,
                tags=tuple(t for t in tags if isinstance(t, str)),
                enclosures=_json_enclosures(it, base),
            )
        )
    title = doc.get("title") if isinstance(doc.get("title"), str) else None
    lang = doc.get("language") if isinstance(doc.get("language"), str) else None
    return RawFeed(title, _absolute(doc.get("home_page_url"), base), lang, tuple(entries))


def _json_enclosures(it: dict, base: str) -> tuple[tuple[object, object, object, bool], ...]:
    """JSON Feed's ``image`` and ``banner_image``, then its ``attachments``, as given."""
    out: list[tuple[object, object, object, bool]] = [
        (_absolute(it.get(k), base), None, None, True) for k in ("image", "banner_image")
    ]
    for a in _dicts(it.get("attachments")):
        out.append(
            (_absolute(a.get("url"), base), a.get("mime_type"), a.get("size_in_bytes"), False)
        )
    return tuple(out)


def _escape(text: str) -> str:
    import html

    return html.escape(text).replace("\n\n", "</p><p>")
