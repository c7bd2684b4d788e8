"""A folder that is gone is not a folder of deleted files: its entries stay published."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import Site
from test_daemon import Running, wait_for

pytestmark = pytest.mark.slow  # every test here runs feedd, a server or worker processes


def titles(site: Site) -> list[str]:
    return sorted(e.title for e in site.feed("all.atom").entries)


def sub_site(site: Site) -> Path:
    sub = site.seeds / "archive" / "2025"
    sub.mkdir(parents=True)
    for i in range(3):
        (sub / f"a{i}.md").write_text(f"---\ntitle: Archived {i}\n---\nOld text {i}.\n")
    return sub


def test_a_vanished_sub_folder_keeps_its_entries(site: Site, tmp_path: Path) -> None:
    sub_site(site)
    site.once()
    before = titles(site)
    assert len(before) == 8
    shutil.move(site.seeds / "archive", tmp_path / "elsewhere")  # a mv, an unmounted disk
    r = site.once(expect=1)
    assert f"{site.seeds / 'archive'}: folder vanished" in r.stderr
    assert "its 3 files stay published" in r.stderr and "0 removed" in r.stdout
    assert titles(site) == before
    shutil.move(tmp_path / "elsewhere", site.seeds / "archive")  # back: nothing to do
    r = site.once()
    assert "read 0 of 8 files" in r.stdout and titles(site) == before


def test_files_deleted_one_by_one_still_leave(site: Site) -> None:
    sub = sub_site(site)
    site.once()
    (sub / "a0.md").unlink()
    r = site.once()
    assert "1 removed" in r.stdout and "Archived 0" not in titles(site)
    for f in sub.iterdir():  # the folder emptied on purpose: its entries go
        f.unlink()
    r = site.once()
    assert "2 removed" in r.stdout and len(titles(site)) == 5


def test_the_daemon_keeps_serving_when_the_seeds_folder_vanishes(site: Site, tmp_path) -> None:
    d = Running(site)
    try:
        assert len(d.titles()) == 5
        shutil.move(site.seeds, tmp_path / "away")
        wait_for(lambda: "cannot read this folder" in d.output(), timeout=15, what="the error")
        assert len(d.titles()) == 5 and d.proc.poll() is None
        shutil.move(tmp_path / "away", site.seeds)
        (site.seeds / "back.md").write_text("---\ntitle: Back again\n---\nThe folder is back.\n")
        wait_for(lambda: "Back again" in d.titles(), timeout=20, what="the folder back")
        assert len(d.titles()) == 6 and "Traceback" not in d.output()
    finally:
        assert d.stop() == 0


def test_a_vanished_seeds_folder_keeps_everything_and_exits_1(site: Site, tmp_path: Path) -> None:
    site.once()
    before = titles(site)
    shutil.move(site.seeds, tmp_path / "unmounted")
    r = site.once(expect=1)
    assert f"{site.seeds}: cannot read this folder" in r.stderr and "stays published" in r.stderr
    assert "0 removed" in r.stdout and titles(site) == before
    shutil.move(tmp_path / "unmounted", site.seeds)
    r = site.once()
    assert "read 0 of 5 files" in r.stdout and titles(site) == before


def test_a_seeds_folder_missing_from_the_start_is_an_input_error(site: Site) -> None:
    """Not a config error: the folder may be a disk mounted later. The run says so, exits
    1, and publishes (empty feeds) all the same."""
    shutil.rmtree(site.seeds)
    r = site.once(expect=1)
    assert f"{site.seeds}: cannot read this folder (No such file or directory)" in r.stderr
    assert (site.public / "all.atom").exists()
    site.seeds.write_text("a file, not a folder")
    r = site.once(expect=2)  # that one is a config error: no disk makes a file a folder
    assert f"{site.seeds} is not a folder" in r.stderr


def test_the_daemon_starts_without_its_seeds_folder_and_reads_it_when_it_comes(
    site: Site, tmp_path: Path
) -> None:
    shutil.move(site.seeds, tmp_path / "later")
    d = Running(site)
    try:
        assert d.titles() == []
        wait_for(lambda: "cannot read this folder" in d.output(), timeout=15, what="the error")
        shutil.move(tmp_path / "later", site.seeds)  # the disk is mounted
        wait_for(lambda: len(d.titles()) == 5, timeout=20, what="the seeds")
        assert d.get("/healthz")[0] == 200 and "Traceback" not in d.output()
    finally:
        assert d.stop() == 0
