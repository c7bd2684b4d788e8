"""Markdown to sanitized HTML, and plain text out of that HTML; pure.

pyromark (pulldown-cmark) renders CommonMark with footnotes, tables and strikethrough; nh3
(ammonia) then keeps a fixed list of tags and attributes, so no ``<script>``, ``<iframe>``,
event-handler attribute or ``javascript:`` URL ever reaches a feed, whatever the input.
"""

from __future__ import annotations

import html as htmllib
import re

import nh3
import pyromark

from ..config import MAX_ENTRY_BYTES
from .nesting import flatten, flatten_rendered

_OPTIONS = (
    pyromark.Options.ENABLE_FOOTNOTES
    | pyromark.Options.ENABLE_TABLES
    | pyromark.Options.ENABLE_STRIKETHROUGH
)
_TAGS = set(nh3.ALLOWED_TAGS) - {"area", "map"}
_ATTRIBUTES = {k: set(v) for k, v in nh3.ALLOWED_ATTRIBUTES.items()}
_ATTRIBUTES["div"] = {"id"}  # footnote definitions: the target of a footnote reference
_ATTRIBUTES["*"] = {"lang", "title"}
_URL_SCHEMES = {"http", "https", "mailto"}

_PARA = re.compile(r"<p>(.*?)</p>", re.S)
_BLOCK_TAG = re.compile(r"</?(?:p|br|div|li|h[1-6]|blockquote|tr|td|th|pre|hr|dd|dt)\b[^>]*>")
_TAG_RE = re.compile(r"<[^>]*>")
_LONG_LINE = 120  # a line this long is prose, not Markdown hard-wrapped at a column
_BLOCK_START = re.compile(r"^\s*(?:[-*+]\s|\d+[.)]\s|>|#|\||```|~~~|    |\t)")


def _line_paragraphs(md: str) -> str:
    """Give each line of a scraped, unwrapped block its own paragraph.

    Scraped plain text (001, 003) puts one paragraph per line with no blank line between:
    Markdown would run them together into one wall of text. A block is split when it holds
    a line too long to be hard-wrapped prose and no list, quote, table or code lines.
    """
    if "\n" not in md:
        return md
    blocks = md.split("\n\n")
    changed = False
    for i, block in enumerate(blocks):
        if "\n" not in block:
            continue
        lines = block.split("\n")
        if max(map(len, lines)) >= _LONG_LINE and not any(map(_BLOCK_START.match, lines)):
            blocks[i] = "\n\n".join(lines)
            changed = True
    return "\n\n".join(blocks) if changed else md


def render(md: str, limit: int = MAX_ENTRY_BYTES) -> tuple[str, bool]:
    """Sanitized HTML for a Markdown body, and whether it was cut (see below).

    Markdown without a ``<`` has no raw HTML: every tag in the rendering is one pulldown-cmark
    made, with its attributes escaped. What remains dangerous there is a link or image URL
    (``[x](javascript:...)``); when every URL has an allowed scheme, the rendering is safe as
    it is and the sanitizer, the slow part of rendering, is skipped.

    Markdown can grow twelvefold as HTML (``>`` is ``<blockquote>``), so a rendering longer
    than ``cap`` would keep is cut first: the flattening and sanitizing need not see the
    rest. Raw HTML may shrink in the sanitizer, so there the cut is at twice ``limit``.
    """
    raw = pyromark.html(_line_paragraphs(md), options=_OPTIONS)
    if "<" not in md:
        cut = len(raw) > limit
        if cut:
            raw = _cut(raw, limit)
        raw = flatten_rendered(raw)  # well formed, cut or not
        if _urls_allowed(raw):
            if ' class="' in raw or ' style="' in raw:
                raw = _PRESENTATION.sub("", raw)
            return raw.replace("<a href=", _A_NOOPENER), cut
        return sanitize(raw), cut
    cut = len(raw) > 2 * limit
    if cut:
        raw = _cut(raw, 2 * limit)
    return sanitize(raw), cut


_URL_ATTR = re.compile(r'<(?:a href|img src)="([^"]*)"')  # where pulldown-cmark writes URLs
_SCHEME = re.compile(r"([^/?#]*?):")
_PRESENTATION = re.compile(r' (?:class|style)="[^"]*"')  # what the sanitizer would drop
_A_NOOPENER = '<a rel="noopener noreferrer" href='


def _urls_allowed(rendered: str) -> bool:
    for value in _URL_ATTR.findall(rendered):
        m = _SCHEME.match(htmllib.unescape(value))
        if m and m.group(1).lower() not in _URL_SCHEMES:
            return False
    return True


# Built once: handing the allow-lists to nh3.clean would convert them again on every call.
_CLEANER = nh3.Cleaner(
    tags=_TAGS, attributes=_ATTRIBUTES, url_schemes=_URL_SCHEMES, link_rel="noopener noreferrer"
)


def sanitize(fragment: str) -> str:
    return _CLEANER.clean(flatten(fragment))


def to_text(fragment: str) -> str:
    """Plain text of an HTML fragment: tags dropped, entities decoded."""
    return htmllib.unescape(_TAG_RE.sub("", _BLOCK_TAG.sub(" ", fragment)))


def paragraphs(fragment: str) -> list[str]:
    """The plain text of each block of an HTML fragment (paragraphs, headings, list items)."""
    return [htmllib.unescape(_TAG_RE.sub("", part)) for part in _BLOCK_TAG.split(fragment)]


def first_paragraph(rendered: str) -> str:
    """Plain text of the first paragraph that has any text (images alone do not count)."""
    for m in _PARA.finditer(rendered):
        text = " ".join(to_text(m.group(1)).split())
        if text:
            return text
    return " ".join(to_text(rendered).split())


_MARGIN = 4096  # room for the closing tags the sanitizer adds back after a cut


def _cut(fragment: str, length: int) -> str:
    """``fragment`` cut to at most ``length`` characters, never inside a tag or an entity."""
    head = fragment[:length]
    lt, gt = head.rfind("<"), head.rfind(">")
    if lt > gt:  # inside a tag
        head = head[:lt]
    amp = head.rfind("&")
    if amp > head.rfind(";"):  # inside an entity
        head = head[:amp]
    return head


def cap(rendered: str, limit: int = MAX_ENTRY_BYTES) -> tuple[str, bool]:
    """Sanitized HTML cut to at most ``limit`` UTF-8 bytes at a safe place: never inside a
    tag, an entity or a character, with every element left open closed again by the
    sanitizer. Should the closing tags still not fit (thousands of open elements), the cut
    is kept as plain text in one paragraph. ``(html, cut)``."""
    if len(rendered) * 4 <= limit or len(data := rendered.encode()) <= limit:
        return rendered, False
    head = data[: max(limit - _MARGIN, limit // 2)].decode("utf-8", "ignore")  # whole chars
    out = sanitize(_cut(head, len(head)) + "…")
    if len(out.encode()) <= limit:
        return out, True
    plain = htmllib.escape(" ".join(to_text(out).split()), quote=False)
    plain = plain.encode()[: limit - 16].decode("utf-8", "ignore")
    return f"<p>{_cut(plain, len(plain))}…</p>", True  # escaped text: no "<", maybe an "&"
