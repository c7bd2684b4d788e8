"""One remote feed entry to an ``Item``, as a seed file becomes one; pure.

Remote bytes are untrusted: HTML goes through the same sanitizer as seeds, dates are checked
for sense, links made absolute and stripped of tracking parameters. What decides identity:

- the source key is the entry's guid (else its link, else its content hash), canonicalized so
  that GUID drift (``http``/``https``, a trailing slash, a tag URI's date) is no new entry;
- the content hash is taken over title and text only, so per-fetch noise (tracking pixels,
  ``utm_*`` parameters in links, rotating image URLs) never makes an edit.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..errors import DateError
from ..models import Item, RawEntry, RawFeed
from . import dates, html, lang, media, tags, text
from .fingerprint import finish

TITLE_CHARS = 80
SUMMARY_CHARS = 280
MAX_KEY_CHARS = 512  # a longer guid is hashed into the item's key
FUTURE_SLACK = dt.timedelta(days=1)
EARLIEST = dt.datetime(1995, 1, 1, tzinfo=dt.UTC)  # before RSS: a zero or broken timestamp
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|dclid|mc_cid|mc_eid|_hsenc|_hsmi|mkt_tok|igshid)$")
_PIXEL = re.compile(
    r"<img\b[^>]*\b(?:width=\"[01]\"[^>]*\bheight=\"[01]\"|height=\"[01]\"[^>]*\bwidth=\"[01]\")"
    r"[^>]*>",
    re.I,
)
_TAG_DATE = re.compile(r"^tag:([^,:]+),[^:]*:(.*)$", re.I | re.S)


@dataclass(frozen=True)
class SourceSettings:
    """What the config adds to every entry of one source."""

    tags: tuple[str, ...] = ()
    lang: str | None = None  # overrides the feed's and detection


def strip_tracking(url: str) -> str:
    parts = urlsplit(url)
    if not parts.query:
        return url
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)
    ]
    return urlunsplit(parts._replace(query=urlencode(query)))


def canonical_guid(guid: str) -> str:
    """The identity of a guid: variants that feeds drift between compare equal."""
    g = guid.strip()
    low = g.lower()
    if low.startswith(("http://", "https://")):
        parts = urlsplit(strip_tracking(g))
        host = (parts.hostname or "").removeprefix("www.")
        port = f":{parts.port}" if parts.port and parts.port not in (80, 443) else ""
        path = parts.path.rstrip("/")
        query = f"?{parts.query}" if parts.query else ""
        return f"//{host}{port}{path}{query}"
    m = _TAG_DATE.match(g)
    if m:  # RFC 4151: tag:authority,date:specific; the date is often rewritten
        return f"tag:{m.group(1).lower()}:{m.group(2)}"
    return g


def _http(url: str | None) -> str | None:
    if url and len(url) <= text.MAX_URL_CHARS and urlsplit(url).scheme in ("http", "https"):
        return strip_tracking(url)
    return None


def _sane(d: dt.datetime | str | None, now: dt.datetime) -> dt.datetime | None:
    """A date as published, or None when it cannot be one (zero, 1970, far future)."""
    if isinstance(d, str):
        try:
            d = dates.parse(d, dt.UTC)
        except DateError:
            return None
    if d is None or d < EARLIEST:
        return None
    return now if d > now + FUTURE_SLACK else d.replace(microsecond=0)


def _plain(value: str | None) -> str:
    return text.collapse(html.to_text(text.clean(value))) if value else ""


def feed_about(feed: RawFeed) -> tuple[str | None, str | None, str | None]:
    """What a feed says of itself, made safe to publish: ``(title, id, home page)``; the
    entries it gave name it in their Atom ``<source>``. The home page as entries' links are
    taken (``_http``); an id too long to be one is left out."""
    title = text.clip(_plain(feed.title), text.MAX_TITLE_CHARS) or None
    guid = text.clean(feed.id).strip() if isinstance(feed.id, str) else ""
    home = _http(feed.link) if isinstance(feed.link, str) else None
    return title, guid if 0 < len(guid) <= text.MAX_URL_CHARS else None, home


def normalize_entry(
    raw: RawEntry,
    feed: RawFeed,
    source: SourceSettings,
    now: dt.datetime,
    max_bytes: int = html.MAX_ENTRY_BYTES,
) -> Item:
    """The entry as an Item; content over ``max_bytes`` is cut, with a warning."""
    warnings = []
    body = html.sanitize(text.clean(raw.content or raw.summary or ""))
    body, cut = html.cap(_PIXEL.sub("", body), max_bytes)
    plain = text.collapse(html.to_text(body))
    title = text.clip(_plain(raw.title), text.MAX_TITLE_CHARS) or text.first_sentence(
        plain, TITLE_CHARS
    )
    link = _http(raw.link)
    title = title or link or "(untitled)"
    summary = _plain(raw.summary) if raw.summary and raw.summary != raw.content else ""
    summary = text.clip(summary or html.first_paragraph(body), SUMMARY_CHARS)
    digest = text.content_hash(title, plain)

    declared = source.lang or raw.lang or feed.lang
    code = lang.normalize_tag(declared) if declared else None
    code = code or lang.detect(plain[: lang.SAMPLE] or title)
    group = lang.group(code, plain)

    published = _sane(raw.published, now) or _sane(raw.updated, now)
    updated = _sane(raw.updated, now)
    if published and updated and updated < published:
        updated = published
    item_tags = tags.merge(raw.tags[: tags.MAX_TAGS], source.tags)
    author = _plain(raw.author)[:200] or None
    key = canonical_guid(raw.guid) if raw.guid and raw.guid.strip() else None
    key = key or (canonical_guid(link) if link else digest)
    if len(key) > MAX_KEY_CHARS:
        key = "sha256:" + text.stable_hash(key)
    if cut:
        warnings.append(f"entry {text.clip(key, 120)!r}: content over {max_bytes} bytes, cut")
    return finish(
        source_key="remote:" + key,
        content_hash=digest,
        title=title,
        summary=summary,
        html=body.encode(),  # publish.atom falls back to the title for an empty body
        lang=code,
        lang_group=group,
        tags=item_tags,
        link=link,
        author=author,
        published=published,
        updated=updated,
        enclosures=media.collect(raw.enclosures),
        warnings=tuple(warnings),
    )
