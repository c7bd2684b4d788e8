"""Per-source feeds end to end: ``sources/<slug>.atom|.json|.html`` for every remote source,
listed in the OPML and on the front page, and an Atom ``<source>`` on every remote entry;
the real ``feedd`` against real HTTP servers on 127.0.0.1."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET

import html5lib
import pytest
from conftest import ATOM, Site, check_json_feed, parse_feed
from feedserver import FeedServer, item, rss

pytestmark = pytest.mark.slow  # every test here runs feedd and a server

BASE = "https://news.example/"


def atom_feed(feed_id: str, title: str, *entries: tuple[str, str, str]) -> bytes:
    """An Atom feed with its own id and home page; ``entries``: (id, title, text)."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">',
        f"<id>{feed_id}</id><title>{title}</title><updated>2025-02-03T10:00:00Z</updated>",
        '<link rel="alternate" href="https://blog.example/"/>',
    ]
    for eid, t, text in entries:
        parts.append(
            f"<entry><id>{eid}</id><title>{t}</title><updated>2025-02-03T10:00:00Z</updated>"
            f'<link href="https://blog.example/{t.replace(" ", "-")}"/>'
            f'<content type="html">&lt;p&gt;{text}&lt;/p&gt;</content></entry>'
        )
    return ("".join(parts) + "</feed>").encode()


@pytest.fixture
def two(site: Site, server: FeedServer) -> Site:
    """The shipped seeds, a named RSS source and an unnamed Atom one."""
    server.route("/planet/rss.xml", body=rss(
        item("http://planet.example/1", "Planet one", "<p>Planet news about gardens.</p>"),
        item("http://planet.example/2", "Planet two", "<p>More planet news on rivers.</p>",
             date="Tue, 04 Feb 2025 10:00:00 GMT"),
        title="Planet Feed",
    ), headers={"Content-Type": "application/rss+xml"})  # fmt: skip
    server.route("/blog/feed.atom", body=atom_feed(
        "urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6", "Blog Feed",
        ("urn:b:1", "Blog entry", "A blog entry about compilers and their errors."),
    ), headers={"Content-Type": "application/atom+xml"})  # fmt: skip
    site.config(base_url=BASE, sources=[
        {"url": server.url("/planet/rss.xml"), "name": "Planet 中文"},
        {"url": server.url("/blog/feed.atom")},
    ])  # fmt: skip
    site.once()
    return site


def ids(path) -> list[str]:
    root = ET.parse(path).getroot()
    return [e.find(f"{ATOM}id").text for e in root.iter(f"{ATOM}entry")]


def sources_of(path) -> dict[str, ET.Element | None]:
    """Each entry's title -> its <source> element (None: it has none)."""
    root = ET.parse(path).getroot()
    return {e.find(f"{ATOM}title").text: e.find(f"{ATOM}source") for e in root.iter(f"{ATOM}entry")}


def test_every_source_has_its_feeds_and_page_with_its_entries_only(
    two: Site, server: FeedServer
) -> None:
    out = two.public / "sources"
    names = sorted(p.name for p in out.iterdir())
    # the slug rule of tags: from the name, else from the URL's host and path
    assert names == sorted(
        f"{slug}.{ext}"
        for slug in ("planet-中文", "127-0-0-1-blog")
        for ext in ("atom", "json", "html")
    )
    planet = parse_feed(out / "planet-中文.atom")
    assert sorted(e.title for e in planet.entries) == ["Planet one", "Planet two"]
    assert planet.feed.title.endswith("Planet 中文")
    blog = parse_feed(out / "127-0-0-1-blog.atom")
    assert [e.title for e in blog.entries] == ["Blog entry"]
    doc = check_json_feed(out / "127-0-0-1-blog.json")
    assert [i["title"] for i in doc["items"]] == ["Blog entry"]
    # the same ids as the all-feed shows them
    every = set(ids(two.public / "all.atom"))
    assert set(ids(out / "planet-中文.atom")) <= every
    page = (out / "planet-中文.html").read_text("utf-8")
    assert "Planet one" in page and "Planet two" in page and "Blog entry" not in page
    assert 'type="application/atom+xml"' in page and "planet-%E4%B8%AD%E6%96%87.atom" in page


