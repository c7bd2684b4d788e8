"""Remote sources end to end: the real ``feedd`` against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import gzip
import json
import sqlite3
import time

import pytest
from conftest import Site
from feedserver import FeedServer, conditional, item, rss, trickle

from feedd.pipeline.remote import FETCH_IN_WORKERS_FROM

pytestmark = pytest.mark.slow  # every test here runs feedd, a server or worker processes

SEED_002 = "002_b2d43885ea254e28.txt"


def source_row(site: Site, url: str) -> dict:
    con = sqlite3.connect(site.db)
    con.row_factory = sqlite3.Row
    row = con.execute("SELECT * FROM sources WHERE config_url = ?", (url,)).fetchone()
    return dict(row)


def titles(site: Site, rel: str = "all.atom") -> list[str]:
    return [e.title for e in site.feed(rel).entries]


def test_remote_entries_join_the_feeds(empty_site: Site, server: FeedServer) -> None:
    server.route("/feed.xml", body=rss(
        item("http://example.org/1", "Remote one", "<p>English text about feeds and readers.</p>",
             tags=("Feeds",)),
    ), headers={"Content-Type": "application/rss+xml"})  # fmt: skip
    empty_site.config(sources=[{"url": server.url("/feed.xml"), "tags": ["remote"]}])
    r = empty_site.once(expect=None)
    assert r.returncode == 0, r.stderr
    assert titles(empty_site) == ["Remote one"]
    assert titles(empty_site, "tags/remote.atom") == ["Remote one"]
    assert titles(empty_site, "tags/feeds.atom") == ["Remote one"]
    assert titles(empty_site, "lang/en.atom") == ["Remote one"]
    ua = server.hits("/feed.xml")[0].headers["user-agent"]
    assert ua.startswith("feedd/") and "http" in ua


def test_conditional_get_and_304(empty_site: Site, server: FeedServer) -> None:
    body = rss(item("g1", "Cached", "<p>Text.</p>"))

    def handler(h) -> None:
        if h.headers.get("If-None-Match") == '"v1"':
            h.send_response(304)
            h.send_header("ETag", '"v1"')
            h.send_header("Content-Length", "0")
            h.end_headers()
            return
        h.send_response(200)
        h.send_header("ETag", '"v1"')
        h.send_header("Last-Modified", "Mon, 03 Feb 2025 10:00:00 GMT")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    server.route("/c.xml", handler=handler)
    empty_site.config(sources=[{"url": server.url("/c.xml")}])
    empty_site.once()
    r = empty_site.once("--fetch-all", expect=None)
    assert r.returncode == 0 and "1× 304" in r.stdout
    second = server.hits("/c.xml")[1].headers
    assert second["if-none-match"] == '"v1"'
    assert second["if-modified-since"] == "Mon, 03 Feb 2025 10:00:00 GMT"
    assert source_row(empty_site, server.url("/c.xml"))["last_status"] == "304"
    assert titles(empty_site) == ["Cached"]


def test_polled_no_more_often_than_the_interval(empty_site: Site, server: FeedServer) -> None:
    server.route("/f.xml", body=rss(item("g1", "Once", "<p>x</p>")),
                 headers={"Cache-Control": "max-age=7200"})  # fmt: skip
    empty_site.config(sources=[{"url": server.url("/f.xml"), "interval": 60}])
    empty_site.once()
    empty_site.once()
    assert len(server.hits("/f.xml")) == 1
    row = source_row(empty_site, server.url("/f.xml"))
    assert row["next_check"] > row["last_fetch"]


def test_permanent_redirect_moves_the_subscription(empty_site: Site, server: FeedServer) -> None:
    server.route("/new.xml", body=rss(item("g1", "Moved", "<p>x</p>")))
    server.route("/old.xml", status=301, headers={"Location": server.url("/new.xml")})
    server.route("/tmp.xml", status=302, headers={"Location": server.url("/new.xml")})
    empty_site.config(sources=[{"url": server.url("/old.xml")}, {"url": server.url("/tmp.xml")}])
    for _ in range(3):  # another target on the same host and scheme: after 3 sightings
        assert empty_site.once("--fetch-all", expect=None).returncode == 0
    assert source_row(empty_site, server.url("/old.xml"))["url"] == server.url("/new.xml")
    assert source_row(empty_site, server.url("/tmp.xml"))["url"] == server.url("/tmp.xml")
    assert titles(empty_site) == ["Moved"]  # both fetched the same entry: one entry


def test_410_disables_the_source(empty_site: Site, server: FeedServer) -> None:
    server.route("/gone.xml", status=410)
    server.route("/ok.xml", body=rss(item("g1", "Still here", "<p>x</p>")))
    empty_site.config(sources=[{"url": server.url("/gone.xml")}, {"url": server.url("/ok.xml")}])
    r = empty_site.once(expect=None)
    assert r.returncode == 1
    assert f"{server.url('/gone.xml')}: 410 Gone" in r.stderr and "disabled" in r.stderr
    assert titles(empty_site) == ["Still here"]
    assert source_row(empty_site, server.url("/gone.xml"))["disabled"]
    empty_site.once()
    assert len(server.hits("/gone.xml")) == 1  # not asked again
    assert "disabled" in empty_site.run("sources", "list").stdout


def test_retry_after_is_honoured_for_that_source(empty_site: Site, server: FeedServer) -> None:
    server.route("/busy.xml", status=503, headers={"Retry-After": "7200"})
    server.route("/ok.xml", body=rss(item("g1", "Other", "<p>x</p>")))
    empty_site.config(sources=[{"url": server.url("/busy.xml"), "interval": 60},
                               {"url": server.url("/ok.xml"), "interval": 60}])  # fmt: skip
    r = empty_site.once(expect=None)
    assert r.returncode == 1 and "retry after 7200s" in r.stderr
    row = source_row(empty_site, server.url("/busy.xml"))
    wait = time.mktime(time.strptime(row["next_check"], "%Y-%m-%dT%H:%M:%SZ")) - time.mktime(
        time.strptime(row["last_fetch"], "%Y-%m-%dT%H:%M:%SZ")
    )
    assert wait >= 7200
    ok = source_row(empty_site, server.url("/ok.xml"))
    assert ok["next_check"] < row["next_check"]  # same host, its own schedule


def test_failures_back_off_and_recover(empty_site: Site, server: FeedServer) -> None:
    server.route("/flaky.xml", status=500)
    empty_site.config(sources=[{"url": server.url("/flaky.xml"), "interval": 60}])
    assert empty_site.once(expect=None).returncode == 1
    assert empty_site.once("--fetch-all", expect=None).returncode == 1
    assert source_row(empty_site, server.url("/flaky.xml"))["errors"] == 2
    server.route("/flaky.xml", body=rss(item("g1", "Back", "<p>x</p>")))
    assert empty_site.once("--fetch-all", expect=None).returncode == 0
    assert source_row(empty_site, server.url("/flaky.xml"))["errors"] == 0
    assert titles(empty_site) == ["Back"]


def test_a_slow_server_times_out_without_blocking_others(
    empty_site: Site, server: FeedServer
) -> None:
    server.route("/slow.xml", handler=trickle(0.5, rss(item("s", "Slow", "<p>x</p>"))))
    for i in range(4):
        server.route(f"/fast{i}.xml", body=rss(item(f"f{i}", f"Fast {i}", f"<p>text {i}</p>")))
    empty_site.config(
        fetch_timeout=2, fetch_per_host=4,
        sources=[{"url": server.url("/slow.xml")}]
        + [{"url": server.url(f"/fast{i}.xml")} for i in range(4)],
    )  # fmt: skip
    started = time.monotonic()
    r = empty_site.once(expect=None)
    assert time.monotonic() - started < 15
    assert r.returncode == 1 and "timed out" in r.stderr
    assert sorted(titles(empty_site)) == [f"Fast {i}" for i in range(4)]


def test_oversized_and_gzip_bomb_bodies_are_cut_off(empty_site: Site, server: FeedServer) -> None:
    server.route("/big.xml", body=b"<rss>" + b"x" * 300_000 + b"</rss>")
    bomb = gzip.compress(b"<rss>" + b" " * 50_000_000 + b"</rss>")
    server.route("/bomb.xml", body=bomb, headers={"Content-Encoding": "gzip"})
    server.route("/ok.xml", body=rss(item("g1", "Fine", "<p>x</p>")))
    empty_site.config(
        max_feed_bytes=200_000,
        sources=[{"url": server.url(p)} for p in ("/big.xml", "/bomb.xml", "/ok.xml")],
    )
    r = empty_site.once(expect=None)
    assert r.returncode == 1
    assert f"{server.url('/big.xml')}: body" in r.stderr and "limit" in r.stderr
    assert f"{server.url('/bomb.xml')}: decompressed body over 200000 bytes" in r.stderr
    assert titles(empty_site) == ["Fine"]


def test_script_bearing_feed_is_sanitized(empty_site: Site, server: FeedServer) -> None:
    html = ('<p>Hi<script>alert(1)</script><img src="x.png" onerror="alert(2)">'
            '<a href="javascript:alert(3)">x</a><iframe src="http://e.org"></iframe></p>')  # fmt: skip
    server.route("/evil.xml", body=rss(item("e1", "Evil", html)))
    empty_site.config(sources=[{"url": server.url("/evil.xml")}])
    empty_site.once()
    content = empty_site.feed("all.atom").entries[0].content[0].value
    for bad in ("<script", "onerror", "javascript:", "<iframe"):
        assert bad not in content


def test_atom_and_json_feed_are_read(empty_site: Site, server: FeedServer) -> None:
    atom = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://example.org/blog/">
<title>A</title><id>urn:x</id><updated>2025-01-02T00:00:00Z</updated>
<entry><id>tag:example.org,2025:1</id><title>Atom entry</title><link href="posts/1"/>
<updated>2025-01-02T00:00:00Z</updated><content type="html">&lt;p&gt;Atom body text.&lt;/p&gt;</content>
</entry></feed>"""
    jf = json.dumps({
        "version": "https://jsonfeed.org/version/1.1", "title": "J",
        "items": [{"id": "j1", "url": "https://example.org/j1", "title": "Json entry",
                   "content_html": "<p>Json body text.</p>", "date_published": "2025-01-03T00:00:00Z",
                   "tags": ["jsontag"]}],
    }).encode()  # fmt: skip
    server.route("/a.atom", body=atom, headers={"Content-Type": "application/atom+xml"})
    server.route("/j.json", body=jf, headers={"Content-Type": "application/feed+json"})
    empty_site.config(sources=[{"url": server.url("/a.atom")}, {"url": server.url("/j.json")}])
    assert empty_site.once(expect=None).returncode == 0
    got = {e.title: e for e in empty_site.feed("all.atom").entries}
    assert got["Atom entry"].link == "http://example.org/blog/posts/1"  # xml:base resolved
    assert got["Json entry"].link == "https://example.org/j1"
    assert titles(empty_site, "tags/jsontag.atom") == ["Json entry"]


