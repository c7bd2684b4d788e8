"""feedd's errors: one tree under FeeddError, each naming its subject, and intact across
process boundaries (a worker reports a broken file, a fetch shard a failed source)."""

from __future__ import annotations

import importlib
import pickle
import pkgutil

import pytest

import feedd
from feedd import errors
from feedd.errors import (
    BusyError,
    ConfigError,
    DatabaseError,
    FeeddError,
    InputError,
    NotFoundError,
    SourceError,
    WorkerError,
)


@pytest.mark.parametrize(
    "error",
    [
        InputError("posts/a.md", "broken YAML front matter: line 2"),
        ConfigError("timezone", "not a time zone", "/etc/feedd/config.toml"),
        BusyError("/var/lib/feedd/feedd.db.lock", 60.0),
        SourceError("https://x.org/f", "parse", "cannot parse the feed: not XML", "parse_error"),
        DatabaseError("/var/lib/feedd/feedd.db", "not a SQLite database"),
        WorkerError("reading seed files"),
        NotFoundError("7", "no source '7'"),
        errors.DateError("'2025-02-30' is not a date"),
        FeeddError("a message of its own"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_errors_pickle_with_their_fields(error: Exception) -> None:
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is type(error) and str(back) == str(error)
    assert vars(back) == vars(error)


def _modules() -> list[str]:
    return [
        m.name
        for m in pkgutil.walk_packages(feedd.__path__, "feedd.")
        if m.name != "feedd.__main__"
    ]


def test_every_exception_feedd_defines_is_a_feedd_error() -> None:
    """Private ones too: caught at the edges as FeeddError, nothing escapes as a traceback."""
    found = []
    for name in _modules():
        module = importlib.import_module(name)
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, BaseException) and obj.__module__ == name:
                found.append(obj)
                assert issubclass(obj, FeeddError), f"{name}.{obj.__name__}"
    assert len(found) >= 15


def test_the_tree_in_the_docstring_names_every_public_error() -> None:
    public = [
        obj.__name__ for obj in vars(errors).values()
        if isinstance(obj, type) and issubclass(obj, FeeddError)
    ]  # fmt: skip
    for name in public:
        assert name in errors.__doc__, name


def test_a_source_error_says_its_url_and_reason() -> None:
    e = SourceError("https://x.org/f", "fetch", "HTTP 503", "5xx")
    assert str(e) == "https://x.org/f: HTTP 503" and e.stage == "fetch" and not e.partial
