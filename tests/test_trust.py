"""Trust, end to end: ids unique to the site, nothing good dropped for one bad detail, and the
commands a new user runs first saying what is true."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from conftest import FEEDD, ROOT, SEEDS, Site, parse_feed
from feedserver import FeedServer, item, rss
from test_store_ingest import load_v3

from feedd.ids import public_entry_id
from feedd.store import schema

UTC = dt.UTC
BASE = "http://127.0.0.1:8080/"


def all_ids(site: Site) -> set[str]:
    """Every entry and feed id of the site's feeds."""
    found = set()
    for path in site.feeds().values():
        d = parse_feed(path)
        found.add(d.feed.id)
        found.update(e.id for e in d.entries)
    return found


def once_ok(site: Site, *args: str) -> subprocess.CompletedProcess[str]:
    r = site.once(*args, expect=None)
    assert r.returncode == 0, r.stderr
    return r


# --- ids unique to the site ------------------------------------------------------------------


@pytest.mark.slow
def test_two_sites_with_the_same_files_share_no_id(tmp_path: Path) -> None:
    sites = []
    for name, base in (("a", "https://a.example.org/"), ("b", "https://b.example.net/news/")):
        shutil.copytree(SEEDS, tmp_path / name / "seeds")
        s = Site(tmp_path / name)
        s.config(base_url=base)
        once_ok(s)
        sites.append(s)
    a, b = (all_ids(s) for s in sites)
    assert len(a) == len(b) == 5 + 11  # five entries, eleven feeds each
    assert not a & b


@pytest.mark.slow
def test_ids_hold_across_runs_edits_and_rebuilds(site: Site) -> None:
    once_ok(site)
    before = {e.link or e.title: e.id for e in site.feed("all.atom").entries}
    feeds_before = {rel: parse_feed(p).feed.id for rel, p in site.feeds().items()}
    seed = site.seeds / "003_d3ed8000c58bd57f.txt"
    seed.write_text(seed.read_text(encoding="utf-8") + "\nUma linha nova.\n", encoding="utf-8")
    once_ok(site)
    shutil.rmtree(site.root / "var")
    shutil.rmtree(site.public)
    once_ok(site)
    assert {e.link or e.title: e.id for e in site.feed("all.atom").entries} == before
    assert {rel: parse_feed(p).feed.id for rel, p in site.feeds().items()} == feeds_before


@pytest.mark.slow
def test_a_moved_site_keeps_its_ids_with_site_id(site: Site) -> None:
    site.config(base_url="https://old.example.org/")
    once_ok(site)
    old = all_ids(site)
    site.config(base_url="https://new.example.org/", site_id="https://old.example.org/")
    r = once_ok(site)
    assert "site_id changed" not in r.stderr
    assert all_ids(site) == old
    assert site.feed("all.atom").feed.links[0].href.startswith("https://new.example.org/")


@pytest.mark.slow
def test_a_changed_site_id_is_said_once(site: Site) -> None:
    once_ok(site)
    old = all_ids(site)
    site.config(base_url="https://moved.example.org/")
    r = once_ok(site)
    assert "note: site_id changed from 'http://127.0.0.1:8080/' to" in r.stderr
    assert 'set site_id = "http://127.0.0.1:8080/"' in r.stderr
    assert not all_ids(site) & old  # every feed rewritten with the new ids
    assert "site_id changed" not in once_ok(site).stderr


@pytest.mark.parametrize(
    ("pin", "published"),
    [("tag:example.org,2024:hello", "tag:example.org,2024:hello"), ("hello-world", None)],
)
@pytest.mark.slow
def test_an_id_key_survives_rename_and_rebuild(empty_site: Site, pin: str, published) -> None:
    s = empty_site
    (s.seeds / "draft-name.md").write_text(f"---\ntitle: Pinned\nid: {pin}\n---\nBody.\n")
    once_ok(s)
    (eid,) = [e.id for e in s.feed("all.atom").entries]
    if published:
        assert eid == published
    else:
        assert eid.startswith("urn:uuid:")
    (s.seeds / "draft-name.md").rename(s.seeds / "final-name.md")
    shutil.rmtree(s.root / "var")
    once_ok(s)
    assert [e.id for e in s.feed("all.atom").entries] == [eid]


