"""Write an output file atomically, and only when its bytes change.

The bytes go to a temporary file in the same folder, are flushed to disk, then renamed over
the target: a feed reader polling during a run sees the old file or the new one, never a
partial one. An identical file is left alone, so its mtime (and an HTTP server's
``Last-Modified``) only moves when the content does.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


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
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return True
