"""Defined feeds (``[[feeds]]``) and rules (``[[rules]]``) end to end: the real ``feedd``
on the shipped seeds and on files of the tests' own, reading the real feeds and pages.

The shipped seeds: 000 and 004 zh-CN, tagged qq (000's title names DeepSeek); 001 Traditional
Chinese, no front matter; 002 zh-Hans, tagged 人工智能 and more; 003 Portuguese, no front
matter."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET

import pytest
from conftest import ATOM, Site, check_json_feed, parse_feed
from feedserver import FeedServer, item, rss

pytestmark = pytest.mark.slow  # runs feedd

BASE = "https://news.example/"
DEEPSEEK = "全球开发者吹响集结号！DeepSeek或将出席｜科技观察"


def ids_titles(path) -> dict[str, str]:
    root = ET.parse(path).getroot()
    return {e.findtext(f"{ATOM}id"): e.findtext(f"{ATOM}title") for e in root.iter(f"{ATOM}entry")}


def titles(site: Site, rel: str) -> set[str]:
    return {e.title for e in parse_feed(site.public / rel).entries}


def every_output_text(site: Site) -> str:
    return "\n".join(p.read_text("utf-8") for p in sorted(site.public.rglob("*")) if p.is_file())


def configure(site: Site, feeds=(), rules=(), **extra: object) -> None:
    """The site's config with ``[[feeds]]`` and ``[[rules]]`` tables (TOML literal strings)."""
    site.config(base_url=BASE, **extra)
    lines = []
    for f in feeds:
        lines.append("[[feeds]]")
        lines += [f"{k} = '''{v}'''" for k, v in f.items()]
    for r in rules:
        lines.append("[[rules]]")
        lines += [f"{k} = '''{v}'''" for k, v in r.items()]
    path = site.root / "config.toml"
    path.write_text(path.read_text("utf-8") + "\n".join(lines) + "\n", "utf-8")


FEEDS = [
    {"name": "中文 AI", "query": "tag:人工智能 or (lang:zh and text:人工智能)"},
    {"name": "Portuguese", "slug": "pt-news", "query": "lang:pt"},
    {"name": "Not from qq", "query": "not tag:qq and not lang:pt"},
]


@pytest.fixture
def defined(site: Site) -> Site:
    configure(site, FEEDS)
    site.once()
    return site


def test_defined_feeds_are_published_like_the_built_in_ones(defined: Site) -> None:
    s = defined
    out = s.public / "feeds"
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{slug}.{ext}" for slug in ("中文-ai", "pt-news", "not-from-qq")
        for ext in ("atom", "json", "html")
    )  # fmt: skip
    every = ids_titles(s.public / "all.atom")
    ai = ids_titles(out / "中文-ai.atom")
    assert set(ai.values()) == {t for t in every.values() if not t.startswith(("IA ",))}
    assert set(ai) <= set(every)  # the entries' own ids
    assert set(ids_titles(out / "pt-news.atom").values()) == {
        t for t in every.values() if t.startswith("IA ")
    }
    not_qq = set(ids_titles(out / "not-from-qq.atom").values())
    assert DEEPSEEK not in not_qq and len(not_qq) == 2
    doc = check_json_feed(out / "pt-news.json")
    assert [i["id"] for i in doc["items"]] == list(ids_titles(out / "pt-news.atom"))
    feed = parse_feed(out / "中文-ai.atom").feed
    assert feed.title.endswith("中文 AI")
    page = (out / "中文-ai.html").read_text("utf-8")
    assert "feeds/%E4%B8%AD%E6%96%87-ai.atom" in page and "application/feed+json" in page
    # listed in the OPML and on the front page
    opml = ET.parse(s.public / "feeds.opml").getroot()
    urls = {o.get("xmlUrl") for o in opml.iter("outline")}
    assert {BASE + "feeds/pt-news.atom", BASE + "feeds/not-from-qq.atom"} <= urls
    index = (s.public / "index.html").read_text("utf-8")
    assert "<h2>Feeds</h2>" in index and 'href="feeds/pt-news.html"' in index


def test_check_shows_what_each_defined_feed_would_hold(defined: Site) -> None:
    out = defined.run("check").stdout
    assert "feed '中文 AI' would hold 4 entries" in out
    assert "feed 'Portuguese' would hold 1 entries" in out
    assert "feed 'Not from qq' would hold 2 entries" in out


