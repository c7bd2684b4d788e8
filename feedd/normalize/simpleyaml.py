"""The plain subset of YAML that front matter is written in, read without PyYAML's node graph.

Most front matter is ``key: "value"``, ``key: value`` and ``key:`` followed by ``- item``
lines. Reading that directly skips PyYAML's constructor, the slow part of reading front
matter, which a cold run does for every file. Anything outside the subset (escapes, block
scalars, anchors, flow mappings, numbers, nested items, comments after values) returns None,
and the caller hands the text to PyYAML: the result is always what PyYAML would return.
tests/test_sources_simpleyaml.py checks that equivalence on every shape the seeds use.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from ..errors import FeeddError

_KEY = re.compile(r"([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]+(.*))?$")
_ITEM = re.compile(r"[ \t]*-(?:[ \t]+(.*))?$")
# YAML 1.1 booleans and nulls (what PyYAML's SafeLoader resolves plain scalars to)
_BOOLS = {"true": True, "false": False, "yes": True, "no": False, "on": True, "off": False}
_NULLS = {"", "~", "null"}
# Every character of a YAML int or float (decimal, hex, octal, binary, sexagesimal, .inf):
# a plain scalar made only of these might be a number, and is left to PyYAML.
_MAYBE_NUMBER = re.compile(r"^[-+]?(?:[0-9a-fA-FxXoO_.:]+|\.(?:inf|Inf|INF|nan|NaN|NAN))$")
_DATE = re.compile(r"^\d{4}-\d\d-\d\d$")
# PyYAML's own timestamp pattern (yaml/resolver.py), the only other form it turns into a date
_TIMESTAMP = re.compile(
    r"^\d{4}-\d\d?-\d\d?(?:[Tt]|[ \t]+)\d\d?:\d\d:\d\d(?:\.\d*)?"
    r"(?:[ \t]*(?:Z|[-+]\d\d?(?::\d\d)?))?$"
)
_PLAIN_BAD_START = tuple("[]{}&*!|>'\"%@`#,?:-")


class _Unsupported(FeeddError):
    pass


def _scalar(text: str) -> Any:
    text = text.strip()
    if not text:
        return None
    if text[0] == '"':
        if "\\" in text or not text.endswith('"') or len(text) < 2 or '"' in text[1:-1]:
            raise _Unsupported
        return text[1:-1]
    if text[0] == "'":
        inner = text[1:-1]
        if not text.endswith("'") or len(text) < 2 or "'" in inner.replace("''", ""):
            raise _Unsupported
        return inner.replace("''", "'")
    if text[0] == "[":
        return _flow_list(text)
    if text.startswith(_PLAIN_BAD_START) or ": " in text or " #" in text or "\t" in text:
        raise _Unsupported
    low = text.lower()
    if low in _BOOLS and text in (low, low.title(), low.upper()):
        return _BOOLS[low]
    if low in _NULLS and text in (low, low.title(), low.upper(), "~"):
        return None
    if _DATE.match(text) or _TIMESTAMP.match(text):
        return _timestamp(text)
    if _MAYBE_NUMBER.match(text):
        raise _Unsupported  # ints, floats, sexagesimals: PyYAML's rules, PyYAML's job
    return text


def _timestamp(text: str) -> dt.date | dt.datetime:
    """What PyYAML makes of a timestamp (an aware datetime when it has an offset)."""
    try:
        if _DATE.match(text):
            return dt.date.fromisoformat(text)
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise _Unsupported from None


def _flow_list(text: str) -> list[Any]:
    """``["a", "b"]``: only when it is also JSON, a list of strings."""
    try:
        value = json.loads(text)
    except ValueError:
        raise _Unsupported from None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _Unsupported
    if any("\\" in v for v in value):
        raise _Unsupported
    return value


def load(text: str) -> dict[str, Any] | None:
    """The mapping, or None when the text is outside the subset."""
    out: dict[str, Any] = {}
    key: str | None = None
    items: list[Any] | None = None
    try:
        for line in text.split("\n"):
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            if line[0] not in " \t-":
                m = _KEY.match(line)
                if m is None:
                    return None
                key, value = m.group(1), m.group(2)
                if value is None or not value.strip():
                    out[key] = None  # a list may follow
                    items = None
                else:
                    out[key] = _scalar(value)
                    key = None
                continue
            m = _ITEM.match(line)
            if m is None or key is None:
                return None  # indented mapping, block scalar text, item without a key
            if items is None:
                items = out[key] = []
            value = m.group(1) or ""
            if _KEY.match(value.strip()) or value.strip().startswith(("-", "[", "{")):
                return None  # a nested mapping or list
            items.append(_scalar(value))
    except _Unsupported:
        return None
    return out
