"""Split a seed's text into front matter (YAML ``---``, TOML ``+++``, JSON ``{``) and body.

python-frontmatter finds the delimiters; the loaders are swapped for faster or stdlib ones:
PyYAML's C loader where libyaml is there, and ``tomllib`` instead of the third-party ``toml``.
"""

from __future__ import annotations

import json
import re
import tomllib
from typing import Any

import yaml
from frontmatter.default_handlers import BaseHandler, JSONHandler, YAMLHandler

from ..errors import FrontMatterError
from . import simpleyaml

try:
    _Base: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Base = yaml.SafeLoader


class _YamlLoader(_Base):  # type: ignore[misc, valid-type]
    """The safe loader, but an impossible date (``date: 2025-02-30``, unquoted) is read as the
    text it is, so that it costs the article its date (a warning) rather than the article."""


def _timestamp_or_text(loader: yaml.SafeLoader, node: yaml.Node) -> object:
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):
        return loader.construct_scalar(node)


_YamlLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


_TOP_KEY = re.compile(r"([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]|$)")


def _wanted_blocks(fm: str, wanted: frozenset[str]) -> str | None:
    """The top-level ``key:`` blocks of the ``wanted`` keys, or None for an unusual shape.

    Scraped front matter carries many keys feedd ignores (000 has 19); building Python
    objects for them would be wasted work. A line at column 0 starts a block; indented lines,
    list items and comments continue it. Anything else at column 0 (quoted or complex keys,
    directives, anchors) returns None and the whole text is loaded.
    """
    out: list[str] = []
    keep = False
    seen_key = False
    for line in fm.split("\n"):
        if not line or line[0] in " \t#" or line.startswith("- ") or line == "-":
            if not seen_key and line.startswith("-"):
                return None  # a list, not a mapping: let PyYAML say so
            if keep:
                out.append(line)
            continue
        m = _TOP_KEY.match(line)
        if m is None:
            return None
        seen_key = True
        keep = m.group(1) in wanted
        if keep:
            out.append(line)
    return "\n".join(out)


class _YAML(YAMLHandler):
    def load(self, fm: str, wanted: frozenset[str] = frozenset(), **kwargs: object) -> Any:
        blocks = _wanted_blocks(fm, wanted) if wanted else None
        if blocks is not None:
            simple = simpleyaml.load(blocks)
            if simple is not None:
                return simple
            try:
                meta = yaml.load(blocks, Loader=_YamlLoader)  # noqa: S506 - a safe loader
                if isinstance(meta, dict) or meta is None:
                    return meta
            except yaml.YAMLError:
                pass  # e.g. an alias to an anchor in a skipped block: read the whole text
        return yaml.load(fm, Loader=_YamlLoader)  # noqa: S506 - a safe loader


# A TOML line whose value is a bare date or date-time (RFC 3339 as TOML writes it)
_TOML_DATE_LINE = re.compile(
    r"^([ \t]*[A-Za-z0-9_.\"'-]+[ \t]*=[ \t]*)"
    r"(\d{4}-\d\d-\d\d(?:[Tt ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:[Zz]|[+-]\d\d:\d\d)?)?)"
    r"([ \t]*(?:#.*)?)$",
    re.MULTILINE,
)


def _quote_bad_dates(fm: str) -> str:
    """TOML with every impossible bare date (``date = 2025-02-30``) quoted into a string:
    tomllib refuses the whole text for one, where feedd drops only that date."""

    def fix(m: re.Match[str]) -> str:
        try:
            tomllib.loads(f"x = {m.group(2)}")
            return m.group(0)
        except tomllib.TOMLDecodeError:
            return f'{m.group(1)}"{m.group(2)}"{m.group(3)}'

    return _TOML_DATE_LINE.sub(fix, fm)


class _TOML(BaseHandler):
    FM_BOUNDARY = re.compile(r"^\+{3,}\s*$", re.MULTILINE)
    START_DELIMITER = END_DELIMITER = "+++"

    def load(self, fm: str, **kwargs: object) -> Any:
        try:
            return tomllib.loads(fm)
        except tomllib.TOMLDecodeError:
            fixed = _quote_bad_dates(fm)
            if fixed == fm:
                raise
            return tomllib.loads(fixed)


class _JSON(JSONHandler):
    def load(self, fm: str, **kwargs: object) -> Any:
        return json.loads(fm)


_HANDLERS: dict[str, BaseHandler] = {"---": _YAML(), "+++": _TOML(), "{": _JSON()}
_ERRORS = (yaml.YAMLError, tomllib.TOMLDecodeError, json.JSONDecodeError, ValueError)


def _json_one_line(text: str) -> tuple[dict[str, Any] | None, str]:
    """JSON front matter not laid out as Hugo does (``{`` alone on the first line): the first
    JSON object of the text, when it is one and a line break follows it; else no front matter
    (a body may well start with a brace)."""
    try:
        meta, end = json.JSONDecoder().raw_decode(text)
    except ValueError:
        return None, text
    if not isinstance(meta, dict) or text[end : end + 1] not in ("\n", ""):
        return None, text
    return meta, text[end:].lstrip("\n")


def split(text: str, wanted: frozenset[str] = frozenset()) -> tuple[dict[str, Any] | None, str]:
    """Return ``(metadata, body)``; metadata is None for a file with no front matter.

    ``wanted``: the keys the caller reads (empty: all). Only those are kept, whatever the
    format: scraped front matter carries many keys nobody reads, and building YAML objects
    for them would be wasted work."""
    start = text[:3]
    handler = _HANDLERS.get(start) or (_HANDLERS["{"] if text.startswith("{") else None)
    if handler is not None and start[0] == "{" and not handler.detect(text):
        meta, body = _json_one_line(text)
        return (None if meta is None else _only(meta, wanted)), body
    if handler is None or not handler.detect(text):
        return None, text
    kind = {"---": "YAML", "+++": "TOML"}.get(start, "JSON")
    try:
        fm, body = handler.split(text)
    except ValueError:
        raise FrontMatterError(f"{kind} front matter is not closed") from None
    try:
        meta = handler.load(fm, wanted=wanted) if kind == "YAML" else handler.load(fm)
    except _ERRORS as e:
        reason = " ".join(str(e).split())
        raise FrontMatterError(f"broken {kind} front matter: {reason}") from None
    if meta is None:
        return {}, body
    if not isinstance(meta, dict):
        raise FrontMatterError(f"{kind} front matter is a {type(meta).__name__}, not a mapping")
    # YAML was read for the wanted keys alone; TOML and JSON keep the same keys, so that a
    # key read but not wanted is missed in every format alike, not in YAML only
    return (meta if kind == "YAML" else _only(meta, wanted)), body


def _only(meta: dict[str, Any], wanted: frozenset[str]) -> dict[str, Any]:
    return {k: v for k, v in meta.items() if k in wanted} if wanted else meta
