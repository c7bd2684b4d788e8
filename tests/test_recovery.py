"""feedd recovers on its own: failed publishes are retried, interrupted writes cleaned up,
and each failure names its file and says what to do, never "delete the database" for a
healthy one.

A full disk is a real one: a small tmpfs mounted in a private mount namespace (unshare),
which the test reaches through /proc/PID/root.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from conftest import FEEDD, Site
from test_daemon import Running, wait_for

pytestmark = pytest.mark.slow  # every test here runs feedd, a server or worker processes


def _can_mount() -> bool:
    if shutil.which("unshare") is None:
        return False
    r = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-c",
         "mount -t tmpfs -o size=64k tmpfs /mnt"],
        capture_output=True,
    )  # fmt: skip
    return r.returncode == 0


needs_mount = pytest.mark.skipif(not _can_mount(), reason="cannot mount a tmpfs in a namespace")


def on_tmpfs(folder: Path, size: str) -> list[str]:
    """A command prefix: run the rest with a tmpfs of ``size`` mounted on ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    script = 'mount -t tmpfs -o size=$1 tmpfs "$0" && shift && exec "$@"'
    return ["unshare", "-m", "--propagation", "private", "sh", "-c", script, str(folder), size]


def fill(folder: Path) -> Path:
    """Fill the file system of ``folder`` to the last byte; the filler file."""
    filler = folder / "filler.bin"
    with open(filler, "wb", buffering=0) as fh:
        try:
            while True:
                fh.write(b"\0" * 4096)
        except OSError:
            pass
    return filler


def test_leftover_temporary_files_are_removed_by_the_next_run(site: Site) -> None:
    site.once()
    (site.public / "lang").mkdir(exist_ok=True)
    leftovers = [site.public / ".k2x9_q0a.tmp", site.public / "lang" / ".abcdefgh.tmp"]
    for p in leftovers:
        p.write_bytes(b"<feed>half writ")  # what kill -9 in the middle of a write leaves
    kept = [site.public / ".well-known.tmp", site.public / "notes.tmp", site.public / ".htaccess"]
    for p in kept:
        p.write_text("the user's own")
    site.once()
    assert not [p for p in leftovers if p.exists()]
    assert all(p.exists() for p in kept)


@needs_mount
def test_a_full_disk_names_the_file_and_the_daemon_retries(site: Site) -> None:
    """ENOSPC while publishing: /healthz turns 503 with the file named, then back to 200
    within seconds of space coming back, with no seed changing to trigger it."""
    d = Running(site, command=on_tmpfs(site.public, "2m"), scan_interval=3600)
    try:
        inside = Path(f"/proc/{d.proc.pid}/root") / site.public.relative_to("/")
        filler = fill(inside)
        (site.seeds / "new.md").write_text("---\ntitle: Written to a full disk\n---\nText.\n")
        wait_for(lambda: d.get("/healthz")[0] == 503, what="healthz to turn 503")
        body = d.get("/healthz")[2].decode()
        assert "No space left on device" in body and str(site.public) in body, body
        assert "damaged" not in d.output()
        filler.unlink()  # space comes back; nothing else happens
        wait_for(lambda: d.get("/healthz")[0] == 200, timeout=15, what="healthz to recover")
        assert "Written to a full disk" in d.titles()
        assert not [p for p in inside.rglob("*.tmp")], "a temporary file was left behind"
    finally:
        assert d.stop() == 0
    out = d.output()
    assert "publish_failed" in out and "retry_in=" in out and "Traceback" not in out


def test_a_publish_that_failed_is_retried_without_a_change(site: Site) -> None:
    d = Running(site, scan_interval=3600)
    try:
        shutil.rmtree(site.public)
        site.public.write_text("a file where the output folder should be")
        (site.seeds / "new.md").write_text("---\ntitle: Retried\n---\nText.\n")
        wait_for(lambda: d.get("/healthz")[0] == 503, what="healthz to turn 503")
        site.public.unlink()
        wait_for(lambda: d.get("/healthz")[0] == 200, timeout=15, what="healthz to recover")
        assert "Retried" in d.titles()
    finally:
        assert d.stop() == 0


@needs_mount
def test_once_on_a_full_disk_names_the_file(site: Site) -> None:
    site.once()
    (site.seeds / "new.md").write_text("---\ntitle: New\n---\n" + "Words. " * 5000 + "\n")
    script = (
        'mount -t tmpfs -o size=1m tmpfs "$0" && cp -a "$0.copy/." "$0" && '
        'dd if=/dev/zero of="$0/filler" bs=4k 2>/dev/null; exec "$@"'
    )
    shutil.copytree(site.public, str(site.public) + ".copy")
    r = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-c", script, str(site.public),
         str(FEEDD), "once", "--config", str(site.root / "config.toml")],
        capture_output=True, text=True, timeout=120,
    ) if _can_mount() else None  # fmt: skip
    assert r is not None
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert "No space left on device" in r.stderr
    assert f"{site.public}/" in r.stderr and ".tmp" not in r.stderr, r.stderr
    assert "damaged" not in r.stderr


@needs_mount
def test_a_full_disk_under_the_database_is_not_called_damage(site: Site) -> None:
    site.once()
    var = site.db.parent
    shutil.copytree(var, str(var) + ".copy")
    for i in range(200):
        (site.seeds / f"more{i}.md").write_text(f"---\ntitle: More {i}\n---\n" + "x " * 3000)
    script = (
        'mount -t tmpfs -o size=600k tmpfs "$0" && cp -a "$0.copy/." "$0" && '
        'dd if=/dev/zero of="$0/filler" bs=4k count=100 2>/dev/null; exec "$@"'
    )
    r = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-c", script, str(var),
         str(FEEDD), "once", "--config", str(site.root / "config.toml")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert str(site.db) in r.stderr and "full" in r.stderr, r.stderr
    assert "damaged" not in r.stderr and "delete" not in r.stderr


def test_a_damaged_database_says_so_and_what_to_do(site: Site) -> None:
    site.once()
    db = sqlite3.connect(site.db)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    size = site.db.stat().st_size
    with open(site.db, "r+b") as fh:  # keep the header, wreck the pages behind it
        fh.seek(4096)
        fh.write(os.urandom(size - 4096))
    (site.seeds / "new.md").write_text("---\ntitle: New\n---\nText.\n")
    r = site.once(expect=None)
    assert r.returncode in (1, 2) and "Traceback" not in r.stderr, r.stderr
    assert str(site.db) in r.stderr and "damaged" in r.stderr and "delete it" in r.stderr
