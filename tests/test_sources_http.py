"""HTTP outcomes and the schedule, table-tested; redirects checked against a real server."""

from __future__ import annotations

import asyncio
import datetime as dt
import random

import pytest
from feedserver import FeedServer

from feedd.sources import http
from feedd.sources.schedule import MAX_BACKOFF, next_check, parse_max_age, parse_retry_after
from feedd.store.sources import Source, moved

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
                  moved_to, seen, None, "example", None, None)  # fmt: skip


def test_moves() -> None:
    assert moved(_src("http://a.org/f"), "https://a.org/f") == (None, 0, True)
    assert moved(_src("http://a.org/f"), "https://b.org/f") == (
        "https://b.org/f",
        1,
        False,
    )
    assert moved(_src("http://a.org/f", "https://b.org/f", 2), "https://b.org/f") == (
        None, 0, True,
    )  # fmt: skip
    assert moved(_src("http://a.org/f", "https://c.org/f", 2), "https://b.org/f") == (
        "https://b.org/f", 1, False,
    )  # fmt: skip


def _fetch(url: str, **kw) -> http.Fetched:
    async def go() -> http.Fetched:
        async with http.client(http.Limits(total_timeout=5)) as c:
            return await http.fetch(c, url, limits=http.Limits(total_timeout=5), **kw)

    return asyncio.run(go())


@pytest.mark.parametrize(
    "target", ["file:///etc/passwd", "ftp://example.org/feed"], ids=["file", "ftp"]
)
@pytest.mark.slow
def test_redirects_to_other_schemes_are_refused(server: FeedServer, target: str) -> None:
    server.route("/r", status=302, headers={"Location": target})
    got = _fetch(server.url("/r"))
    assert got.kind == "failed" and got.reason.startswith("refused redirect")


# Every spelling of the cloud metadata address (and of link-local space) a redirect can use.
# Each is refused before any packet is sent: the check runs on the addresses the name
# resolves to, before the socket connects.
LINK_LOCAL = {
    "dotted": "http://169.254.169.254/latest/meta-data/",
    "decimal": "http://2852039166/",
    "hex": "http://0xa9fea9fe/",
    "short": "http://169.254.43518/",
    "port": "http://169.254.169.254:8080/",
    "v4-mapped": "http://[::ffff:169.254.169.254]/",
    "v4-mapped-hex": "http://[::ffff:a9fe:a9fe]/",
    "v4-compatible": "http://[::169.254.169.254]/",
    "nat64": "http://[64:ff9b::a9fe:a9fe]/",
    "v6": "http://[fe80::1]/x",
    "v6-zone": "http://[fe80::1%25eth0]/x",
    "unspecified": "http://0.0.0.0/",
}


@pytest.mark.slow
@pytest.mark.parametrize("target", LINK_LOCAL.values(), ids=LINK_LOCAL.keys())
def test_a_redirect_never_reaches_a_link_local_address(server: FeedServer, target: str) -> None:
    server.route("/r", status=302, headers={"Location": target})
    got = _fetch(server.url("/r"))
    assert got.kind == "failed" and got.status is None
    # refused by the guard, or a spelling no resolver reads: never a connection attempt
    assert any(w in got.reason for w in ("refused to connect", "Invalid", "cannot resolve"))


@pytest.mark.parametrize(
    ("address", "refused"),
    [("169.254.169.254", True), ("::ffff:169.254.169.254", True), ("::169.254.0.1", True),
     ("64:ff9b::169.254.1.1", True), ("64:ff9b:1::a9fe:a9fe", True), ("2002:a9fe:a9fe::1", True),
     ("2001:0:4136:e378:8000:63bf:5601:5601", True), ("fe80::1%eth0", True), ("0.0.0.0", True), ("::", True),
     ("127.0.0.1", False), ("::1", False), ("::ffff:127.0.0.1", False), ("93.184.215.14", False),
     ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", False), ("64:ff9b::5db8:d70e", False)],
)  # fmt: skip
def test_forbidden_addresses(address: str, refused: bool) -> None:
    assert bool(http.forbidden(address)) is refused


def test_a_direct_link_local_source_is_refused_too() -> None:
    got = _fetch("http://169.254.169.254/feed")
    assert got.kind == "failed" and "link-local" in got.reason


def test_connections_go_through_the_guarded_backend() -> None:
    """The guard is installed by replacing httpx's private pool: this fails if httpx moves it."""
    client = http.client(http.Limits())
    transport = client._transport
    assert isinstance(transport._pool._network_backend, http._GuardedBackend)


@pytest.mark.slow
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


@pytest.mark.slow
def test_validators_are_sent_and_refreshed_separately(server: FeedServer) -> None:
    server.route("/v", body=b"<rss/>", headers={"ETag": '"2"'})
    got = _fetch(server.url("/v"), etag='"1"', last_modified="Mon, 03 Feb 2025 10:00:00 GMT")
    sent = server.hits("/v")[0].headers
    assert sent["if-none-match"] == '"1"' and "if-modified-since" in sent
    assert (got.etag, got.last_modified) == ('"2"', None)  # one changed, the other dropped
