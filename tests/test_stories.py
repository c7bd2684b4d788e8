"""Stories: near-duplicate copies fold into one story, look-alikes stay apart, ids hold.

The labelled pairs of tests/data/stories/ are asserted one by one (as the store judges two
texts); the rest runs the real ``feedd`` on real files and reads the real feeds.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import sqlite3
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

import pytest
from conftest import Site, check_atom
from feedserver import FeedServer, item, rss

from feedd.normalize import article, similar
from feedd.store import Store, stories

DATA = Path(__file__).parent / "data" / "stories"
PAIRS = tomllib.loads((DATA / "labels.toml").read_text("utf-8"))["pair"]
A = "{http://www.w3.org/2005/Atom}"
T0 = 1_700_000_000  # mtimes: a file seen first has the smallest


def _text(name: str) -> str:
    item = article.normalize(name, (DATA / name).read_bytes(), ZoneInfo("UTC"))
    return similar.comparable(item.html.decode(), item.lang_group)


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: f"{p['kind']}:{p['a']}~{p['b']}")
def test_every_labelled_pair_folds_or_stays_apart_as_labelled(pair: dict) -> None:
    c = similar.compare(_text(pair["a"]), _text(pair["b"]), similar.Shingling())
    verdict = similar.judge(c, 0.7)
    assert verdict.same is pair["same"], verdict.reason


def test_the_labelled_set_holds_every_kind_the_issue_names() -> None:
    kinds = {(p["kind"], p["same"]) for p in PAIRS}
    for kind in ("retitled", "credit_line", "trimmed", "reworded", "traditional_tw",
                 "traditional_hk", "combined", "short_equal"):  # fmt: skip
        assert (kind, True) in kinds, kind
    for kind in ("template", "boilerplate", "same_topic", "short_different"):
        assert (kind, False) in kinds, kind


def test_a_sketch_is_the_same_made_alone_or_with_others() -> None:
    """Seeds are sketched in batches by the readers, remote items one by one by the store:
    both must find each other."""
    texts = []
    for name in (
        "seed000-original.md",
        "seed000-tw.md",
        "english-original.md",
        "short-holiday-a.md",
    ):
        it = article.normalize(name, (DATA / name).read_bytes(), ZoneInfo("UTC"))
        texts.append((it.html.decode(), it.lang_group))
    texts.append(("", "en"))
    together = similar.sketches(texts, similar.Shingling())
    assert together == [similar.sketch(h, g, similar.Shingling()) for h, g in texts]


# --- end to end -------------------------------------------------------------------------------


def _body(name: str) -> str:
    """A labelled file's text without its front matter."""
    text = (DATA / name).read_text("utf-8")
    if text.startswith("---"):
        text = text.split("\n---\n", 1)[1]
    return text


def _put(site: Site, name: str, body: str, at: int, **front: str) -> Path:
    head = "".join(f"{k}: {v}\n" for k, v in front.items())
    path = site.seeds / name
    path.write_text(f"---\n{head}---\n{body}" if head else body, "utf-8")
    os.utime(path, (at, at))
    return path


def _entries(site: Site, rel: str) -> list[ET.Element]:
    return list(check_atom(site.public / rel).iter(f"{A}entry"))


def _ids(site: Site, rel: str) -> list[str]:
    return [e.findtext(f"{A}id") for e in _entries(site, rel)]


def _links(entry: ET.Element, rel: str) -> list[tuple[str, str | None]]:
    return [(ln.get("href"), ln.get("hreflang")) for ln in entry.findall(f"{A}link")
            if ln.get("rel") == rel]  # fmt: skip


@pytest.fixture
def stories_site(empty_site: Site) -> Site:
    """The original of seed 000, a Traditional (Taiwan) copy and a trimmed copy, each with a
    link of its own and tags of its own, seen in that order; and seed 004, another story."""
    s = empty_site
    _put(s, "a-original.md", _body("seed000-original.md"), T0, title="Original",
         url="https://a.example/1", tags="[科技]", lang="zh-CN")  # fmt: skip
    _put(s, "b-tw.md", _body("seed000-tw.md"), T0 + 10, title="Taiwan copy",
         url="https://tw.example/1", tags="[開發者]", lang="zh-TW")  # fmt: skip
    _put(s, "c-trimmed.md", _body("seed000-trimmed.md"), T0 + 20, title="Trimmed copy",
         url="https://portal.example/1", tags="[大会]")  # fmt: skip
    _put(s, "d-other.md", _body("seed004-original.md"), T0 + 30, title="Another story")
    return s