@pytest.mark.slow
def test_a_file_without_an_id_key_gets_a_new_id_when_renamed_and_rebuilt(empty_site: Site) -> None:
    """The reason for the key: without it, the path is the name."""
    s = empty_site
    (s.seeds / "a.md").write_text("---\ntitle: Unpinned\n---\nBody.\n")
    once_ok(s)
    (first,) = [e.id for e in s.feed("all.atom").entries]
    (s.seeds / "a.md").rename(s.seeds / "b.md")
    shutil.rmtree(s.root / "var")
    once_ok(s)
    assert [e.id for e in s.feed("all.atom").entries] != [first]


@pytest.mark.slow
def test_an_upgraded_database_says_once_that_ids_changed(site: Site) -> None:
    site.db.parent.mkdir()
    load_v3(site.db)
    con = sqlite3.connect(site.db)
    old = dict(con.execute("SELECT id, updated FROM entries"))
    con.close()
    r = once_ok(site)
    assert r.stderr.count("note: entry and feed ids are now unique to each site") == 1
    assert "read 5 of 5 files: 0 new, 0 updated, 0 removed" in r.stdout  # re-read, not edited
    got = {e.id: e.updated for e in site.feed("all.atom").entries}
    assert got == {public_entry_id(BASE, i): u.replace("Z", "+00:00") for i, u in old.items()}
    r = once_ok(site)
    assert "note:" not in r.stderr and "read 0 of 5 files" in r.stdout


# --- nothing good dropped --------------------------------------------------------------------


@pytest.mark.slow
def test_a_utf8_file_with_broken_bytes_is_published(empty_site: Site) -> None:
    s = empty_site
    text = "---\ntitle: Acentuação em 中文\n---\nUm texto em português e 中文。\n"
    data = text.encode()
    (s.seeds / "broken.md").write_bytes(data[:60] + b"\xff\xfe" + data[60:] + b"\xc3")
    r = once_ok(s)
    assert "warning: broken.md: 3 invalid UTF-8 byte sequences replaced with U+FFFD" in r.stderr
    (e,) = s.feed("all.atom").entries
    assert e.title == "Acentuação em 中文" and "\ufffd" in e.content[0].value


IMPOSSIBLE = {
    "yaml-day": "---\ntitle: T\ndate: 2025-02-30\n---\nBody.\n",
    "yaml-month": "---\ntitle: T\ndate: 2025-13-45\n---\nBody.\n",
    "yaml-time": "---\ntitle: T\ndate: 2025-01-01 25:61:00\n---\nBody.\n",
    "yaml-year-zero": "---\ntitle: T\ndate: 0000-01-01\n---\nBody.\n",
    "yaml-quoted": '---\ntitle: T\ndate: "2025-02-30"\n---\nBody.\n',
    "yaml-words": '---\ntitle: T\ndate: "not a date"\n---\nBody.\n',
    "toml-day": '+++\ntitle = "T"\ndate = 2025-02-30\n+++\nBody.\n',
    "toml-datetime": '+++\ntitle = "T"\ndate = 2025-13-45T10:00:00Z\n+++\nBody.\n',
    "toml-quoted": '+++\ntitle = "T"\ndate = "2025-02-30"\n+++\nBody.\n',
    "json": '{\n"title": "T",\n"date": "2025-02-30"\n}\nBody.\n',
    "far-future": "---\ntitle: T\ndate: 2999-01-01\n---\nBody.\n",
    "year-9999": "---\ntitle: T\ndate: 9999-12-31T23:59:59Z\n---\nBody.\n",
    "lastmod": "---\ntitle: T\ndate: 2025-01-01\nlastmod: 2025-02-30\n---\nBody.\n",
}


@pytest.mark.slow
@pytest.mark.parametrize("text", IMPOSSIBLE.values(), ids=IMPOSSIBLE.keys())
def test_a_date_that_cannot_be_costs_only_the_date(empty_site: Site, text: str) -> None:
    s = empty_site
    path = s.seeds / "when.md"
    path.write_text(text, encoding="utf-8")
    mtime = dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
    os.utime(path, (mtime.timestamp(), mtime.timestamp()))
    r = once_ok(s)
    assert "warning: when.md: front matter '" in r.stderr and "ignored" in r.stderr, r.stderr
    (e,) = s.feed("all.atom").entries
    assert e.title == "T"
    if "lastmod" in text:
        assert e.published.startswith("2025-01-01")
    else:  # dated as an undated file: when feedd first saw it
        assert e.published == "2024-05-06T07:08:09+00:00"