def test_an_article_both_seed_and_remote_is_one_entry(site: Site, server: FeedServer) -> None:
    site.once()
    seed = site.feed("tags/人工智能.atom").entries[0]
    server.route("/syndicated.xml", body=rss(
        item("https://mirror.example/waic", seed.title, seed.content[0].value)
    ))  # fmt: skip
    site.config(sources=[{"url": server.url("/syndicated.xml")}])
    r = site.once()
    assert "1 duplicates folded" in r.stdout, r.stdout
    assert len(site.feed("all.atom").entries) == 5


def test_edited_remote_entry_updates_in_place(empty_site: Site, server: FeedServer) -> None:
    server.route("/e.xml", body=rss(item("http://example.org/p/1", "Story", "<p>First take.</p>")))
    empty_site.config(sources=[{"url": server.url("/e.xml")}])
    empty_site.once()
    before = empty_site.feed("all.atom").entries[0]
    time.sleep(1.1)
    # the guid drifts to https with a trailing slash, and the text is edited
    server.route(
        "/e.xml", body=rss(item("https://example.org/p/1/", "Story", "<p>Second take.</p>"))
    )
    r = empty_site.once("--fetch-all")
    assert "1 updated" in r.stdout, r.stdout
    entries = empty_site.feed("all.atom").entries
    assert len(entries) == 1 and entries[0].id == before.id
    assert entries[0].updated > before.updated and "Second take" in entries[0].content[0].value


