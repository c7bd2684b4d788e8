"""Publishing looks only at the feeds that may have changed, and never misses one.

Real seed files, a real database and real output folders; the clock is passed in, so entries
dated ahead can come due between two runs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import pytest
from conftest import Site, parse_feed

from feedd.config import load
from feedd.pipeline import Report, ingest_seeds, run_once
from feedd.publish.site import publish
from feedd.store import Store

DAY = dt.timedelta(days=1)
T0 = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)


def seed(site: Site, name: str, title: str, tags: list[str], date: str = "2026-01-05",
         body: str = "", lang: str = "en") -> None:  # fmt: skip
    text = body or f"The article called {title}, with a body of its own."
    site.seeds.joinpath(name).write_text(
        f"---\ntitle: {title}\ndate: {date}\nlang: {lang}\ntags: [{', '.join(tags)}]\n---\n"
        f"{text}\n",
        encoding="utf-8",
    )


def once(site: Site, now: dt.datetime) -> Report:
    report = run_once(load(site.root / "config.toml"), now=now)
    assert not report.errors, report.errors
    return report


def titles(site: Site, rel: str) -> list[str]:
    return [e.title for e in parse_feed(site.public / rel).entries]


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file()}  # fmt: skip


def published_from_scratch(site: Site, now: dt.datetime, tmp: Path) -> dict[str, bytes]:
    """What a publish that looks at every feed makes of the same database."""
    tmp.mkdir()
    db = tmp / "full.db"
    shutil.copy(site.db, db)
    config = dataclasses.replace(load(site.root / "config.toml"), database=db, output=tmp / "out")
    store = Store(db)
    try:
        store._conn.execute("DELETE FROM published")
        store._conn.execute("DELETE FROM feeds")
        store._conn.commit()
        publish(store, config, now)
    finally:
        store.close()
    return files(tmp / "out")


def test_each_run_publishes_what_a_full_publish_would(empty_site: Site, tmp_path: Path) -> None:
    site = empty_site
    seed(site, "a.md", "Alpha", ["Red", "Blue"])
    seed(site, "b.md", "Beta", ["Blue"], lang="pt", body="Um artigo em português, inteiro.")
    seed(site, "c.md", "Gamma", ["Green"])
    now = T0
    steps = [
        lambda: seed(site, "a.md", "Alpha", ["Green"]),  # moves tags: Red and Blue lose it
        lambda: seed(site, "c.md", "Gamma", ["Green"], lang="pt"),  # moves language
        lambda: (site.seeds / "b.md").unlink(),  # Blue and pt lose their only entry
        lambda: seed(site, "d.md", "Delta", ["Red"], date="2026-01-01"),  # older than the rest
        lambda: seed(site, "e.md", "Alpha", ["Green"]),  # a copy of a.md: folds into it
        lambda: (site.seeds / "a.md").unlink(),  # the copy now speaks for the entry
    ]
    once(site, now)
    for n, step in enumerate(steps):
        step()
        now += DAY
        once(site, now)
        assert files(site.public) == published_from_scratch(site, now, tmp_path / str(n)), n
    assert titles(site, "tags/blue.atom") == [] and titles(site, "lang/pt.atom") == ["Gamma"]
    assert titles(site, "tags/red.atom") == ["Delta"]


def test_an_entry_dated_ahead_joins_its_feeds_when_due(empty_site: Site) -> None:
    site = empty_site
    seed(site, "now.md", "Today", ["News"])
    seed(site, "later.md", "Tomorrow", ["Later"], date="2026-03-05")
    once(site, T0)
    assert titles(site, "all.atom") == ["Today"] and titles(site, "tags/later.atom") == []
    once(site, T0 + DAY)  # nothing changed, nothing came due
    assert titles(site, "all.atom") == ["Today"]
    once(site, T0 + 5 * DAY)  # no file changed, but the date came
    assert titles(site, "all.atom") == ["Tomorrow", "Today"]
    assert titles(site, "tags/later.atom") == ["Tomorrow"]
    assert titles(site, "lang/en.atom") == ["Tomorrow", "Today"]


def test_a_change_stored_by_a_run_that_stopped_before_publishing_is_published_next(
    empty_site: Site,
) -> None:
    site = empty_site
    seed(site, "a.md", "Alpha", ["Red"])
    once(site, T0)
    seed(site, "a.md", "Alpha", ["Blue"])
    config = load(site.root / "config.toml")
    store = Store(config.database)
    try:  # the change is stored, then the run stops: no publish
        ingest_seeds(store, config, T0 + DAY, Report())
    finally:
        store.close()
    report = once(site, T0 + 2 * DAY)  # reads nothing new, yet publishes what is pending
    assert report.changes.read == 0
    assert titles(site, "tags/red.atom") == [] and titles(site, "tags/blue.atom") == ["Alpha"]


def test_a_run_with_nothing_new_leaves_nothing_to_look_at(empty_site: Site) -> None:
    site = empty_site
    seed(site, "a.md", "Alpha", ["Red"])
    once(site, T0)
    seed(site, "a.md", "Alpha", ["Blue"])
    store = Store(site.db)
    try:
        ingest_seeds(store, load(site.root / "config.toml"), T0, Report())
        assert store.feeds.dirty()[1] == {
            ("all", ""),
            ("lang", "en"),
            ("tag", "red"),
            ("tag", "blue"),
        }
    finally:
        store.close()
    assert once(site, T0 + DAY).published.written  # the tag feeds, the all-feed
    store = Store(site.db)
    try:
        assert store.feeds.dirty() == (0, set())
    finally:
        store.close()
    assert once(site, T0 + 2 * DAY).published.written == []


def test_new_settings_rewrite_every_feed(empty_site: Site) -> None:
    site = empty_site
    seed(site, "a.md", "Alpha", ["Red"])
    once(site, T0)
    site.config(title="Renamed")
    written = once(site, T0 + DAY).published.written
    assert set(written) >= {"all.atom", "lang/en.atom", "tags/red.atom", "feeds.opml"}
    assert parse_feed(site.public / "tags/red.atom").feed.title == "Renamed: Red"


def test_a_deleted_feed_file_is_written_again(empty_site: Site) -> None:
    site = empty_site
    seed(site, "a.md", "Alpha", ["Red"])
    once(site, T0)
    (site.public / "tags/red.atom").unlink()
    (site.public / "index.html").unlink()
    assert set(once(site, T0 + DAY).published.written) == {"tags/red.atom", "index.html"}


@pytest.mark.slow
def test_feeds_split_over_processes_come_out_as_from_one(
    empty_site: Site, tmp_path: Path, monkeypatch
) -> None:
    from feedd.publish import site as sitemod

    site = empty_site
    n = sitemod.RENDER_IN_WORKERS_FROM + 5  # tag feeds enough to be looked at by worker processes
    for i in range(n):
        seed(site, f"a{i}.md", f"Article {i}", [f"Tag {i}", f"Tag {i + 1}", "Common"])
    monkeypatch.setattr(sitemod, "PAGES_IN_WORKERS_FROM", 2)  # entry pages too
    once(site, T0)
    assert len(list((site.public / "entries").iterdir())) == n  # (the seeds have no url)
    monkeypatch.setattr(sitemod, "RENDER_IN_WORKERS_FROM", 10**9)  # the same, in one process
    monkeypatch.setattr(sitemod, "PAGES_IN_WORKERS_FROM", 10**9)
    assert files(site.public) == published_from_scratch(site, T0, tmp_path / "serial")


@pytest.mark.slow
def test_a_first_run_reads_ahead_and_decides_as_any_run(empty_site: Site) -> None:
    """A first run starts its workers before it creates the database; the outcome must be
    the one of a run on an existing, empty database."""
    from feedd.pipeline.seeds import READ_IN_WORKERS_FROM

    site = empty_site
    for i in range(READ_IN_WORKERS_FROM + 30):  # enough for worker processes
        seed(site, f"a{i:03}.md", f"Article {i % 200}", [f"Tag {i % 7}"])  # 30 duplicates
    (site.seeds / "broken.md").write_text("---\ntitle: [\n---\nx\n", encoding="utf-8")
    config = load(site.root / "config.toml")
    outcomes = []
    for existing in (False, True):
        shutil.rmtree(site.root / "var", ignore_errors=True)
        shutil.rmtree(site.public, ignore_errors=True)
        if existing:
            Store(config.database).close()  # the database is there, empty
        report = run_once(config, now=T0)
        outcomes.append((files(site.public), report.files, report.changes, len(report.errors)))
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][2].new == 200 and outcomes[0][2].folded == 30 and outcomes[0][3] == 1
