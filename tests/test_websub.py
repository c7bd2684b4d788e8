"""WebSub: every feed names its hubs, and after each publish each hub is told of exactly the
feeds whose bytes changed; a hub that is down, slow or failing never fails a run. Against a
real minimal hub started on 127.0.0.1, with the real ``feedd once`` and ``feedd run``."""

from __future__ import annotations

import http.server
import json
import socket
import threading
import time
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
from conftest import ATOM, Site

BASE = "https://news.example/"


class Hub:
    """A WebSub hub that records each publish notification; ``answers`` says how it answers
    the next ones (a status, or ``("slow", seconds)``), then 204 for the rest."""

    def __init__(self) -> None:
        self.seen: list[dict[str, str]] = []
        self.answers: list[object] = []
        self.lock = threading.Lock()
        hub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
                n = int(self.headers.get("Content-Length") or 0)
                form = dict(urllib.parse.parse_qsl(self.rfile.read(n).decode()))
                with hub.lock:
                    answer = hub.answers.pop(0) if hub.answers else 204
                    if answer == 204 or isinstance(answer, tuple):
                        hub.seen.append(form)
                if isinstance(answer, tuple):
                    time.sleep(answer[1])
                    answer = 204
                self.send_response(int(answer))
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hub"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def topics(self) -> list[str]:
        with self.lock:
            return sorted(f["hub.url"] for f in self.seen)

    def clear(self) -> None:
        with self.lock:
            self.seen.clear()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hub() -> Iterator[Hub]:
    h = Hub()
    yield h
    h.close()


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}/hub"  # nothing listens there now


def feed_bytes(site: Site) -> dict[str, bytes]:
    return {
        BASE + urllib.parse.quote(p.relative_to(site.public).as_posix()): p.read_bytes()
        for p in site.public.rglob("*")
        if p.suffix in (".atom", ".json")
    }


def changed(before: dict[str, bytes], after: dict[str, bytes]) -> list[str]:
    return sorted(u for u, b in after.items() if before.get(u) != b)


@pytest.mark.slow
def test_each_hub_is_told_of_exactly_the_feeds_that_changed(site: Site, hub: Hub) -> None:
    site.config(base_url=BASE, websub_hubs=[hub.url])
    r = site.once()
    first = feed_bytes(site)
    assert hub.topics() == sorted(first)  # a first run changes every feed: each once
    assert all(f["hub.mode"] == "publish" for f in hub.seen)
    assert f"{len(first)} notifications sent" in r.stdout
    hub.clear()
    assert "wrote 0 files" in site.once().stdout
    assert hub.topics() == []  # nothing changed: no notification
    seed = next(p for p in site.seeds.iterdir() if p.name.startswith("003_"))
    seed.write_text(seed.read_text("utf-8") + "\nUm parágrafo a mais.\n", "utf-8")
    site.once()
    expected = changed(first, feed_bytes(site))
    assert BASE + "lang/pt.atom" in expected and BASE + "all.json" in expected
    assert BASE + "lang/zh-Hans.atom" not in expected
    assert hub.topics() == expected


@pytest.mark.slow
def test_every_feed_names_its_hubs_next_to_its_self_link(site: Site, hub: Hub) -> None:
    other = "https://hub.example/websub"
    site.config(base_url=BASE, websub_hubs=[hub.url, other])
    site.once()
    for atom in site.public.rglob("*.atom"):
        links = ET.parse(atom).getroot().findall(f"{ATOM}link")
        assert [ln.get("href") for ln in links if ln.get("rel") == "hub"] == [hub.url, other]
        selfs = [ln.get("href") for ln in links if ln.get("rel") == "self"]
        assert selfs == [BASE + urllib.parse.quote(atom.relative_to(site.public).as_posix())]
        doc = json.loads(atom.with_suffix(".json").read_text("utf-8"))
        assert doc["hubs"] == [{"type": "WebSub", "url": hub.url},
                               {"type": "WebSub", "url": other}]  # fmt: skip
    # taking the hubs out of the config takes them out of every feed
    site.config(base_url=BASE)
    site.once()
    assert 'rel="hub"' not in (site.public / "all.atom").read_text("utf-8")


@pytest.mark.slow
def test_a_hub_that_is_down_never_fails_the_run(site: Site, hub: Hub) -> None:
    site.config(base_url=BASE, websub_hubs=[closed_port_url(), hub.url])
    started = time.monotonic()
    r = site.once()  # exit status 0: the feeds are published
    assert time.monotonic() - started < 30
    assert (site.public / "all.atom").exists()
    assert "hub notifications failed" in r.stderr
    assert hub.topics() == sorted(feed_bytes(site))  # the hub that is up heard of all


