"""Enclosures: the images and audio an entry links to, checked as the untrusted input they are.

A seed names its image in front matter (``image``, ``thumbnail``, ``featured_image`` or
``cover``: the keys Hugo themes and scrapers write); a path without a scheme is kept as it is
and resolved against ``base_url`` when published. A remote entry brings enclosures, Media RSS
thumbnails and content, or JSON Feed attachments: only absolute http(s) URLs are kept. A URL
that could carry markup or a script (another scheme, a quote, a control character) is dropped.
Each value is checked again when published: the database may have been edited by others.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, urlsplit

from ..models import Enclosure
from .text import MAX_URL_CHARS

IMAGE_KEYS = ("image", "thumbnail", "featured_image", "cover")
# The type of an image named without one, by its extension (no mimetypes: it reads the
# system's tables, and knows no more image types that readers show)
IMAGE_TYPES = {
    ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif",
    ".webp": "image/webp", ".avif": "image/avif", ".svg": "image/svg+xml", ".bmp": "image/bmp",
}  # fmt: skip
MAX_ENCLOSURES = 8  # per entry; a feed listing hundreds is noise, not media
MAX_LENGTH = 1 << 53  # bytes; a larger "length" is no file size
_MIME = re.compile(r"[a-z0-9][a-z0-9.+-]*/[a-z0-9][a-z0-9.+-]*", re.ASCII)
_UNSAFE = re.compile(r"[\x00-\x20\x7f\"'<>\\`]")  # spaces are quoted; the rest refused
_SAFE = "/:?#[]@!$&()*+,;=%~"  # kept by quote(): a URL's own delimiters, escapes as written
_QUOTED = re.compile(r"[^A-Za-z0-9_.\-" + re.escape(_SAFE) + "]")  # what quote() would change
# The shape of what ``url`` returns: http(s) with a host, or a path with no scheme, and none
# of the _UNSAFE characters; a cheap check for a URL read back from the database
_STORED = re.compile(
    r"(?:https?://(?:\[[0-9A-Fa-f:.]+\]|[^/?#\[\]\x00-\x20\x7f\"'<>\\`]+)(?::\d+)?(?=[/?#]|$)"
    r"|(?![A-Za-z][A-Za-z0-9+.-]*:)(?!//))"
    r"[^\x00-\x20\x7f\"'<>\\`]*",
    re.ASCII,
)


def url(value: object, relative: bool = False) -> str | None:
    """``value`` as an enclosure URL: http(s), or with ``relative`` a path to resolve against
    ``base_url``; None for anything else (another scheme, markup, a control character, no
    host, a host that is no name)."""
    if not isinstance(value, str):
        return None
    v = value.strip().replace(" ", "%20")
    if not v or len(v) > MAX_URL_CHARS or _UNSAFE.search(v):
        return None
    try:
        parts = urlsplit(v)  # raises for "http://[x"
    except ValueError:
        return None
    if parts.scheme or v.startswith("//"):
        try:
            host, port = parts.hostname, parts.port  # raises for a port of letters
        except ValueError:
            return None
        if parts.scheme not in ("http", "https") or not host:
            return None
        if not parts.netloc.isascii():  # an IDN host: its ASCII form, which a URL can hold
            try:
                ascii_host = host.encode("idna").decode("ascii")
            except UnicodeError:
                return None
            netloc = ascii_host + (f":{port}" if port else "")
            v = parts._replace(netloc=netloc).geturl()
    elif not relative:
        return None
    try:
        v = quote(v, safe=_SAFE) if _QUOTED.search(v) else v
    except UnicodeEncodeError:  # a lone surrogate
        return None
    return v if len(v) <= MAX_URL_CHARS else None


def stored(url: str) -> bool:
    """Whether ``url`` has the shape ``url()`` gives, as a URL read back must (the check at
    publishing, per entry: a full ``url()`` there would parse every URL again)."""
    return _STORED.fullmatch(url) is not None


def _mime(value: object) -> str | None:
    """A MIME type without its parameters (``audio/mpeg; codecs=mp3``: ``audio/mpeg``)."""
    if not isinstance(value, str):
        return None
    mime = value.partition(";")[0].strip().lower()
    return mime if _MIME.fullmatch(mime) else None


def _length(value: object) -> int | None:
    if isinstance(value, str):
        v = value.strip()
        value = int(v) if v.isascii() and v.isdigit() and len(v) <= 16 else None
    elif isinstance(value, float) and value.is_integer() and value < MAX_LENGTH:
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < MAX_LENGTH:
        return value
    return None


def collect(
    raw: Iterable[tuple[object, object, object, bool]], relative: bool = False
) -> tuple[Enclosure, ...]:
    """Checked enclosures from ``(url, type, length, image)``, each URL once, at most
    MAX_ENCLOSURES; an image is one said to be, or of an ``image/`` type."""
    out: dict[str, Enclosure] = {}
    for u, t, n, image in raw:
        href = url(u, relative)
        if href is None or href in out:
            continue
        mime = _mime(t)
        if mime is None and image:
            mime = IMAGE_TYPES.get(posixpath.splitext(urlsplit(href).path)[1].lower())
        out[href] = Enclosure(href, mime, _length(n), image or (mime or "").startswith("image/"))
        if len(out) == MAX_ENCLOSURES:
            break
    return tuple(out.values())


def front_matter(meta: dict[str, Any]) -> tuple[Enclosure, ...]:
    """The images a seed's front matter names: a URL or path, a list of them, or a mapping
    with ``url`` or ``src`` (as some themes write ``cover: {image: ..., alt: ...}``)."""
    raw = []
    for key in IMAGE_KEYS:
        values = meta.get(key)
        if not values:
            continue
        for v in values if isinstance(values, list) else [values]:
            if isinstance(v, dict):
                v = v.get("url") or v.get("src") or v.get("image")
            raw.append((v, None, None, True))
    return collect(raw, relative=True) if raw else ()
