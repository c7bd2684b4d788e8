"""Images and audio, end to end: what front matter and remote feeds name, what is refused,
and what a feed reader finds in the published feed."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import xml.etree.ElementTree as ET
from zoneinfo import ZoneInfo

import pytest
from conftest import ATOM, Site
from feedserver import FeedServer

from feedd.models import Enclosure
from feedd.normalize import media
from feedd.normalize.article import normalize
from feedd.normalize.remote import SourceSettings, normalize_entry
from feedd.sources.feeds import parse_feed

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
ZONE = ZoneInfo("UTC")
MEDIA = "{http://search.yahoo.com/mrss/}"


def article(front: str, fmt: str = "yaml") -> tuple[Enclosure, ...]:
    fences = {"yaml": "---\n", "toml": "+++\n", "json": ""}[fmt]
    text = f"{fences}{front}\n{fences}\nThe body of the article.\n"
    return normalize("a.md", text.encode(), ZONE, NOW).enclosures


# --- front matter ---------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["image", "thumbnail", "featured_image", "cover"])
def test_each_image_key_of_front_matter_is_read(key: str) -> None:
    (enc,) = article(f'title: T\n{key}: "https://example.org/a.jpg"')
    assert enc == Enclosure("https://example.org/a.jpg", "image/jpeg", None, True)


@pytest.mark.parametrize(
    ("front", "fmt"),
    [
        ('title: T\nimage: "https://example.org/a.png"', "yaml"),
        ('title = "T"\nimage = "https://example.org/a.png"', "toml"),
        ('{"title": "T", "image": "https://example.org/a.png"}', "json"),
    ],
)
def test_yaml_toml_and_json_front_matter_keep_the_same_keys(front: str, fmt: str) -> None:
    """The trap of the old reader: an image key was dropped from YAML and kept from TOML."""
    assert [e.url for e in article(front, fmt)] == ["https://example.org/a.png"]


def test_a_relative_path_is_kept_for_publishing_against_base_url() -> None:
    (enc,) = article('title: T\nfeatured_image: "/newsimages/Feb 07, 2025_22-26-11.jpg"')
    assert enc.url == "/newsimages/Feb%2007,%202025_22-26-11.jpg" and enc.image


@pytest.mark.parametrize(
    "value",
    [
        '"javascript:alert(1)"',
        '"data:image/png;base64,AAAA"',
        '"JaVaScRiPt:alert(1)"',
        '"file:///etc/passwd"',
        '"https://x.org/a.jpg\\" onerror=\\"alert(1)"',
        '"https://x.org/<script>.jpg"',
        '"https://x.org/a\\tb.jpg"',
        '""',
        "   ",
        "12",
        "true",
        "null",
        '"http://"',
        '"https:///no-host.jpg"',
        '"https://x.org/' + "a" * 3000 + '.jpg"',
    ],
)
def test_what_is_no_image_url_is_dropped(value: str) -> None:
    assert article(f"title: T\nimage: {value}") == ()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("http://[x/a.png", None),  # urlsplit raises for the bracket: dropped, not a crash
        ("http://a.org/\ud800.png", None),  # a lone surrogate
        ("http://a.org:port/a.png", None),
        ("https://bücher.de/a.jpg", "https://xn--bcher-kva.de/a.jpg"),  # IDN: its ASCII form
        ("/新闻/图.jpg", "/%E6%96%B0%E9%97%BB/%E5%9B%BE.jpg"),
        ("https://x.org/%E4%B8%AD.jpg", "https://x.org/%E4%B8%AD.jpg"),  # escapes as written
        ("https://x.org/" + "é" * 1000 + ".jpg", None),  # over the URL limit once quoted
        ("https://x.org/a.jpg?w=1&h=2", "https://x.org/a.jpg?w=1&h=2"),
    ],
)
def test_urls_of_every_shape(value: str, expected: str | None) -> None:
    assert media.url(value, relative=True) == expected


@pytest.mark.parametrize(
    ("length", "expected"),
    [("12345", 12345), (" 42 ", 42), (12.0, 12), ("²", None), ("9" * 5000, None), ("-5", None),
     (1e20, None), (True, None), ("0", None), ("1.5", None), (2**60, None)],
)  # fmt: skip
def test_lengths(length: object, expected: int | None) -> None:
    (enc,) = media.collect([("https://x.org/a.mp3", "audio/mpeg", length, False)])
    assert enc.length == expected


@pytest.mark.parametrize(
    ("mime", "expected"),
    [(" image/png ", "image/png"), ("audio/mpeg; codecs=mp3", "audio/mpeg"), ("ımage/png", None),
     ("not a type", None), ("text/html<", None), (7, None), ("IMAGE/JPEG", "image/jpeg")],
)  # fmt: skip
def test_types(mime: object, expected: str | None) -> None:
    (enc,) = media.collect([("https://x.org/a", mime, None, False)])
    assert enc.type == expected


def test_an_image_key_that_does_not_parse_costs_the_images_not_the_article() -> None:
    for front in ("cover:\n  image: /x.png\n  alt: Photo: a cat", "image: @featured.png"):
        it = normalize("a.md", f"---\ntitle: T\n{front}\n---\n\nBody.\n".encode(), ZONE, NOW)
        assert it.title == "T" and it.enclosures == ()
        assert any("image keys" in w for w in it.warnings), it.warnings


def test_lists_mappings_and_duplicates() -> None:
    got = article(
        "title: T\n"
        "image:\n  - https://x.org/1.jpg\n  - https://x.org/2.webp\n"
        "cover:\n  src: https://x.org/3.gif\n  alt: a cover\n"
        "thumbnail: https://x.org/1.jpg\n"
    )
    assert [(e.url, e.type) for e in got] == [
        ("https://x.org/1.jpg", "image/jpeg"),
        ("https://x.org/2.webp", "image/webp"),
        ("https://x.org/3.gif", "image/gif"),
    ]


def test_enclosures_are_bounded_per_entry() -> None:
    urls = "\n".join(f"  - https://x.org/{i}.jpg" for i in range(100))
    assert len(article(f"title: T\nimage:\n{urls}")) == media.MAX_ENCLOSURES


def test_an_image_added_to_a_file_is_an_edit_and_an_unset_field_moves_no_fingerprint() -> None:
    plain = normalize("a.md", b"---\ntitle: T\n---\n\nBody.\n", ZONE, NOW)
    with_image = normalize("a.md", b"---\ntitle: T\nimage: /a.jpg\n---\n\nBody.\n", ZONE, NOW)
    assert plain.content_hash == with_image.content_hash
    assert plain.fingerprint != with_image.fingerprint
    # the fingerprint an item without enclosures had before the field existed (v0.1.0)
    assert plain.fingerprint.startswith("1bf0b0c4994289cc"), plain.fingerprint


# --- remote feeds ---------------------------------------------------------------------------

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Pod</title>
<link>https://pod.example.org/</link>
<item><guid>ep1</guid><title>Episode 1</title><description>Talk</description>
 <enclosure url="https://pod.example.org/ep1.mp3" length="12345678" type="audio/mpeg"/>
 <media:thumbnail url="https://pod.example.org/ep1.jpg"/>
</item>
<item><guid>ep2</guid><title>Episode 2</title><description>More</description>
 <media:content url="https://pod.example.org/ep2.png" medium="image"/>
 <enclosure url="javascript:alert(1)" length="1" type="audio/mpeg"/>
 <enclosure url="/relative.mp3" length="-5" type="not a type"/>
 <enclosure url="https://pod.example.org/ep2.ogg" length="lots" type="audio/ogg; x=1"/>
</item>
</channel></rss>"""

