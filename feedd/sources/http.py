"""Fetch remote feeds politely and defensively with httpx; returns outcomes, never raises.

- Conditional requests: the stored ``ETag`` and ``Last-Modified`` go back as ``If-None-Match``
  and ``If-Modified-Since``; a 304 costs no parsing.
- Redirects are followed by hand (up to MAX_REDIRECTS) so each hop is checked: only http(s),
  never a link-local address (169.254.0.0/16, fe80::/10, where cloud metadata services live),
  and a chain made only of permanent hops (301, 308) is reported so the caller can move the
  subscription.
- Every response is classified in one function (``classify``): body, not modified, gone,
  retry later, failed.
- Time and size are bounded: connect/read timeouts and a deadline for the whole request; the
  body is capped both as sent and as decompressed (feedd inflates gzip itself, a bounded
  piece at a time, so a gzip bomb is cut off instead of inflated).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import socket
import ssl
import time
import zlib
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urljoin, urlsplit

import httpx

from .. import PROJECT_URL, __version__
from .schedule import parse_max_age, parse_retry_after

USER_AGENT = f"feedd/{__version__} (+{PROJECT_URL})"
MAX_REDIRECTS = 5
_REDIRECTS = {301, 302, 303, 307, 308}
_PERMANENT = {301, 308}

Kind = Literal["body", "not_modified", "gone", "retry", "failed"]


@dataclass(frozen=True)
class Limits:
    connect_timeout: float = 10.0
    read_timeout: float = 20.0  # between two reads: a server that trickles gets cut here ...
    total_timeout: float = 60.0  # ... or here, whatever it does
    max_bytes: int = 10 * 1024 * 1024  # as sent, and again as decompressed


@dataclass
class Fetched:
    """What one fetch came to."""

    kind: Kind
    url: str  # the URL asked for
    status: int | None = None
    reason: str = ""  # for "failed", "gone", "retry": a message naming the cause
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    final_url: str = ""  # after redirects
    moved_to: str | None = None  # set when every redirect hop was permanent
    retry_after: dt.timedelta | None = None
    max_age: dt.timedelta | None = None
    etag: str | None = None
    last_modified: str | None = None
    size: int = 0  # bytes received from the network
    seconds: float = 0.0
    outcome: str = ""  # metrics label: 200, 304, 4xx, 5xx, timeout, too_large, error


class _Refused(Exception):
    pass


def classify(status: int, headers: httpx.Headers | dict[str, str], now: dt.datetime) -> Fetched:
    """The meaning of a final (non-redirect) status. Table-tested in tests/test_sources_http.py."""
    get = headers.get
    if status == 304:
        return Fetched("not_modified", "", status, outcome="304")
    if 200 <= status < 300:
        return Fetched("body", "", status, outcome="200")
    if status == 410:
        return Fetched("gone", "", status, reason="410 Gone: the feed was removed", outcome="4xx")
    if status in (429, 503):
        after = parse_retry_after(get("retry-after"), now)
        text = f"{status}, retry after {int(after.total_seconds())}s" if after else str(status)
        return Fetched("retry", "", status, reason=text, retry_after=after,
                       outcome="4xx" if status < 500 else "5xx")  # fmt: skip
    label = "4xx" if 400 <= status < 500 else "5xx" if status >= 500 else "error"
    return Fetched("failed", "", status, reason=f"HTTP {status}", outcome=label)


async def _check_target(url: str) -> None:
    """Refuse non-http(s) URLs and hosts that are, or resolve to, link-local addresses."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _Refused(f"refused redirect to {url!r}: only http and https are followed")
    host = parts.hostname
    try:
        addrs = [ipaddress.ip_address(host)]
    except ValueError:
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, parts.port or 80, type=socket.SOCK_STREAM)
        except OSError:
            return  # let the request itself report the DNS failure
        addrs = [ipaddress.ip_address(i[4][0].split("%")[0]) for i in infos]
    if any(a.is_link_local for a in addrs):
        raise _Refused(f"refused redirect to {url}: link-local address")


