"""One seed file's bytes to an ``Item``: the whole normalizing step for files, pure.

No database, no network, no clock: the same bytes and settings always give the same Item,
which is what makes entry ids and content hashes stable across runs and rebuilds.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from .. import ids
from ..chars import illegal_utf8, xml_safe
from ..config import MAX_ENTRY_BYTES
from ..errors import DecodeError, FrontMatterError, InputError
from ..models import Item
from . import dates, html, lang, media, tags, text
from .decode import decode
from .fingerprint import finish
from .frontmatter import split

# Every front matter key read below: the rest of a front matter is never parsed (scraped
# files carry many keys, 19 in seed 000). tests/test_normalize_article.py fails on a key
# read here but not listed, which would be lost.
KEYS = frozenset([
    "title", "summary", "description", "lang", "language", "tags", "categories", "keywords",
    "date", "published", "pubdate", "lastmod", "updated", "modified", "draft", "url", "link",
    "author", "id", *media.IMAGE_KEYS,
])  # fmt: skip


_NOT_IMAGES = KEYS - set(media.IMAGE_KEYS)
SUMMARY_CHARS = 280
TITLE_CHARS = 80  # a title made from the text
_MD_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$")
_PLAIN_HEADING_MAX = 150
_NOT_HEADING_END = tuple(".。!?！？:：;；,，、…")
_NOT_HEADING_START = tuple("-*+>![|`<")
# A trailing source line, as 000 and 004 end: [qq](https://new.qq.com/...)
_SOURCE_LINE = re.compile(r"^\[[^\]\n]{0,80}\]\((https?://[^)\s]+)\)$")


def _str(meta: dict[str, Any], *keys: str) -> str | None:
    for k in keys:
        v = meta.get(k)
        if isinstance(v, list) and v:
            v = v[0]
        if isinstance(v, str | int | float) and not isinstance(v, bool):
            s = text.collapse(str(v))
            if s:
                return s
    return None


def _safe(value: Any) -> Any:
    """Front matter strings without XML-illegal characters: YAML and JSON escapes (``\\0``,
    ``\\a``, ``\\u0001``) make them after the text itself was cleaned."""
    if isinstance(value, str):
        return xml_safe(value)
    if isinstance(value, list):
        return [_safe(v) for v in value]
    if isinstance(value, dict):
        return {k: _safe(v) for k, v in value.items()}
    return value


def _author(meta: dict[str, Any]) -> str | None:
    v = meta.get("author")
    if isinstance(v, list) and v:
        v = v[0]
    if isinstance(v, dict):
        v = v.get("name")
    return text.collapse(v)[:200] or None if isinstance(v, str) else None


def _http(url: str | None) -> str | None:
    if not url or len(url) > text.MAX_URL_CHARS:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme in ("http", "https") and parts.netloc and " " not in url.strip():
        return url.strip()
    return None


def _take_title(body: str) -> tuple[str | None, str]:
    """A heading-only first line (003) is the title and leaves the body."""
    lines = body.split("\n")
    first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    if first is None:
        return None, body
    line = lines[first].strip()
    rest = lines[first + 1 :]
    m = _MD_HEADING.match(line)
    if m:
        return m.group(1), "\n".join(rest)
    followed_by_blank = not rest or not rest[0].strip()
    if (
        len(line) <= _PLAIN_HEADING_MAX
        and followed_by_blank
        and any(ln.strip() for ln in rest)
        and not line.endswith(_NOT_HEADING_END)
        and not line.startswith(_NOT_HEADING_START)
        and not (line.startswith("**") and line.endswith("**"))  # a bold section head
    ):
        return line, "\n".join(rest)
    return None, body


def _source_link(body: str) -> str | None:
    m = _SOURCE_LINE.match(body.rstrip().rpartition("\n")[2].strip())  # the last line
    return _http(m.group(1)) if m else None


FAR_AHEAD = dt.timedelta(days=365)  # a date further ahead is a typo, not a scheduled post


def _date(
    meta: dict[str, Any],
    keys: tuple[str, ...],
    zone: ZoneInfo,
    now: dt.datetime | None,
    warnings: list[str],
) -> dt.datetime | None:
    """The first of ``keys`` that holds a date. One that is no date, or more than a year
    ahead of ``now``, costs only itself: a warning, and the article is dated as if it had
    none (nearer future dates are held back until they come, by the store)."""
    for k in keys:
        if k in meta and meta[k] not in (None, ""):
            try:
                d = dates.parse(meta[k], zone)
            except dates.DateError as e:
                warnings.append(f"front matter {k!r}: {e}; ignored, dated as undated")
                continue
            if now is not None and d > now + FAR_AHEAD:
                warnings.append(
                    f"front matter {k!r}: {dates.iso(d)} is more than a year ahead; ignored, "
                    "dated as undated"
                )
                continue
            return d
    return None


def normalize(
    key: str,
    data: bytes,
    zone: ZoneInfo,
    now: dt.datetime | None = None,
    max_bytes: int = MAX_ENTRY_BYTES,
) -> Item:
    """Read one seed file's bytes into an Item, or raise InputError naming ``key``.

    ``now`` is the run's clock, for telling a far-future date (None: no such check); the
    body's HTML is cut to ``max_bytes``.
    """
    warnings: list[str] = []
    try:
        raw, encoding, replaced = decode(data)
    except DecodeError as e:
        raise InputError(key, str(e)) from None
    if replaced:
        warnings.append(f"{replaced} invalid UTF-8 byte sequences replaced with U+FFFD")
    raw = text.clean(raw, legal=encoding == "utf-8" and not illegal_utf8(data))
    try:
        meta, body = split(raw, KEYS)
    except FrontMatterError as e:
        # an image key that does not parse costs the images, not the article
        try:
            meta, body = split(raw, _NOT_IMAGES)
        except FrontMatterError:
            raise InputError(key, str(e)) from None
        warnings.append(f"{e}; its image keys ({', '.join(media.IMAGE_KEYS)}) are ignored")
    meta = _safe(meta) if meta and "\\" in raw else meta or {}  # escapes need a backslash

    title = _str(meta, "title")
    title = text.clip(title, text.MAX_TITLE_CHARS) if title else None
    if title is None:
        title, body = _take_title(body)
        title = text.clip(title, TITLE_CHARS * 2) if title else None
    body, _doubled = text.undouble(body.strip("\n"))
    rendered, cut_early = html.render(body, max_bytes)
    rendered, cut = html.cap(rendered, max_bytes)
    cut = cut or cut_early
    if cut:
        warnings.append(f"body over {max_bytes} bytes as HTML; cut")
    first = html.first_paragraph(rendered)
    if title is None:
        title = text.first_sentence(first, TITLE_CHARS)
    if not title and not body.strip():
        raise InputError(key, "no text: the file is empty or holds only front matter")
    if not title:
        title = key.rsplit("/", 1)[-1]

    summary = _str(meta, "summary", "description")
    summary = text.clip(summary, SUMMARY_CHARS * 4) if summary else None
    summary = summary or text.clip(first, SUMMARY_CHARS)

    declared = _str(meta, "lang", "language")
    tag = lang.normalize_tag(declared) if declared else None
    if declared and tag is None:
        warnings.append(f"front matter 'lang': {declared!r} is not a language tag; detected")
    if tag is None:
        tag = lang.detect(body[: lang.SAMPLE] if body.strip() else title)
    group = lang.group(tag, body)

    item_tags = tags.merge(
        tags.values(meta.get("tags")),
        tags.values(meta.get("categories")),
        tags.values(meta.get("keywords")),
    )
    if len(item_tags) > tags.MAX_TAGS:
        warnings.append(f"{len(item_tags)} tags; only the first {tags.MAX_TAGS} are used")
        item_tags = item_tags[: tags.MAX_TAGS]
    published = _date(meta, ("date", "published", "pubdate"), zone, now, warnings)
    updated = _date(meta, ("lastmod", "updated", "modified"), zone, now, warnings)
    draft = meta.get("draft") is True or str(meta.get("draft")).lower() in ("true", "yes")

    link = _http(_str(meta, "url", "link")) or _source_link(body)
    author = _author(meta)
    pin = _str(meta, "id")
    # hashed over the rendered text, as remote entries are: a seed and a feed entry of the same
    # article hash alike whatever Markdown or HTML carried it
    digest = text.content_hash(title, html.to_text(rendered))
    return finish(
        source_key=key,
        content_hash=digest,
        title=title,
        summary=summary,
        html=rendered.encode(),
        lang=tag,
        lang_group=group,
        tags=item_tags,
        link=link,
        author=author,
        published=published,
        updated=updated,
        enclosures=media.front_matter(meta),
        draft=draft,
        pinned_id=ids.pinned_id(pin) if pin else None,
        warnings=tuple(warnings),
    )
