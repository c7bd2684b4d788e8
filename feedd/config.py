"""Read and check ``config.toml``: every option in one table with its default, type and check.

Relative paths resolve against the config file's folder, not the working directory, so a
copied config with its ``seeds/`` works from anywhere. An unknown key is an error, not a
silent no-op: a typo must not quietly fall back to a default.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import ConfigError

DEFAULT_PATH = "config.toml"


def _existing_dir(value: Path) -> str | None:
    if not value.exists():
        return f"folder {value} does not exist"
    if not value.is_dir():
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
    help: str = ""


OPTIONS: dict[str, Option] = {
    "seeds": Option("seeds", str, _existing_dir, path=True, help="folder of article files"),
    "database": Option("var/feedd.db", str, path=True, help="SQLite database file"),
    "output": Option("public", str, path=True, help="folder the feeds are written to"),
    "base_url": Option(
        "http://127.0.0.1:8080/", str, _http_url, help="URL the output folder is served at"
    ),
    "title": Option("feedd", str, _non_empty, help="title of the feeds"),
    "author": Option("feedd", str, _non_empty, help="feed author, and entries' without one"),
    "max_entries": Option(50, int, _range(1, 10_000), help="newest entries kept in each feed"),
    "timezone": Option("UTC", str, _zone, help="zone of dates written without one"),
}


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
    source: Path | None = None  # the file this was read from

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def _type_name(t: type) -> str:
    return {str: "a string", int: "an integer", bool: "true or false"}.get(t, t.__name__)


def from_dict(data: dict[str, Any], base: Path, source: Path | None = None) -> Config:
    """Check ``data`` against OPTIONS and build a Config; paths resolve against ``base``."""
    where = str(source) if source else None
    unknown = sorted(set(data) - set(OPTIONS))
    if unknown:
        raise ConfigError(unknown[0], f"unknown key (known: {', '.join(OPTIONS)})", where)
    values: dict[str, Any] = {}
    for key, opt in OPTIONS.items():
        value = data.get(key, opt.default)
        # bool is an int in Python; a config saying `max_entries = true` is still wrong
        if not isinstance(value, opt.type) or (opt.type is int and isinstance(value, bool)):
            raise ConfigError(
                key, f"must be {_type_name(opt.type)}, not {type(value).__name__}", where
            )
        if opt.path:
            value = (base / value).resolve()
        if opt.check and (problem := opt.check(value)):
            raise ConfigError(key, problem, where)
        values[key] = value
    if not values["base_url"].endswith("/"):
        values["base_url"] += "/"
    return Config(**values, source=source)


def load(path: str | Path = DEFAULT_PATH) -> Config:
    """Read a config file; every problem is a ConfigError naming the file and key."""
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
    return from_dict(data, path.parent, path)