@pytest.mark.slow
def test_a_date_within_the_year_is_held_back(empty_site: Site) -> None:
    soon = (dt.datetime.now(UTC) + dt.timedelta(days=90)).date().isoformat()
    (empty_site.seeds / "soon.md").write_text(f"---\ntitle: Soon\ndate: {soon}\n---\nText.\n")
    r = once_ok(empty_site)
    assert "warning" not in r.stderr
    assert empty_site.feed("all.atom").entries == []


@pytest.mark.slow
def test_a_copy_respaced_in_cjk_is_the_same_article(empty_site: Site) -> None:
    s = empty_site
    body = "人工智能正在改变世界，大模型的竞争才刚刚开始。上海的企业表示，AI 应用将快速落地。"
    (s.seeds / "a.md").write_text(f"---\ntitle: 大模型竞争\n---\n{body}\n", encoding="utf-8")
    spaced = body.replace("，", "， ").replace("。", "。 ").replace("AI 应用", "AI应用")
    (s.seeds / "b.md").write_text(f"---\ntitle: 大模型 竞争\n---\n{spaced}\n", encoding="utf-8")
    r = once_ok(s)
    assert "1 new" in r.stdout and "1 duplicates folded" in r.stdout
    assert len(s.feed("all.atom").entries) == 1


@pytest.mark.slow
def test_latin_words_that_spacing_separates_stay_apart(empty_site: Site) -> None:
    s = empty_site
    (s.seeds / "a.md").write_text("---\ntitle: Note\n---\nThe sea weed grows fast.\n")
    (s.seeds / "b.md").write_text("---\ntitle: Note\n---\nThe seaweed grows fast.\n")
    r = once_ok(s)
    assert "2 new" in r.stdout and len(s.feed("all.atom").entries) == 2


@pytest.mark.parametrize(
    "sentence",
    ["Uma frase com acentuação.", "Ação rápida.", "Não há informação.", "Olá"],
)
@pytest.mark.slow
def test_a_latin1_portuguese_sentence_keeps_its_accents(empty_site: Site, sentence: str) -> None:
    (empty_site.seeds / "pt.txt").write_bytes(sentence.encode("latin-1"))
    once_ok(empty_site)
    (e,) = empty_site.feed("all.atom").entries
    assert sentence.rstrip(".") in e.title


# --- what a new user sees ----------------------------------------------------------------------


@pytest.mark.slow
def test_the_shipped_config_reads_the_seeds_in_beijing_time(tmp_path: Path) -> None:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    shutil.copy(ROOT / "config.toml", tmp_path / "config.toml")
    s = Site(tmp_path)
    r = once_ok(s)
    assert "'feedd run' serves the feeds at http://127.0.0.1:8080/" in r.stdout
    published = {e.title: e.published for e in s.feed("all.atom").entries}
    # 000: date: "2025-02-07 22:26:11", Beijing wall-clock time
    assert "2025-02-07T14:26:11+00:00" in published.values()
    # 002 carries its own offset (+08:00): the zone does not move it
    assert "2025-07-11T02:40:05+00:00" in published.values()


@pytest.mark.slow
@pytest.mark.parametrize("command", ["once", "stats", "sources list"])
def test_a_database_of_a_newer_feedd_is_refused(site: Site, command: str) -> None:
    assert site.once(expect=None).returncode == 0
    con = sqlite3.connect(site.db)
    con.execute("PRAGMA journal_mode = DELETE")  # as a newer feedd might leave it
    con.execute("PRAGMA user_version = 99")
    con.close()
    before = site.db.read_bytes()
    r = site.run(*command.split(), expect=None)
    assert r.returncode == 2, r.stderr
    assert str(site.db) in r.stderr and "schema version 99" in r.stderr
    assert f"reads up to {schema.VERSION}" in r.stderr and "Traceback" not in r.stderr
    assert site.db.read_bytes() == before  # untouched, journal mode included