def test_slugs_are_recorded_once_and_a_feed_follows_its_query(defined: Site) -> None:
    s = defined
    before = ids_titles(s.public / "feeds/not-from-qq.atom")
    feeds = [dict(f) for f in FEEDS]
    feeds[0]["query"] = "tag:具身智能"  # another query, the same name: the same feed
    configure(s, feeds)
    s.once()
    assert set(ids_titles(s.public / "feeds/中文-ai.atom").values()) == {
        "WAIC 2025：智能共济下的上海图景——兼论具身智能与大模型融合的未来"
    }
    assert ids_titles(s.public / "feeds/not-from-qq.atom") == before
    # the database lost: the config alone gives the same slugs and ids
    shutil.rmtree(s.root / "var")
    shutil.rmtree(s.public)
    s.once()
    assert ids_titles(s.public / "feeds/not-from-qq.atom") == before
    # a feed taken out of the config takes its files with it
    configure(s, feeds[:2])
    s.once()
    assert not (s.public / "feeds/not-from-qq.atom").exists()
    assert "not-from-qq" not in (s.public / "index.html").read_text("utf-8")


def test_only_the_defined_feeds_an_edit_touches_are_written_again(defined: Site) -> None:
    s = defined
    assert "wrote 0 files" in s.once().stdout  # no change: nothing written, nothing matched
    pt, not_qq = s.public / "feeds/pt-news.atom", s.public / "feeds/not-from-qq.atom"
    pt_bytes, not_qq_mtime = pt.read_bytes(), not_qq.stat().st_mtime_ns
    seed = next(p for p in s.seeds.iterdir() if p.name.startswith("003_"))
    seed.write_text(seed.read_text("utf-8") + "\nUm parágrafo novo, acrescentado.\n", "utf-8")
    s.once()
    assert pt.read_bytes() != pt_bytes and "acrescentado" in pt.read_text("utf-8")
    assert not_qq.stat().st_mtime_ns == not_qq_mtime  # the Portuguese entry is not in it


def test_a_story_is_once_in_a_defined_feed(empty_site: Site) -> None:
    """A Simplified article and its Traditional copy fold into one story: a defined feed both
    copies match shows it once, under the id its language feed shows it by."""
    from pathlib import Path

    import opencc

    shipped = Path(__file__).parents[1] / "seeds" / "002_b2d43885ea254e28.txt"
    body = shipped.read_text("utf-8").split("---", 2)[2]
    s = empty_site
    (s.seeds / "hans.md").write_text(f"---\ntitle: 简体原文\ntags: [AI]\n---\n{body}", "utf-8")
    hant = opencc.OpenCC("s2twp").convert(body)
    (s.seeds / "hant.md").write_text(f"---\ntitle: 繁體版本\ntags: [AI]\n---\n{hant}", "utf-8")
    configure(s, [{"name": "Chinese", "query": "lang:zh"},
                  {"name": "Traditional", "query": "lang:zh-Hant"}])  # fmt: skip
    assert "1 near-duplicates folded" in s.once().stdout
    chinese = ids_titles(s.public / "feeds/chinese.atom")
    assert list(chinese.values()) == ["简体原文"]
    assert list(chinese) == list(ids_titles(s.public / "all.atom"))
    traditional = ids_titles(s.public / "feeds/traditional.atom")
    assert traditional == ids_titles(s.public / "lang/zh-Hant.atom")


# --- rules ----------------------------------------------------------------------------------


def test_a_blocked_entry_reaches_no_feed_and_no_page_and_is_counted(site: Site) -> None:
    configure(site, FEEDS, [{"block": 'title:"DeepSeek"'}])
    r = site.once()
    assert "rules: 1 entries blocked (1 newly" in r.stdout
    assert DEEPSEEK not in every_output_text(site)
    for rel in ("all.atom", "tags/qq.atom", "feeds/中文-ai.atom"):
        assert DEEPSEEK not in {e.title for e in parse_feed(site.public / rel).entries}
    assert len(titles(site, "tags/qq.atom")) == 1
    stats = site.run("stats").stdout
    assert '1  rules[0]: block title:"DeepSeek"' in stats
    check = site.run("check").stdout
    assert f'rules[0] block title:"DeepSeek": blocks 1 entries: {DEEPSEEK}' in check