def test_remote_entries_name_their_feed_in_an_atom_source(two: Site, server: FeedServer) -> None:
    found = sources_of(two.public / "all.atom")
    assert len(found) == 8  # five seeds, three remote
    for title, src in found.items():
        if title.startswith(("Planet", "Blog")):
            assert src is not None, title
        else:
            assert src is None, title  # a seed file comes from no feed
    blog = found["Blog entry"]
    assert blog.find(f"{ATOM}id").text == "urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6"
    assert blog.find(f"{ATOM}title").text == "Blog Feed"
    links = {ln.get("rel"): ln.get("href") for ln in blog.findall(f"{ATOM}link")}
    assert links == {"self": server.url("/blog/feed.atom"), "alternate": "https://blog.example/"}
    planet = found["Planet one"]  # RSS has no feed id: its URL stands in
    assert planet.find(f"{ATOM}id").text == server.url("/planet/rss.xml")
    assert planet.find(f"{ATOM}title").text == "Planet 中文"  # its name in the config
    # and in every feed the entry is in, the same
    lang = sources_of(two.public / "lang/en.atom")
    assert ET.tostring(lang["Blog entry"]) == ET.tostring(blog)
    items = {i["title"]: i for i in check_json_feed(two.public / "all.json")["items"]}
    assert items["Blog entry"]["_feedd"]["source"] == {
        "title": "Blog Feed", "feed_url": server.url("/blog/feed.atom"),
        "home_page_url": "https://blog.example/",
    }  # fmt: skip
    assert "_feedd" not in next(i for t, i in items.items() if not t.startswith(("P", "B")))


def test_source_feeds_are_listed_in_the_opml_and_on_the_front_page(two: Site) -> None:
    opml = ET.parse(two.public / "feeds.opml").getroot()
    urls = {o.get("xmlUrl") for o in opml.iter("outline")}
    assert {
        BASE + "sources/planet-%E4%B8%AD%E6%96%87.atom",
        BASE + "sources/127-0-0-1-blog.atom",
    } <= urls
    index = (two.public / "index.html").read_text("utf-8")
    assert "<h2>Sources</h2>" in index
    assert 'href="sources/planet-%E4%B8%AD%E6%96%87.html"' in index
    assert 'href="sources/127-0-0-1-blog.atom"' in index
    # a remote entry's list item says where it came from, and leads to that source's page
    assert 'via <a href="sources/127-0-0-1-blog.html">Blog Feed</a>' in index
    for page in sorted(two.public.rglob("*.html")):
        parser = html5lib.HTMLParser(strict=True)
        parser.parse(page.read_bytes())
        assert parser.errors == [], (page, parser.errors[:3])


def test_slugs_never_move_renamed_or_rebuilt(two: Site, server: FeedServer) -> None:
    before = {p.name: ids(p) for p in (two.public / "sources").glob("*.atom")}
    two.config(base_url=BASE, sources=[
        {"url": server.url("/planet/rss.xml"), "name": "Another name"},
        {"url": server.url("/blog/feed.atom"), "name": "Named now"},
    ])  # fmt: skip
    two.once("--fetch-all")
    assert {p.name: ids(p) for p in (two.public / "sources").glob("*.atom")} == before
    assert parse_feed(two.public / "sources/planet-中文.atom").feed.title.endswith("Another name")
    # the database lost: the config alone gives the same slugs, and the same ids
    two.db.unlink()
    shutil.rmtree(two.public)
    two.config(base_url=BASE, sources=[
        {"url": server.url("/planet/rss.xml"), "name": "Planet 中文"},
        {"url": server.url("/blog/feed.atom")},
    ])  # fmt: skip
    two.once()
    assert {p.name: ids(p) for p in (two.public / "sources").glob("*.atom")} == before


