"""Turn a seed's bytes into text: UTF-8 first, then charset detection, never a silent drop.

Scraped files arrive as GBK, Big5, Latin-1, UTF-8 with a BOM or UTF-16; they are decoded, not
dropped. Binary files (NUL bytes, mostly control characters) are refused with a reason.
"""

from __future__ import annotations

import codecs

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Encodings charset-normalizer may name that we refuse to trust for prose: a "text" that only
# decodes as one of these is binary in practice.
_IMPLAUSIBLE = {"utf_7", "cp037", "cp1026", "cp273", "cp500", "cp875", "cp1140", "mac_cyrillic"}


_WESTERN = {
    "English", "Portuguese", "Spanish", "French", "German", "Italian", "Dutch", "Catalan",
    "Danish", "Swedish", "Norwegian", "Finnish", "Icelandic", "Indonesian", "Malay",
}  # fmt: skip
_MULTIBYTE = {
    "gb18030", "gb2312", "gbk", "big5", "big5hkscs", "cp950", "cp936", "euc_jp", "euc_kr",
    "shift_jis", "cp932", "cp949", "iso2022_jp", "utf_16", "utf_32",
}  # fmt: skip


class DecodeError(ValueError):
    """The bytes are not text in any encoding we can tell."""


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


def _controls(sample: bytes) -> int:
    return len(sample) - len(sample.translate(None, _CONTROL_BYTES))


def _looks_binary(data: bytes, strict: bool) -> bool:
    """Mostly control bytes; or, for bytes that are not UTF-8 either, any NUL at all.

    Valid UTF-8 with a stray NUL or bell is text with junk in it: the junk is dropped later
    (normalize.text.clean), the article is kept.
    """
    sample = data[:8192]
    if strict and b"\x00" in sample:
        return True
    return _controls(sample) > len(sample) // 10


def decode(data: bytes) -> tuple[str, str]:
    """Return ``(text, encoding)`` with newlines normalized to ``\\n``."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(enc)
            except UnicodeDecodeError as e:
                raise DecodeError(f"broken {enc} after a byte order mark: {e.reason}") from None
            return _newlines(text), enc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if _looks_binary(data, strict=text is None):
        raise DecodeError("binary file, not text (NUL or control bytes)")
    if text is not None:
        return _newlines(text), "utf-8"
    from charset_normalizer import from_bytes  # imported late: only for non-UTF-8 files

    # UTF-16/32 without a byte order mark is a guess detection makes for short CJK text in a
    # legacy code page (one Big5 sentence); real UTF-16 files carry a BOM (handled above).
    candidates = [
        m
        for m in from_bytes(data)
        if m.encoding not in _IMPLAUSIBLE and not m.encoding.startswith("utf_")
    ]
    if not candidates:
        raise DecodeError("not UTF-8, and no text encoding could be detected")
    best = candidates[0]
    if best.encoding not in _MULTIBYTE and (
        best.language in _WESTERN or (best.language == "Unknown" and _latin(str(best)))
    ):
        # Single-byte code pages that all read as Latin letters are where detection guesses
        # worst: Latin-1 Portuguese comes back as cp1250 ("inteligęncia"). Text in a Western
        # European language is windows-1252 (a superset of Latin-1's letters) in practice.
        try:
            return _newlines(data.decode("cp1252")), "cp1252"
        except UnicodeDecodeError:
            return _newlines(data.decode("latin-1")), "latin-1"
    return _newlines(str(best)), best.encoding


def _latin(text: str) -> bool:
    """Every letter beyond ASCII is a Latin one (U+00C0 to U+024F)."""
    return all("\u00c0" <= c <= "\u024f" for c in text if ord(c) > 127 and c.isalpha())


def _newlines(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text
