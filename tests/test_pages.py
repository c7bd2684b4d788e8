"""Pages for people: a page beside every feed, a page for every entry without a link, a front
page; read as HTML from the real output of the real ``feedd``."""

from __future__ import annotations

import html.parser
import re
import shutil
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from conftest import ATOM, Site, check_json_feed

pytestmark = pytest.mark.slow  # runs feedd

BASE = "https://news.example/"


@dataclass
class Page:
    """What a test needs of a page: its elements with their attributes, and its text."""

    tags: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    langs: list[tuple[str, str]] = field(default_factory=list)  # (lang, text inside)

    def all(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [
            a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())
        ]

    @property
    def body_text(self) -> str:
        return " ".join(self.text)


class _Parser(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.stack: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: v or "" for k, v in attrs}
        self.page.tags.append((tag, a))
        if tag not in ("meta", "link", "br", "img", "hr", "input"):
            self.stack.append(a.get("lang"))

    def handle_endtag(self, tag: str) -> None:
        if tag not in ("meta", "link", "br", "img", "hr", "input") and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.page.text.append(data.strip())
            lang = next((x for x in reversed(self.stack) if x), "")
            self.page.langs.append((lang, data.strip()))


def read_page(path: Path) -> Page:
    p = _Parser()
    p.feed(path.read_text("utf-8"))
    return p.page


@pytest.fixture
def built(site: Site) -> Site:
    site.config(base_url=BASE)
    site.once()
    return site


def _local(site: Site, page: Path, href: str) -> Path | None:
    """The output file a link on ``page`` leads to, None for another site."""
    if href.startswith(("http://", "https://")):
        if not href.startswith(BASE):
            return None
        rel = href[len(BASE) :]
    else:
        rel = urljoin(page.relative_to(site.public).as_posix(), href)
    rel = unquote(urlsplit(rel).path) or "index.html"
    return site.public / rel


def test_every_feed_has_a_page_that_lists_it_and_advertises_both_formats(built: Site) -> None:
    for atom in built.public.rglob("*.atom"):
        rel = atom.relative_to(built.public).as_posix()
        page_path = built.public / ("index.html" if rel == "all.atom" else rel[:-5] + ".html")
        page = read_page(page_path)
        root = ET.parse(atom).getroot()
        ours = {a["type"]: a["href"] for a in page.all("link", rel="alternate")}
        if rel != "all.atom":  # the front page advertises every feed
            assert ours == {
                "application/atom+xml": BASE + _quoted(rel),
                "application/feed+json": BASE + _quoted(rel[:-5] + ".json"),
            }
        alt = [ln for ln in root.findall(f"{ATOM}link") if ln.get("type") == "text/html"]
        assert len(alt) == 1 and _local(built, page_path, alt[0].get("href")) == page_path
        titles = [e.find(f"{ATOM}title").text for e in root.findall(f"{ATOM}entry")]
        links = [a.get("href") for a in page.all("a")]
        for t in titles:
            assert t in page.body_text, (rel, t)
        for a in page.all("a"):  # every link on the page leads somewhere
            target = _local(built, page_path, a["href"])
            assert target is None or target.exists(), (rel, a["href"])
        assert links


def _quoted(rel: str) -> str:
    from urllib.parse import quote

    return quote(rel, safe="/")


def test_every_entry_leads_to_a_page_and_linkless_ones_to_their_own(built: Site) -> None:
    root = ET.parse(built.public / "all.atom").getroot()
    own = 0
    for e in root.findall(f"{ATOM}entry"):
        alt = [ln.get("href") for ln in e.findall(f"{ATOM}link") if ln.get("rel") == "alternate"]
        assert len(alt) == 1, e.find(f"{ATOM}title").text
        target = _local(built, built.public / "all.atom", alt[0])
        if target is None:
            continue
        own += 1
        assert target.parent.name == "entries" and target.exists()
        page = read_page(target)
        title = e.find(f"{ATOM}title").text
        assert page.all("title") and title in page.body_text
        content = re.sub(r"<[^>]+>", " ", e.find(f"{ATOM}content").text)
        first = next(w for w in content.split() if len(w) > 3)
        assert first in page.body_text  # its whole content is on its page
        assert page.tags[0] == (
            "html",
            {"lang": e.get("{http://www.w3.org/XML/1998/namespace}lang")},
        )
    assert own == 3  # three of the five shipped articles have no link of their own
    doc = check_json_feed(built.public / "all.json")
    atom_links = [
        next(ln.get("href") for ln in e.findall(f"{ATOM}link") if ln.get("rel") == "alternate")
        for e in root.findall(f"{ATOM}entry")
    ]
    assert [i["url"] for i in doc["items"]] == atom_links


