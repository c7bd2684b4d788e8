"""A source's failure is a value of the error tree: a SourceError naming its URL and the
stage it failed at, for every way a fetch can end badly; a good fetch has none."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from feedserver import item, rss

from feedd.config import SourceConfig
from feedd.errors import SourceError
from feedd.normalize import remote as normalize_remote
from feedd.pipeline.remote import apply
from feedd.sources.http import Fetched
from feedd.store import Changes, Store

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
URL = "http://127.0.0.1:9/feed.xml"
GOOD = rss(item("g1", "One", "<p>one</p>"), item("g2", "Two", "<p>two</p>"))


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "feedd.db") as s:
        s.sources.sync([(URL, "")])
        yield s


def _apply(store: Store, res: Fetched):
    (src,) = store.sources.all()
    return apply(store, src, res, SourceConfig(url=URL), NOW, Changes())


@pytest.mark.parametrize(
    ("res", "stage", "outcome"),
    [
        (Fetched("failed", URL, 503, "HTTP 503", outcome="5xx"), "fetch", "5xx"),
        (Fetched("retry", URL, 429, "HTTP 429", outcome="4xx"), "fetch", "4xx"),
        (Fetched("failed", URL, None, "timed out", outcome="timeout"), "fetch", "timeout"),
        (Fetched("gone", URL, 410, "HTTP 410 Gone", outcome="4xx"), "fetch", "gone"),
        (Fetched("body", URL, 200, body=b"<html>no feed</html>", outcome="200"), "parse",
         "parse_error"),
        (Fetched("body", URL, 200, body=b"{broken json", outcome="200"), "parse", "parse_error"),
    ],
    ids=["5xx", "retry", "timeout", "gone", "not-a-feed", "broken-json"],
)  # fmt: skip
def test_each_failure_is_a_source_error_with_its_stage(
    store: Store, res: Fetched, stage: str, outcome: str
) -> None:
    out = _apply(store, res)
    assert isinstance(out.error, SourceError)
    assert (out.error.url, out.error.stage, out.outcome) == (URL, stage, outcome)
    assert str(out.error).startswith(f"{URL}: ") and not out.error.partial
    assert out.error.__traceback__ is None  # a value: no frames holding the body
    (src,) = store.sources.all()
    assert src.errors == 1 and src.last_error


def test_entries_that_cannot_be_read_are_a_partial_error(store: Store, monkeypatch) -> None:
    real = normalize_remote.normalize_entry

    def some_fail(raw, *args, **kwargs):
        if raw.title == "Two":
            raise ValueError("an entry feedd cannot read")
        return real(raw, *args, **kwargs)

    monkeypatch.setattr(normalize_remote, "normalize_entry", some_fail)
    out = _apply(store, Fetched("body", URL, 200, body=GOOD, outcome="200"))
    assert isinstance(out.error, SourceError) and out.error.stage == "normalize"
    assert out.error.partial and out.new == 1


def test_an_error_while_storing_is_the_store_stage(store: Store, monkeypatch) -> None:
    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(type(store.items), "ingest", boom)
    out = _apply(store, Fetched("body", URL, 200, body=GOOD, outcome="200"))
    assert isinstance(out.error, SourceError) and out.error.stage == "store"
    assert "unexpected RuntimeError: disk on fire" in out.error.reason


def test_a_good_fetch_has_no_error(store: Store) -> None:
    out = _apply(store, Fetched("body", URL, 200, body=GOOD, outcome="200"))
    assert out.error is None and out.new == 2
    assert _apply(store, Fetched("not_modified", URL, 304, outcome="304")).error is None