@pytest.mark.slow
@pytest.mark.parametrize("command", ["once", "stats", "sources list"])
def test_a_file_that_is_not_a_database_is_refused(site: Site, command: str) -> None:
    site.db.parent.mkdir()
    site.db.write_bytes(b"SQLite format 2\x00 but really a text file\n" * 50)
    r = site.run(*command.split(), expect=None)
    assert r.returncode == 2, r.stderr
    assert f"{site.db}: not a SQLite database" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.slow
def test_stats_in_a_pipe_that_closes_early(site: Site, server: FeedServer) -> None:
    for i in range(300):  # enough feeds that stats writes more than a pipe holds
        (site.seeds / f"t{i}.md").write_text(f"---\ntitle: T{i}\ntags: [tag{i}]\n---\nBody {i}.\n")
    server.route("/r.xml", body=rss(item("http://r.example/1", "Remote", "<p>Remote.</p>")))
    site.config(sources=[{"url": server.url("/r.xml")}])
    assert site.once(expect=None).returncode == 0
    cmd = f"set -o pipefail; '{FEEDD}' stats --config '{site.root}/config.toml' | head -2"
    r = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stderr == "", r.stderr
    assert r.stdout.splitlines()[0].endswith("306 entries in " + str(site.db) + ": 305 from "
                                             "305 seed files, 1 from 1 remote sources "
                                             "(1 remote items)")  # fmt: skip


@pytest.mark.slow
def test_sources_list_shows_names_and_disabled_sources(
    empty_site: Site, server: FeedServer
) -> None:
    server.route("/a.xml", body=rss(item("http://a.example/1", "A", "<p>a</p>")))
    server.route("/b.xml", body=rss(item("http://b.example/1", "B", "<p>b</p>")))
    empty_site.config(sources=[
        {"url": server.url("/a.xml"), "name": "Agência A"},
        {"url": server.url("/b.xml"), "name": "Blog B", "enabled": False},
    ])  # fmt: skip
    assert empty_site.once(expect=None).returncode == 0
    out = empty_site.run("sources", "list").stdout
    a, b = out.split("\n[")[0], "[" + out.split("\n[")[1]
    assert "Agência A" in a and "next due" in a and "active" in a
    assert "Blog B" in b and "disabled (enabled = false in the config)" in b
    assert "next due" not in b
    exported = empty_site.run("sources", "export").stdout
    assert 'text="Agência A"' in exported and 'text="Blog B"' in exported
    empty_site.config(sources=[{"url": server.url("/a.xml"), "name": "Renamed"}])
    assert "Renamed" in empty_site.run("sources", "list").stdout


@pytest.mark.slow
@pytest.mark.parametrize("by", ["url", "id"])
def test_sources_remove(empty_site: Site, server: FeedServer, tmp_path: Path, by: str) -> None:
    s = empty_site
    server.route("/one.xml", body=rss(item("http://one.example/1", "From the OPML", "<p>x</p>")))
    opml = tmp_path / "subs.opml"
    opml.write_text(
        '<opml version="2.0"><body><outline type="rss" text="One" '
        f'xmlUrl="{server.url("/one.xml")}"/></body></opml>'
    )
    assert s.run("sources", "import", str(opml)).returncode == 0
    assert s.once(expect=None).returncode == 0 and "From the OPML" in [
        e.title for e in s.feed("all.atom").entries
    ]
    listing = s.run("sources", "list").stdout
    ident = server.url("/one.xml") if by == "url" else listing.split("]")[0].lstrip("[")
    r = s.run("sources", "remove", ident, expect=None)
    assert r.returncode == 0, r.stderr
    assert f"removed {server.url('/one.xml')}: 1 entries left the feeds" in r.stdout
    assert s.feed("all.atom").entries == []  # published without it at once
    assert "no sources" in s.run("sources", "list").stdout
    assert s.run("sources", "remove", ident, expect=None).returncode == 2  # gone: says so


@pytest.mark.slow
def test_a_configured_source_is_not_removed_by_the_command(empty_site: Site, server) -> None:
    server.route("/c.xml", body=rss(item("http://c.example/1", "C", "<p>c</p>")))
    empty_site.config(sources=[{"url": server.url("/c.xml")}])
    assert empty_site.once(expect=None).returncode == 0
    r = empty_site.run("sources", "remove", server.url("/c.xml"), expect=None)
    assert r.returncode == 2 and "[[sources]] table" in r.stderr
    assert [e.title for e in empty_site.feed("all.atom").entries] == ["C"]