@pytest.mark.slow
def test_a_story_is_published_once_with_its_copies_tags_and_credits(stories_site: Site) -> None:
    s = stories_site
    out = s.once().stdout
    assert "2 near-duplicates folded" in out, out
    all_entries = _entries(s, "all.atom")
    assert len(all_entries) == 2
    story = next(e for e in all_entries if e.findtext(f"{A}title") == "Original")
    # the union of every copy's tags
    terms = {c.get("term") for c in story.findall(f"{A}category")}
    assert {"科技", "開發者", "大会"} <= terms
    # the other script's copy as an alternate in its language, the other copy as via
    assert ("https://tw.example/1", "zh-TW") in _links(story, "alternate")
    assert ("https://portal.example/1", None) in _links(story, "via")
    # every tag feed carries the story once, under the same id
    for tag_feed in s.feeds():
        if tag_feed.startswith("tags/"):
            ids = _ids(s, tag_feed)
            assert len(ids) == len(set(ids)), tag_feed
    story_id = story.findtext(f"{A}id")
    tagged = [rel for rel in s.feeds() if rel.startswith("tags/") and story_id in _ids(s, rel)]
    assert len(tagged) >= 3, tagged
    # each language feed has its own script's copy, linking the other
    hans, hant = _entries(s, "lang/zh-Hans.atom"), _entries(s, "lang/zh-Hant.atom")
    assert [e.findtext(f"{A}title") for e in hant] == ["Taiwan copy"]
    assert "Original" in [e.findtext(f"{A}title") for e in hans]
    assert "Trimmed copy" not in [e.findtext(f"{A}title") for e in hans]
    assert ("https://a.example/1", "zh-CN") in _links(hant[0], "alternate")
    assert hant[0].findtext(f"{A}id") != story_id  # its own id, in its own feed
    s.feed("all.atom")  # and feedparser reads it without complaint


@pytest.mark.slow
def test_a_later_copy_never_takes_the_story_over_even_with_an_older_date(
    empty_site: Site,
) -> None:
    s = empty_site
    _put(s, "original.md", _body("seed004-original.md"), T0, title="Original, undated")
    s.once()
    before = _ids(s, "all.atom")
    # syndicated later, dated a year earlier
    _put(s, "syndicated.md", _body("seed004-reworded.md"), T0 + 86400, title="Syndicated",
         date="2024-01-01")  # fmt: skip
    out = s.once().stdout
    assert "1 near-duplicates folded" in out
    assert _ids(s, "all.atom") == before
    titles = [e.findtext(f"{A}title") for e in _entries(s, "all.atom")]
    assert titles == ["Original, undated"]
    # and a rebuild from the same files gives the same representative and id
    (s.root / "var" / "feedd.db").unlink()
    s.once()
    assert _ids(s, "all.atom") == before


@pytest.mark.slow
def test_ids_hold_across_rebuilds_and_the_representative_deleted(stories_site: Site) -> None:
    s = stories_site
    s.once()
    first = _ids(s, "all.atom")
    hant = _ids(s, "lang/zh-Hant.atom")
    for name in ("feedd.db", "feedd.db-wal", "feedd.db-shm"):
        (s.root / "var" / name).unlink(missing_ok=True)
    s.once()
    assert _ids(s, "all.atom") == first
    assert _ids(s, "lang/zh-Hant.atom") == hant
    (s.seeds / "a-original.md").unlink()
    s.once()
    assert sorted(_ids(s, "all.atom")) == sorted(first)  # the story stays, under its id
    assert _ids(s, "lang/zh-Hant.atom") == hant
    (s.seeds / "b-tw.md").unlink()
    (s.seeds / "c-trimmed.md").unlink()
    s.once()
    assert len(_ids(s, "all.atom")) == 1  # the last copy gone, the story goes
    # its ids are free again: a new file in the old place gets the id a rebuild gives it
    _put(s, "a-original.md", _body("english-original.md"), T0 + 500, title="New text")
    s.once()
    live = sorted(_ids(s, "all.atom"))
    for name in ("feedd.db", "feedd.db-wal", "feedd.db-shm"):
        (s.root / "var" / name).unlink(missing_ok=True)
    s.once()
    assert sorted(_ids(s, "all.atom")) == live


