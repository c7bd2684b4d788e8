"""Turn a seed's bytes into text: UTF-8 first, then charset detection, never a silent drop.

Scraped files arrive as GBK, Big5, Latin-1, UTF-8 with a BOM or UTF-16; they are decoded, not
dropped. A UTF-8 file with a few broken byte sequences (a bad copy, a cut download) is UTF-8
with those sequences replaced by U+FFFD, and says how many. Binary files (NUL bytes, mostly
control characters) are refused with a reason.
"""

from __future__ import annotations

import codecs
import re

from ..errors import DecodeError

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
# Latin-script languages of other code pages (cp1250, cp1254, cp1257): their letters read as
# other Latin letters in windows-1252 ("opatøení"), so detection's word is taken for them.
_CENTRAL = {
    "Czech", "Slovak", "Polish", "Hungarian", "Romanian", "Croatian", "Slovene", "Bosnian",
    "Serbian", "Turkish", "Azerbaijani", "Estonian", "Latvian", "Lithuanian",
}  # fmt: skip
_MULTIBYTE = {
    "gb18030", "gb2312", "gbk", "big5", "big5hkscs", "cp950", "cp936", "euc_jp", "euc_kr",
    "shift_jis", "cp932", "cp949", "iso2022_jp", "utf_16", "utf_32",
}  # fmt: skip


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


# Mostly UTF-8: at least this many characters beyond ASCII decode for each broken sequence.
# Text in a legacy multi-byte code page (GBK, Big5) decodes as UTF-8 by chance in about one
# pair in ten, so it has several broken sequences for each character that decodes.
_MOSTLY_UTF8 = 2


def _mostly_utf8(data: bytes) -> tuple[str, int] | None:
    """``(text, replaced)`` when ``data`` is UTF-8 but for a few broken sequences."""
    text = data.decode("utf-8", "replace")
    written = data.count(b"\xef\xbf\xbd")  # U+FFFD that the file itself holds
    replaced = text.count("\ufffd") - written
    good = sum(1 for c in text if ord(c) > 127) - replaced - written
    if good > 0 and good >= _MOSTLY_UTF8 * replaced:
        return text, replaced
    return None


def decode(data: bytes) -> tuple[str, str, int]:
    """Return ``(text, encoding, replaced)`` with newlines normalized to ``\\n``; ``replaced``
    counts the broken UTF-8 sequences that became U+FFFD."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(enc)
            except UnicodeDecodeError as e:
                if enc != "utf-8" or (mostly := _mostly_utf8(data[len(bom) :])) is None:
                    raise DecodeError(f"broken {enc} after a byte order mark: {e.reason}") from None
                return _newlines(mostly[0]), enc, mostly[1]
            return _newlines(text), enc, 0
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if _looks_binary(data, strict=text is None):
        raise DecodeError("binary file, not text (NUL or control bytes)")
    if text is not None:
        return _newlines(text), "utf-8", 0
    mostly = _mostly_utf8(data)
    if mostly is not None:
        return _newlines(mostly[0]), "utf-8", mostly[1]
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
    # Single-byte code pages that all read as Latin letters are where detection guesses
    # worst: Latin-1 Portuguese comes back as cp1250 ("acentuaçăo"), above all in a short
    # text. Text that reads as Western European letters and punctuation in windows-1252
    # (a superset of Latin-1's letters) is that in practice, when detection sees a Western
    # language in it too, or no language it knows; but where detection recognised a
    # Central European or Turkish text, its own code page is taken (cp1252 would read
    # "opatøení"), as is Cyrillic or Greek, which detection tells by its language.
    western_reading = any(
        m.encoding in ("cp1252", "latin_1") and m.language in _WESTERN for m in candidates[:3]
    )
    if western_reading and _western(data):
        return _newlines(data.decode("cp1252")), "cp1252", 0
    if (
        best.language not in _CENTRAL
        and _western(data)
        and (best.language in _WESTERN or best.language == "Unknown" or _accents(data))
    ):
        return _newlines(data.decode("cp1252")), "cp1252", 0
    return _newlines(str(best)), best.encoding, 0


# What windows-1252 text in a Western European language holds beyond ASCII: letters of
# Latin-1 (and cp1252's Œ œ Š š Ž ž Ÿ), and the punctuation such text uses.
_WESTERN_PUNCT = set("«»‘’“”„–—…•·°ºª€£¥§©®™¡¿ ´¨¸")


_HIGH_RUN = re.compile(rb"[\x80-\xff]{3}")


def _accents(data: bytes) -> bool:
    """Latin text with accents: bytes beyond ASCII alone or in pairs, among more ASCII letters
    (a script of its own, Cyrillic, Greek or CJK, writes whole words in such bytes).
    Detection has little to go on in one such sentence, and guesses far off (cp1006, Urdu,
    for "Ação rápida")."""
    high = sum(1 for b in data if b > 127)
    letters = sum(1 for b in data if 65 <= b <= 90 or 97 <= b <= 122)
    return 0 < high <= letters and _HIGH_RUN.search(data) is None


def _western(data: bytes) -> bool:
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    beyond = [c for c in text if ord(c) > 127]
    return bool(beyond) and all(
        (c.isalpha() and ("\u00c0" <= c <= "\u00ff" or c in "ŒœŠšŽžŸ")) or c in _WESTERN_PUNCT
        for c in beyond
    )


def _newlines(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text