ATOM_FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><id>urn:x</id>
<updated>2025-01-01T00:00:00Z</updated>
<entry><id>urn:e1</id><title>E</title><updated>2025-01-01T00:00:00Z</updated>
 <content type="html">&lt;p&gt;x&lt;/p&gt;</content>
 <link rel="enclosure" href="https://a.example.org/talk.m4a" type="audio/mp4" length="99"/>
</entry></feed>"""

JSON_FEED = json.dumps({
    "version": "https://jsonfeed.org/version/1.1", "title": "J",
    "items": [{
        "id": "1", "title": "J1", "content_text": "x", "image": "https://j.example.org/i.jpg",
        "attachments": [
            {"url": "https://j.example.org/a.mp3", "mime_type": "audio/mpeg", "size_in_bytes": 7},
            {"url": "ftp://j.example.org/a.mp3", "mime_type": "audio/mpeg"},
            "not an object",
        ],
    }],
}).encode()  # fmt: skip


def remote(body: bytes) -> list[tuple[Enclosure, ...]]:
    feed = parse_feed(body, {}, "https://pod.example.org/feed.xml")
    return [normalize_entry(e, feed, SourceSettings(), NOW).enclosures for e in feed.entries]


def test_rss_enclosures_and_media_rss() -> None:
    ep1, ep2 = remote(RSS)
    assert ep1 == (
        Enclosure("https://pod.example.org/ep1.jpg", "image/jpeg", None, True),
        Enclosure("https://pod.example.org/ep1.mp3", "audio/mpeg", 12345678, False),
    )
    # a javascript: URL is dropped; a relative one is made absolute against the feed's URL;
    # a length or type that is none is left out, not guessed
    assert ep2 == (
        Enclosure("https://pod.example.org/ep2.png", "image/png", None, True),
        Enclosure("https://pod.example.org/relative.mp3", None, None, False),
        Enclosure("https://pod.example.org/ep2.ogg", "audio/ogg", None, False),  # no params
    )


def test_an_enclosure_url_that_is_no_url_costs_only_itself() -> None:
    body = RSS.replace(b"https://pod.example.org/ep1.mp3", b"http://[x/a.mp3")
    ep1, _ = remote(body)
    assert [e.url for e in ep1] == ["https://pod.example.org/ep1.jpg"]
    doc = json.loads(JSON_FEED)
    doc["items"][0]["image"] = "http://[x"
    doc["items"][0]["attachments"][0]["url"] = "http://a.org/\ud800.mp3"
    assert remote(json.dumps(doc).encode()) == [()]


def test_an_image_is_told_by_its_type_too() -> None:
    """An RSS enclosure or a Media RSS content of an image type is an image (a thumbnail),
    whatever says so; audio and video are not."""
    body = RSS.replace(b'type="audio/mpeg"/>', b'type="image/jpeg"/>', 1).replace(
        b'medium="image"', b'type="image/webp"'
    )
    ep1, ep2 = remote(body)
    assert ep1[1] == Enclosure("https://pod.example.org/ep1.mp3", "image/jpeg", 12345678, True)
    assert ep2[0] == Enclosure("https://pod.example.org/ep2.png", "image/webp", None, True)
    assert not any(e.image for e in ep2[1:])


def test_atom_enclosure_links() -> None:
    assert remote(ATOM_FEED) == [
        (Enclosure("https://a.example.org/talk.m4a", "audio/mp4", 99, False),)
    ]


def test_json_feed_image_and_attachments() -> None:
    assert remote(JSON_FEED) == [
        (
            Enclosure("https://j.example.org/i.jpg", "image/jpeg", None, True),
            Enclosure("https://j.example.org/a.mp3", "audio/mpeg", 7, False),
        )
    ]


# --- published, as a reader sees it ------------------------------------------------------------


def test_a_stored_enclosure_is_checked_again_when_published() -> None:
    """A database edited by something else may hold anything: never a script, never a crash."""
    from feedd.models import Entry
    from feedd.publish.atom import entry_xml

    t = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    bad = (Enclosure("javascript:alert(1)"), Enclosure("http://[x"), Enclosure('/a".jpg'),
           Enclosure("/ok.jpg", "image/jpeg", 5, True))  # fmt: skip
    e = Entry("urn:x", "h", "T", "S", b"<p>b</p>", "en", "en", (), None, None, t, t, bad)
    xml = entry_xml(e, {}, base_url="https://s.org/", author="a", feed_lang="en", site_id="s")
    root = ET.fromstring(xml)
    hrefs = [ln.get("href") for ln in root.findall("link") if ln.get("rel") == "enclosure"]
    assert hrefs == ["https://s.org/ok.jpg"] and b"javascript" not in xml


def _entries(site: Site, rel: str = "all.atom") -> dict[str, ET.Element]:
    root = ET.parse(site.public / rel).getroot()
    return {e.findtext(f"{ATOM}title"): e for e in root.findall(f"{ATOM}entry")}


@pytest.mark.slow
def test_the_shipped_seeds_publish_their_images(site: Site) -> None:
    site.config(base_url="https://news.example.org/site/")
    site.once()
    d = site.feed("all.atom")
    with_images = [e for e in d.entries if e.get("enclosures")]
    assert len(with_images) == 2  # 002 (featured_image, a path) and 004 (thumbnail, a URL)
    by_url = {e.enclosures[0].href: e for e in with_images}
    path = "https://news.example.org/newsimages/selected_image_YYYY-07-Jul%2011,%202025_10-31-54-589.jpg"
    assert path in by_url  # "/newsimages/..." resolved against base_url
    assert by_url[path].enclosures[0].type == "image/jpeg"
    for e in with_images:
        assert e.media_thumbnail[0]["url"] == e.enclosures[0].href
    # every other feed the entry is in shows the same, and the feeds stay valid Atom
    for rel in site.feeds():
        site.feed(rel)


@pytest.mark.slow
def test_podcast_audio_from_a_remote_source(site: Site) -> None:
    server = FeedServer()
    try:
        server.route("/pod.xml", body=RSS)
        site.config(sources=[{"url": server.url("/pod.xml")}])
        site.once()
    finally:
        server.close()
    entries = _entries(site)
    links = entries["Episode 1"].findall(f"{ATOM}link")
    (audio,) = [
        ln for ln in links if ln.get("rel") == "enclosure" and ln.get("type") == "audio/mpeg"
    ]
    assert (
        audio.get("href") == "https://pod.example.org/ep1.mp3" and audio.get("length") == "12345678"
    )
    thumb = entries["Episode 1"].find(f"{MEDIA}thumbnail")
    assert thumb is not None and thumb.get("url") == "https://pod.example.org/ep1.jpg"
    assert not [
        ln
        for ln in entries["Episode 2"].findall(f"{ATOM}link")
        if "javascript" in (ln.get("href") or "")
    ]


@pytest.mark.slow
def test_an_image_added_later_updates_the_entry_under_its_id(site: Site) -> None:
    """A metadata change, like new tags: the entry is rewritten with its image, its id and
    dates kept (the text did not change: no news for a reader to be shown again)."""
    site.once()
    path = site.seeds / "003_d3ed8000c58bd57f.txt"
    before = _entries(site)
    (title,) = [t for t in before if t.startswith("IA permanece")]
    path.write_text("---\ncover: https://x.org/c.jpg\n---\n" + path.read_text(encoding="utf-8"),
                    encoding="utf-8")  # fmt: skip
    out = site.once()
    assert "0 new, 1 updated" in out.stdout
    after = _entries(site)[title]
    assert after.findtext(f"{ATOM}id") == before[title].findtext(f"{ATOM}id")
    assert after.findtext(f"{ATOM}updated") == before[title].findtext(f"{ATOM}updated")
    assert after.find(f"{MEDIA}thumbnail").get("url") == "https://x.org/c.jpg"


@pytest.mark.slow
def test_an_older_database_gets_the_images_in_place_with_the_same_ids(site: Site) -> None:
    """A database of schema 3 (before images): migrated in place, every seed read again once,
    and the entries that name an image show it, under the ids they had."""
    from test_store_ingest import load_v3

    site.db.parent.mkdir(parents=True)
    load_v3(site.db)
    con = sqlite3.connect(site.db)
    rows = "SELECT source_key, id, published, updated FROM entries ORDER BY source_key"
    before = con.execute(rows).fetchall()
    con.close()
    out = site.once()
    assert "0 new" in out.stdout
    con = sqlite3.connect(site.db)
    assert con.execute(rows).fetchall() == before  # ids and dates: no entry shown as news
    shown = dict(con.execute("SELECT source_key, enclosures FROM entries"))
    con.close()
    assert json.loads(shown["004_03038401cfc70408.txt"])[0]["url"].startswith(
        "https://inews.gtimg.com/"
    )
    assert json.loads(shown["001_85c5616e57edde8b.txt"]) == []
    assert len([e for e in site.feed("all.atom").entries if e.get("enclosures")]) == 2
