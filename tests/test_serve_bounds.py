"""The server of ``feedd run`` is bounded by its clients: memory, descriptors, time, logs.

Every test talks to a real ``feedd run`` over real sockets, with raw bytes where a client
library would tidy the request up.
"""

from __future__ import annotations

import contextlib
import gzip
import resource
import socket
import time
from collections.abc import Iterator

import pytest
from conftest import Site
from test_daemon import Running, wait_for

pytestmark = pytest.mark.slow  # every test here runs feedd, a server or worker processes


def exchange(port: int, raw: bytes, timeout: float = 5) -> bytes:
    """Send ``raw`` on a fresh connection; everything the server sends before it closes or
    goes quiet for ``timeout``."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(raw)
        got = b""
        try:
            while chunk := s.recv(65536):
                got += chunk
        except TimeoutError:
            pass
        return got


def status_of(reply: bytes) -> int:
    assert reply.startswith(b"HTTP/1.1 "), reply[:200]
    return int(reply.split(b" ", 2)[1])


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.fixture
def big_site(site: Site) -> Site:
    """A site whose all.atom is about 400 KB, as in the report of the memory blow-up."""
    for i in range(50):
        words = " ".join(f"word{i}x{j}" for j in range(900))
        (site.seeds / f"long{i}.md").write_text(f"---\ntitle: Long {i}\n---\n{words}\n")
    return site


@pytest.fixture
def served(big_site: Site) -> Iterator[Running]:
    d = Running(big_site)
    yield d
    d.kill()


def test_300_pipelined_requests_hold_one_answer(served: Running) -> None:
    feed = served.get("/all.atom")[2]
    assert len(feed) > 350_000
    before = rss_mib(served.proc.pid)
    request = b"GET /all.atom HTTP/1.1\r\nHost: x\r\n\r\n"
    with socket.create_connection(("127.0.0.1", served.port)) as s:
        s.sendall(request * 300)  # and read nothing for a while
        time.sleep(3)
        held = rss_mib(served.proc.pid)
        s.settimeout(20)
        got = 0
        need = 300 * len(feed)
        while got < need:  # then read it all: every answer arrives, in full
            chunk = s.recv(1 << 20)
            assert chunk, f"closed after {got} of {need} bytes"
            got += len(chunk)
    print(f"\nRSS before {before:.0f} MiB, holding 300 pipelined requests {held:.0f} MiB")
    assert held < 100 and held - before < 20, (before, held)
    assert served.get("/healthz")[0] == 200


def test_a_client_that_never_reads_is_dropped(served: Running) -> None:
    """An answer nobody reads is dropped after SEND_TIMEOUT (30 s); others are served."""
    s = socket.create_connection(("127.0.0.1", served.port))
    s.sendall(b"GET /all.atom HTTP/1.1\r\nHost: x\r\n\r\n" * 20)
    try:
        assert served.get("/healthz")[0] == 200  # others are served meanwhile
        time.sleep(36)
        s.settimeout(5)
        got, closed = 0, False
        try:
            while chunk := s.recv(1 << 20):
                got += len(chunk)
            closed = True
        except ConnectionResetError:
            closed = True
        assert closed and got < 20 * 500_000, got
    finally:
        s.close()


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"GET /all.atom HTTP/1.1\nHost: x\n\n", 200),
        (b"GET /all.atom HTTP/1.1\r\nHost: x\n\r\n", 200),
        (b"\r\nGET /all.atom HTTP/1.1\r\nHost: x\r\n\r\n", 200),
        (b"GET /" + b"a" * 300 + b".atom HTTP/1.1\r\nHost: x\r\n\r\n", 404),
        (b"GET /lang/" + b"b" * 300 + b"/all.atom HTTP/1.1\r\nHost: x\r\n\r\n", 404),
        (b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        (b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        (b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"y" * 65536 + b"\r\n\r\n", 431),
        (b"GET / HTTP/1.1\r\n" + b"X-Many: y\r\n" * 3000 + b"\r\n", 431),
        (b"GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nno colon here\r\n\r\n", 400),
        (b"GARBAGE\r\n\r\n", 400),
        (b"GET  HTTP/1.1\r\n\r\n", 400),
        (b"GET /all.atom HTTP/2.0\r\n\r\n", 400),
        (b"GET /all.atom HTTP/1.1\r\nContent-Length: 33\r\nContent-Length: 0\r\n\r\n"
         b"GET /feeds.opml HTTP/1.1\r\nX: y\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nA: b\rContent-Length: 5\r\n\r\n", 400),
        (b"GET /all.atom HTTP/1.1\r\nIf-Modified-Since: Mon, 99999999999999999999 Jan 2020 "
         b"00:00:00 GMT\r\n\r\n", 200),
    ],
    ids=["bare-lf", "mixed-lf", "leading-crlf", "long-component", "long-dir", "long-uri",
         "huge-uri", "huge-header-one-write", "many-headers", "space-before-colon",
         "no-colon", "garbage", "empty-target", "http2", "two-lengths", "two-hosts",
         "two-encodings", "bare-cr", "date-overflow"],
)  # fmt: skip
def test_every_request_gets_an_answer(served: Running, raw: bytes, status: int) -> None:
    """However the head is malformed or sized, in one write, the client gets a status."""
    assert status_of(exchange(served.port, raw)) == status


@pytest.mark.parametrize("split", [False, True])
def test_the_head_limit_is_exact_however_the_bytes_arrive(served: Running, split: bool) -> None:
    """A head of 16 KiB is answered, one byte more gets 431, in one write or cut anywhere."""
    base = b"GET /all.atom HTTP/1.1\r\nX-Pad: "
    for size, status in ((16 * 1024, 200), (16 * 1024 + 1, 431)):
        head = base + b"y" * (size - len(base))
        assert len(head) == size
        with socket.create_connection(("127.0.0.1", served.port), timeout=5) as s:
            if split:
                s.sendall(head + b"\r\n")
                time.sleep(0.2)
                s.sendall(b"\r\n")
            else:
                s.sendall(head + b"\r\n\r\n")
            assert status_of(s.recv(4096)) == status, (size, split)


def test_a_request_cut_off_by_the_client_gets_400_at_once(served: Running) -> None:
    with socket.create_connection(("127.0.0.1", served.port), timeout=5) as s:
        s.sendall(b"GET /all.atom HTTP/1.1\r\nHost: x\r\n")
        s.shutdown(socket.SHUT_WR)
        started = time.monotonic()
        assert status_of(s.recv(4096)) == 400
        assert time.monotonic() - started < 2


def test_empty_lines_do_not_keep_a_connection_open(served: Running) -> None:
    """CRLFs every few seconds are no request: the 30 s idle limit still holds."""
    with socket.create_connection(("127.0.0.1", served.port), timeout=5) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\n\r\n")
        assert status_of(s.recv(4096)) == 200
        started = time.monotonic()
        closed = False
        while time.monotonic() - started < 45 and not closed:
            try:
                s.sendall(b"\r\n")
                s.settimeout(4)
                closed = s.recv(4096) == b""
            except TimeoutError:
                continue
            except OSError:
                closed = True
        assert closed and time.monotonic() - started < 40


def test_a_huge_head_in_pieces_gets_431(served: Running) -> None:
    with socket.create_connection(("127.0.0.1", served.port), timeout=5) as s:
        s.sendall(b"GET / HTTP/1.1\r\nX-Big: ")
        for _ in range(40):
            s.sendall(b"y" * 1024)
        assert status_of(s.recv(4096)) == 431


def test_a_trickled_head_is_cut_off_after_the_head_timeout(served: Running) -> None:
    """One byte a second restarts no clock: the head has HEAD_TIMEOUT (10 s) in all."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", served.port), timeout=30) as s:
        s.sendall(b"GET /all.atom HTTP/1.1\r\n")
        reply = b""
        while time.monotonic() - started < 25:
            try:
                s.sendall(b"X")
            except OSError:
                break
            s.settimeout(1)
            try:
                reply += s.recv(4096)
            except TimeoutError:
                continue
            if not reply or reply.endswith(b"\r\n\r\n") or b"\r\n\r\n" in reply:
                break
    assert status_of(reply) == 408
    assert time.monotonic() - started < 15