def test_page_urls_stay_put_across_runs_edits_and_a_rebuild(built: Site) -> None:
    before = sorted(p.relative_to(built.public) for p in (built.public / "entries").iterdir())
    built.once()
    shutil.rmtree(built.root / "var")
    shutil.rmtree(built.public)
    built.once()
    after = sorted(p.relative_to(built.public) for p in (built.public / "entries").iterdir())
    assert after == before


def test_pages_carry_lang_where_the_language_differs(built: Site) -> None:
    page = read_page(built.public / "index.html")
    html_lang = page.tags[0][1]["lang"]
    assert html_lang == "en"
    cjk = [(lang, t) for lang, t in page.langs if re.search(r"[\u4e00-\u9fff]", t)]
    assert cjk and all(lang.startswith("zh") for lang, _t in cjk), cjk
    zh = read_page(built.public / "lang/zh-Hant.html")
    assert ("h1", {"lang": "zh-Hant"}) in zh.tags
    cjk = [(lang, t) for lang, t in zh.langs if re.search(r"[\u4e00-\u9fff]", t)]
    assert cjk and all(lang.startswith("zh") for lang, _t in cjk), cjk


def test_pages_need_no_script_and_fetch_nothing_from_elsewhere(built: Site) -> None:
    for path in built.public.rglob("*.html"):
        page = read_page(path)
        assert not page.all("script") and not page.all("iframe"), path
        for tag, a in page.tags:
            assert not any(k.startswith("on") for k in a), (path, tag, a)
            if tag == "link":  # no stylesheet, no font: the feeds, and no icon to ask for
                assert a.get("rel") == "alternate" or a == {"rel": "icon", "href": "data:,"}
        csp = page.all("meta", **{"http-equiv": "Content-Security-Policy"})
        assert csp and "default-src 'none'" in csp[0]["content"], path
        assert page.all("meta", name="viewport"), path


def test_the_front_page_is_one_people_can_use(site: Site) -> None:
    (site.seeds / "numbers.md").write_text(
        "---\ntitle: Figures\ntags: [Cybersecurity]\n---\n12345 67890 42\n"
    )
    for i, tag in enumerate(["Código Aberto", "Cybersecurity", "abacaxi"]):
        (site.seeds / f"t{i}.md").write_text(
            f"---\ntitle: Tagged {i}\ntags: [{tag}]\nlang: pt\n---\nTexto {i} em português.\n"
        )
    site.config(base_url=BASE)
    site.once()
    page = read_page(site.public / "index.html")
    text = page.body_text
    for name in ("中文（简体）", "中文（繁體）", "Português", "Language not detected"):
        assert name in text, name
    assert not re.search(r"\bund\b", text)
    assert "1 entries" not in text and "1 entry" in text and "entries" in text
    # tags by entry count, then alphabetically as a reader expects (not by code point)
    index = (site.public / "index.html").read_text("utf-8")
    section = re.search(r"<h2>Tags</h2>(.*?)</section>", index, re.S)
    names = [unquote(h) for h in re.findall(r'<li><a href="tags/([^"]+)\.html"', section[1])]
    assert names[:2] == ["cybersecurity", "qq"]  # two entries each, then those with one
    assert names[2:5] == ["abacaxi", "ai治理", "código-aberto"]  # accents and case aside
    assert "feeds.opml" in [a.get("href") for a in page.all("a")]
    assert BASE + "all.atom" in text and BASE + "feeds.opml" in text  # addresses to copy
    assert "Last updated" in text
    river = [t for t, a in page.tags if t == "article"]
    assert len(river) == 9  # the newest entries of all, with dates
    assert len(page.all("time")) >= 9


def test_an_entry_page_follows_its_entry_edited_deleted_or_given_a_link(site: Site) -> None:
    site.config(base_url=BASE)
    (site.seeds / "note.md").write_text("---\ntitle: A note\n---\nFirst version of the note.\n")
    site.once()

    def page_of_note() -> Path:
        root = ET.parse(site.public / "all.atom").getroot()
        e = next(e for e in root.findall(f"{ATOM}entry") if e.find(f"{ATOM}title").text == "A note")
        href = next(
            ln.get("href") for ln in e.findall(f"{ATOM}link") if ln.get("rel") == "alternate"
        )
        return _local(site, site.public / "all.atom", href)

    page = page_of_note()
    assert page is not None and "First version" in page.read_text("utf-8")
    (site.seeds / "note.md").write_text("---\ntitle: A note\n---\nSecond version of the note.\n")
    site.once()
    assert page_of_note() == page and "Second version" in page.read_text("utf-8")  # same URL
    (site.seeds / "note.md").write_text(
        "---\ntitle: A note\nurl: https://elsewhere.example/note\n---\nSecond version of the note.\n"
    )
    site.once()
    assert page_of_note() is None and not page.exists()  # its own link now: no page of ours
    (site.seeds / "note.md").write_text("---\ntitle: A note\n---\nSecond version of the note.\n")
    site.once()
    assert page_of_note() == page and page.exists()  # back, at the same address
    (site.seeds / "note.md").unlink()
    site.once()
    assert not page.exists()
    others = list((site.public / "entries").iterdir())
    assert len(others) == 3  # the shipped articles without links keep theirs