def test_tracking_noise_is_not_an_edit(empty_site: Site, server: FeedServer) -> None:
    def body(n: int) -> bytes:
        html = (f'<p>Same words.<img src="https://t.example/px?u={n}" width="1" height="1">'
                f'<a href="https://example.org/x?utm_source=feed{n}">more</a></p>')  # fmt: skip
        return rss(item("g1", "Noisy", html, link=f"https://example.org/x?utm_campaign={n}"))

    server.route("/n.xml", body=body(1))
    empty_site.config(sources=[{"url": server.url("/n.xml")}])
    empty_site.once()
    server.route("/n.xml", body=body(2))
    r = empty_site.once("--fetch-all")
    assert "0 new, 0 updated" in r.stdout.split("fetched")[1], r.stdout
    entry = empty_site.feed("all.atom").entries[0]
    assert entry.link == "https://example.org/x"


def test_retention_keeps_the_newest_and_never_readds(empty_site: Site, server: FeedServer) -> None:
    items = [item(f"g{i}", f"Entry {i}", f"<p>Body number {i}.</p>",
                  date=f"Mon, 0{i} Feb 2025 10:00:00 GMT") for i in range(1, 6)]  # fmt: skip
    server.route("/r.xml", body=rss(*items))
    empty_site.config(sources=[{"url": server.url("/r.xml"), "keep_entries": 2}])
    empty_site.once()
    assert titles(empty_site) == ["Entry 5", "Entry 4"]
    r = empty_site.once("--fetch-all")
    assert "0 new" in r.stdout.split("fetched")[1]
    assert titles(empty_site) == ["Entry 5", "Entry 4"]


