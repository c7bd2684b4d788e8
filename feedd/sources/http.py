"""Fetch remote feeds politely and defensively with httpx; returns outcomes, never raises.

- Conditional requests: the stored ``ETag`` and ``Last-Modified`` go back as ``If-None-Match``
  and ``If-Modified-Since``; a 304 costs no parsing.
- Redirects are followed by hand (up to MAX_REDIRECTS) so each hop is checked: only http(s),
  and a chain made only of permanent hops (301, 308) is reported so the caller can move the
  subscription.
- Every connection is checked where it is made (``_GuardedBackend``): the host name is
  resolved by feedd, every address it gives is checked, and the socket connects to a checked
  address, never to a name resolved again. A link-local address (169.254.0.0/16, fe80::/10,
  where cloud metadata services live) is refused however it is spelled: decimal, hex or octal
  IPv4, IPv4-mapped or -compatible IPv6, NAT64, or a name that resolves to one.
- Every response is classified in one function (``classify``): body, not modified, gone,
  retry later, failed.
- Time and size are bounded: connect/read timeouts and a deadline for the whole request; the
  body is capped both as sent and as decompressed. feedd decodes ``Content-Encoding`` itself
  (gzip, deflate, br, stacked in any order), a bounded piece at a time, so a bomb is cut off
  instead of inflated, and a corrupt or truncated body is a reason, never an exception.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
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
from ..errors import FeeddError
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


class _Refused(FeeddError):
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
        return Fetched(
            "retry",
            "",
            status,
            reason=text,
            retry_after=after,
            outcome="4xx" if status < 500 else "5xx",
        )
    label = "4xx" if 400 <= status < 500 else "5xx" if status >= 500 else "error"
    return Fetched("failed", "", status, reason=f"HTTP {status}", outcome=label)


def _check_target(url: str) -> None:
    """Refuse redirects to anything but http(s); addresses are checked at connect time."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _Refused(f"refused redirect to {url!r}: only http and https are followed")


_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


def forbidden(address: str) -> str | None:
    """Why feedd refuses to connect to this address (link-local or unspecified, in any of its
    spellings), or None.

    An IPv6 address that carries an IPv4 one (mapped ``::ffff:a.b.c.d``, compatible
    ``::a.b.c.d``, NAT64 ``64:ff9b::a.b.c.d`` and the local-use prefix, 6to4, Teredo) is
    judged by the IPv4 address inside.
    """
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return "not an IP address"
    shown = str(ip)
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        compatible = int(ip) >> 32 == 0 and int(ip) > 0xFFFF  # ::a.b.c.d
        if inner is None and (compatible or any(ip in n for n in _NAT64)):
            inner = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)  # the low 32 bits
        if inner is not None:
            ip = inner
            shown += f" ({ip})"
    if ip.is_link_local:
        return f"{shown} is a link-local address"
    if ip.is_unspecified:
        return f"{shown} is the unspecified address"
    return None


class _GuardedBackend:
    """httpcore's network backend, but connecting only to addresses that pass ``forbidden``.

    The name is resolved here and the socket connects to the checked address itself, so DNS
    cannot answer one address to the check and another to the connection. TLS still verifies
    the host name: httpcore passes the URL's host as the server name, not the address.
    """

    def __init__(self) -> None:
        import httpcore

        self._inner = httpcore.AnyIOBackend()
        self._error = httpcore.ConnectError

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: object = None,
    ) -> object:
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as e:
            raise self._error(f"cannot resolve {host}: {e.strerror or e}") from e
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        for address in addresses:
            if why := forbidden(address):
                raise self._error(f"refused to connect to {host}: {why}")
        last: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except self._error as e:
                last = e
        raise last or self._error(f"{host} resolves to no address")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)

    async def connect_unix_socket(self, *args: object, **kwargs: object) -> object:
        raise self._error("unix sockets are not used")


class _BadBody(FeeddError):
    pass


