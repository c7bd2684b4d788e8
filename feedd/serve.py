"""Serve the output folder over HTTP, cheaply for pollers: ETag, Last-Modified, 304, gzip.

Feed readers poll often, so an unchanged feed must cost almost nothing. Each file is read,
hashed and gzipped once per change (the cache is keyed by mtime and size, which only move
when a publish rewrites the file), and its response heads are built then too: answering a
conditional request is a dictionary lookup and one write. The server is an asyncio protocol
in a thread of its own: idle or slow clients cost a few hundred bytes each, never a thread,
and are cut off after CLIENT_TIMEOUT. Only GET and HEAD; paths never leave the output folder.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import __version__

TYPES = {
    ".atom": "application/atom+xml; charset=utf-8",
    ".opml": "text/x-opml; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}
MAX_PATH = 1024
MAX_HEAD = 16 * 1024  # request line and headers
CLIENT_TIMEOUT = 30.0  # seconds a connection may sit idle or trickle its request
SERVER = f"feedd/{__version__}"
REASONS = {200: "OK", 304: "Not Modified", 400: "Bad Request", 404: "Not Found",
           405: "Method Not Allowed", 414: "URI Too Long", 431: "Request Header Fields Too Large",
           503: "Service Unavailable"}  # fmt: skip


def _prefix(status: int) -> bytes:
    return f"HTTP/1.1 {status} {REASONS.get(status, '')}\r\nServer: {SERVER}\r\nDate: ".encode()


_PREFIX = {status: _prefix(status) for status in REASONS}

Status = Callable[[], tuple[int, dict]]  # /healthz: (HTTP status, JSON body)
Metrics = Callable[[], str]  # /metrics: Prometheus text


@dataclass(frozen=True)
class Cached:
    """One file as served: both bodies, and the headers that do not change between requests."""

    key: tuple[int, int]  # (mtime_ns, size) when read
    body: bytes
    gz: bytes
    etag: str
    mtime: int  # whole seconds, as HTTP dates have them
    plain_head: bytes  # header lines (no status line, no Date) for the identity body
    gzip_head: bytes
    plain_304: bytes  # the same for a 304 answer
    gzip_304: bytes


RECHECK = 0.2  # seconds a file's stat is trusted: a publish shows within this much


class FileCache:
    def __init__(self) -> None:
        self.lock = threading.Lock()  # for writers: a lookup is one atomic dict read
        self.files: dict[Path, tuple[Cached, float]] = {}  # path -> (entry, when last stat'ed)

    def get(self, path: Path, max_age: int) -> Cached | None:
        now = time.monotonic()
        hit, checked = self.files.get(path) or (None, 0.0)
        if hit and now - checked < RECHECK:
            return hit
        try:
            st = path.stat()
        except OSError:
            return None
        key = (st.st_mtime_ns, st.st_size)
        if hit and hit.key == key:
            self.keep(path, hit, now)
            return hit
        try:
            body = path.read_bytes()
        except OSError:
            return None
        digest = hashlib.sha256(body).hexdigest()[:32]
        gz = gzip.compress(body, 6, mtime=0)
        ctype = TYPES.get(path.suffix, "application/octet-stream")
        common = (f"Last-Modified: {formatdate(st.st_mtime, usegmt=True)}\r\n"
                  f"Cache-Control: max-age={max_age}\r\nVary: Accept-Encoding\r\n"
                  f"Content-Type: {ctype}\r\n")  # fmt: skip
        plain = f'ETag: "{digest}"\r\n{common}'.encode()
        gzipped = f'ETag: "{digest}-gz"\r\n{common}'.encode()
        entry = Cached(
            key, body, gz, f'"{digest}"', int(st.st_mtime), plain,
            gzipped + b"Content-Encoding: gzip\r\n",
            plain + b"Content-Length: 0\r\n", gzipped + b"Content-Length: 0\r\n",
        )  # fmt: skip
        self.keep(path, entry, now)
        return entry

    def keep(self, path: Path, entry: Cached, checked: float) -> None:
        """Remember ``entry`` as checked at ``checked``, unless another request thread has
        meanwhile cached a newer version of the file: a poller must never see a feed go back."""
        with self.lock:
            current = self.files.get(path)
            if current is None or current[0].key[0] <= entry.key[0]:
                self.files[path] = (entry, checked)


class _Clock:
    """Status lines with their Date header, made once a second rather than once a request."""

    def __init__(self) -> None:
        self.second = 0
        self.lines: dict[int, bytes] = {}

    def status_line(self, status: int) -> bytes:
        """``HTTP/1.1 <status>``, ``Server`` and ``Date``, each ending in CRLF."""
        now = int(time.time())
        if now != self.second:
            self.second, self.lines = now, {}
        line = self.lines.get(status)
        if line is None:
            date = formatdate(now, usegmt=True).encode()
            line = self.lines[status] = (_PREFIX.get(status) or _prefix(status)) + date + b"\r\n"
        return line


class Server:
    """The HTTP server of ``feedd run``; its own event loop runs in its own thread."""

    def __init__(self, listen: str, root: Path, max_age: int, health: Status, metrics: Metrics):
        host, _, port = listen.rpartition(":")
        self.root = root.resolve()
        self.max_age = max_age
        self.health = health
        self.metrics = metrics
        self.cache = FileCache()
        self.resolved: dict[str, Path | None] = {}
        self.clock = _Clock()
        self.loop = asyncio.new_event_loop()
        # bind now, so that a taken port is an error at start-up, not in a thread later
        self.server = self.loop.run_until_complete(
            self.loop.create_server(
                lambda: _Connection(self),
                host.strip("[]"),
                int(port),
                backlog=1024,
                reuse_address=True,
            )  # fmt: skip
        )
        self.thread: threading.Thread | None = None

    def set_root(self, root: Path, max_age: int) -> None:
        self.root, self.max_age = root.resolve(), max_age
        self.resolved = {}
        with self.cache.lock:
            self.cache.files = {}

    def start(self) -> None:
        self.thread = threading.Thread(target=self.loop.run_forever, name="http", daemon=True)
        self.thread.start()

    def close(self) -> None:
        def stop() -> None:
            self.server.close()
            self.loop.stop()

        if self.thread and self.thread.is_alive():
            self.loop.call_soon_threadsafe(stop)
            self.thread.join(timeout=5)
        else:
            self.server.close()

    # --- answering -----------------------------------------------------------------------------

    def resolve(self, raw: str) -> Path | None:
        """The file a request path names, or None when it would leave the output folder.

        Remembered per path (a feed reader asks for the same few again and again), so that
        the realpath system calls happen once, not per request.
        """
        hit = self.resolved.get(raw, False)
        if hit is not False:
            return hit
        path = self._resolve(raw)
        if len(self.resolved) > 10_000:
            self.resolved.clear()
        self.resolved[raw] = path
        return path

    def _resolve(self, raw: str) -> Path | None:
        path = unquote(urlsplit(raw).path)
        if len(path) > MAX_PATH or "\0" in path or "\\" in path or not path.startswith("/"):
            return None
        if any(part in ("..", ".") or part.startswith(".") for part in path.split("/")):
            return None
        target = (self.root / path.lstrip("/")).resolve()
        if not target.is_relative_to(self.root):
            return None
        return target / "index.html" if target.is_dir() else target

    def plain(self, status: int, text: str, ctype: str = "text/plain; charset=utf-8",
              extra: str = "") -> tuple[bytes, bytes]:  # fmt: skip
        body = text.encode()
        head = (f"Content-Type: {ctype}\r\nContent-Length: {len(body)}\r\n"
                f"Cache-Control: no-store\r\n{extra}")  # fmt: skip
        return self.status_line(status, head.encode()), body

    def status_line(self, status: int, head: bytes) -> bytes:
        return b"".join((self.clock.status_line(status), head, b"\r\n"))

    def answer(self, method: str, target: str, headers: dict[str, str]) -> tuple[bytes, bytes]:
        """``(head, body)`` for one request; the body is dropped for HEAD by the caller."""
        if method not in ("GET", "HEAD"):
            return self.plain(405, "method not allowed\n", extra="Allow: GET, HEAD\r\n")
        if len(target) > MAX_PATH:
            return self.plain(414, "URI too long\n")
        route = target.split("?", 1)[0]
        if route == "/metrics":
            return self.plain(200, self.metrics(), "text/plain; version=0.0.4; charset=utf-8")
        if route == "/healthz":
            status, doc = self.health()
            return self.plain(status, json.dumps(doc) + "\n", "application/json")
        path = self.resolve(target)
        if path is None:
            return self.plain(400, "bad path\n")
        cached = self.cache.get(path, self.max_age)
        if cached is None:
            return self.plain(404, "not found\n")
        use_gzip = "gzip" in headers.get("accept-encoding", "") and len(cached.gz) < len(
            cached.body
        )
        head = cached.gzip_head if use_gzip else cached.plain_head
        if _not_modified(cached, headers):
            return self.status_line(304, cached.gzip_304 if use_gzip else cached.plain_304), b""
        body = cached.gz if use_gzip else cached.body
        return self.status_line(200, head + f"Content-Length: {len(body)}\r\n".encode()), body


def _not_modified(cached: Cached, headers: dict[str, str]) -> bool:
    inm = headers.get("if-none-match")
    if inm is not None:  # RFC 9110 13.1.2: If-None-Match wins over If-Modified-Since
        if inm == cached.etag:  # what a poller sends back, nearly always
            return True
        tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
        return "*" in tags or cached.etag in tags or cached.etag[:-1] + '-gz"' in tags
    ims = headers.get("if-modified-since")
    if ims:
        try:
            return cached.mtime <= parsedate_to_datetime(ims).timestamp()
        except (TypeError, ValueError, IndexError):
            return False
    return False


class _Connection(asyncio.Protocol):
    """One client: requests parsed from the buffer as they complete, keep-alive, a timeout."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.buffer = b""
        self.transport: asyncio.Transport | None = None
        self.timer: asyncio.TimerHandle | None = None
        self.last = 0.0
        self.busy = False  # a /healthz or /metrics answer is being computed in a thread

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.last = self.server.loop.time()
        self.timer = self.server.loop.call_later(CLIENT_TIMEOUT, self._timeout)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.timer:
            self.timer.cancel()

    def _timeout(self) -> None:
        """Close a connection quiet for CLIENT_TIMEOUT; activity only moves ``last``, so a
        busy keep-alive connection costs no timer per request."""
        idle = self.server.loop.time() - self.last
        if idle < CLIENT_TIMEOUT:
            self.timer = self.server.loop.call_later(CLIENT_TIMEOUT - idle, self._timeout)
        elif self.transport:
            self.transport.close()

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        self.last = self.server.loop.time()
        if not self.busy:
            self._drain()

    def _drain(self) -> None:
        while self.transport and not self.transport.is_closing():
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > MAX_HEAD:
                    self._send(*self.server.plain(431, "request head too large\n"), close=True)
                return
            head, self.buffer = self.buffer[:end].decode("latin-1"), self.buffer[end + 4 :]
            lines = head.split("\r\n")
            parts = lines[0].split(" ")
            if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
                self._send(*self.server.plain(400, "bad request\n"), close=True)
                return
            method, target, version = parts
            headers = {}
            for line in lines[1:]:
                name, sep, value = line.partition(":")
                if sep:
                    headers[name.strip().lower()] = value.strip()
            close = version == "HTTP/1.0" or headers.get("connection", "").lower() == "close"
            if (
                headers.get("content-length", "0") not in ("", "0")
                or "transfer-encoding" in headers
            ):
                close = True  # a request body feedd will not read: answer, then hang up
            if target.split("?", 1)[0] in ("/healthz", "/metrics"):
                self._answer_in_thread(method, target, headers, close)
                return
            head_bytes, body = self.server.answer(method, target, headers)
            self._send(head_bytes, b"" if method == "HEAD" else body, close)

    def _answer_in_thread(self, method: str, target: str, headers: dict, close: bool) -> None:
        """Health and metrics read the database: not on the event loop."""
        self.busy = True
        loop = self.server.loop
        future = loop.run_in_executor(None, self.server.answer, method, target, headers)

        def done(f: asyncio.Future) -> None:
            self.busy = False
            try:
                head_bytes, body = f.result()
            except Exception:  # noqa: BLE001 - a broken database must not kill the server
                head_bytes, body = self.server.plain(503, "status unavailable\n")
            self._send(head_bytes, b"" if method == "HEAD" else body, close)
            if not close:
                self._drain()

        future.add_done_callback(done)

    def _send(self, head: bytes, body: bytes, close: bool = False) -> None:
        if not self.transport or self.transport.is_closing():
            return
        if close:
            head = head[:-2] + b"Connection: close\r\n\r\n"
        self.transport.write(head + body if len(body) < 65536 else head)
        if len(body) >= 65536:
            self.transport.write(body)
        if close:
            self.transport.close()
