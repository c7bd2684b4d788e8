"""A real HTTP server on 127.0.0.1 for fetch tests: scripted routes, recorded requests.

Each route answers with a status, headers and a body, or runs a function; the server records
every request it got (path and headers) so a test can assert what feedd sent.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    handler: Callable[[BaseHTTPRequestHandler], None] | None = None


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


class FeedServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Seen] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                server.requests.append(
                    Seen(self.path, {k.lower(): v for k, v in self.headers.items()})
                )
                route = server.routes.get(self.path.split("?")[0])
                if route is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if route.handler:
                    route.handler(self)
                    return
                self.send_response(route.status)
                for k, v in route.headers.items():
                    self.send_header(k, v)
                if "Content-Length" not in route.headers:
                    self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(route.body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path: str, *args: object, **kw: object) -> None:
        self.routes[path] = Route(*args, **kw)  # type: ignore[arg-type]

    def hits(self, path: str) -> list[Seen]:
        return [r for r in self.requests if r.path.split("?")[0] == path]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def trickle(seconds_per_byte: float, body: bytes) -> Callable[[BaseHTTPRequestHandler], None]:
    """A handler that sends headers, then one byte at a time, slowly (stops when cut off)."""

    def handler(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        try:
            for b in body:
                h.wfile.write(bytes([b]))
                h.wfile.flush()
                time.sleep(seconds_per_byte)
        except (TimeoutError, BrokenPipeError, ConnectionResetError):
            pass

    return handler


def conditional(body: bytes, etag: str) -> Callable[[BaseHTTPRequestHandler], None]:
    """A handler that answers 304 to ``If-None-Match: etag``, else 200 with ``body``."""

    def handler(h: BaseHTTPRequestHandler) -> None:
        if h.headers.get("If-None-Match") == etag:
            h.send_response(304)
            h.send_header("ETag", etag)
            h.send_header("Content-Length", "0")
            h.end_headers()
            return
        h.send_response(200)
        h.send_header("ETag", etag)
        h.send_header("Content-Type", "application/rss+xml")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    return handler


def rss(*items: str, title: str = "Remote", lang: str = "en") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>http://example.org/</link><language>{lang}</language>"
        + "".join(items)
        + "</channel></rss>"
    ).encode()


def item(guid: str, title: str, html: str, date: str = "Mon, 03 Feb 2025 10:00:00 GMT",
         link: str | None = None, tags: tuple[str, ...] = ()) -> str:  # fmt: skip
    from xml.sax.saxutils import escape

    cats = "".join(f"<category>{escape(t)}</category>" for t in tags)
    return (
        f"<item><guid>{escape(guid)}</guid><title>{escape(title)}</title>"
        f"<link>{escape(link or guid)}</link><description>{escape(html)}</description>"
        f"<pubDate>{date}</pubDate>{cats}</item>"
    )
