"""End to end: the real ``feedd once`` on a copy of the seeds, its real output parsed."""

from __future__ import annotations

import os
import shutil
import sqlite3
import unicodedata
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import ATOM, FEEDD, Site, check_atom

from feedd.ids import entry_id, public_entry_id

pytestmark = pytest.mark.slow  # every test here runs feedd, a server or worker processes

SEED = {
    "000": "000_343c217136dc0f52.txt",
    "001": "001_85c5616e57edde8b.txt",
    "002": "002_b2d43885ea254e28.txt",
    "003": "003_d3ed8000c58bd57f.txt",
    "004": "004_03038401cfc70408.txt",
}


def ids(site: Site, rel: str) -> list[str]:
    return [e.id for e in site.feed(rel).entries]


def titles(site: Site, rel: str) -> list[str]:
    return [e.title for e in site.feed(rel).entries]


def snapshot(site: Site) -> dict[str, tuple[int, bytes]]:
    return {
        p.relative_to(site.public).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
        for p in site.public.rglob("*")
        if p.is_file()
    }


def test_seeds_publish_all_tag_and_language_feeds(site: Site) -> None:
    r = site.once(expect=None)
    assert r.returncode == 0, r.stderr
    assert "5 new" in r.stdout and str(site.public) in r.stdout
    feeds = site.feeds()
    assert {"all.atom", "lang/zh-Hans.atom", "lang/zh-Hant.atom", "lang/pt.atom"} <= set(feeds)
    for path in feeds.values():
        check_atom(path)
    assert len(site.feed("all.atom").entries) == 5
    # The three Simplified seeds (002 has no lang key) share one feed; 001 and 003 have theirs.
    assert len(site.feed("lang/zh-Hans.atom").entries) == 3
    assert titles(site, "lang/zh-Hant.atom")[0].startswith("11月6日至9日")
    assert titles(site, "lang/pt.atom") == ["IA permanece um dos principais setores de Xangai"]
    zh_hans = site.public / "lang/zh-Hans.atom"
    assert check_atom(zh_hans).get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-Hans"


def test_cjk_tag_feed_has_a_working_percent_encoded_url(site: Site) -> None:
    site.once()
    feed = site.feed("tags/人工智能.atom")
    assert [e.title for e in feed.entries] == [
        "WAIC 2025：智能共济下的上海图景——兼论具身智能与大模型融合的未来"
    ]
    self_href = next(ln.href for ln in feed.feed.links if ln.rel == "self")
    assert "%E4%BA%BA" in self_href  # percent-encoded in the link ...
    rel = unquote(self_href.removeprefix("http://127.0.0.1:8080/"))
    assert (site.public / rel).is_file()  # ... and the file it names exists


def test_entries_carry_title_dates_link_categories_and_sanitized_content(site: Site) -> None:
    site.once()
    feed = site.feed("tags/qq.atom")
    first = feed.entries[0]
    assert first.title == "全球开发者吹响集结号！DeepSeek或将出席｜科技观察"
    assert first.published == "2025-02-07T22:26:11+00:00"
    assert first.link == "https://new.qq.com/rain/a/20250207A096C900"
    assert [t.term for t in first.tags] == ["qq"]
    assert "<p>" in first.content[0].value
    # newest first
    assert [e.published for e in feed.entries] == sorted(
        (e.published for e in feed.entries), reverse=True
    )
    pt = site.feed("lang/pt.atom").entries[0]
    assert not pt.content[0].value.startswith("<p>IA permanece")  # the title line left the body
    waic = site.feed("tags/人工智能.atom").entries[0]
    assert "shanghai.gov.cn" in waic.content[0].value  # footnotes are rendered


def test_entry_xml_lang_where_it_differs_from_the_feed(site: Site) -> None:
    site.once()
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    root = check_atom(site.public / "all.atom")
    langs = {e.find(f"{ATOM}title").text: e.get(xml_lang) for e in root.findall(f"{ATOM}entry")}
    assert langs["IA permanece um dos principais setores de Xangai"] == "pt"
    root = check_atom(site.public / "lang/zh-Hans.atom")
    by_title = {e.find(f"{ATOM}title").text: e.get(xml_lang) for e in root.findall(f"{ATOM}entry")}
    assert by_title["上游观察·科技｜人工智能真正的竞争，现在才刚刚开始"] == "zh-CN"
    assert by_title["WAIC 2025：智能共济下的上海图景——兼论具身智能与大模型融合的未来"] is None


