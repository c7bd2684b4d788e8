"""HTTP outcomes and the schedule, table-tested; redirects checked against a real server."""

from __future__ import annotations

import asyncio
import datetime as dt
import random

import pytest
from feedserver import FeedServer

from feedd.sources import http
from feedd.sources.schedule import MAX_BACKOFF, next_check, parse_max_age, parse_retry_after
from feedd.store import sources as srcstore
from feedd.store.sources import Source

NOW = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


@pytest.mark.parametrize(
    ("status", "headers", "kind", "retry"),
    [
        (200, {}, "body", None),
        (203, {}, "body", None),
        (304, {}, "not_modified", None),
        (410, {}, "gone", None),
        (404, {}, "failed", None),
        (500, {}, "failed", None),
        (429, {"retry-after": "120"}, "retry", dt.timedelta(seconds=120)),
        (503, {"retry-after": "Thu, 01 Jan 2026 13:00:00 GMT"}, "retry", HOUR),
        (503, {}, "retry", None),
        (503, {"retry-after": "soon"}, "retry", None),
    ],
    ids=[
        "ok",
        "non-authoritative",
        "not-modified",
        "gone",
        "not-found",
        "server-error",
        "429-seconds",
        "503-date",
        "503-bare",
        "503-garbage",
    ],  # fmt: skip
)
def test_classify(status: int, headers: dict, kind: str, retry: dt.timedelta | None) -> None:
    got = http.classify(status, headers, NOW)
    assert (got.kind, got.retry_after) == (kind, retry)


@pytest.mark.parametrize(
    ("kwargs", "low", "high"),
    [
        ({}, HOUR, HOUR * 1.1),
        ({"errors": 1}, HOUR, HOUR * 1.1),
        ({"errors": 3}, HOUR * 4, HOUR * 4.4),
        ({"errors": 30}, MAX_BACKOFF, MAX_BACKOFF * 1.1),
        ({"retry_after": HOUR * 5}, HOUR * 5, HOUR * 5.5),
        ({"retry_after": dt.timedelta(seconds=10)}, HOUR, HOUR * 1.1),
        ({"max_age": HOUR * 3}, HOUR * 3, HOUR * 3.3),
        ({"max_age": dt.timedelta(days=30)}, MAX_BACKOFF, MAX_BACKOFF * 1.1),
    ],
    ids=[
        "interval",
        "first-error",
        "backoff",
        "capped",
        "retry-after-longer",
        "retry-after-shorter",
        "max-age",
        "max-age-capped",
    ],  # fmt: skip
)
def test_next_check(kwargs: dict, low: dt.timedelta, high: dt.timedelta) -> None:
    for seed in range(20):
        delay = next_check(NOW, HOUR, rng=random.Random(seed), **kwargs) - NOW
        assert low <= delay <= high


def test_header_parsers() -> None:
    assert parse_retry_after("  30 ", NOW) == dt.timedelta(seconds=30)
    assert parse_retry_after("Wed, 31 Dec 2025 00:00:00 GMT", NOW) == dt.timedelta(0)
    assert parse_max_age("public, max-age=600") == dt.timedelta(seconds=600)
    assert parse_max_age("no-cache, max-age=600") is None


def _src(url: str, moved_to: str | None = None, seen: int = 0) -> Source:
    return Source(1, url, "config", url, None, None, None, None, None, None, None, 0, None, None,
                  moved_to, seen, None)  # fmt: skip


def test_moves() -> None:
    assert srcstore.moved(_src("http://a.org/f"), "https://a.org/f") == (None, 0, True)
    assert srcstore.moved(_src("http://a.org/f"), "https://b.org/f") == (
        "https://b.org/f",
        1,
        False,
    )
    assert srcstore.moved(_src("http://a.org/f", "https://b.org/f", 2), "https://b.org/f") == (
        None, 0, True,
    )  # fmt: skip
    assert srcstore.moved(_src("http://a.org/f", "https://c.org/f", 2), "https://b.org/f") == (
        "https://b.org/f", 1, False,
    )  # fmt: skip


def _fetch(url: str, **kw) -> http.Fetched:
    async def go() -> http.Fetched:
        async with http.client(http.Limits(total_timeout=5)) as c:
            return await http.fetch(c, url, limits=http.Limits(total_timeout=5), **kw)

    return asyncio.run(go())


@pytest.mark.parametrize(
    "target",
    ["http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/x", "file:///etc/passwd",
     "ftp://example.org/feed"],
    ids=["link-local-v4", "link-local-v6", "file", "ftp"],
)  # fmt: skip
def test_dangerous_redirects_are_refused(server: FeedServer, target: str) -> None:
    server.route("/r", status=302, headers={"Location": target})
    got = _fetch(server.url("/r"))
    assert got.kind == "failed" and got.reason.startswith("refused redirect")


def test_redirect_chain_and_limit(server: FeedServer) -> None:
    server.route("/a", status=301, headers={"Location": "/b"})
    server.route("/b", status=308, headers={"Location": "/c"})
    server.route("/c", body=b"<rss/>")
    got = _fetch(server.url("/a"))
    assert got.kind == "body" and got.moved_to == server.url("/c")
    server.route("/t", status=307, headers={"Location": "/c"})
    assert _fetch(server.url("/t")).moved_to is None
    server.route("/loop", status=302, headers={"Location": "/loop"})
    assert "redirects" in _fetch(server.url("/loop")).reason


def test_validators_are_sent_and_refreshed_separately(server: FeedServer) -> None:
    server.route("/v", body=b"<rss/>", headers={"ETag": '"2"'})
    got = _fetch(server.url("/v"), etag='"1"', last_modified="Mon, 03 Feb 2025 10:00:00 GMT")
    sent = server.hits("/v")[0].headers
    assert sent["if-none-match"] == '"1"' and "if-modified-since" in sent
    assert (got.etag, got.last_modified) == ('"2"', None)  # one changed, the other dropped
