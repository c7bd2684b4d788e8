"""Write an output file atomically, and only when its bytes change.

The bytes go to a temporary file in the same folder, are flushed to disk, then renamed over
the target: a feed reader polling during a run sees the old file or the new one, never a
partial one. An identical file is left alone, so its mtime (and an HTTP server's
``Last-Modified``) only moves when the content does. A process killed between the two
leaves its temporary file behind; the next publish removes it (``remove_leftovers``).
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

# What tempfile.mkstemp(prefix=".", suffix=".tmp") names: eight of [a-z0-9_].
_LEFTOVER = re.compile(r"\.[a-z0-9_]{8}\.tmp")


def same_bytes(path: Path, data: bytes) -> bool:
    try:
        if path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False


def write(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` atomically; return False when the file already held it."""
    if same_bytes(path, data):
        return False
    try:
        _replace(path, data)
    except OSError as e:  # "No space left on device" says which file it was writing
        if e.filename == str(path):
            raise
        raise OSError(e.errno, e.strerror or str(e), str(path)) from e
    return True


def _replace(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    import tempfile  # only when a file is written: a run that changed nothing never needs it

    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class Writes:
    """Files written as ``write`` does, a batch at a time: every file of the batch is
    written, then each is flushed to disk, then each renamed into place. The first flush
    commits the file system's journal for the whole batch (ext4 writes an ordered
    transaction's data with it), so the others cost little: a page a third cheaper than
    written one after the other. ``add`` queues a file; leaving the block writes the rest.
    ``changed``: the names of the files whose bytes changed, in the order added."""

    def __init__(self, batch: int = 64, batch_bytes: int = 8 << 20) -> None:
        self.batch, self.batch_bytes = batch, batch_bytes
        self._queued: list[tuple[Path, bytes, str]] = []
        self._bytes = 0
        self.changed: list[str] = []

    def add(self, path: Path, data: bytes, name: str) -> None:
        if same_bytes(path, data):
            return
        self._queued.append((path, data, name))
        self._bytes += len(data)
        if len(self._queued) >= self.batch or self._bytes >= self.batch_bytes:
            self.flush()

    def flush(self) -> None:
        import tempfile

        queued, self._queued, self._bytes = self._queued, [], 0
        made: list[tuple[int, str, Path, str]] = []
        try:
            for path, data, name in queued:
                path.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
                made.append((fd, tmp, path, name))
                _write_all(fd, data, path)
            for fd, tmp, path, _name in made:
                _synced(fd, path)
                os.chmod(tmp, 0o644)
            for fd, tmp, path, name in made:
                os.close(fd)
                os.replace(tmp, path)
                self.changed.append(name)
            made = []
        finally:
            for fd, tmp, _path, _name in made:  # a write failed: none of this batch is left
                with contextlib.suppress(OSError):
                    os.close(fd)
                with contextlib.suppress(OSError):
                    os.unlink(tmp)

    def __enter__(self) -> Writes:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.flush()


def _write_all(fd: int, data: bytes, path: Path) -> None:
    view = memoryview(data)
    try:
        while view:
            view = view[os.write(fd, view) :]
    except OSError as e:
        raise OSError(e.errno, e.strerror or str(e), str(path)) from e


def _synced(fd: int, path: Path) -> None:
    try:
        os.fsync(fd)
    except OSError as e:
        raise OSError(e.errno, e.strerror or str(e), str(path)) from e


def remove_leftovers(folder: Path) -> list[Path]:
    """Delete the temporary files interrupted writes left below ``folder``; the ones
    removed. Only one feedd writes a folder at a time (the run lock), so any there is left
    over, never in use."""
    removed = []
    for parent, _, files in os.walk(folder):
        for name in files:
            if _LEFTOVER.fullmatch(name):
                path = Path(parent, name)
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                    removed.append(path)
    return removed