def test_opml_and_index_list_every_feed(site: Site) -> None:
    site.once()
    import xml.etree.ElementTree as ET

    feeds = site.feeds()
    outlines = ET.parse(site.public / "feeds.opml").getroot().iter("outline")
    listed = {unquote(o.get("xmlUrl")).removeprefix("http://127.0.0.1:8080/") for o in outlines}
    assert listed == set(feeds)
    index = (site.public / "index.html").read_text(encoding="utf-8")
    assert index.count('rel="alternate" type="application/atom+xml"') == len(feeds)
    assert "3 entries" in index  # zh-Hans


def test_second_run_rewrites_nothing(site: Site) -> None:
    site.once()
    before = snapshot(site)
    r = site.once(expect=None)
    assert r.returncode == 0
    assert "read 0 of 5 files" in r.stdout and "wrote 0 files" in r.stdout
    assert snapshot(site) == before


def test_ids_survive_an_edit_and_a_database_rebuild(site: Site) -> None:
    site.once()
    all_before = (site.public / "all.atom").read_bytes()
    before = {e.title: (e.id, e.updated) for e in site.feed("all.atom").entries}
    # a database rebuild from the same files gives byte-identical feeds
    shutil.rmtree(site.root / "var")
    shutil.rmtree(site.public)
    assert site.once(expect=None).returncode == 0
    assert (site.public / "all.atom").read_bytes() == all_before
    # an edit keeps the id and moves `updated`
    path = site.seeds / SEED["003"]
    path.write_text(path.read_text(encoding="utf-8") + "\nUm parágrafo novo.\n", "utf-8")
    r = site.once()
    assert "1 updated" in r.stdout, r.stdout
    after = {e.title: (e.id, e.updated) for e in site.feed("all.atom").entries}
    title = "IA permanece um dos principais setores de Xangai"
    assert after[title][0] == before[title][0]
    assert after[title][1] > before[title][1]
    assert len(after) == 5


def test_deleted_file_leaves_the_feeds(site: Site) -> None:
    site.once()
    (site.seeds / SEED["003"]).unlink()
    r = site.once()
    assert "1 removed" in r.stdout
    assert len(site.feed("all.atom").entries) == 4
    assert site.feed("lang/pt.atom").entries == []  # the feed stays, empty: its URL still works


def test_the_same_article_twice_is_one_entry(site: Site) -> None:
    src = (site.seeds / SEED["003"]).read_text(encoding="utf-8")
    respaced = unicodedata.normalize("NFD", src).replace("\n", "\n\n").replace(". ", ".   ")
    (site.seeds / "sub").mkdir()
    (site.seeds / "sub" / "copy.md").write_text(respaced, encoding="utf-8")
    r = site.once()
    assert "5 new" in r.stdout and "1 duplicates folded" in r.stdout, r.stdout
    assert len(site.feed("all.atom").entries) == 5


def test_same_title_different_articles_are_two_entries(empty_site: Site) -> None:
    for name, body in (("a.md", "First article body."), ("b.md", "A different story.")):
        (empty_site.seeds / name).write_text(f"---\ntitle: Same\n---\n{body}\n", "utf-8")
    empty_site.once()
    assert titles(empty_site, "all.atom") == ["Same", "Same"]


def test_body_pasted_twice_is_published_once(empty_site: Site) -> None:
    body = "Primeiro parágrafo da notícia.\n\nSegundo parágrafo, com mais detalhes.\n"
    (empty_site.seeds / "x.md").write_text("---\ntitle: Dobro\n---\n" + body + "\n" + body)
    empty_site.once()
    content = empty_site.feed("all.atom").entries[0].content[0].value
    assert content.count("Primeiro parágrafo") == 1


def test_draft_is_not_published_and_leaves_when_it_becomes_one(empty_site: Site) -> None:
    s = empty_site
    (s.seeds / "d.md").write_text("---\ntitle: Draft\ndraft: true\n---\nNot yet.\n")
    (s.seeds / "p.md").write_text("---\ntitle: Public\n---\nOut now.\n")
    s.once()
    assert titles(s, "all.atom") == ["Public"]
    (s.seeds / "p.md").write_text("---\ntitle: Public\ndraft: true\n---\nOut now.\n")
    s.once()
    assert titles(s, "all.atom") == []


