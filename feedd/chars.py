"""The characters XML 1.0 cannot hold, found and removed; used by every stage that writes.

XML 1.0 forbids C0 controls other than tab, newline and CR, lone surrogates and U+FFFE/U+FFFF
(https://www.w3.org/TR/xml/#charsets): they are removed, never passed through.
"""

from __future__ import annotations

import re

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_C0 = bytes(b for b in range(32) if b not in (9, 10, 13))


def illegal_utf8(data: bytes) -> bool:
    """Whether UTF-8 bytes hold an XML-illegal character: C0 controls but tab, newline and CR,
    U+FFFE or U+FFFF (UTF-8 cannot hold a lone surrogate). Byte operations only: scanning the
    text with ``_XML_ILLEGAL`` is much slower."""
    return len(data.translate(None, _C0)) != len(data) or (
        b"\xef\xbf" in data and (b"\xef\xbf\xbe" in data or b"\xef\xbf\xbf" in data)
    )


def _has_illegal(text: str) -> bool:
    try:
        return illegal_utf8(text.encode())
    except UnicodeEncodeError:  # a lone surrogate
        return True


def xml_safe(text: str) -> str:
    """``text`` without XML-illegal characters (most text has none: checked in its bytes)."""
    return _XML_ILLEGAL.sub("", text) if _has_illegal(text) else text
