"""JSON Feed 1.1 beside every Atom feed: the same entries, ids, dates, content and links."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import ATOM, Site, check_json_feed

from feedd.models import Credit, Enclosure, Entry
from feedd.publish import jsonfeed
from feedd.publish.info import FeedInfo

pytestmark = pytest.mark.slow  # runs feedd


def _pairs(site: Site) -> list[tuple[Path, Path]]:
    feeds = sorted(site.public.rglob("*.atom"))
    assert feeds
    return [(p, p.with_suffix(".json")) for p in feeds]


def test_every_atom_feed_has_a_json_feed_of_the_same_entries(site: Site) -> None:
    site.config(base_url="https://news.example/feeds/")
    site.once()
    for atom_path, json_path in _pairs(site):
        assert json_path.exists(), json_path
        doc = check_json_feed(json_path)
        root = ET.parse(atom_path).getroot()
        rel = quote(json_path.relative_to(site.public).as_posix(), safe="/")
        assert doc["feed_url"] == "https://news.example/feeds/" + rel
        assert doc["home_page_url"] == "https://news.example/feeds/"
        assert doc["title"] == root.find(f"{ATOM}title").text
        links = {
            (ln.get("rel"), ln.get("type")): ln.get("href") for ln in root.findall(f"{ATOM}link")
        }
        assert links[("alternate", "application/feed+json")] == doc["feed_url"]
        entries = root.findall(f"{ATOM}entry")
        assert [i["id"] for i in doc["items"]] == [e.find(f"{ATOM}id").text for e in entries]
        for item, e in zip(doc["items"], entries, strict=True):
            assert item["title"] == e.find(f"{ATOM}title").text
            assert item["content_html"] == e.find(f"{ATOM}content").text
            assert item["summary"] == e.find(f"{ATOM}summary").text
            for key, name in (("date_published", "published"), ("date_modified", "updated")):
                assert dt.datetime.fromisoformat(item[key]) == dt.datetime.fromisoformat(
                    e.find(f"{ATOM}{name}").text
                )
            alt = [
                ln.get("href") for ln in e.findall(f"{ATOM}link") if ln.get("rel") == "alternate"
            ]
            assert item.get("url") == (alt[0] if alt else None)
            terms = [c.get("term") for c in e.findall(f"{ATOM}category")]
            assert item.get("tags", []) == terms
            assert item["authors"][0]["name"] == e.find(f"{ATOM}author/{ATOM}name").text
    zh = json.loads((site.public / "lang/zh-Hans.json").read_bytes())
    assert zh["language"] == "zh-Hans" and zh["items"]
    assert all(i["language"].startswith("zh") for i in zh["items"])
    assert "中" in (site.public / "lang/zh-Hans.json").read_text("utf-8")  # UTF-8, not \\u escapes


def test_the_pages_advertise_every_json_feed(site: Site) -> None:
    site.config(base_url="https://news.example/")
    site.once()
    page = (site.public / "index.html").read_text("utf-8")
    heads = re.findall(
        r'<link rel="alternate" type="application/feed\+json"[^>]*href="([^"]+)"', page
    )
    anchors = re.findall(r'<a href="([^"]+\.json)">', page)
    rels = [quote(j.relative_to(site.public).as_posix(), safe="/") for _a, j in _pairs(site)]
    assert sorted(html.unescape(h) for h in heads) == sorted(
        "https://news.example/" + r for r in rels
    )
    assert sorted(html.unescape(a) for a in anchors) == sorted(rels)


def test_json_feeds_are_stable_across_runs_and_a_rebuild(site: Site) -> None:
    site.once()
    before = {p: p.read_bytes() for _a, p in _pairs(site)}
    mtimes = {p: p.stat().st_mtime_ns for p in before}
    site.once()  # nothing changed: nothing written
    assert {p: p.stat().st_mtime_ns for p in before} == mtimes
    shutil.rmtree(site.root / "var")  # the database rebuilt from the same files
    shutil.rmtree(site.public)
    site.once()
    assert {p: p.read_bytes() for p in before} == before


def test_a_deleted_json_feed_is_written_again(site: Site) -> None:
    site.once()
    (site.public / "all.json").unlink()
    site.once()
    check_json_feed(site.public / "all.json")


def test_an_edit_reaches_the_json_feed(site: Site) -> None:
    site.once()
    (site.seeds / "fresh.md").write_text("---\ntitle: Fresh news\ntags: [Novidade]\n---\nBody.\n")
    site.once()
    doc = check_json_feed(site.public / "all.json")
    assert doc["items"][0]["title"] == "Fresh news"
    tag = check_json_feed(site.public / "tags/novidade.json")
    assert [i["title"] for i in tag["items"]] == ["Fresh news"]


def _entry(**kw: object) -> Entry:
    fields = dict(
        id="urn:uuid:00000000-0000-0000-0000-000000000001", content_hash="h", title="T",
        summary="S", html=b"<p>B</p>", lang="pt", lang_group="pt", tags=("ia",), link=None,
        author=None, published=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
        updated=dt.datetime(2025, 1, 2, tzinfo=dt.UTC),
    )  # fmt: skip
    fields.update(kw)
    return Entry(**fields)


def _feed(*entries: Entry) -> dict:
    info = FeedInfo("all.atom", "all", None, "t")
    items = [
        jsonfeed.item_json(e, {"ia": "IA"}, base_url="https://x.org/", author="me",
                           site_id="https://x.org/")
        for e in entries
    ]  # fmt: skip
    head = jsonfeed.head(info, base_url="https://x.org/", feed_url="https://x.org/all.json",
                         author="me")  # fmt: skip
    return json.loads(jsonfeed.assemble(head, items))


def test_what_a_database_edited_by_others_holds_never_breaks_the_json(tmp_path: Path) -> None:
    """Lone surrogates and bytes that are not UTF-8 become U+FFFD; the feed stays JSON."""
    doc = _feed(
        _entry(title="a\ud800b", summary="\udfff", html=b"<p>caf\xe9</p>", author="x\ud83d")
    )
    item = doc["items"][0]
    assert item["title"] == "a\ufffdb" and item["summary"] == "\ufffd"
    assert item["content_html"] == "<p>caf\ufffd</p>" and item["authors"][0]["name"] == "x\ufffd"
    (tmp_path / "f.json").write_bytes(
        jsonfeed.assemble({"version": jsonfeed.VERSION, "title": "t"}, [])
    )
    check_json_feed(tmp_path / "f.json")


def test_attachments_images_and_a_storys_other_copies() -> None:
    e = _entry(
        enclosures=(Enclosure("/media/a.png", "image/png", 1234, True),
                    Enclosure("https://cdn.example/b.mp3", None, None, False)),
        credits=(Credit("https://tw.example/1", "alternate", "zh-Hant"),
                 Credit("https://portal.example/2", "via", None)),
    )  # fmt: skip
    item = _feed(e)["items"][0]
    assert item["image"] == "https://x.org/media/a.png"
    assert item["attachments"] == [
        {"url": "https://x.org/media/a.png", "mime_type": "image/png", "size_in_bytes": 1234},
        {"url": "https://cdn.example/b.mp3", "mime_type": "application/octet-stream"},
    ]
    assert item["_feedd"]["links"] == [
        {"url": "https://tw.example/1", "rel": "alternate", "hreflang": "zh-Hant"},
        {"url": "https://portal.example/2", "rel": "via"},
    ]
    assert item["_feedd"]["about"].startswith("http")
    assert item["tags"] == ["IA"]
    assert item["url"].startswith("https://x.org/entries/")  # no link of its own: its page