def test_changing_the_rules_brings_an_entry_back_under_its_old_id(site: Site) -> None:
    configure(site)
    site.once()
    before = ids_titles(site.public / "all.atom")
    configure(site, rules=[{"block": "title:deepseek"}])
    site.once()
    assert DEEPSEEK not in ids_titles(site.public / "all.atom").values()
    configure(site, rules=[{"block": "title:nothing-like-this"}])
    r = site.once()
    assert "1 let through again" in r.stdout
    assert ids_titles(site.public / "all.atom") == before  # the same id, not a new entry
    configure(site)  # no rule at all: the same
    site.once()
    assert ids_titles(site.public / "all.atom") == before


def test_keep_lets_only_what_matches_through_within_its_scope(
    site: Site, server: FeedServer
) -> None:
    server.route("/portal.xml", body=rss(
        item("http://portal.example/1", "限时优惠券123领取", "<p>广告内容：优惠券123号，速来。</p>"),
        item("http://portal.example/2", "Portal news on rivers", "<p>A river report.</p>"),
        item("http://portal.example/3", "Portal news on parks", "<p>A park report.</p>"),
    ))  # fmt: skip
    configure(site, rules=[
        {"block": r"title:/优惠券\d+/ or text:广告", "scope": "source:portal"},
        {"keep": "title:rivers or seeds or lang:zh"},
    ], sources=[{"url": server.url("/portal.xml"), "name": "Portal"}])  # fmt: skip
    site.once()
    shown = titles(site, "all.atom")
    assert "Portal news on rivers" in shown
    assert "限时优惠券123领取" not in shown  # blocked by the first rule
    assert "Portal news on parks" not in shown  # not kept by the second
    assert len(shown) == 6  # the five seeds too (seeds are kept)
    stats = site.run("stats").stdout
    assert "1  rules[0]" in stats and "1  rules[1]" in stats
    assert "限时优惠券" not in (site.public / "sources/portal.atom").read_text("utf-8")


def test_a_rule_over_seeds_and_an_invalid_rule_refused(site: Site) -> None:
    configure(site, rules=[{"block": "seeds and lang:pt"}])
    site.once()
    assert not any(t.startswith("IA ") for t in titles(site, "all.atom"))
    assert not (site.public / "lang/pt.atom").exists() or not titles(site, "lang/pt.atom")
    configure(site, rules=[{"block": "title:(x"}])
    r = site.once(expect=None)
    assert r.returncode != 0 and "rules[0].block" in r.stderr and "column" in r.stderr
    assert "Traceback" not in r.stderr


def test_entry_pages_of_blocked_entries_go_and_come_back(site: Site) -> None:
    configure(site)
    site.once()
    pages = sorted(p.name for p in (site.public / "entries").iterdir())
    configure(site, rules=[{"block": "lang:pt"}])  # the Portuguese entry has a page of its own
    site.once()
    assert len(list((site.public / "entries").iterdir())) == len(pages) - 1
    configure(site)
    site.once()
    assert sorted(p.name for p in (site.public / "entries").iterdir()) == pages


def test_the_json_twin_of_a_defined_feed_has_the_same_entries(defined: Site) -> None:
    for atom in (defined.public / "feeds").glob("*.atom"):
        doc = json.loads(atom.with_suffix(".json").read_text("utf-8"))
        assert [i["id"] for i in doc["items"]] == list(ids_titles(atom))


def test_the_daemon_applies_new_rules_and_feeds_on_sighup(site: Site) -> None:
    import signal

    from test_daemon import Running, wait_for

    d = Running(site)
    try:
        wait_for(lambda: DEEPSEEK in d.titles(), what="the first publish")
        d.write_config(extra="[[rules]]\nblock = 'title:deepseek'\n"
                             "[[feeds]]\nname = 'Português'\nquery = 'lang:pt'\n")  # fmt: skip
        d.proc.send_signal(signal.SIGHUP)
        wait_for(lambda: DEEPSEEK not in d.titles() and d.titles(), what="the rule to apply")
        path = "/feeds/portugu%C3%AAs.atom"  # the slug keeps its letters: português
        wait_for(lambda: d.get(path)[0] == 200, what="the defined feed")
        body = d.get(path)[2].decode()
        assert body.count("<entry") == 1 and "Xangai" in body
        assert d.stop() == 0
    finally:
        d.kill()