class _Decoder:
    """Undo one ``Content-Encoding`` a bounded piece at a time; output never exceeds ``limit``
    in all (``_TooLarge``); a corrupt or truncated stream is ``_BadBody``."""

    def __init__(self, encoding: str, limit: int) -> None:
        self.encoding = encoding
        self.limit = limit
        self.size = 0
        self.errors: tuple[type[Exception], ...] = (zlib.error, ValueError)
        if encoding in ("gzip", "x-gzip"):
            self.d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self.d = None  # zlib-wrapped as the RFC says, or raw as some servers send it
        elif encoding == "br":
            import brotli

            self.d = brotli.Decompressor()
            self.errors = (brotli.error, ValueError)
        else:
            raise _Refused(f"unsupported Content-Encoding {encoding!r}")
        self.pending = b""  # deflate: the first bytes, until they tell which kind it is

    def feed(self, chunk: bytes) -> list[bytes]:
        try:
            if self.encoding == "br":
                return self._brotli(chunk)
            if self.d is None:
                self.pending += chunk
                if len(self.pending) < 2:
                    return []
                chunk, self.pending = self.pending, b""
                zlib_header = (chunk[0] & 0x0F) == 8 and int.from_bytes(chunk[:2]) % 31 == 0
                self.d = zlib.decompressobj(zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS)
            return self._zlib(chunk)
        except self.errors as e:
            raise _BadBody(f"corrupt {self.encoding} body: {e}") from None

    def _zlib(self, data: bytes) -> list[bytes]:
        out = []
        data, self.pending = self.pending + data, b""
        while data:
            if self.d.eof:
                if data == b"\x1f" and self.encoding != "deflate":
                    self.pending = data  # perhaps the next member's first byte: wait for more
                    break
                if self.encoding == "deflate" or data[:2] != b"\x1f\x8b":
                    break  # bytes after the end of the stream: garbage, ignored as browsers do
                # RFC 1952 2.2: a gzip file is a series of members; the next one starts
                self.d = zlib.decompressobj(16 + zlib.MAX_WBITS)
            piece = self.d.decompress(data, 64 * 1024)  # never more than 64 KiB at once
            self._count(piece)
            out.append(piece)
            data = self.d.unused_data if self.d.eof else self.d.unconsumed_tail
        return out

    def _brotli(self, data: bytes) -> list[bytes]:
        out = [self.d.process(data, output_buffer_limit=64 * 1024)]
        self._count(out[-1])
        while not self.d.can_accept_more_data():
            out.append(self.d.process(b"", output_buffer_limit=64 * 1024))
            self._count(out[-1])
        return out

    def finish(self) -> list[bytes]:
        if self.d is None:  # deflate that never got two bytes
            raise _BadBody(f"truncated {self.encoding} body")
        try:
            rest = [] if self.encoding == "br" else [self.d.flush()]
        except zlib.error as e:
            raise _BadBody(f"corrupt {self.encoding} body: {e}") from None
        done = self.d.is_finished() if self.encoding == "br" else self.d.eof
        if not done:
            raise _BadBody(f"truncated {self.encoding} body: it ends before its stream does")
        return rest

    def _count(self, piece: bytes) -> None:
        self.size += len(piece)
        if self.size > self.limit:
            raise _TooLarge(f"decompressed body over {self.limit} bytes")


MAX_ENCODINGS = 3  # "gzip, gzip" happens; a longer stack is an attack, not a mistake


