"""The server's file cache: a rewritten file is picked up, and never replaced by an older one."""

from __future__ import annotations

import os
import time
from pathlib import Path

from feedd.serve import RECHECK, FileCache


def write(path: Path, text: str, mtime: float) -> None:
    path.write_text(text, encoding="utf-8")
    os.utime(path, (mtime, mtime))


def test_a_rewritten_file_is_served_after_the_recheck(tmp_path: Path) -> None:
    path = tmp_path / "all.atom"
    write(path, "<feed>one</feed>", 1_700_000_000)
    cache = FileCache()
    assert cache.get(path, 60).body == b"<feed>one</feed>"
    write(path, "<feed>two, longer</feed>", 1_700_000_100)
    time.sleep(RECHECK + 0.05)
    assert cache.get(path, 60).body == b"<feed>two, longer</feed>"


def test_an_older_version_never_replaces_a_newer_one(tmp_path: Path) -> None:
    """Two request threads race over a publish: the one that saw the old file stores last."""
    path = tmp_path / "all.atom"
    write(path, "<feed>one</feed>", 1_700_000_000)
    cache = FileCache()
    old = cache.get(path, 60)
    write(path, "<feed>two, longer</feed>", 1_700_000_100)
    time.sleep(RECHECK + 0.05)
    new = cache.get(path, 60)  # the thread that saw the new file
    cache.keep(path, old, time.monotonic())  # the thread that had seen the old one, late
    assert cache.get(path, 60) is new
