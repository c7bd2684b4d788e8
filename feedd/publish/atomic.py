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
from collections.abc import Iterator
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
    with Writes() as w:
        w.add(path, data, "")
    return bool(w.changed)


class Writes:
    """Files written atomically, a batch at a time: every file of the batch is written to a
    temporary file beside it, then each is flushed to disk, then each renamed into place.
    The first flush commits the file system's journal for the whole batch (ext4 writes an
    ordered transaction's data with it), so the others cost little: a page a third cheaper
    than written one after the other. ``add`` queues a file (one whose bytes are there
    already is left alone); leaving the block writes the rest. ``changed``: the names of the
    files whose bytes changed, in the order added. A failure names the file it was writing
    ("No space left on device"), and leaves none of its batch behind."""

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
        import tempfile  # only when a file is written: a run that changed nothing never needs it

        queued, self._queued, self._bytes = self._queued, [], 0
        made: list[list] = []  # [fd or None once closed, tmp or None once renamed, path, name]
        try:
            for path, data, name in queued:
                with _naming(path):
                    path.parent.mkdir(parents=True, exist_ok=True)
                    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
                    made.append([fd, tmp, path, name])
                    view = memoryview(data)
                    while view:
                        view = view[os.write(fd, view) :]
            for fd, tmp, path, _name in made:
                with _naming(path):
                    os.fsync(fd)
                    os.chmod(tmp, 0o644)
            for m in made:
                with _naming(m[2]):
                    os.close(m[0])
                    m[0] = None
                    os.replace(m[1], m[2])
                    m[1] = None
                self.changed.append(m[3])
        finally:
            for fd, tmp, _path, _name in made:  # what a failure left of the batch
                if fd is not None:
                    with contextlib.suppress(OSError):
                        os.close(fd)
                if tmp is not None:
                    with contextlib.suppress(OSError):
                        os.unlink(tmp)

    def __enter__(self) -> Writes:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.flush()


@contextlib.contextmanager
def _naming(path: Path) -> Iterator[None]:
    """An OSError raised here names ``path``: the file being written, not its temporary."""
    try:
        yield
    except OSError as e:
        if e.filename == str(path):
            raise
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