@pytest.mark.slow
def test_an_edit_into_another_article_splits_it_off_under_its_own_id(
    stories_site: Site,
) -> None:
    s = stories_site
    s.once()
    first = set(_ids(s, "all.atom"))
    _put(s, "c-trimmed.md", _body("english-original.md"), T0 + 100, title="Now in English")
    s.once()
    now = set(_ids(s, "all.atom"))
    assert first < now and len(now) == 3  # the story kept its id; the edit is new
    titles = [e.findtext(f"{A}title") for e in _entries(s, "all.atom")]
    assert "Now in English" in titles and "Original" in titles
    # an edit that keeps it a copy keeps it folded
    _put(s, "b-tw.md", _body("seed000-tw.md") + "\n\n補充一句。\n", T0 + 200, title="TW again",
         url="https://tw.example/1", lang="zh-TW")  # fmt: skip
    s.once()
    assert set(_ids(s, "all.atom")) == now


@pytest.mark.slow
def test_look_alikes_stay_apart_end_to_end(empty_site: Site) -> None:
    s = empty_site
    names = ["notice-egm-huayuan-1.md", "notice-egm-hengchuan-1.md", "launch-acme-widget3-199.md",
             "launch-globex-widget3-199.md", "zh-pr-huaxin-funding.md", "zh-pr-huaxin-factory.md",
             "zh-gdc-briefing.md", "seed000-original.md", "short-water-8pm.md",
             "short-water-9pm.md"]  # fmt: skip
    for i, name in enumerate(names):
        _put(s, name, _body(name), T0 + i)
    out = s.once().stdout
    assert "0 near-duplicates folded" in out
    assert len(_ids(s, "all.atom")) == len(names)


@pytest.mark.slow
def test_short_notices_fold_only_when_equal_after_normalizing(empty_site: Site) -> None:
    s = empty_site
    for i, name in enumerate(["short-maintenance-hans.md", "short-maintenance-hant.md",
                              "short-flight-45.md", "short-flight-55.md"]):  # fmt: skip
        _put(s, name, _body(name), T0 + i)
    out = s.once().stdout
    assert "1 near-duplicates folded" in out
    assert len(_ids(s, "all.atom")) == 3


@pytest.mark.slow
def test_copies_from_two_remote_feeds_fold_into_the_seed_story_and_are_credited(
    empty_site: Site, server: FeedServer
) -> None:
    s = empty_site
    _put(s, "original.md", _body("english-original.md"), T0, title="Seed original",
         url="https://seed.example/rail")  # fmt: skip
    html = "<p>Source: Reuters</p>" + "".join(
        f"<p>{p}</p>" for p in _body("english-trimmed.md").split("\n\n") if p.strip()
    )
    server.route("/feed.xml", body=rss(item("r1", "Wire copy", escape(html),
                                            link="https://wire.example/rail")))  # fmt: skip
    reworded = _body("english-reworded.md")
    server.route("/other.xml", body=rss(item("o1", "Portal copy", escape(f"<p>{reworded}</p>"),
                                             link="https://portal.example/rail")))  # fmt: skip
    s.config(sources=[{"url": server.url("/feed.xml")}, {"url": server.url("/other.xml")}])
    out = s.once().stdout
    assert "near-duplicates folded" in out
    entries = _entries(s, "all.atom")
    assert [e.findtext(f"{A}title") for e in entries] == ["Seed original"]
    via = _links(entries[0], "via")
    assert ("https://wire.example/rail", None) in via
    assert ("https://portal.example/rail", None) in via


