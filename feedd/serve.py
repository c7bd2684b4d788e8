"""Serve the output folder over HTTP, cheaply for pollers: ETag, Last-Modified, 304, gzip.

Feed readers poll often, so an unchanged feed must cost almost nothing: each file is read,
hashed and gzipped once per change (the cache is keyed by mtime and size, which only move when
a publish rewrites the file), and a conditional request is answered from that cache with a
304. One thread per connection with a socket timeout: slow or idle clients hold only their
own thread. Only GET and HEAD; paths never leave the output folder.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

TYPES = {
    ".atom": "application/atom+xml; charset=utf-8",
    ".opml": "text/x-opml; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}
MAX_PATH = 1024
CLIENT_TIMEOUT = 30  # seconds a connection may sit idle or trickle


@dataclass(frozen=True)
class Cached:
    key: tuple[int, int]  # (mtime_ns, size) when read
    body: bytes
    gz: bytes
    etag: str
    last_modified: str
    mtime: float


class FileCache:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.files: dict[Path, Cached] = {}

    def get(self, path: Path) -> Cached | None:
        try:
            st = path.stat()
        except OSError:
            return None
        key = (st.st_mtime_ns, st.st_size)
        with self.lock:
            hit = self.files.get(path)
        if hit and hit.key == key:
            return hit
        try:
            body = path.read_bytes()
        except OSError:
            return None
        digest = hashlib.sha256(body).hexdigest()[:32]
        entry = Cached(key, body, gzip.compress(body, 6, mtime=0), f'"{digest}"',
                       formatdate(st.st_mtime, usegmt=True), st.st_mtime)  # fmt: skip
        with self.lock:
            self.files[path] = entry
        return entry


Status = Callable[[], tuple[int, dict]]  # /healthz: (HTTP status, JSON body)
Metrics = Callable[[], str]  # /metrics: Prometheus text


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, listen: str, root: Path, max_age: int, health: Status, metrics: Metrics):
        host, _, port = listen.rpartition(":")
        self.root = root.resolve()
        self.max_age = max_age
        self.health = health
        self.metrics = metrics
        self.cache = FileCache()
        super().__init__((host.strip("[]"), int(port)), Handler)

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up or times out is ordinary traffic, not a traceback."""
        import sys

        exc = sys.exc_info()[1]
        if isinstance(exc, ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)

    def set_root(self, root: Path, max_age: int) -> None:
        self.root, self.max_age = root.resolve(), max_age


class Handler(BaseHTTPRequestHandler):
    server: Server
    protocol_version = "HTTP/1.1"
    timeout = CLIENT_TIMEOUT

    def version_string(self) -> str:
        from . import __version__

        return f"feedd/{__version__}"

    def log_message(self, *args: object) -> None:  # access logs are nginx's job, not ours
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._serve(head=False)

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve(head=True)

    def _other(self) -> None:
        self._plain(405, "method not allowed\n", {"Allow": "GET, HEAD"})

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _other  # noqa: N815

    def _plain(self, status: int, text: str, headers: dict[str, str] | None = None,
               ctype: str = "text/plain; charset=utf-8", head: bool = False) -> None:  # fmt: skip
        body = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _resolve(self, raw: str) -> Path | None:
        path = unquote(urlsplit(raw).path)
        if len(path) > MAX_PATH or "\0" in path or "\\" in path or not path.startswith("/"):
            return None
        if any(part in ("..", ".") or part.startswith(".") for part in path.split("/")):
            return None
        target = (self.server.root / path.lstrip("/")).resolve()
        if not target.is_relative_to(self.server.root):
            return None
        return target / "index.html" if target.is_dir() else target

    def _serve(self, head: bool) -> None:
        if len(self.path) > MAX_PATH:
            return self._plain(414, "URI too long\n", head=head)
        route = urlsplit(self.path).path
        if route == "/healthz":
            status, doc = self.server.health()
            return self._plain(status, json.dumps(doc) + "\n", ctype="application/json", head=head)
        if route == "/metrics":
            return self._plain(200, self.server.metrics(), head=head,
                               ctype="text/plain; version=0.0.4; charset=utf-8")  # fmt: skip
        target = self._resolve(self.path)
        if target is None:
            return self._plain(400, "bad path\n", head=head)
        cached = self.server.cache.get(target)
        if cached is None:
            return self._plain(404, "not found\n", head=head)
        use_gzip = "gzip" in self.headers.get("Accept-Encoding", "").lower() and len(
            cached.gz
        ) < len(cached.body)
        etag = cached.etag[:-1] + '-gz"' if use_gzip else cached.etag
        headers = {
            "ETag": etag,
            "Last-Modified": cached.last_modified,
            "Cache-Control": f"max-age={self.server.max_age}",
            "Vary": "Accept-Encoding",
            "Content-Type": TYPES.get(target.suffix, "application/octet-stream"),
        }
        if self._not_modified(cached, {etag, cached.etag}):
            self.send_response(304)
            for k, v in headers.items():
                if k != "Content-Type":
                    self.send_header(k, v)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        body = cached.gz if use_gzip else cached.body
        self.send_response(200)
        for k, v in headers.items():
            self.send_header(k, v)
        if use_gzip:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)
        return None

    def _not_modified(self, cached: Cached, etags: set[str]) -> bool:
        inm = self.headers.get("If-None-Match")
        if inm is not None:  # RFC 9110 13.1.2: If-None-Match wins over If-Modified-Since
            tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
            return "*" in tags or bool(tags & etags)
        ims = self.headers.get("If-Modified-Since")
        if ims:
            try:
                since = parsedate_to_datetime(ims).timestamp()
            except (TypeError, ValueError, IndexError):
                return False
            return int(cached.mtime) <= since  # HTTP dates have whole seconds
        return False


def start(server: Server) -> threading.Thread:
    t = threading.Thread(target=server.serve_forever, name="http", daemon=True)
    t.start()
    return t