def test_a_source_removed_takes_its_feeds_with_it(two: Site, server: FeedServer) -> None:
    two.config(base_url=BASE, sources=[{"url": server.url("/blog/feed.atom")}])
    r = two.once()
    assert sorted(p.name for p in (two.public / "sources").iterdir()) == [
        "127-0-0-1-blog.atom", "127-0-0-1-blog.html", "127-0-0-1-blog.json",
    ]  # fmt: skip
    assert "Planet one" not in (two.public / "index.html").read_text("utf-8")
    assert "wrote 0 files" not in r.stdout


def test_a_run_that_changed_nothing_writes_no_source_feed(two: Site) -> None:
    r = two.once()
    assert "wrote 0 files" in r.stdout, r.stdout


def test_a_new_item_rewrites_its_source_feed_and_not_the_other(
    two: Site, server: FeedServer
) -> None:
    blog = two.public / "sources/127-0-0-1-blog.atom"
    planet = two.public / "sources/planet-中文.atom"
    blog_bytes, planet_mtime = blog.read_bytes(), planet.stat().st_mtime_ns
    server.route("/blog/feed.atom", body=atom_feed(
        "urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6", "Blog Feed",
        ("urn:b:1", "Blog entry", "A blog entry about compilers and their errors."),
        ("urn:b:2", "Second entry", "A second entry, on linkers and loaders this time."),
    ), headers={"Content-Type": "application/atom+xml"})  # fmt: skip
    two.once("--fetch-all")
    assert blog.read_bytes() != blog_bytes
    assert sorted(e.title for e in parse_feed(blog).entries) == ["Blog entry", "Second entry"]
    assert planet.stat().st_mtime_ns == planet_mtime


def test_copies_folded_into_one_story_each_stay_in_their_sources_feed(
    site: Site, server: FeedServer
) -> None:
    text = (
        "<p>"
        + " ".join(
            f"The council of district {n} voted on Tuesday to widen the river park near bridge {n}, "
            f"adding wetlands and a cycle path, and work starts in spring {2025 + n}."
            for n in range(8)
        )
        + "</p>"
    )  # 130 words: long enough to judge (see normalize.similar)
    server.route("/a.xml", body=rss(item("http://a.example/park", "River park grows", text)))
    server.route("/b.xml", body=rss(item(
        "http://b.example/park", "River park to grow",
        text.replace("Tuesday", "Tuesday evening"), date="Tue, 04 Feb 2025 10:00:00 GMT",
    )))  # fmt: skip
    site.config(base_url=BASE, sources=[
        {"url": server.url("/a.xml"), "name": "A"}, {"url": server.url("/b.xml"), "name": "B"},
    ])  # fmt: skip
    site.once()
    remote = [e for e in site.feed("all.atom").entries if "park" in e.title]
    assert len(remote) == 1  # one story
    a, b = (parse_feed(site.public / f"sources/{s}.atom").entries for s in ("a", "b"))
    assert [e.title for e in a] == ["River park grows"]
    assert [e.title for e in b] == ["River park to grow"]  # the copy credited, here its own
    assert a[0].id != b[0].id and remote[0].id in (a[0].id, b[0].id)


def test_a_hostile_feed_title_is_text_in_every_output(site: Site, server: FeedServer) -> None:
    title = "<script>alert(1)</script> &amp; \x01 Ü" + "x" * 5000
    body = rss(item("http://h.example/1", "Plain entry", "<p>Some words for the entry.</p>"))
    body = body.replace(b"<title>Remote</title>", f"<title>{title}</title>".encode())
    server.route("/h.xml", body=body)
    site.config(base_url=BASE, sources=[{"url": server.url("/h.xml")}])
    site.once()
    src = sources_of(site.public / "all.atom")["Plain entry"]
    shown = src.find(f"{ATOM}title").text
    assert "<script>" not in shown and "\x01" not in shown and len(shown) <= 300
    for page in site.public.rglob("*.html"):
        assert "<script" not in page.read_text("utf-8"), page
    check_json_feed(site.public / "sources/127-0-0-1-h.json")
    json.loads((site.public / "all.json").read_text("utf-8"))