class _Inflater:
    """Decompress gzip/deflate a bounded piece at a time; raise once past ``limit``."""

    def __init__(self, encoding: str, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.d = None
        if encoding in ("gzip", "x-gzip"):
            self.d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self.d = zlib.decompressobj()
        elif encoding not in ("", "identity"):
            raise _Refused(f"unsupported Content-Encoding {encoding!r}")

    def feed(self, chunk: bytes) -> bytes:
        if self.d is None:
            self._count(len(chunk))
            return chunk
        out = []
        data = chunk
        while data:
            piece = self.d.decompress(data, 64 * 1024)  # never more than 64 KiB at once
            self._count(len(piece))
            out.append(piece)
            data = self.d.unconsumed_tail
        return b"".join(out)

    def _count(self, n: int) -> None:
        self.size += n
        if self.size > self.limit:
            raise _TooLarge(f"decompressed body over {self.limit} bytes")


class _TooLarge(Exception):
    pass


def client(
    limits: Limits, max_connections: int = 100, tls: ssl.SSLContext | None = None
) -> httpx.AsyncClient:
    """A client: no automatic redirects, our own User-Agent and encodings. Clients made
    together should share ``tls`` (see ``tls_context``): each new context reads the CA
    certificates again, 45 ms of CPU."""
    return httpx.AsyncClient(
        verify=tls or tls_context(),
        follow_redirects=False,
        timeout=httpx.Timeout(
            connect=limits.connect_timeout,
            read=limits.read_timeout,
            write=limits.read_timeout,
            pool=limits.total_timeout,
        ),  # fmt: skip
        limits=httpx.Limits(
            max_connections=max_connections, max_keepalive_connections=max_connections
        ),
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
        trust_env=False,  # no proxy or netrc surprises from the environment
    )


def tls_context() -> ssl.SSLContext:
    """Certificate checks as httpx makes them by default (certifi's CA bundle)."""
    return httpx.create_ssl_context()


async def fetch(
    http: httpx.AsyncClient,
    url: str,
    etag: str | None = None,
    last_modified: str | None = None,
    limits: Limits = Limits(),  # noqa: B008 - frozen, shared default
    now: dt.datetime | None = None,
) -> Fetched:
    """One conditional GET with its redirects, bounded in time and size."""
    started = time.monotonic()
    now = now or dt.datetime.now(dt.UTC)
    try:
        async with asyncio.timeout(limits.total_timeout):
            result = await _fetch(http, url, etag, last_modified, limits, now)
    except TimeoutError:
        result = Fetched("failed", url, reason=f"timed out after {limits.total_timeout:g}s",
                         outcome="timeout")  # fmt: skip
    except httpx.TimeoutException as e:
        result = Fetched("failed", url, reason=f"timed out ({type(e).__name__})", outcome="timeout")
    except _TooLarge as e:
        result = Fetched("failed", url, reason=str(e), outcome="too_large")
    except _Refused as e:
        result = Fetched("failed", url, reason=str(e), outcome="error")
    except httpx.HTTPError as e:
        result = Fetched("failed", url, reason=_describe(e), outcome="error")
    result.url = url
    result.seconds = time.monotonic() - started
    return result


def _describe(e: httpx.HTTPError) -> str:
    cause = e.__cause__ or e.__context__
    text = str(e) or str(cause) or type(e).__name__
    return f"{type(e).__name__}: {text}"


async def _fetch(
    http: httpx.AsyncClient,
    url: str,
    etag: str | None,
    last_modified: str | None,
    limits: Limits,
    now: dt.datetime,
) -> Fetched:
    headers = {"Accept": "application/atom+xml, application/rss+xml, application/feed+json, "
                         "application/json;q=0.9, application/xml;q=0.9, */*;q=0.8"}  # fmt: skip
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    current = url
    permanent = True
    for hop in range(MAX_REDIRECTS + 1):
        if hop:
            await _check_target(current)
        request = http.build_request("GET", current, headers=headers)
        response = await http.send(request, stream=True)
        try:
            if response.status_code in _REDIRECTS and "location" in response.headers:
                permanent = permanent and response.status_code in _PERMANENT
                current = urljoin(current, response.headers["location"])
                continue
            result = classify(response.status_code, response.headers, now)
            result.headers = {k.lower(): v for k, v in response.headers.items()}
            result.final_url = current
            result.moved_to = current if hop and permanent else None
            result.max_age = parse_max_age(response.headers.get("cache-control"))
            if result.kind == "body":
                result.body, result.size = await _read_body(response, limits)
                result.etag = response.headers.get("etag")
                result.last_modified = response.headers.get("last-modified")
            return result
        finally:
            await response.aclose()
    return Fetched("failed", url, reason=f"more than {MAX_REDIRECTS} redirects", outcome="error")


async def _read_body(response: httpx.Response, limits: Limits) -> tuple[bytes, int]:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise _TooLarge(f"body of {declared} bytes is over the {limits.max_bytes} byte limit")
    inflater = _Inflater(response.headers.get("content-encoding", "").strip().lower(),
                         limits.max_bytes)  # fmt: skip
    raw = 0
    parts = []
    async for chunk in response.aiter_raw():
        raw += len(chunk)
        if raw > limits.max_bytes:
            raise _TooLarge(f"body over the {limits.max_bytes} byte limit")
        parts.append(inflater.feed(chunk))
    return b"".join(parts), raw