def test_a_deleted_entry_page_is_written_again_with_its_folder(built: Site) -> None:
    shutil.rmtree(built.public / "entries")
    built.once()
    assert len(list((built.public / "entries").iterdir())) == 3


def test_every_page_is_valid_html(site: Site) -> None:
    """html5lib's strict parser (the WHATWG parsing algorithm) finds no error in any page."""
    import html5lib

    (site.seeds / "odd.md").write_text(
        '---\ntitle: Quotes " & <angles> in a title\ntags: ["R&D", "<b>"]\n---\n'
        "A body with <em>inline HTML</em>, a table:\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    )
    site.once()
    pages = sorted(site.public.rglob("*.html"))
    assert len(pages) > 10
    for path in pages:
        parser = html5lib.HTMLParser(strict=True)
        parser.parse(path.read_bytes())
        assert parser.errors == [], (path, parser.errors[:3])


def test_a_database_edited_by_others_puts_no_script_link_on_a_page() -> None:
    import datetime as dt

    from feedd.models import Credit, Entry
    from feedd.publish import html as pages_html

    t = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    e = Entry("urn:x", "h", "<script>x</script>\ud800", "S\x07", b"<p>b</p>", "en", "en", ("t",),
              "javascript:alert(1)", None, t, t,
              credits=(Credit("JavaScript:alert(2)", "via"), Credit("HTTPS://ok.example/", "via")))  # fmt: skip
    item = pages_html.item_html(e, {}, site_id="s", up="")
    page = pages_html.entry_page(e, {}, site_title="t", site_id="s")
    for out in (item, page):
        assert b"javascript:" not in out.lower() and b"<script>" not in out
    assert b'href="entries/' in item  # no link of its own that is safe: its page
    assert b"HTTPS://ok.example/" in page


def test_pages_off_writes_feeds_and_a_front_page_whose_links_all_resolve(built: Site) -> None:
    built.config(base_url=BASE, pages=False)
    built.once()
    pages = sorted(p.relative_to(built.public).as_posix() for p in built.public.rglob("*.html"))
    assert pages == ["index.html"]  # the pages written before went with the switch
    for atom in built.public.rglob("*.atom"):
        root = ET.parse(atom).getroot()
        for ln in root.iter(f"{ATOM}link"):
            if ln.get("rel") == "enclosure":  # (the seed's image is the site's, not feedd's)
                continue
            target = _local(built, atom, ln.get("href"))
            assert target is None or target.exists(), (atom, ln.get("href"))
        for e in root.findall(f"{ATOM}entry"):  # a linkless entry has no link at all now
            alt = [ln for ln in e.findall(f"{ATOM}link") if ln.get("rel") == "alternate"]
            assert len(alt) <= 1
    items = check_json_feed(built.public / "all.json")["items"]
    assert sum("url" not in i for i in items) == 3
    front = read_page(built.public / "index.html")
    for a in front.all("a"):
        target = _local(built, built.public / "index.html", a["href"])
        assert target is None or target.exists(), a["href"]
    assert "wrote 0 files" in built.once().stdout
    built.config(base_url=BASE)  # and back on: every page again, at the same addresses
    built.once()
    assert len(list((built.public / "entries").iterdir())) == 3
    assert (built.public / "lang/pt.html").exists()


def test_an_entry_page_lists_its_storys_copies(empty_site: Site) -> None:
    """A linkless seed file in Simplified script and a copy of it in Traditional with a link:
    one story; the seed's own page links the copy, in its language."""
    import opencc

    shipped = Path(__file__).parents[1] / "seeds" / "002_b2d43885ea254e28.txt"
    body = shipped.read_text("utf-8").split("---", 2)[2]
    s = empty_site
    (s.seeds / "hans.md").write_text(f"---\ntitle: 简体原文\n---\n{body}", "utf-8")
    hant = opencc.OpenCC("s2twp").convert(body)
    (s.seeds / "hant.md").write_text(
        f"---\ntitle: 繁體版本\nurl: https://hant.example/copy\n---\n{hant}", "utf-8"
    )
    s.config(base_url=BASE)
    r = s.once()
    assert "1 near-duplicates folded" in r.stdout, r.stdout
    own = list((s.public / "entries").iterdir())
    assert len(own) == 1  # the linkless one's
    page = read_page(own[0])
    assert "简体原文" in page.body_text
    copies = [a for a in page.all("a") if a["href"] == "https://hant.example/copy"]
    assert copies and copies[0].get("hreflang") == "zh-Hant"
    assert "Other copies of this story" in page.body_text