@pytest.mark.slow
def test_stories_command_explain_and_a_dry_run_of_another_threshold(stories_site: Site) -> None:
    s = stories_site
    s.once()
    listed = s.run("stories").stdout
    assert "1 stories with more than one copy; 2 copies folded into them" in listed
    assert "a-original.md" in listed and "represents it" in listed
    assert "b-tw.md" in listed and "similarity" in listed
    same = s.run("stories", "--explain", "a-original.md", "b-tw.md").stdout
    assert "one story" in same and "folded into one story" in same
    apart = s.run("stories", "--explain", "a-original.md", "d-other.md").stdout
    assert "two stories" in apart and "similarity" in apart
    files = s.run("stories", "--explain", str(DATA / "launch-acme-widget3-199.md"),
                  str(DATA / "launch-globex-widget3-199.md")).stdout  # fmt: skip
    assert "two stories" in files and "too short" in files
    missing = s.run("stories", "--explain", "a-original.md", "nothing-such", expect=None)
    assert missing.returncode != 0 and "nothing-such" in missing.stderr
    db_before = s.db.read_bytes()
    dry = s.run("check", "--threshold", "0.99").stdout
    assert "stories at threshold 0.99" in dry and "the database is not changed" in dry
    assert "would be" in dry or "0 copies folded" in dry
    assert s.db.read_bytes() == db_before


@pytest.mark.slow
def test_turning_folding_off_and_on_keeps_every_published_id(stories_site: Site) -> None:
    s = stories_site
    s.once()
    story_ids = set(_ids(s, "all.atom"))
    hant = _ids(s, "lang/zh-Hant.atom")
    s.config(stories={"enabled": False})
    s.once()
    off = set(_ids(s, "all.atom"))
    assert story_ids < off and len(off) == 4  # each copy on its own, the story's id kept
    assert set(hant) <= set(_ids(s, "lang/zh-Hant.atom"))
    s.config(stories={"enabled": True, "threshold": 0.99})  # too strict for these copies
    s.once()
    assert story_ids <= set(_ids(s, "all.atom"))
    s.config(stories={"enabled": True})
    out = s.once().stdout
    assert "2 near-duplicates folded" in out
    assert set(_ids(s, "all.atom")) == story_ids
    assert _ids(s, "lang/zh-Hant.atom") == hant
    db = sqlite3.connect(s.db)
    try:  # no id is published for two entries
        ids = [r[0] for r in db.execute("SELECT story FROM entries WHERE role = 2")]
        assert len(ids) == len(set(ids))
    finally:
        db.close()


def _stories_of(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk_from: int, prejudge_from: int = 10**9
) -> set:
    """The stories of a first load of every labelled file, seen in name order."""

    monkeypatch.setattr(stories, "BULK_FROM", bulk_from)
    monkeypatch.setattr(stories, "PREJUDGE_FROM", prejudge_from)
    names = sorted(p.name for p in DATA.glob("*.md"))
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    results = []
    for i, name in enumerate(names):
        it = article.normalize(name, (DATA / name).read_bytes(), ZoneInfo("UTC"))
        sk = similar.sketch(it.html.decode(), it.lang_group, similar.Shingling())
        results.append((name, 1, (T0 + i) * 10**9, dataclasses.replace(it, sketch=sk)))
    with Store(tmp_path / f"{bulk_from}-{prejudge_from}.db") as store:
        store.items.ingest(results, [], now)
        copies = store.stories()
    return {(c.story, c.entry_id, c.role) for c in copies}