def test_opml_round_trip(empty_site: Site, server: FeedServer, tmp_path) -> None:
    server.route("/one.xml", body=rss(item("o1", "From OPML", "<p>x</p>")))
    opml = tmp_path / "subs.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>r</title></head><body>'
        f'<outline text="folder"><outline type="rss" text="One" xmlUrl="{server.url("/one.xml")}"/>'
        '</outline><outline type="rss" text="Bad" xmlUrl="javascript:alert(1)"/></body></opml>'
    )
    r = empty_site.run("sources", "import", str(opml), expect=None)
    assert r.returncode == 0 and "1 feeds, 1 added" in r.stdout
    assert empty_site.run("sources", "import", str(opml)).stdout.endswith(
        "0 added, 1 already there\n"
    )
    assert empty_site.once(expect=None).returncode == 0
    assert titles(empty_site) == ["From OPML"]
    out = empty_site.run("sources", "export").stdout
    assert f'xmlUrl="{server.url("/one.xml")}"' in out and 'text="One"' in out
    listing = empty_site.run("sources", "list").stdout
    assert server.url("/one.xml") in listing and "1 entries" in listing and "status 200" in listing


def test_many_sources_are_fetched_over_the_cores_in_order(
    empty_site: Site, server: FeedServer
) -> None:
    n = FETCH_IN_WORKERS_FROM + 20  # enough to split the round over worker processes
    for i in range(n):
        items = [item(f"g{i}", f"Story {i}", f"<p>Story number {i} of many.</p>")]
        if i < 2:  # the same article in the first two sources, under two guids
            items.append(item(f"shared-{i}", "Shared", "<p>One article, two feeds.</p>"))
        server.route(f"/s{i}.xml", handler=conditional(rss(*items, title=f"S{i}"), f'"e{i}"'))
    empty_site.config(sources=[{"url": server.url(f"/s{i}.xml")} for i in range(n)],
                      fetch_concurrency=8, fetch_per_host=4)  # fmt: skip
    r = empty_site.once(expect=None)
    assert r.returncode == 0, r.stderr
    assert all(len(server.hits(f"/s{i}.xml")) == 1 for i in range(n))
    db = sqlite3.connect(empty_site.root / "var" / "feedd.db")
    assert db.execute("SELECT count(*) FROM entries").fetchone()[0] == n + 1
    # applied in the configured order whatever process fetched it: the first source's guid
    assert db.execute("SELECT source_key FROM entries WHERE title = 'Shared'").fetchone()[0] \
        .endswith("shared-0")  # fmt: skip
    r = empty_site.once("--fetch-all", expect=None)
    assert r.returncode == 0, r.stderr
    second = [server.hits(f"/s{i}.xml")[1] for i in range(n)]
    assert all(s.headers.get("if-none-match") == f'"e{i}"' for i, s in enumerate(second))
    assert db.execute("SELECT count(*) FROM entries").fetchone()[0] == n + 1
    db.close()