@pytest.mark.parametrize(
    ("accept", "gzipped"),
    [("gzip", True), ("gzip;q=0", False), ("gzip; q=0.0", False), ("deflate, gzip;q=0.5", True),
     ("*", True), ("*;q=0", False), ("br;q=1, *;q=0", False), ("identity", False),
     ("GZIP", True), ("gzip;q=0, *", False), ("x-gzip", True), ("", False)],
)  # fmt: skip
def test_accept_encoding_is_honoured(served: Running, accept: str, gzipped: bool) -> None:
    status, headers, body = served.get("/all.atom", {"Accept-Encoding": accept})
    assert status == 200 and (headers.get("Content-Encoding") == "gzip") is gzipped
    if gzipped:
        assert gzip.decompress(body).startswith(b"<?xml")


def _limit_fds() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 1024))


def test_healthz_answers_through_1100_slow_connections(big_site: Site) -> None:
    """At systemd's default limit of 1,024 descriptors, 1,100 clients that trickle their
    heads neither stop /healthz and the feeds from answering nor flood the log."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard < 2400:
        pytest.skip("needs 2,400 descriptors for the test's own sockets")
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    d = Running(big_site, preexec=_limit_fds)
    slow: list[socket.socket] = []
    try:
        for _ in range(1100):
            try:
                s = socket.create_connection(("127.0.0.1", d.port), timeout=2)
                s.setblocking(False)
                s.send(b"GET /all.atom HTTP/1.1\r\n")
                slow.append(s)
            except OSError:
                pass
        answered = 0
        for round_ in range(15):
            for s in slow:  # a byte each, keeping them all alive
                with contextlib.suppress(OSError):
                    s.send(b"X")
            status, _, body = d.get("/healthz")
            answered += status == 200
            if round_ % 5 == 0:
                assert d.get("/all.atom")[0] == 200
            time.sleep(0.3)
        assert answered == 15
        # and the daemon itself still scans: a new seed is published meanwhile
        (big_site.seeds / "during.md").write_text("---\ntitle: During the flood\n---\nText.\n")
        wait_for(lambda: b"During the flood" in d.get("/all.atom")[2], what="the new seed")
    finally:
        for s in slow:
            s.close()
        assert d.stop() == 0
    out = d.output()
    assert "Traceback" not in out and len(out) < 20_000, out[-3000:]
    assert "EMFILE" not in out and "Too many open files" not in out
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