@pytest.mark.slow
def test_a_hub_answering_500_is_tried_again(site: Site, hub: Hub) -> None:
    hub.answers = [500, 503]  # the first two notifications fail, then it recovers
    site.config(base_url=BASE, websub_hubs=[hub.url])
    r = site.once()
    assert hub.topics() == sorted(feed_bytes(site))  # every feed in the end, once each
    assert "0 failed" in r.stdout


@pytest.mark.slow
def test_a_slow_hub_holds_up_neither_notify_nor_the_publish(hub: Hub) -> None:
    from feedd.pipeline import Notifier

    hub.answers = [("slow", 3.0)] * 10
    n = Notifier([hub.url], timeout=0.5, attempts=2, backoff=0.1)
    started = time.monotonic()
    n.notify([f"{BASE}a.atom", f"{BASE}b.atom", f"{BASE}a.atom"])
    assert time.monotonic() - started < 0.2  # queued, not sent, by the caller
    assert n.wait(20)
    assert n.counts.failed == 2 and n.counts.sent == 0 and n.counts.pending == 0
    n.close()


@pytest.mark.slow
def test_a_hub_refusing_a_topic_is_not_asked_again(hub: Hub) -> None:
    from feedd.pipeline import Notifier

    hub.answers = [400]
    n = Notifier([hub.url], attempts=4, backoff=0.05)
    n.notify([f"{BASE}a.atom"])
    assert n.wait(10)
    assert (n.counts.failed, n.counts.retried, n.counts.sent) == (1, 0, 0)
    n.close()


@pytest.mark.slow
def test_the_daemon_tells_the_hub_and_sends_link_headers(site: Site, hub: Hub) -> None:
    from test_daemon import wait_for

    d = _running(site, hub)
    try:
        wait_for(lambda: BASE + "all.atom" in hub.topics(), what="the hub to hear of all.atom")
        status, headers, _ = d.get("/all.atom")
        assert status == 200
        link = headers["Link"]
        assert f'<{hub.url}>; rel="hub"' in link and f'<{BASE}all.atom>; rel="self"' in link
        status, headers, _ = d.get("/tags/%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD.json")
        assert (
            f'<{BASE}tags/%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD.json>; rel="self"'
            in (headers["Link"])
        )
        assert "Link" not in d.get("/index.html")[1]  # pages are no WebSub topic
        hub.clear()
        (site.seeds / "new.md").write_text("---\ntitle: Nova\nlang: pt\n---\nTexto novo aqui.\n")
        wait_for(lambda: BASE + "lang/pt.atom" in hub.topics(), what="the edit's notification")
        text = d.get("/metrics")[2].decode()
        sent = next(ln for ln in text.splitlines()
                    if ln.startswith('feedd_websub_notifications_total{result="sent"}'))  # fmt: skip
        assert int(sent.split()[-1]) > 10
        assert d.stop() == 0
    finally:
        d.kill()


def _running(site: Site, hub: Hub):
    """``feedd run`` on the site, as test_daemon starts it, with the hub in its config."""
    from test_daemon import Running

    class WithHub(Running):
        def write_config(self, sources=(), extra: str = "") -> None:
            super().write_config(
                sources, f'base_url = "{BASE}"\nwebsub_hubs = ["{hub.url}"]\n{extra}'
            )

    return WithHub(site)


def test_notifications_need_no_hub_to_be_queued() -> None:
    from feedd.pipeline import Notifier

    n = Notifier([])
    n.notify(["https://x.example/a.atom"])
    assert n.wait(0.1) and n.counts.pending == 0
    n.close()


def test_link_header_of_a_feed() -> None:
    from feedd.serve import link_header

    assert link_header(("https://h/",), "https://s/a.atom") == (
        'Link: <https://h/>; rel="hub", <https://s/a.atom>; rel="self"\r\n'
    )


@pytest.mark.slow
def test_a_hub_that_answers_slowly_hears_of_every_feed_within_the_run(site: Site, hub: Hub) -> None:
    hub.answers = [("slow", 0.6)] * 200  # each notification answered after 0.6 s
    site.config(base_url=BASE, websub_hubs=[hub.url])
    started = time.monotonic()
    r = site.once()
    took = time.monotonic() - started
    assert hub.topics() == sorted(feed_bytes(site))  # every one, none dropped
    assert "0 failed, 0 not done in time" in r.stdout
    assert took < 0.6 * len(hub.topics())  # several at a time, not one after the other