@pytest.mark.slow  # judging ahead starts worker processes
def test_a_first_load_folds_alike_in_memory_and_through_the_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first load finds candidates all at once (Stories.near) and judges them ahead in
    worker processes (Stories._prejudge), a later run finds and judges them one by one
    through the SQLite index (Stories.candidates): the same stories every way."""
    in_memory = _stories_of(tmp_path, monkeypatch, bulk_from=1)
    in_workers = _stories_of(tmp_path, monkeypatch, bulk_from=1, prejudge_from=1)
    indexed = _stories_of(tmp_path, monkeypatch, bulk_from=10**9)
    assert in_memory == indexed == in_workers
    assert len({s for s, _e, _r in in_memory}) >= 8  # the labelled copies made stories


def test_a_nul_in_one_text_spoils_no_batch() -> None:
    texts = [("<p>" + "一二三四五六七八九十" * 40 + "</p>", "zh-Hans"), ("<p>a\x00b c d</p>", "en"),
             ("<p>" + "word " * 200 + "</p>", "en")]  # fmt: skip
    assert similar.sketches(texts, similar.Shingling()) == [
        similar.sketch(h, g, similar.Shingling()) for h, g in texts
    ]


def test_traditional_text_is_compared_as_simplified_whatever_language_is_declared() -> None:
    it = article.normalize("tw.md", (DATA / "seed000-tw.md").read_bytes(), ZoneInfo("UTC"))
    html = it.html.decode()
    assert similar.comparable(html, "en") == similar.comparable(html, "zh-Hant")


def _flood(i: int) -> bytes:
    words = " ".join(f"word{k}" for k in range(150))
    return f"---\ntitle: Notice {i}\n---\n{words} tail{i}\n".encode()


@pytest.mark.slow  # judging ahead starts worker processes
def test_a_flood_of_copies_folds_on_a_first_load_and_a_regroup(tmp_path: Path) -> None:
    """More copies of one text than a key is read for (PER_KEY) fold all the same, whether
    found all at once (a first load, a regroup) or one by one."""
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    n = stories.PER_KEY * 3
    results = []
    for i in range(n):
        it = article.normalize(f"f{i:03d}.md", _flood(i), ZoneInfo("UTC"))
        sk = similar.sketch(it.html.decode(), it.lang_group, similar.Shingling())
        results.append((f"f{i:03d}.md", 1, (T0 + i) * 10**9, dataclasses.replace(it, sketch=sk)))
    with Store(tmp_path / "f.db") as store:
        ch = store.items.ingest(results, [], now)
        assert ch.near == n - 1
    looser = stories.Rules(True, 0.69, similar.Shingling())
    with Store(tmp_path / "f.db", rules=looser) as store:
        store.items.restory()
        assert len({c.story for c in store.stories()}) == 1
        assert len(store.stories()) == n


def _no_id_twice(site: Site) -> None:
    for rel in site.feeds():
        ids = _ids(site, rel)
        assert len(ids) == len(set(ids)), rel


@pytest.mark.slow
def test_the_representative_edited_into_another_article_leaves_the_story_published(
    stories_site: Site,
) -> None:
    s = stories_site
    s.once()
    _put(s, "a-original.md", _body("zh-waic-robots.md"), T0 + 100, title="Now another article",
         url="https://a.example/1")  # fmt: skip
    s.once()
    titles = sorted(e.findtext(f"{A}title") for e in _entries(s, "all.atom"))
    # the edit under the file's own id, the story under its next copy, the other story
    assert titles == sorted(["Now another article", "Taiwan copy", "Another story"])
    _no_id_twice(s)
    listed = s.run("stories").stdout
    assert "b-tw.md" in listed and "c-trimmed.md" in listed and "a-original.md" not in listed


@pytest.mark.slow
def test_a_credited_copy_edited_stays_out_of_the_tag_feeds(empty_site: Site) -> None:
    s = empty_site
    _put(s, "original.md", _body("english-original.md"), T0, title="Original", tags="[rail]")
    _put(s, "copy.md", _body("english-trimmed.md"), T0 + 10, title="Copy", tags="[rail]")
    s.once()
    _put(s, "copy.md", _body("english-trimmed.md") + "\nOne more sentence.\n", T0 + 20,
         title="Copy, retitled", tags="[rail, trains]")  # fmt: skip
    s.once()
    _no_id_twice(s)
    assert [e.findtext(f"{A}title") for e in _entries(s, "tags/rail.atom")] == ["Original"]
    assert [e.findtext(f"{A}title") for e in _entries(s, "tags/trains.atom")] == ["Original"]