# --- an entry's tags: the union of its copies', bounded, and shrinking with them ------------


def categories(site: Site) -> list[list[str]]:
    return [sorted(t.term for t in e.get("tags", [])) for e in site.feed("all.atom").entries]


@pytest.mark.slow
def test_a_copy_that_drops_a_tag_takes_it_off_the_entry(empty_site: Site) -> None:
    s = empty_site
    body = "Same body in two files, word for word.\n"
    (s.seeds / "a.md").write_text(f"---\ntitle: Same story\ntags: [X]\n---\n{body}")
    (s.seeds / "b.md").write_text(f"---\ntitle: Same story\ntags: [Y]\n---\n{body}")
    once_ok(s)
    assert categories(s) == [["X", "Y"]]
    (s.seeds / "b.md").write_text(f"---\ntitle: Same story\ntags: []\n---\n{body}")
    once_ok(s)
    assert categories(s) == [["X"]]
    assert s.feed("tags/y.atom").entries == []  # the feed stays, without the entry
    (s.seeds / "b.md").write_text(f"---\ntitle: Same story\ntags: [Z]\n---\n{body}")
    once_ok(s)
    assert categories(s) == [["X", "Z"]]
    (s.seeds / "b.md").unlink()
    once_ok(s)
    assert categories(s) == [["X"]]


@pytest.mark.slow
def test_the_union_of_many_copies_tags_is_capped(empty_site: Site, server: FeedServer) -> None:
    cats = lambda i: "".join(f"<category>c{i}x{j}</category>" for j in range(50))  # noqa: E731
    items = "".join(
        f"<item><guid>dup-{i}</guid><title>Same</title><description>same body</description>"
        f"{cats(i)}</item>"
        for i in range(60)
    )
    server.route("/dup.xml", body=rss(items))
    empty_site.config(sources=[{"url": server.url("/dup.xml")}])
    once_ok(empty_site)
    (tags,) = categories(empty_site)
    assert len(tags) == 50
    assert len(list((empty_site.public / "tags").glob("*.atom"))) == 50


@pytest.mark.slow
def test_removing_a_source_that_shares_an_item_keeps_the_others(
    empty_site: Site, server: FeedServer, tmp_path: Path
) -> None:
    def feed(tag: str) -> bytes:
        return rss(item("same-guid-1", "Shared", "<p>One story, two feeds.</p>", tags=(tag,)))

    server.route("/a.xml", body=feed("alpha"))
    server.route("/b.xml", body=feed("beta"))
    empty_site.config(sources=[{"url": server.url("/a.xml")}])
    opml = tmp_path / "b.opml"
    opml.write_text(
        f'<opml version="2.0"><body><outline xmlUrl="{server.url("/b.xml")}"/></body></opml>'
    )
    empty_site.run("sources", "import", str(opml))
    once_ok(empty_site)
    assert categories(empty_site) == [["alpha", "beta"]]
    r = empty_site.run("sources", "remove", server.url("/b.xml"))
    assert "0 entries left the feeds" in r.stdout
    assert categories(empty_site) == [["alpha"]]


@pytest.mark.parametrize(
    ("value", "text"),
    [(1796112012, "1796112012"), (1796112012.25, "1796112012.25"), (1e16, "10000000000000000"),
     (123456789012345678, "123456789012345678"), (1e-7, "0.0000001"), (0.5, "0.5"), (3.0, "3")],
)  # fmt: skip
def test_metric_values_are_exact(value: float, text: str) -> None:
    from feedd.metrics import Metrics, exact

    assert exact(value) == text
    rendered = Metrics().render(value, {"active": 1})  # type: ignore[arg-type]
    assert f"feedd_entries {text}\n" in rendered


@pytest.mark.slow
def test_the_daemon_refuses_a_database_of_a_newer_feedd(site: Site) -> None:
    site.once()
    con = sqlite3.connect(site.db)
    con.execute("PRAGMA user_version = 99")
    con.close()
    r = site.run("run", expect=2)
    assert "schema version 99" in r.stderr and str(site.db) in r.stderr
