"""Serve the output folder over HTTP, cheaply for pollers: ETag, Last-Modified, 304, gzip.

Feed readers poll often, so an unchanged feed must cost almost nothing. Each file is read,
hashed and gzipped once per change (the cache is keyed by mtime and size, which only move
when a publish rewrites the file), and its response heads are built then too: answering a
conditional request is a dictionary lookup and one write. The server is an asyncio protocol
in a thread of its own: an idle or slow client costs a small object, never a thread.

Every client is bounded, because feedd faces the open internet: a request head must arrive
whole within HEAD_TIMEOUT and fit in MAX_HEAD, however it is cut into packets; a connection
holds at most one answer in memory (pipelined requests wait, unread, until the answer before
them has left); an answer that stops moving is dropped after SEND_TIMEOUT; and the number of
connections is kept below the file-descriptor limit, with RESERVED_FDS left for the
database, the seeds scan and the sources, by closing the idlest connection when full. Only
GET and HEAD; paths never leave the output folder.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
import logging
import re
import resource
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from . import __version__, log

TYPES = {
    ".atom": "application/atom+xml; charset=utf-8",
    ".json": "application/feed+json; charset=utf-8",  # the JSON Feeds: the only .json there
    ".opml": "text/x-opml; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}
MAX_PATH = 1024
MAX_HEAD = 16 * 1024  # request line and headers
HEAD_TIMEOUT = 10.0  # seconds for a whole request head to arrive, from its first byte
IDLE_TIMEOUT = 30.0  # seconds a keep-alive connection may sit with nothing asked
SEND_TIMEOUT = 30.0  # seconds an answer may sit unread by its client
WRITE_HIGH = 64 * 1024  # bytes queued for a client before its next request waits
MAX_PENDING = 2 * MAX_HEAD  # bytes of unanswered requests held before reading stops
BACKLOG = 64  # also how many connections asyncio accepts in one go, before any is counted
RESERVED_FDS = 128 + BACKLOG  # kept from clients: database, scan, sources, one accept burst
SWEEP = 1.0  # seconds between checks of the time limits
LOG_EVERY = 60.0  # seconds between two log lines of the same kind of client trouble
SERVER = f"feedd/{__version__}"
REASONS = {
    200: "OK",
    304: "Not Modified",
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    414: "URI Too Long",
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def max_connections() -> int:
    """Clients served at once: the file-descriptor limit, less a reserve (at least 16)."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        soft = 1 << 20
    return max(16, soft - max(RESERVED_FDS, soft // 8))


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
RESOLVED_FOR = 1.0  # seconds a request path's resolved file is trusted


class FileCache:
    """``links``: the ``Link`` header lines of a file (a feed's WebSub hubs and self)."""

    def __init__(self, links: Callable[[Path], str] = lambda path: "") -> None:
        self.lock = threading.Lock()  # for writers: a lookup is one atomic dict read
        self.files: dict[Path, tuple[Cached, float]] = {}  # path -> (entry, when last stat'ed)
        self.links = links

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
        common = (
            f"Last-Modified: {formatdate(st.st_mtime, usegmt=True)}\r\n"
            f"Cache-Control: max-age={max_age}\r\nVary: Accept-Encoding\r\n"
            f"Content-Type: {ctype}\r\n{self.links(path)}"
        )
        plain = f'ETag: "{digest}"\r\n{common}'.encode()
        gzipped = f'ETag: "{digest}-gz"\r\n{common}'.encode()
        entry = Cached(
            key,
            body,
            gz,
            f'"{digest}"',
            int(st.st_mtime),
            plain,
            gzipped + b"Content-Encoding: gzip\r\n",
            plain + b"Content-Length: 0\r\n",
            gzipped + b"Content-Length: 0\r\n",
        )
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


FEEDS = (".atom", ".json")  # what a WebSub subscriber subscribes to


def link_header(hubs: tuple[str, ...], self_url: str) -> str:
    """A feed's ``Link`` header (WebSub 4: its hubs and its own URL), CRLF-terminated."""
    links = [f'<{h}>; rel="hub"' for h in hubs] + [f'<{self_url}>; rel="self"']
    return "Link: " + ", ".join(links) + "\r\n"


NOWHERE = Path("/")  # what a request path resolves to when no file can have that name


class Server:
    """The HTTP server of ``feedd run``; its own event loop runs in its own thread."""

    def __init__(
        self,
        listen: str,
        root: Path,
        max_age: int,
        health: Status,
        metrics: Metrics,
        hubs: tuple[str, ...] = (),
        base_url: str = "",
    ):
        host, _, port = listen.rpartition(":")
        self.root = root.resolve()
        self.max_age = max_age
        self.health = health
        self.metrics = metrics
        self.hubs, self.base_url = hubs, base_url
        self.cache = FileCache(self.links)
        self.resolved: dict[str, tuple[Path | None, float]] = {}  # path -> (file, when)
        self.clock = _Clock()
        self.connections: dict[_Connection, None] = {}  # open ones, oldest first
        self.max_connections = max_connections()
        self.logged: dict[str, tuple[float, int]] = {}  # kind -> (when logged, since then)
        self.loop = asyncio.new_event_loop()
        self.loop.set_exception_handler(self._loop_error)
        # bind now, so that a taken port is an error at start-up, not in a thread later
        self.server = self.loop.run_until_complete(
            self.loop.create_server(
                lambda: _Connection(self),
                host.strip("[]"),
                int(port),
                backlog=BACKLOG,
                reuse_address=True,
            )
        )
        self.thread: threading.Thread | None = None
        self.loop.call_soon(self._sweep)

    def links(self, path: Path) -> str:
        """A feed's WebSub ``Link`` header lines, when hubs are configured."""
        if not self.hubs or path.suffix not in FEEDS:
            return ""
        try:
            rel = path.relative_to(self.root).as_posix()
        except ValueError:
            return ""
        return link_header(self.hubs, self.base_url + quote(rel, safe="/"))

    def admit(self, conn: _Connection) -> None:
        """Count a new connection in; when that makes too many, close the idlest one."""
        self.connections[conn] = None
        if len(self.connections) > self.max_connections:
            idlest = min(self.connections, key=_Connection.idleness)
            if idlest.transport:
                idlest.transport.abort()
            self.connections.pop(idlest, None)
            self.log_once(
                "full",
                f"{self.max_connections} connections open, the most the "
                "file-descriptor limit allows: closing the idlest",
            )

    def _sweep(self) -> None:
        now = self.loop.time()
        for conn in list(self.connections):
            conn.expired(now)
        self.loop.call_later(SWEEP, self._sweep)

    def log_once(self, kind: str, detail: str, exc_info: bool = False) -> None:
        """Log client trouble at most once per LOG_EVERY per kind, with a count of the rest:
        a flood of bad clients must not become a flood of log lines."""
        now = time.monotonic()
        when, since = self.logged.get(kind, (-LOG_EVERY, 0))
        if now - when < LOG_EVERY:
            self.logged[kind] = (when, since + 1)
            return
        self.logged[kind] = (now, 0)
        if exc_info:
            log.LOG.exception("server_error kind=%s (a bug: please report it)", kind)
        log.event(
            "server_trouble",
            logging.WARNING,
            kind=kind,
            detail=detail,
            more_since_last=since or None,
        )

    def _loop_error(self, loop: asyncio.AbstractEventLoop, context: dict) -> None:
        # asyncio reports failed accepts (EMFILE) and broken client sockets here.
        exc = context.get("exception")
        kind = type(exc).__name__ if exc else context.get("message", "error")
        self.log_once(f"loop:{kind}", f"server: {context.get('message')}: {exc or ''}".strip())

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
        now = time.monotonic()
        hit, when = self.resolved.get(raw, (None, -RESOLVED_FOR))
        if now - when < RESOLVED_FOR:
            return hit
        path = self._resolve(raw)
        if len(self.resolved) > 10_000:
            self.resolved.clear()
        self.resolved[raw] = (path, now)  # and checked again soon: a folder may become a link
        return path

    def _resolve(self, raw: str) -> Path | None:
        path = unquote(urlsplit(raw).path)
        if len(path) > MAX_PATH or "\0" in path or "\\" in path or not path.startswith("/"):
            return None
        if any(part in ("..", ".") or part.startswith(".") for part in path.split("/")):
            return None
        try:
            target = (self.root / path.lstrip("/")).resolve()
            if not target.is_relative_to(self.root):
                return None
            return target / "index.html" if target.is_dir() else target
        except (OSError, ValueError):  # a name too long for the file system, a loop: no file
            return NOWHERE

    def plain(
        self, status: int, text: str, ctype: str = "text/plain; charset=utf-8", extra: str = ""
    ) -> tuple[bytes, bytes]:
        body = text.encode()
        head = (
            f"Content-Type: {ctype}\r\nContent-Length: {len(body)}\r\n"
            f"Cache-Control: no-store\r\n{extra}"
        )
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
        cached = self.cache.get(path, self.max_age) if path is not NOWHERE else None
        if cached is None:
            return self.plain(404, "not found\n")
        use_gzip = len(cached.gz) < len(cached.body) and accepts_gzip(
            headers.get("accept-encoding", "")
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
        except (TypeError, ValueError, IndexError, OverflowError):  # a date no clock has
            return False
    return False


def accepts_gzip(value: str) -> bool:
    """Whether an ``Accept-Encoding`` value allows gzip (RFC 9110 §12.5.3): named with a
    nonzero weight, or allowed by ``*`` when it is not named; ``gzip;q=0`` refuses it."""
    star = None
    for item in value.lower().split(","):
        coding, *params = (part.strip() for part in item.split(";"))
        weight = 1.0
        for param in params:
            name, _, number = param.partition("=")
            if name.strip() == "q":
                try:
                    weight = float(number)
                except ValueError:
                    weight = 0.0
        if coding in ("gzip", "x-gzip"):
            return weight > 0
        if coding == "*":
            star = weight > 0
    return bool(star)


_HEAD_END = re.compile(rb"\r?\n\r?\n")
_ONCE = ("content-length", "transfer-encoding", "host")  # headers a request may send once
_LINE_END = re.compile(r"\r?\n")


class _Connection(asyncio.Protocol):
    """One client. Requests are answered one at a time, in order: the next is parsed only
    when the previous answer has mostly left (the transport's write buffer is below its high
    mark), and reading stops while more than MAX_PENDING unanswered bytes wait. A client that
    pipelines hundreds of requests, or never reads, holds one answer's worth of memory."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.buffer = b""
        self.transport: asyncio.Transport | None = None
        self.last = server.loop.time()  # when it opened or last got an answer
        self.head_started: float | None = None  # when the unfinished request head began
        self.busy = False  # a /healthz or /metrics answer is being computed in a thread
        self.writing_paused = False
        self.reading_paused = False
        self.sent = (0, 0.0)  # (write buffer size, when it last moved), for SEND_TIMEOUT
        self.scanned = 0  # bytes of the buffer known to hold no end of a request head
        self.eof = False

    # --- the transport's calls ---------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.transport.set_write_buffer_limits(high=WRITE_HIGH)
        self.server.admit(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.server.connections.pop(self, None)
        self.transport = None

    def pause_writing(self) -> None:
        self.writing_paused = True

    def resume_writing(self) -> None:
        self.writing_paused = False
        self._drain()

    def data_received(self, data: bytes) -> None:
        # Bytes alone do not make a connection less idle (``last`` moves with answers): a
        # request head has HEAD_TIMEOUT from its first byte, and empty lines are no request.
        if not self.buffer:
            self.head_started = self.server.loop.time()
        self.buffer += data
        self._drain()

    def eof_received(self) -> bool:
        # The client sends no more: keep the connection open (half closed) only while answers
        # to what it did send are still to be written.
        self.eof = True
        if self.busy or self.writing_paused:
            return True  # answers still to come; the end of the buffer is seen to then
        if self.buffer.strip(b"\r\n"):  # a request cut off: it will never be whole
            self._send(*self.server.plain(400, "incomplete request\n"), close=True)
        return False

    # --- requests ----------------------------------------------------------------------------

    def _drain(self) -> None:
        try:
            while self._answer_next():
                pass
        except Exception:  # noqa: BLE001 - one request's bug must not take the server down
            self.server.log_once("request", "a request failed", exc_info=True)
            self._send(*self.server.plain(500, "internal error\n"), close=True)
        self._flow()

    def _answer_next(self) -> bool:
        """Answer the next complete request in the buffer; False when there is none to
        answer now (incomplete, or waiting for the client to read, or closed)."""
        if self.busy or self.writing_paused or not self.transport or self.transport.is_closing():
            return False
        if self.buffer[:1] in (b"\r", b"\n"):  # RFC 9112 §2.2: empty lines before a request
            self.buffer, self.scanned = self.buffer.lstrip(b"\r\n"), 0
        found = _HEAD_END.search(self.buffer, max(0, self.scanned - 3), MAX_HEAD + 4)
        if found is not None and found.start() > MAX_HEAD:
            found = None  # a head that ends past the limit is as long as one that never ends
        if found is None:
            self.scanned = len(self.buffer)
            if len(self.buffer) > MAX_HEAD + 3:
                line = self.buffer.split(b"\n", 1)[0]
                if len(line) > MAX_PATH + 64 or b"\n" not in self.buffer:
                    self._send(*self.server.plain(414, "URI too long\n"), close=True)
                else:
                    self._send(*self.server.plain(431, "request head too large\n"), close=True)
            if not self.buffer:
                self.head_started = None
            if self.eof and self.transport and not self.transport.is_closing():
                if self.buffer:
                    self._send(*self.server.plain(400, "incomplete request\n"), close=True)
                else:
                    self.transport.close()
            return False
        head = self.buffer[: found.start()].decode("latin-1")
        self.buffer, self.scanned = self.buffer[found.end() :], 0
        self.head_started = self.server.loop.time() if self.buffer else None
        lines = _LINE_END.split(head)
        if "\r" in head.replace("\r\n", ""):  # RFC 9112 §2.2: a bare CR is no line end
            self._send(*self.server.plain(400, "bad line ending\n"), close=True)
            return False
        parts = lines[0].split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/1.") or not parts[1]:
            self._send(*self.server.plain(400, "bad request\n"), close=True)
            return False
        method, target, version = parts
        headers = {}
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if not sep or not name or name != name.strip():
                # RFC 9112 §5.1: no whitespace before the colon; a line without one is no
                # header. Either could smuggle a second request past a proxy.
                self._send(*self.server.plain(400, "bad header line\n"), close=True)
                return False
            name = name.lower()
            if name in headers and name in _ONCE:
                # Two lengths: a proxy in front may take the other one, and read what
                # follows as a second request that feedd would answer (smuggling).
                self._send(*self.server.plain(400, f"more than one {name}\n"), close=True)
                return False
            headers[name] = value.strip()
        close = version == "HTTP/1.0" or headers.get("connection", "").lower() == "close"
        if headers.get("content-length", "0") not in ("", "0") or "transfer-encoding" in headers:
            close = True  # a request body feedd will not read: answer, then hang up
        if target.split("?", 1)[0] in ("/healthz", "/metrics"):
            self._answer_in_thread(method, target, headers, close)
            return False
        head_bytes, body = self.server.answer(method, target, headers)
        self._send(head_bytes, b"" if method == "HEAD" else body, close)
        return not close

    def _flow(self) -> None:
        """Stop reading while enough unanswered bytes wait; read again once they are few."""
        if not self.transport or self.transport.is_closing():
            return
        if len(self.buffer) > MAX_PENDING and not self.reading_paused:
            self.transport.pause_reading()
            self.reading_paused = True
        elif len(self.buffer) <= MAX_PENDING and self.reading_paused:
            self.transport.resume_reading()
            self.reading_paused = False

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
        self.last = self.server.loop.time()
        if close:
            self.buffer = b""
            self.transport.close()

    # --- time limits -------------------------------------------------------------------------

    def expired(self, now: float) -> bool:
        """Close this connection if it has overstayed; True when it did."""
        transport = self.transport
        if transport is None or transport.is_closing():
            return False
        pending = transport.get_write_buffer_size()
        if pending:
            if pending != self.sent[0]:
                self.sent = (pending, now)
            elif now - self.sent[1] > SEND_TIMEOUT:
                transport.abort()  # the client stopped reading its answer
                return True
            return False
        if self.busy:
            return False
        if self.head_started is not None:
            if now - self.head_started <= HEAD_TIMEOUT:
                return False
            self._send(*self.server.plain(408, "request head took too long\n"), close=True)
            return True
        if now - self.last > IDLE_TIMEOUT:
            transport.close()
            return True
        return False

    def idleness(self) -> tuple[bool, float]:
        """Sort key, idlest first: nothing in flight before something, then the oldest."""
        in_flight = self.busy or bool(self.transport and self.transport.get_write_buffer_size())
        return (in_flight, self.last)