def test_pages_off_takes_the_defined_feeds_pages_with_it(defined: Site) -> None:
    configure(defined, FEEDS, pages=False)
    defined.once()
    assert (
        sorted(p.suffix for p in (defined.public / "feeds").iterdir())
        == [".atom"] * 3 + [".json"] * 3
    )


def test_a_slug_asked_for_never_takes_another_feeds_address(defined: Site) -> None:
    feeds = [*FEEDS, {"name": "Other", "slug": "not-from-qq", "query": "seeds"}]
    configure(defined, feeds)
    r = defined.once(expect=2)
    assert "feeds[3].slug" in r.stderr and "Not from qq" in r.stderr


def test_slugs_that_differ_only_by_case_are_one_address(site: Site) -> None:
    configure(site, [{"name": "News", "query": "seeds"},
                     {"name": "Other", "slug": "NEWS", "query": "lang:pt"}])  # fmt: skip
    site.once()
    assert sorted(p.name for p in (site.public / "feeds").glob("*.atom")) == [
        "NEWS.atom", "news-2.atom",
    ]  # fmt: skip


def test_a_feed_name_with_a_control_character_is_refused(site: Site) -> None:
    configure(site)
    path = site.root / "config.toml"  # (TOML writes a control character as an escape)
    path.write_text(path.read_text() + '[[feeds]]\nname = "a\\u0001b"\nquery = "seeds"\n')
    r = site.once(expect=2)
    assert "feeds[0].name" in r.stderr and "control" in r.stderr


def test_check_writes_nothing_and_stats_name_the_rules_the_counts_are_of(site: Site) -> None:
    configure(site, rules=[{"block": "title:deepseek"}, {"block": "lang:pt"}])
    site.once()
    site.once()  # (the first made the database's folder: this one leaves the stamp there)
    stamp = site.root / "var" / "feedd.db-queries"
    stamp.unlink()
    site.run("check")
    assert not stamp.exists()  # check leaves nothing behind
    configure(site, rules=[{"block": "lang:pt"}])  # the first rule deleted, no run since
    stats = site.run("stats").stdout
    assert "1  rules[0]: block title:deepseek" in stats and "1  rules[1]: block lang:pt" in stats
    r = site.once()
    assert "1 let through again" in r.stdout and "(1 blocked by rules)" in r.stdout
    assert "1  rules[0]: block lang:pt" in site.run("stats").stdout
    configure(site)  # no rule left: what they blocked comes back, and the run says so
    assert "1 let through again" in site.once().stdout


def test_a_source_retitled_is_matched_again(site: Site, server: FeedServer) -> None:
    body = rss(item("http://w.example/1", "Wire one", "<p>One.</p>"), title="The Wire Feed")
    server.route("/w.xml", body=body)
    configure(site, rules=[{"block": 'source:"the wire feed"'}],
              sources=[{"url": server.url("/w.xml")}])  # fmt: skip
    site.once()
    assert "Wire one" not in titles(site, "all.atom")
    server.route("/w.xml", body=body.replace(b"The Wire Feed", b"Wire Daily"))
    site.once("--fetch-all")
    assert "Wire one" in titles(site, "all.atom")


def test_an_entry_deleted_leaves_its_defined_feeds_and_comes_back_under_its_id(
    defined: Site,
) -> None:
    s = defined
    before = ids_titles(s.public / "feeds/pt-news.atom")
    seed = next(p for p in s.seeds.iterdir() if p.name.startswith("003_"))
    kept = seed.read_bytes()
    seed.unlink()
    s.once()
    assert ids_titles(s.public / "feeds/pt-news.atom") == {}
    seed.write_bytes(kept)
    s.once()
    assert ids_titles(s.public / "feeds/pt-news.atom") == before
    # a tag given to another entry takes it into a feed of that tag
    other = next(p for p in s.seeds.iterdir() if p.name.startswith("001_"))
    other.write_text("---\ntags: [qq]\n---\n" + other.read_text("utf-8"), "utf-8")
    s.once()
    assert len(ids_titles(s.public / "feeds/not-from-qq.atom")) == 1