class _Decoding:
    """A body's ``Content-Encoding`` undone as it arrives: stacked codings are undone last
    applied first, each piece passed straight on, so no stage holds more than ``limit``."""

    def __init__(self, content_encoding: str, limit: int) -> None:
        codings = [c.strip().lower() for c in content_encoding.split(",")]
        codings = [c for c in codings if c and c != "identity"]
        if len(codings) > MAX_ENCODINGS:
            raise _Refused(f"refused Content-Encoding {content_encoding!r}: too many encodings")
        self.stages = [_Decoder(c, limit) for c in reversed(codings)]
        self.limit = limit
        self.size = 0

    def feed(self, chunk: bytes) -> list[bytes]:
        return self._through(0, [chunk])

    def finish(self) -> list[bytes]:
        pending: list[bytes] = []  # what the stages before this one still had to give
        for stage in self.stages:
            pending = [out for piece in pending if piece for out in stage.feed(piece)]
            pending += stage.finish()
        return self._counted(pending)

    def _through(self, first: int, pieces: list[bytes]) -> list[bytes]:
        for stage in self.stages[first:]:
            pieces = [out for piece in pieces if piece for out in stage.feed(piece)]
        return self._counted(pieces)

    def _counted(self, pieces: list[bytes]) -> list[bytes]:
        self.size += sum(map(len, pieces))
        if self.size > self.limit:
            raise _TooLarge(f"decompressed body over {self.limit} bytes")
        return pieces


class _TooLarge(FeeddError):
    pass


def client(limits: Limits, max_connections: int = 100) -> httpx.AsyncClient:
    """A client: no automatic redirects, our own User-Agent and encodings, the process's one
    TLS context (``tls_context``)."""
    return httpx.AsyncClient(
        transport=_transport(tls_context(), max_connections),
        follow_redirects=False,
        timeout=httpx.Timeout(
            connect=limits.connect_timeout,
            read=limits.read_timeout,
            write=limits.read_timeout,
            pool=limits.total_timeout,
        ),
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate, br"},
        trust_env=False,  # no proxy or netrc surprises from the environment
    )


def _transport(tls: ssl.SSLContext, max_connections: int) -> httpx.AsyncHTTPTransport:
    """httpx's transport over a connection pool whose every connection is checked."""
    import httpcore

    transport = httpx.AsyncHTTPTransport(verify=tls, trust_env=False)
    # The pool httpx made is replaced by one on the guarded backend; httpx keeps it as
    # `_pool` (tests/test_sources_http.py fails should that ever change)
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=tls,
        max_connections=max_connections,
        max_keepalive_connections=max_connections,
        keepalive_expiry=5.0,
        network_backend=_GuardedBackend(),
    )
    return transport


@functools.cache
def tls_context() -> ssl.SSLContext:
    """Certificate checks as httpx makes them by default (certifi's CA bundle). Made once
    per process: each new context reads the CA certificates again, and one context serves
    every client (the daemon fetches each source on a job of its own)."""
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
        result = Fetched(
            "failed", url, reason=f"timed out after {limits.total_timeout:g}s", outcome="timeout"
        )
    except httpx.TimeoutException as e:
        result = Fetched("failed", url, reason=f"timed out ({type(e).__name__})", outcome="timeout")
    except _TooLarge as e:
        result = Fetched("failed", url, reason=str(e), outcome="too_large")
    except (_Refused, _BadBody) as e:
        result = Fetched("failed", url, reason=str(e), outcome="error")
    except httpx.HTTPError as e:
        result = Fetched("failed", url, reason=_describe(e), outcome="error")
    except Exception as e:  # noqa: BLE001 - whatever a server sends, the fetch returns
        result = Fetched(
            "failed",
            url,
            reason=f"unexpected error while fetching: {type(e).__name__}: {e}",
            outcome="error",
        )
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
    headers = {
        "Accept": "application/atom+xml, application/rss+xml, application/feed+json, "
        "application/json;q=0.9, application/xml;q=0.9, */*;q=0.8"
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    current = url
    permanent = True
    for hop in range(MAX_REDIRECTS + 1):
        if hop:
            _check_target(current)
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
    decoding = _Decoding(response.headers.get("content-encoding", ""), limits.max_bytes)
    raw = 0
    parts = []
    async for chunk in response.aiter_raw():
        raw += len(chunk)
        if raw > limits.max_bytes:
            raise _TooLarge(f"body over the {limits.max_bytes} byte limit")
        parts.extend(decoding.feed(chunk))
    parts.extend(decoding.finish())
    return b"".join(parts), raw
