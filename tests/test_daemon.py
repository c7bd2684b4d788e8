"""``feedd run`` as a real process: files appear and leave, the server answers, signals work."""

from __future__ import annotations

import gzip
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import ATOM, FEEDD, ROOT, Site, toml_value
from feedserver import FeedServer, item, rss


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Running:
    def __init__(
        self,
        site: Site,
        env: dict[str, str] | None = None,
        preexec: Callable[[], None] | None = None,
        command: list[str] | None = None,
        scan_interval: int = 2,
    ) -> None:
        self.site = site
        self.port = free_port()
        self.scan_interval = scan_interval
        self.write_config()
        self.log = open(site.root / "run.log", "w+")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [*(command or []), str(FEEDD), "run", "--config", str(site.root / "config.toml")],
            stdout=self.log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})},
            preexec_fn=preexec,
        )  # fmt: skip
        wait_for(lambda: self.get("/healthz")[0] == 200, what="the server to answer")

    def write_config(self, sources: list[dict] = (), extra: str = "") -> None:
        lines = ['seeds = "seeds"', f"scan_interval = {self.scan_interval}", extra, "[server]",
                 f'listen = "127.0.0.1:{self.port}"']  # fmt: skip
        for src in sources:
            lines.append("[[sources]]")
            lines += [f"{k} = {toml_value(v)}" for k, v in src.items()]
        (self.site.root / "config.toml").write_text("\n".join(lines) + "\n")

    def get(self, path: str, headers: dict[str, str] | None = None, method: str = "GET"):
        try:
            c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            c.request(method, path, headers=headers or {})
            r = c.getresponse()
            body = r.read()
            c.close()
            return r.status, dict(r.getheaders()), body
        except OSError:
            return 0, {}, b""

    def titles(self) -> list[str]:
        status, _, body = self.get("/all.atom")
        if status != 200:
            return []
        root = ET.fromstring(body)
        return [e.find(f"{ATOM}title").text for e in root.iter(f"{ATOM}entry")]

    def output(self) -> str:
        if not self.log.closed:
            self.log.flush()
        return (self.site.root / "run.log").read_text()

    def kill(self) -> None:
        """End it however it is, after a test (a stopped one is left alone)."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=15)
        finally:
            self.log.close()


def wait_for(check: Callable[[], bool], timeout: float = 20, what: str = "it") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def daemon(site: Site) -> Iterator[Running]:
    d = Running(site)
    yield d
    d.kill()


@pytest.mark.slow
def test_a_saved_file_appears_and_a_deleted_one_leaves(daemon: Running) -> None:
    assert len(daemon.titles()) == 5
    seed = daemon.site.seeds / "fresh.md"
    seed.write_text("---\ntitle: Written just now\n---\nA file saved into seeds.\n")
    wait_for(lambda: "Written just now" in daemon.titles(), timeout=10, what="the new entry")
    seed.unlink()
    wait_for(lambda: "Written just now" not in daemon.titles(), timeout=10, what="it to leave")
    assert "Traceback" not in daemon.output()


@pytest.mark.slow
def test_many_files_at_once_while_running(daemon: Running) -> None:
    """Enough files to be read by a worker pool, started from the threaded daemon."""
    batch = daemon.site.root / "batch"
    batch.mkdir()
    for i in range(250):
        (batch / f"b{i}.md").write_text(
            f"---\ntitle: Batch {i}\ndate: 2030-01-01\n---\nText {i}.\n"
        )
    batch.rename(daemon.site.seeds / "batch")

    def count() -> int:
        return int(daemon.get("/metrics")[2].decode().split("\nfeedd_entries ")[1].split()[0])

    wait_for(lambda: count() == 255, timeout=30, what="250 new entries")
    assert "Traceback" not in daemon.output()


@pytest.mark.slow
def test_conditional_get_gzip_and_head(daemon: Running) -> None:
    status, h, body = daemon.get("/all.atom")
    assert status == 200 and h["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert h["ETag"].startswith('"') and "max-age=" in h["Cache-Control"]
    assert daemon.get("/all.atom", {"If-None-Match": h["ETag"]})[0] == 304
    assert daemon.get("/all.atom", {"If-Modified-Since": h["Last-Modified"]})[0] == 304
    assert daemon.get("/all.atom", {"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})[0] == 200
    status, gh, gz = daemon.get("/all.atom", {"Accept-Encoding": "gzip"})
    assert gh["Content-Encoding"] == "gzip" and len(gz) < len(body)
    assert (
        daemon.get("/all.atom", {"If-None-Match": gh["ETag"], "Accept-Encoding": "gzip"})[0] == 304
    )
    status, hh, hb = daemon.get("/all.atom", method="HEAD")
    assert status == 200 and hb == b"" and hh["Content-Length"] == str(len(body))
    assert daemon.get("/feeds.opml")[1]["Content-Type"].startswith("text/x-opml")
    assert daemon.get("/")[1]["Content-Type"].startswith("text/html")


@pytest.mark.slow
def test_json_feeds_are_served_as_json_feed_with_etag_and_gzip(daemon: Running) -> None:
    for path in ("/all.json", "/lang/zh-Hans.json"):
        status, h, body = daemon.get(path)
        assert status == 200 and h["Content-Type"] == "application/feed+json; charset=utf-8"
        assert json.loads(body)["version"] == "https://jsonfeed.org/version/1.1"
        assert daemon.get(path, {"If-None-Match": h["ETag"]})[0] == 304
        status, gh, gz = daemon.get(path, {"Accept-Encoding": "gzip"})
        assert gh["Content-Encoding"] == "gzip" and gzip.decompress(gz) == body
        assert daemon.get(path, {"If-None-Match": gh["ETag"], "Accept-Encoding": "gzip"})[0] == 304


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/../config.toml", 400), ("GET", "/%2e%2e/%2e%2e/etc/passwd", 400),
     ("GET", "/lang/../../config.toml", 400), ("GET", "/nope.atom", 404),
     ("GET", "/" + "a" * 5000, 414), ("POST", "/all.atom", 405), ("DELETE", "/", 405),
     ("GET", "/.hidden", 400)],
    ids=["dotdot", "encoded", "nested", "missing", "long", "post", "delete", "hidden"],
)  # fmt: skip
@pytest.mark.slow
def test_bad_requests_get_clean_4xx(daemon: Running, method: str, path: str, status: int) -> None:
    assert daemon.get(path, method=method)[0] == status


@pytest.mark.slow
def test_healthz_and_metrics(daemon: Running) -> None:
    status, h, body = daemon.get("/healthz")
    assert status == 200 and b'"status": "ok"' in body and b"last_publish" in body
    status, h, body = daemon.get("/metrics")
    text = body.decode()
    assert status == 200 and "feedd_entries 5" in text
    assert 'feedd_fetches_total{outcome="304"}' in text and "feedd_publish_seconds_count" in text


@pytest.mark.slow
def test_healthz_is_503_when_publishing_fails(daemon: Running) -> None:
    public = daemon.site.public
    shutil.rmtree(public)
    public.write_text("not a folder")  # every feed write now fails
    (daemon.site.seeds / "new.md").write_text("---\ntitle: Cannot publish\n---\nText.\n")
    wait_for(lambda: daemon.get("/healthz")[0] == 503, what="healthz to turn 503")
    assert b"last publish failed" in daemon.get("/healthz")[2]
    assert "publish_failed" in daemon.output() and daemon.proc.poll() is None
    public.unlink()  # and it recovers on its own
    (daemon.site.seeds / "new.md").write_text("---\ntitle: Published again\n---\nText.\n")
    wait_for(lambda: daemon.get("/healthz")[0] == 200, what="healthz to recover")


@pytest.mark.slow
def test_slow_clients_do_not_starve_others(daemon: Running) -> None:
    idle = []
    for _ in range(20):  # connections that send nothing at all
        s = socket.create_connection(("127.0.0.1", daemon.port))
        s.sendall(b"GET /all.atom HTTP/1.1\r\nHost: x\r\n")  # and never finish the request
        idle.append(s)
    started = time.monotonic()
    assert daemon.get("/all.atom")[0] == 200
    assert time.monotonic() - started < 2
    for s in idle:
        s.close()


@pytest.mark.slow
def test_sighup_adds_a_source_and_survives_a_broken_config(daemon: Running) -> None:
    srv = FeedServer()
    try:
        srv.route("/f.xml", body=rss(item("r1", "From a new source", "<p>Remote text.</p>")))
        daemon.write_config(sources=[{"url": srv.url("/f.xml"), "interval": 60}])
        daemon.proc.send_signal(signal.SIGHUP)
        wait_for(lambda: "From a new source" in daemon.titles(), timeout=15, what="the source")
        (daemon.site.root / "config.toml").write_text("max_entries = 'many'\n")
        daemon.proc.send_signal(signal.SIGHUP)
        wait_for(lambda: "reload_failed" in daemon.output(), what="the reload error")
        assert daemon.proc.poll() is None and daemon.get("/healthz")[0] == 200
        assert "config key 'max_entries'" in daemon.output()
    finally:
        srv.close()


@pytest.mark.slow
def test_sigterm_exits_promptly(daemon: Running) -> None:
    started = time.monotonic()
    assert daemon.stop() == 0
    assert time.monotonic() - started < 10
    assert "stopped" in daemon.output()


@pytest.mark.slow
def test_once_beside_the_daemon(daemon: Running) -> None:
    r = daemon.site.run("once", expect=None)
    assert r.returncode == 0, r.stderr
    assert daemon.get("/healthz")[0] == 200 and len(daemon.titles()) == 5


@pytest.mark.slow
def test_ready_on_a_real_notify_socket(site: Site, tmp_path: Path) -> None:
    path = str(tmp_path / "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(20)
    d = Running(site, env={"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "2000000"})
    try:
        got = []
        while not any("READY=1" in g for g in got) or not any("WATCHDOG=1" in g for g in got):
            got.append(sock.recv(4096).decode())
        assert any(g.startswith("STATUS=") or "\nSTATUS=" in g for g in got)
    finally:
        assert d.stop() == 0
        sock.close()


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_systemd_unit_verifies(tmp_path: Path) -> None:
    unit = (ROOT / "contrib" / "feedd.service").read_text()
    assert "Type=notify" in unit and "ExecReload=/bin/kill -HUP $MAINPID" in unit
    for line in ("DynamicUser=yes", "StateDirectory=feedd", "ProtectSystem=strict",
                 "NoNewPrivileges=yes", "PrivateTmp=yes", "WatchdogSec=", "LimitNOFILE="):  # fmt: skip
        assert line in unit
    local = tmp_path / "feedd.service"
    local.write_text(unit.replace("/opt/feedd/.venv/bin/feedd", str(FEEDD)))
    r = subprocess.run(["systemd-analyze", "verify", str(local)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


@pytest.mark.slow
def test_notify_is_a_no_op_without_systemd() -> None:
    r = subprocess.run(
        [sys.executable, "-c", "from feedd.systemd import notify; print(notify('READY=1'))"],
        env={k: v for k, v in os.environ.items() if k != "NOTIFY_SOCKET"},
        capture_output=True, text=True,
    )  # fmt: skip
    assert r.stdout.strip() == "False"


@pytest.mark.slow
def test_status_says_what_is_served(site: Site, tmp_path: Path) -> None:
    """READY and every later status name the published entries (an entry held back for its
    date is not served yet) and the feeds; never a bare "Running"."""
    soon = time.time() + 60 * 86400
    when = time.strftime("%Y-%m-%d", time.gmtime(soon))
    (site.seeds / "later.md").write_text(f"---\ntitle: Later\ndate: {when}\n---\nNot yet.\n")
    path = str(tmp_path / "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(20)
    d = Running(site, env={"NOTIFY_SOCKET": path})
    try:
        got: list[str] = []
        while not any("READY=1" in g for g in got):
            got.append(sock.recv(4096).decode())
        ready = next(g for g in got if "READY=1" in g)
        assert re.search(r"STATUS=Serving 5 entries in \d+ feeds; last publish \d", ready), ready
        d.proc.send_signal(signal.SIGHUP)  # a reload says it again
        while not any("READY=1" in g for g in got[got.index(ready) + 1 :]):
            got.append(sock.recv(4096).decode())
        assert "STATUS=Serving 5 entries" in got[-1]
        assert not any("STATUS=Running" in g for g in got)
    finally:
        assert d.stop() == 0
        sock.close()


@pytest.mark.slow
def test_metrics_are_exact(daemon: Running) -> None:
    text = daemon.get("/metrics")[2].decode()
    samples = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    assert samples and not [ln for ln in samples if "e+" in ln or "e-" in ln.split()[-1]]
    stamp = next(
        ln for ln in samples if ln.startswith('feedd_last_success_timestamp_seconds{job="publish"}')
    )
    assert abs(float(stamp.split()[-1]) - time.time()) < 120  # exact, not 1.79611e+09


@pytest.mark.slow
def test_sources_imported_and_removed_while_running(daemon: Running, tmp_path: Path) -> None:
    """No SIGHUP: the daemon picks up `feedd sources import` and `remove` within a scan."""
    srv = FeedServer()
    try:
        srv.route("/imp.xml", body=rss(item("http://imp.example/1", "Imported live", "<p>x</p>")))
        opml = tmp_path / "live.opml"
        opml.write_text('<opml version="2.0"><body><outline type="rss" '
                        f'xmlUrl="{srv.url("/imp.xml")}"/></body></opml>')  # fmt: skip
        daemon.site.run("sources", "import", str(opml))
        wait_for(lambda: "Imported live" in daemon.titles(), timeout=20, what="the import")
        daemon.site.run("sources", "remove", srv.url("/imp.xml"))
        wait_for(lambda: "Imported live" not in daemon.titles(), timeout=20, what="the removal")
        time.sleep(3)  # past a scan interval: the job is gone, nothing is fetched any more
        hits = len(srv.hits("/imp.xml"))
        time.sleep(3)
        assert len(srv.hits("/imp.xml")) == hits
        assert "Traceback" not in daemon.output()
    finally:
        srv.close()


@pytest.mark.slow
def test_a_failing_source_is_named_in_metrics(daemon: Running) -> None:
    srv = FeedServer()
    try:
        srv.route(
            "/broken.xml", body=b"\x1f\x8b\x08\x00garbage", headers={"Content-Encoding": "gzip"}
        )
        daemon.write_config(sources=[{"url": srv.url("/broken.xml"), "interval": 60}])
        daemon.proc.send_signal(signal.SIGHUP)
        wait_for(lambda: b"feedd_source_errors{" in daemon.get("/metrics")[2], what="the error")
        text = daemon.get("/metrics")[2].decode()
        line = next(ln for ln in text.splitlines() if ln.startswith("feedd_source_errors{"))
        assert f'source="{srv.url("/broken.xml")}"' in line and "gzip body" in line
        assert line.endswith(" 1") and 'feedd_sources{state="failing"} 1' in text
        assert len(daemon.titles()) == 5 and daemon.proc.poll() is None
    finally:
        srv.close()
