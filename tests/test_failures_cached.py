"""Broken files cost once: an unchanged file that failed is not read again, its error is
said from the store, and many errors of one kind are one line."""

from __future__ import annotations

import os
import re
import time

import pytest
from conftest import Site
from test_daemon import Running, wait_for

pytestmark = pytest.mark.slow  # every test here runs feedd, a server or worker processes


def error_lines(stderr: str) -> list[str]:
    return [ln for ln in stderr.splitlines() if "error:" in ln]


def test_unchanged_broken_files_are_not_read_again(site: Site) -> None:
    (site.seeds / "empty.md").write_text("")
    (site.seeds / "binary.md").write_bytes(b"\x00\x01\x02 not text")
    (site.seeds / "yaml.md").write_text("---\ntitle: [unclosed\n---\nBody.\n")
    r = site.once(expect=1)
    assert len(error_lines(r.stderr)) == 3 and "3 failed" in r.stdout
    r = site.once(expect=1)  # the exit status still says inputs failed
    assert "3 failed (3 unchanged since, not read again)" in r.stdout
    assert "empty.md: no text" in r.stderr and "binary.md: binary file" in r.stderr
    assert "yaml.md:" in r.stderr and len(error_lines(r.stderr)) == 3


def test_a_broken_file_is_read_again_when_it_changes(site: Site) -> None:
    broken = site.seeds / "later.md"
    broken.write_text("")
    site.once(expect=1)
    broken.write_text("---\ntitle: Fixed now\n---\nIt has text.\n")
    r = site.once()
    assert "1 new" in r.stdout and "Fixed now" in [e.title for e in site.feed("all.atom").entries]
    assert "failed" in r.stdout and "0 failed" in r.stdout
    broken.write_text("")  # broken again: said again, its good version stays published
    r = site.once(expect=1)
    assert "later.md: no text" in r.stderr
    assert "Fixed now" in [e.title for e in site.feed("all.atom").entries]
    broken.unlink()  # gone: its entry and its failure go
    r = site.once()
    assert "1 removed" in r.stdout and "later.md" not in r.stderr


def test_a_failed_file_with_a_new_mtime_is_read_again(site: Site) -> None:
    f = site.seeds / "touch.md"
    f.write_text("")
    site.once(expect=1)
    f.write_text("---\ntitle: T\n---\nBody text.\n")
    os.utime(f, ns=(time.time_ns(), time.time_ns() + 10**9))
    assert "1 new" in site.once().stdout


def test_another_reader_reads_failed_files_again(site: Site) -> None:
    """What reading depends on (feedd's version, the zone, the size limit) changes: the
    files that failed are read again, since they may read now."""
    big = site.seeds / "big.md"
    big.write_text("---\ntitle: Big\n---\n" + "word " * 40_000)
    site.config(max_entry_bytes=65536)
    r = site.once()
    assert "big.md" in r.stderr  # cut, with a warning: not a failure
    (site.seeds / "empty.md").write_text("")
    site.once(expect=1)
    assert "unchanged since" in site.once(expect=1).stdout
    site.config(max_entry_bytes=131072)
    r = site.once(expect=1)
    assert "unchanged since" not in r.stdout and "empty.md: no text" in r.stderr


def test_thousands_of_empty_files_make_one_line_and_cost_once(empty_site: Site) -> None:
    n = 20_000
    folder = empty_site.seeds / "scraped"
    folder.mkdir()
    for i in range(n):
        (folder / f"e{i:05}.md").write_bytes(b"")
    (empty_site.seeds / "ok.md").write_text("---\ntitle: The one good file\n---\nText.\n")
    r = empty_site.once(expect=1)
    lines = error_lines(r.stderr)
    assert len(lines) == 1, lines[:10]
    assert re.search(rf"error: {n} files: no text: .* \(for example scraped/e00000.md, ", lines[0])
    started = time.monotonic()
    r = empty_site.once(expect=1)
    second = time.monotonic() - started
    assert f"{n} failed ({n} unchanged since, not read again)" in r.stdout
    assert "read 0 of" in r.stdout and len(error_lines(r.stderr)) == 1
    print(f"\nsecond run over {n} empty files: {second:.2f} s")
    assert [e.title for e in empty_site.feed("all.atom").entries] == ["The one good file"]


def test_a_handful_of_one_kind_is_said_one_by_one(empty_site: Site) -> None:
    for i in range(5):
        (empty_site.seeds / f"e{i}.md").write_text("")
    (empty_site.seeds / "ok.md").write_text("---\ntitle: Good\n---\nText.\n")
    r = empty_site.once(expect=1)
    assert len(error_lines(r.stderr)) == 5
    (empty_site.seeds / "e5.md").write_text("")
    r = empty_site.once(expect=1)
    assert error_lines(r.stderr) == [
        "feedd: error: 6 files: no text: the file is empty or holds only front matter "
        "(for example e0.md, e1.md, e2.md)"
    ]


def test_the_daemon_logs_a_broken_file_once_not_every_scan(site: Site) -> None:
    (site.seeds / "empty.md").write_text("")
    d = Running(site)  # scans every 2 s
    try:
        wait_for(lambda: "seed_failed" in d.output(), what="the error")
        time.sleep(7)
        assert d.output().count("seed_failed") == 1, d.output()
        (site.seeds / "other.md").write_text("")  # a new one is said when it comes
        wait_for(lambda: d.output().count("seed_failed") == 2, what="the second error")
        assert "path=other.md" in d.output()
    finally:
        assert d.stop() == 0
