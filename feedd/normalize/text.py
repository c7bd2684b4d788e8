"""Pure text clean-up: illegal characters, scraped reading annotations, doubled bodies, hashing.

Nothing here touches the disk, the database or the clock.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata

from ..chars import xml_safe

# 001 carries pinyin scraped from ruby annotations after each character: 聯(lián)網(wǎng).
# Only a syllable with a tone mark (or a few toneless particles) right after a Han character
# is taken as an annotation, so "模型(open)" or "(AI)" stay as written.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_PINYIN = re.compile(  # starts with a literal "(", so the scan for candidates runs at C speed
    rf"\((?:[a-zü]*[{_TONED}][a-zü{_TONED}]*|de|le|men|me|ma|ne|ba|zi|zhe|ge|li)\)"
)


_ANNOTATION = re.compile(f"({_PINYIN.pattern})")


def _drop_readings(text: str) -> str:
    """``text`` without the annotations that follow a Han character. Split, then joined
    without them: a Python callback per candidate, as ``re.sub`` would make, is slower."""
    parts = _ANNOTATION.split(text)  # text, annotation, text, annotation, ..., text
    if len(parts) == 1:
        return text
    out = [parts[0]]
    for i in range(1, len(parts), 2):
        before = parts[i - 1][-1:]  # empty right after another annotation: kept
        if not ("\u3400" <= before <= "\u9fff" or "\uf900" <= before <= "\ufaff"):
            out.append(parts[i])
        out.append(parts[i + 1])
    return "".join(out)


# Limits of one entry's text, for seeds and remote entries alike
MAX_TITLE_CHARS = 300  # a title as written: longer is a mistake, not a headline
MAX_URL_CHARS = 2048  # a longer link is dropped: no reader or browser keeps it

_SENTENCE_END = re.compile(r"[。！？!?]|\.(?=\s|$)")

HASH_VERSION = 2  # 2: spaces next to CJK characters and punctuation are not content

# Characters of scripts written without spaces between words (Han, kana, bopomofo) and the
# punctuation and full-width forms used with them: a space next to one is layout, not a word
# boundary (a portal that adds a space after each "，" copies the same article). Hangul is
# not here: Korean separates words with spaces.
_CJK = (
    "\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u31a0-\u31ff\u3200-\u32ff"
    "\u3300-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe10-\ufe1f\ufe30-\ufe4f\uff00-\uff60"
    "\uffe0-\uffe6\U00020000-\U0003ffff"
)
# a space first in both branches: the engine then only stops at spaces, not at every character
_CJK_SPACE = re.compile(f" (?:(?=[{_CJK}])|(?<=[{_CJK}] ))")


_NO_CJK = re.compile(r"[\u0000-\u024f\u2000-\u206f]*")  # Latin letters and punctuation


def _unspaced(text: str) -> str:
    # the cheap checks first: most text is ASCII, or Latin, and holds no CJK at all
    if text.isascii() or _NO_CJK.fullmatch(text):
        return text
    return _CJK_SPACE.sub("", text)


def clean(text: str, legal: bool = False) -> str:
    """Drop XML-illegal characters and scraped pinyin annotations; NFC-normalize.

    ``legal``: the caller has checked that ``text`` holds no XML-illegal character (in the
    bytes it decoded, say), which spares encoding it again to look.
    """
    text = unicodedata.normalize("NFC", text if legal else xml_safe(text))
    if "(" in text:  # after NFC: an NFD copy writes tone marks as combining characters
        text = _drop_readings(text)
    return text


def collapse(text: str) -> str:
    """Whitespace runs (newlines, no-break spaces included) to one space, ends trimmed."""
    return " ".join(text.split())


def undouble(body: str) -> tuple[str, bool]:
    """If the body is the same lines pasted twice in a row, return the first copy.

    Blank lines and spacing are ignored when comparing, so a copy pasted with other spacing
    still counts; the first copy is returned as written.
    """
    lines = body.split("\n")
    idx = [i for i, ln in enumerate(lines) if ln.strip()]
    n = len(idx)
    if n < 2 or n % 2:
        return body, False
    half = n // 2
    for a, b in zip(idx[:half], idx[half:], strict=True):
        if collapse(lines[a]) != collapse(lines[b]):
            return body, False
    return "\n".join(lines[: idx[half]]).rstrip() + "\n", True


def content_hash(title: str, text: str) -> str:
    """A versioned hash of what makes two articles the same article.

    Unicode-normalized (NFC) and whitespace-collapsed title and text, without the spaces next
    to CJK characters (see ``_CJK``), joined by a unit separator (U+001F, which ``clean``
    removes from all text, so it cannot occur in either) behind a version prefix: a later
    change of normalization bumps HASH_VERSION instead of silently re-keying every stored
    entry (the store takes an older version's hash for the same article: see store.decide).
    """
    title = _unspaced(collapse(unicodedata.normalize("NFC", title)))
    text = _unspaced(collapse(unicodedata.normalize("NFC", text)))
    payload = f"feedd-content\x1f{title}\x1f{text}".encode()
    return f"v{HASH_VERSION}:" + hashlib.sha256(payload).hexdigest()


def stable_hash(value: object) -> str:
    """SHA-256 of a JSON serialization with sorted keys and fixed separators."""
    payload = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, at a word boundary for spaced scripts."""
    text = collapse(text)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:，；：、") + "…"


def first_sentence(text: str, limit: int = 80) -> str:
    """The first sentence of ``text`` (CJK or Latin punctuation), clipped."""
    text = collapse(text)
    m = _SENTENCE_END.search(text)
    if m:
        text = text[: m.end()]
    return clip(text, limit)
