"""Find the article files below the seeds folder and read their bytes; nothing else.

Only ``stat`` is done here for files the store already knows unchanged, so a no-change run
costs one ``scandir`` walk. Every path is confined to the seeds folder: a symlink (to a file
or a folder) whose target resolves outside it is skipped, never followed.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError
from ..models import SeedFile

MAX_FILE_BYTES = 16 * 1024 * 1024  # an "article" larger than this is a mistake, not an article


_SKIPPED_ENDINGS = ("~", ".swp", ".swo", ".swx", ".tmp", ".part")


def skipped_name(name: str) -> bool:
    """Hidden files and editor leftovers: ``.x``, ``.#x`` (Emacs locks), ``x~``, ``*.swp``."""
    return (
        name.startswith(".")
        or name.endswith(_SKIPPED_ENDINGS)
        or (name.startswith("#") and name.endswith("#"))
    )


def _text_name(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 (os.scandir keeps them as surrogates,
    which SQLite and XML refuse) are spelled as ``\\xff``, stably and uniquely."""
    if name.isascii():
        return name
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _inside(root: Path, path: str) -> bool:
    try:
        return Path(path).resolve().is_relative_to(root)
    except (OSError, RuntimeError):  # a symlink loop
        return False


def scan(
    root: Path, unreadable: list[InputError] | None = None, folders: set[str] | None = None
) -> Iterator[SeedFile]:
    """Yield every regular file below ``root``, recursively, in no particular order.

    A folder that cannot be read (gone, no permission, a disk unmounted) is no folder
    without files: it is added to ``unreadable`` as an InputError naming it, so that the
    caller keeps what it knows below it.
    ``folders`` receives the key prefix (``"a/b/"``, ``""``) of every folder that was read.
    """
    root = root.resolve()
    stack = [(str(root), "")]
    seen_dirs = {root}
    while stack:
        folder, prefix = stack.pop()
        try:
            it = os.scandir(folder)
        except OSError as e:
            if unreadable is not None:
                unreadable.append(
                    InputError(
                        folder,
                        f"cannot read this folder ({e.strerror or e}); "
                        "what was published from it stays published",
                    )
                )
            continue
        if folders is not None:
            folders.add(prefix)
        with it:
            for de in it:
                if skipped_name(de.name):
                    continue
                key = prefix + _text_name(de.name)
                try:
                    is_link = de.is_symlink()
                    st = de.stat()  # follows links; checked for confinement below
                except OSError:
                    continue  # dangling symlink or vanished file
                if is_link and not _inside(root, de.path):
                    continue
                if stat.S_ISDIR(st.st_mode):
                    real = Path(de.path).resolve() if is_link else None
                    if real is not None:
                        if real in seen_dirs:
                            continue
                        seen_dirs.add(real)
                    stack.append((de.path, key + "/"))
                elif stat.S_ISREG(st.st_mode):
                    yield SeedFile(key, de.path, st.st_size, st.st_mtime_ns)


def read_bytes(f: SeedFile) -> bytes:
    """The file's bytes; a file that cannot be read is an InputError naming it."""
    if f.size > MAX_FILE_BYTES:
        raise InputError(f.key, f"file too large ({f.size} bytes, limit {MAX_FILE_BYTES})")
    try:
        # Read the size the scan saw (asking for the limit would allocate it for every file);
        # a file that grew since is read on, up to the limit.
        fd = os.open(f.path, os.O_RDONLY | os.O_CLOEXEC)
        try:
            data = os.read(fd, f.size + 1)
            while len(data) > f.size and len(data) <= MAX_FILE_BYTES:
                more = os.read(fd, MAX_FILE_BYTES + 1 - len(data))
                if not more:
                    break
                data += more
            return data
        finally:
            os.close(fd)
    except FileNotFoundError:
        raise InputError(f.key, "file vanished while reading", transient=True) from None
    except OSError as e:
        raise InputError(f.key, f"cannot read: {e.strerror or e}", transient=True) from e
