"""Read and check ``config.toml``: every option in one table with its default, type and check.

Relative paths resolve against the config file's folder, not the working directory, so a
copied config with its ``seeds/`` works from anywhere. An unknown key is an error, not a
silent no-op: a typo must not quietly fall back to a default.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import ConfigError, QueryError

if TYPE_CHECKING:
    from .query import Query

DEFAULT_PATH = "config.toml"
MAX_ENTRY_BYTES = 1024 * 1024  # an entry's HTML, after sanitizing: longer is cut
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SLUG = re.compile(r"^[^\W_][\w-]{0,59}$")  # as normalize.tags.slugify makes them
_LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")  # BCP 47, loosely


def _folder(value: Path) -> str | None:
    # A folder that is missing is not a config error: it may be on a disk not mounted yet,
    # and a run reports it (and keeps what was published from it) until it is back.
    if value.exists() and not value.is_dir():
        return f"{value} is not a folder"
    return None


def _http_url(value: str) -> str | None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"{value!r} is not an absolute http(s) URL"
    return None


def _zone(value: str) -> str | None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return f"{value!r} is not a known time zone (try 'UTC' or 'Asia/Shanghai')"
    return None


def _range(lo: int, hi: int) -> Callable[[int], str | None]:
    def check(value: int) -> str | None:
        return None if lo <= value <= hi else f"{value} is outside {lo}..{hi}"

    return check


def _non_empty(value: str) -> str | None:
    return None if value.strip() else "must not be empty"


@dataclass(frozen=True)
class Option:
    default: Any
    type: type
    check: Callable[[Any], str | None] | None = None
    path: bool = False  # resolved against the config file's folder


OPTIONS: dict[str, Option] = {
    "seeds": Option("seeds", str, _folder, path=True),  # folder of article files
    "database": Option("var/feedd.db", str, path=True),  # SQLite database file
    "output": Option("public", str, path=True),  # folder the feeds are written to
    "base_url": Option("http://127.0.0.1:8080/", str, _http_url),  # where the output is served
    # what entry and feed ids are made unique to; "" means base_url (see ids.py)
    "site_id": Option("", str),  # identity of the site in ids; default base_url
    "title": Option("feedd", str, _non_empty),  # title of the feeds
    "author": Option("feedd", str, _non_empty),  # feed author, and entries' without one
    "max_entries": Option(50, int, _range(1, 10_000)),  # newest entries kept in each feed
    "timezone": Option("UTC", str, _zone),  # zone of dates written without one
    "interval": Option(3600, int, _range(60, 7 * 86400)),  # seconds between fetches
    "keep_entries": Option(500, int, _range(0, 1_000_000)),  # newest entries kept per source
    "keep_days": Option(0, int, _range(0, 36500)),  # days an entry is kept; 0: no limit
    "fetch_concurrency": Option(16, int, _range(1, 256)),  # fetches at once, in all
    "fetch_per_host": Option(2, int, _range(1, 32)),  # fetches at once to one host
    "fetch_timeout": Option(60, int, _range(1, 600)),  # seconds one fetch may take
    "max_feed_bytes": Option(10 * 1024 * 1024, int, _range(1024, 1 << 30)),  # body cap
    "max_entry_bytes": Option(MAX_ENTRY_BYTES, int, _range(4096, 64 << 20)),  # HTML; more is cut
    "scan_interval": Option(300, int, _range(1, 86400)),  # seconds between full rescans
    # false: no HTML page beside each feed and none for linkless entries (feeds and the
    # front page only)
    "pages": Option(True, bool),
}


def _listen(value: str) -> str | None:
    if value == "":
        return None
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) < 65536 or not host:
        return f'{value!r} is not HOST:PORT (or "" to turn the server off)'
    return None


# The [server] table of `feedd run`.
SERVER_OPTIONS: dict[str, Option] = {
    "listen": Option("127.0.0.1:8080", str, _listen),  # HOST:PORT, or '' for no server
    "max_age": Option(60, int, _range(0, 86400)),  # Cache-Control max-age of the feeds
}


def _threshold(value: float) -> str | None:
    return None if 0.3 <= value <= 1.0 else "must be between 0.3 and 1.0"


# The [stories] table: near-duplicate copies folded into one story (see normalize.similar).
STORIES_OPTIONS: dict[str, Option] = {
    "enabled": Option(True, bool),  # false: only exact copies fold
    "threshold": Option(0.7, float, _threshold),  # Jaccard similarity from which texts fold
    "shingle_chars": Option(5, int, _range(2, 12)),  # shingle size of CJK text, in characters
    "shingle_words": Option(4, int, _range(1, 8)),  # shingle size of other text, in words
}

# Keys of one [[sources]] table; those shared with the top level default to its value.
SOURCE_OPTIONS: dict[str, Option] = {
    "url": Option(None, str, _http_url),  # the feed's URL
    "name": Option("", str),  # a name for listings
    "tags": Option([], list),  # tags added to every entry
    "lang": Option("", str),  # language of every entry, overriding detection
    "interval": OPTIONS["interval"],
    "enabled": Option(True, bool),  # false: keep its entries, stop fetching
    "keep_entries": OPTIONS["keep_entries"],
    "keep_days": OPTIONS["keep_days"],
}


@dataclass(frozen=True)
class SourceConfig:
    url: str
    name: str = ""
    tags: tuple[str, ...] = ()
    lang: str = ""
    interval: int = 3600
    enabled: bool = True
    keep_entries: int = 500
    keep_days: int = 0


@dataclass(frozen=True)
class FeedDef:
    """A ``[[feeds]]`` table: a feed of the entries a query matches."""

    name: str
    query: Query
    slug: str = ""  # as asked for; "" from the name (the store records it once)


@dataclass(frozen=True)
class Rule:
    """A ``[[rules]]`` table: ``block`` keeps what ``query`` matches out of every feed and
    page, ``keep`` lets only that through; either only among what ``scope`` matches."""

    action: str  # "block" or "keep"
    query: Query
    scope: Query | None = None

    def blocks(self, facts: object) -> bool:
        if self.scope is not None and not self.scope.match(facts):
            return False
        return self.query.match(facts) == (self.action == "block")

    @property
    def needs_body(self) -> bool:
        return self.query.needs_body or (self.scope is not None and self.scope.needs_body)

    @property
    def text(self) -> str:
        scope = f" (scope: {self.scope.text})" if self.scope else ""
        return f"{self.action} {self.query.text}{scope}"


@dataclass(frozen=True)
class Config:
    seeds: Path
    database: Path
    output: Path
    base_url: str
    title: str
    author: str
    max_entries: int
    timezone: str
    site_id: str = ""  # from_dict fills it in: base_url when not set
    interval: int = 3600
    keep_entries: int = 500
    keep_days: int = 0
    fetch_concurrency: int = 16
    fetch_per_host: int = 2
    fetch_timeout: int = 60
    max_feed_bytes: int = 10 * 1024 * 1024
    max_entry_bytes: int = MAX_ENTRY_BYTES
    scan_interval: int = 300
    pages: bool = True
    listen: str = "127.0.0.1:8080"
    max_age: int = 60
    stories: bool = True
    threshold: float = 0.7
    shingle_chars: int = 5
    shingle_words: int = 4
    sources: tuple[SourceConfig, ...] = ()
    feeds: tuple[FeedDef, ...] = ()
    rules: tuple[Rule, ...] = ()
    websub_hubs: tuple[str, ...] = ()
    source: Path | None = None  # the file this was read from


def _type_name(t: type) -> str:
    names = {
        str: "a string", int: "an integer", float: "a number", bool: "true or false",
        list: "a list",
    }  # fmt: skip
    return names.get(t, t.__name__)


def from_dict(
    data: dict[str, Any], base: Path, source: Path | None = None, remember: bool = True
) -> Config:
    """Check ``data`` against OPTIONS and build a Config; paths resolve against ``base``.
    ``remember``: leave the stamp that these queries parse (see _check_queries)."""
    where = str(source) if source else None
    data = dict(data)
    raw_sources = data.pop("sources", [])
    raw_feeds, raw_rules = data.pop("feeds", []), data.pop("rules", [])
    hubs = _hubs(data.pop("websub_hubs", []), where)
    server = data.pop("server", {})
    if not isinstance(server, dict):
        raise ConfigError("server", "must be a [server] table", where)
    stories_table = data.pop("stories", {})
    if not isinstance(stories_table, dict):
        raise ConfigError("stories", "must be a [stories] table", where)
    values = _check_table(data, OPTIONS, "", base, where)
    queries: list[tuple[str, Query]] = []  # every query, by its key: checked below
    defined = _feeds(raw_feeds, where, queries)
    rules = _rules(raw_rules, where, queries)
    _check_queries(queries, values["database"], where, remember)
    values.update(_check_table(server, SERVER_OPTIONS, "server.", base, where))
    story = _check_table(stories_table, STORIES_OPTIONS, "stories.", base, where)
    values["stories"] = story.pop("enabled")
    values.update(story)
    if not values["base_url"].endswith("/"):
        values["base_url"] += "/"
    values["site_id"] = values["site_id"].strip() or values["base_url"]
    if not isinstance(raw_sources, list) or not all(isinstance(t, dict) for t in raw_sources):
        raise ConfigError("sources", "must be [[sources]] tables", where)
    sources = []
    seen: set[str] = set()
    for i, table in enumerate(raw_sources):
        prefix = f"sources[{i}]."
        if "url" not in table:
            raise ConfigError(prefix + "url", "missing: every source needs a url", where)
        defaults = {k: values[k] for k in ("interval", "keep_entries", "keep_days")}
        sv = _check_table({**defaults, **table}, SOURCE_OPTIONS, prefix, base, where)
        if not all(isinstance(t, str) and t.strip() for t in sv["tags"]):
            raise ConfigError(prefix + "tags", "must be a list of non-empty strings", where)
        if sv["lang"] and not _LANG_TAG.match(sv["lang"]):
            raise ConfigError(prefix + "lang", f"{sv['lang']!r} is not a language tag", where)
        if sv["url"] in seen:
            raise ConfigError(prefix + "url", f"{sv['url']} is listed twice", where)
        seen.add(sv["url"])
        sv["tags"] = tuple(sv["tags"])
        sources.append(SourceConfig(**sv))
    return Config(**values, sources=tuple(sources), feeds=defined, rules=rules, websub_hubs=hubs,
                  source=source)  # fmt: skip


def _query(value: object, key: str, where: str | None, queries: list[tuple[str, Query]]) -> Query:
    if not isinstance(value, str):
        raise ConfigError(key, f"must be a query string, not {type(value).__name__}", where)
    from .query import known  # (only a config with queries needs it)

    q = known(value)
    queries.append((key, q))
    return q


def _check_queries(
    queries: list[tuple[str, Query]], database: Path, where: str | None, remember: bool = True
) -> None:
    """Parse every query, refusing a bad one by its key; unless these very queries parsed
    before, as a stamp beside the database says: then each is parsed when first matched,
    and a run that matches nothing (nothing changed) never loads the parser (lark's import
    and tables cost 0.2 s)."""
    if not queries:
        return
    from .query import VERSION

    texts = json.dumps([VERSION, [q.text for _, q in queries]], ensure_ascii=False)
    stamp = hashlib.sha256(texts.encode()).hexdigest()
    marker = database.with_name(database.name + "-queries")
    with contextlib.suppress(OSError, UnicodeDecodeError):
        if marker.read_text("ascii").strip() == stamp:
            return
    for key, q in queries:
        try:
            q.needs_body  # noqa: B018 - parsed now
        except QueryError as e:
            shown = q.text if len(q.text) <= 100 else q.text[:100] + "…"
            raise ConfigError(key, f"{e} in {shown!r}", where) from None
    if remember:  # (the database's folder made now, as the run would: the next run knows)
        with contextlib.suppress(OSError):
            marker.parent.mkdir(parents=True, exist_ok=True)
            tmp = marker.with_name(f".{marker.name}.{os.getpid()}")
            tmp.write_text(stamp + "\n", "ascii")
            os.replace(tmp, marker)


def _tables(
    raw: object, name: str, where: str | None, known: tuple[str, ...]
) -> list[dict[str, Any]]:
    """``[[name]]`` tables, each with none but the ``known`` keys."""
    if not isinstance(raw, list) or not all(isinstance(t, dict) for t in raw):
        raise ConfigError(name, f"must be [[{name}]] tables", where)
    for i, t in enumerate(raw):
        unknown = sorted(set(t) - set(known))
        if unknown:
            reason = f"unknown key (known: {', '.join(known)})"
            raise ConfigError(f"{name}[{i}].{unknown[0]}", reason, where)
    return raw


def _feeds(raw: object, where: str | None, queries: list[tuple[str, Query]]) -> tuple[FeedDef, ...]:
    """The ``[[feeds]]`` tables: each a name, a query, and a slug if one is asked for."""
    out: list[FeedDef] = []
    names: set[str] = set()
    slugs: set[str] = set()
    for i, t in enumerate(_tables(raw, "feeds", where, ("name", "slug", "query"))):
        key = f"feeds[{i}]"
        for k in ("name", "query"):
            if k not in t:
                raise ConfigError(f"{key}.{k}", "missing: every defined feed needs one", where)
        name, slug = t["name"], t.get("slug", "")
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f"{key}.name", "must be a non-empty string", where)
        if _CONTROL.search(name):
            raise ConfigError(f"{key}.name", "must not hold control characters", where)
        if not isinstance(slug, str) or (slug and not _SLUG.match(slug)):
            raise ConfigError(f"{key}.slug", "must be up to 60 letters, digits, '-' and '_', "
                              "not starting with '-' or '_'", where)  # fmt: skip
        if name.strip().casefold() in names:
            raise ConfigError(f"{key}.name", f"{name!r} names another feed too", where)
        if slug and slug.casefold() in slugs:
            raise ConfigError(f"{key}.slug", f"{slug!r} is another feed's slug too", where)
        names.add(name.strip().casefold())
        slugs.add(slug.casefold())
        query = _query(t["query"], f"{key}.query", where, queries)
        out.append(FeedDef(name.strip(), query, slug))
    return tuple(out)


def _rules(raw: object, where: str | None, queries: list[tuple[str, Query]]) -> tuple[Rule, ...]:
    """The ``[[rules]]`` tables, in order: each ``block`` or ``keep``, and maybe ``scope``."""
    out: list[Rule] = []
    for i, t in enumerate(_tables(raw, "rules", where, ("block", "keep", "scope"))):
        key = f"rules[{i}]"
        actions = [a for a in ("block", "keep") if a in t]
        if len(actions) != 1:
            raise ConfigError(key, "needs either block = '<query>' or keep = '<query>'", where)
        action = actions[0]
        query = _query(t[action], f"{key}.{action}", where, queries)
        scope = _query(t["scope"], f"{key}.scope", where, queries) if "scope" in t else None
        out.append(Rule(action, query, scope))
    return tuple(out)


def _hubs(raw: object, where: str | None) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(h, str) for h in raw):
        raise ConfigError("websub_hubs", "must be a list of hub URLs", where)
    for i, hub in enumerate(raw):
        if problem := _http_url(hub) or (
            "may not hold spaces, quotes or angle brackets" if re.search(r'[\s<>"]', hub) else None
        ):
            raise ConfigError(f"websub_hubs[{i}]", problem, where)
    return tuple(dict.fromkeys(raw))


def _check_table(
    data: dict[str, Any], options: dict[str, Option], prefix: str, base: Path, where: str | None
) -> dict[str, Any]:
    unknown = sorted(set(data) - set(options))
    if unknown:
        known = ", ".join(options)
        if not prefix:
            known += ", websub_hubs, server, stories, sources, feeds, rules"
        raise ConfigError(prefix + unknown[0], f"unknown key (known: {known})", where)
    values: dict[str, Any] = {}
    for key, opt in options.items():
        value = data.get(key, opt.default)
        # bool is an int in Python; a config saying `max_entries = true` is still wrong
        if opt.type is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)  # threshold = 1 means 1.0
        if not isinstance(value, opt.type) or (opt.type is int and isinstance(value, bool)):
            raise ConfigError(
                prefix + key, f"must be {_type_name(opt.type)}, not {type(value).__name__}", where
            )
        if opt.path:
            value = (base / value).resolve()
        if opt.check and (problem := opt.check(value)):
            raise ConfigError(prefix + key, problem, where)
        values[key] = value
    return values


def load(path: str | Path = DEFAULT_PATH, remember: bool = True) -> Config:
    """Read a config file; every problem is a ConfigError naming the file and key.
    ``remember`` False: write nothing (``feedd check``)."""
    path = Path(path).absolute()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError("", "config file not found (pass --config PATH)", str(path)) from None
    except OSError as e:
        raise ConfigError("", f"cannot read config file: {e.strerror}", str(path)) from e
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise ConfigError("", f"config file is not UTF-8 ({e.reason})", str(path)) from e
    except tomllib.TOMLDecodeError as e:
        raise ConfigError("", f"invalid TOML: {e}", str(path)) from e
    return from_dict(data, path.parent, path, remember)