def test_bad_files_are_reported_and_the_rest_is_published(site: Site) -> None:
    (site.seeds / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    (site.seeds / "broken.md").write_text("---\ntitle: [unclosed\ntags: x\n---\nbody\n")
    (site.seeds / "gbk.txt").write_bytes(
        "国产芯片\n\n国产芯片厂商陆续表态支持大模型，算力基础设施建设加速。".encode("gbk")
    )
    (site.seeds / "ctl.md").write_text("---\ntitle: Bell\x07 here\n---\nNull\x00 and \x1b esc.\n")
    (site.seeds / "evil.md").write_text(
        "---\ntitle: Evil\n---\nHi <script>alert(1)</script>"
        '<img src=x onerror="alert(2)"> [x](javascript:alert(3)) <iframe src="//e.org"></iframe>\n'
    )
    r = site.once(expect=None)
    assert r.returncode == 1
    assert "image.png: binary file" in r.stderr
    assert "broken.md: broken YAML front matter" in r.stderr
    assert "gbk.txt" not in r.stderr and "ctl.md" not in r.stderr
    got = {e.title: e for e in site.feed("all.atom").entries}
    assert len(got) == 8  # five seeds, the GBK file, the control characters, the script
    assert "国产芯片" in got and "Bell here" in got
    evil = got["Evil"].content[0].value
    for bad in ("<script", "onerror", "javascript:", "<iframe"):
        assert bad not in evil


def test_unchanged_broken_file_is_reported_again(site: Site) -> None:
    (site.seeds / "broken.md").write_text("---\ntitle: [x\n---\n")
    assert site.once(expect=None).returncode == 1
    r = site.once(expect=None)
    assert r.returncode == 1 and "broken.md" in r.stderr


def test_broken_edit_keeps_the_last_good_version(site: Site) -> None:
    site.once()
    (site.seeds / SEED["002"]).write_text("---\ntitle: [broken\n---\n")
    r = site.once(expect=None)
    assert r.returncode == 1
    assert len(site.feed("all.atom").entries) == 5


def test_skips_hidden_and_editor_files_and_outside_symlinks(site: Site, tmp_path: Path) -> None:
    article = (site.seeds / SEED["003"]).read_text(encoding="utf-8")
    for name in (".hidden.md", ".#lock.md", "backup.md~", "x.md.swp"):
        (site.seeds / name).write_text(article.replace("Xangai", name))
    outside = tmp_path / "outside.md"
    outside.write_text("---\ntitle: Outside\n---\nNot below seeds.\n")
    (site.seeds / "link.md").symlink_to(outside)
    r = site.once()
    assert "of 5 files" in r.stdout, r.stdout
    assert "Outside" not in titles(site, "all.atom")


def test_max_entries_and_tie_break_by_id(empty_site: Site) -> None:
    s = empty_site
    s.config(max_entries=3)
    for i in range(5):
        (s.seeds / f"{i}.md").write_text(f"---\ntitle: T{i}\ndate: 2025-01-01\n---\nBody {i}.\n")
    assert s.once(expect=None).returncode == 0
    got = ids(s, "all.atom")
    # ties are broken by the stored id (the public one is its hash under the site's namespace)
    stored = sorted(entry_id(f"{i}.md") for i in range(5))[:3]
    assert got == [public_entry_id("http://127.0.0.1:8080/", i) for i in stored]
    shutil.rmtree(s.root / "var")
    shutil.rmtree(s.public)
    s.once()
    assert ids(s, "all.atom") == got


def test_feed_updated_is_the_newest_entry_not_the_clock(site: Site) -> None:
    for key in ("001", "003"):  # the undated seeds: dated by their mtime when first seen
        os.utime(site.seeds / SEED[key], (1_700_000_000, 1_700_000_000))
    site.once()
    feed = site.feed("all.atom")
    assert feed.feed.updated == max(e.updated for e in feed.entries)
    assert feed.feed.updated == "2025-07-11T02:40:05+00:00"  # 002, the newest


def test_undated_file_keeps_its_first_seen_date(site: Site) -> None:
    path = site.seeds / SEED["001"]
    os.utime(path, (1_700_000_000, 1_700_000_000))
    site.once()
    first = site.feed("lang/zh-Hant.atom").entries[0].published
    assert first == "2023-11-14T22:13:20+00:00"
    path.write_text(path.read_text(encoding="utf-8") + "\n補充一段。\n", encoding="utf-8")
    site.once()
    entry = site.feed("lang/zh-Hant.atom").entries[0]
    assert entry.published == first and entry.updated > first


def test_timezone_applies_to_dates_without_one(site: Site) -> None:
    site.config(timezone="Asia/Shanghai")
    site.once()
    got = {e.title: e.published for e in site.feed("tags/qq.atom").entries}
    assert got["全球开发者吹响集结号！DeepSeek或将出席｜科技观察"] == "2025-02-07T14:26:11+00:00"


def test_tag_slug_never_moves(empty_site: Site) -> None:
    s = empty_site
    (s.seeds / "a.md").write_text("---\ntitle: A\ntags: [Machine Learning]\n---\nA.\n")
    s.once()
    assert (s.public / "tags/machine-learning.atom").is_file()
    (s.seeds / "a.md").write_text("---\ntitle: A\ntags: [MACHINE learning]\n---\nA.\n")
    (s.seeds / "b.md").write_text("---\ntitle: B\ntags: [machine-learning]\n---\nB.\n")
    s.once()
    assert [e.title for e in s.feed("tags/machine-learning.atom").entries] == ["A"]
    assert [e.title for e in s.feed("tags/machine-learning-2.atom").entries] == ["B"]


def test_toml_and_json_front_matter(empty_site: Site) -> None:
    s = empty_site
    (s.seeds / "t.md").write_text(
        '+++\ntitle = "Toml"\ndate = 2025-03-01T10:00:00Z\ntags = ["x"]\n+++\nBody.\n'
    )
    (s.seeds / "j.md").write_text('{\n"title": "Json", "keywords": "y, z"\n}\nBody two.\n')
    assert s.once(expect=None).returncode == 0
    assert set(titles(s, "all.atom")) == {"Toml", "Json"}
    assert titles(s, "tags/z.atom") == ["Json"]


def test_relative_paths_resolve_against_the_config_folder(site: Site, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    r = site.run("once", cwd=elsewhere, expect=None)
    assert r.returncode == 0, r.stderr
    assert (site.public / "all.atom").is_file() and not (elsewhere / "public").exists()


def test_two_runs_at_once_never_corrupt(site: Site) -> None:
    import subprocess

    cmd = [str(FEEDD), "once", "--config", str(site.root / "config.toml")]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(3)]  # fmt: skip
    codes = [p.wait(timeout=120) for p in procs]
    assert codes == [0, 0, 0], [p.stderr.read() for p in procs]
    con = sqlite3.connect(site.db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("SELECT count(*) FROM entries").fetchone()[0] == 5
    assert len(site.feed("all.atom").entries) == 5


def test_a_file_name_that_is_not_utf8(empty_site: Site) -> None:
    path = os.fsencode(empty_site.seeds) + b"/\xff-latin1.md"
    with open(path, "wb") as fh:
        fh.write(b"---\ntitle: Nome estranho\n---\nTexto.\n")
    r = empty_site.once(expect=None)
    assert r.returncode == 0, r.stderr
    assert titles(empty_site, "all.atom") == ["Nome estranho"]
    assert "read 0 of 1 files" in empty_site.once().stdout  # a stable key: not read again


def test_unwritable_output_and_damaged_database_are_messages(site: Site) -> None:
    site.public.write_text("a file where the output folder should be")
    r = site.once(expect=None)
    assert r.returncode == 1 and str(site.public) in r.stderr and "Traceback" not in r.stderr
    site.public.unlink()
    site.db.write_bytes(b"this is not a database" * 100)
    for extra in ("-wal", "-shm"):
        Path(str(site.db) + extra).unlink(missing_ok=True)
    r = site.once(expect=None)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert f"{site.db}: not a SQLite database" in r.stderr
    site.db.unlink()  # and deleting it is the cure: same ids again
    assert site.once(expect=None).returncode == 0
    assert len(site.feed("all.atom").entries) == 5


def test_too_many_tags_are_capped_with_a_warning(empty_site: Site) -> None:
    tags = ", ".join(f"t{i}" for i in range(80))
    (empty_site.seeds / "spam.md").write_text(f"---\ntitle: Spam\ntags: {tags}\n---\nBody.\n")
    r = empty_site.once(expect=None)
    assert r.returncode == 0 and "spam.md: 80 tags; only the first 50" in r.stderr
    assert len(list((empty_site.public / "tags").glob("*.atom"))) == 50
