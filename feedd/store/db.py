"""The database connection: opened once per store, refused before any write if it is no
feedd database; its journal for a first load; and the helper that names a query's columns
after a row type."""

from __future__ import annotations

import contextlib
import dataclasses
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from ..errors import DatabaseError
from .schema import migrate_check

BULK_CACHE_KIB = 32 * 1024  # SQLite's page cache during a first load (default: 2 MiB)


def connect(path: Path, readonly: bool) -> sqlite3.Connection:
    """A connection, in WAL mode for writing. A file that is no SQLite database, or one a
    newer feedd wrote, is refused as a DatabaseError naming it, before anything is written
    to it (not even the journal mode)."""
    if readonly:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        # one thread at a time, but not always the same: a fetch round stores each source
        # from a thread of its own while the downloads go on (see remote.fetch_many)
        conn = sqlite3.connect(path, timeout=30, check_same_thread=False)
    try:
        conn.execute("PRAGMA busy_timeout=30000")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        migrate_check(version, str(path))
        if not readonly:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
    except sqlite3.DatabaseError as e:
        conn.close()
        if "not a database" in str(e) or "file is encrypted" in str(e):
            raise DatabaseError(
                str(path), "not a SQLite database (is `database` pointing at the right file?)"
            ) from None
        raise
    except DatabaseError:
        conn.close()
        raise
    return conn


def columns(row_type: type, exprs: dict[str, str] | None = None) -> str:
    """The SELECT list of ``row_type``'s fields, in its order, each by its own name (or the
    SQL expression ``exprs`` gives for it): a row then maps onto the type by construction."""
    names = getattr(row_type, "_fields", None) or [f.name for f in dataclasses.fields(row_type)]
    exprs = exprs or {}
    return ", ".join(f"{exprs[n]} AS {n}" if n in exprs else n for n in names)


@contextlib.contextmanager
def bulk_load(conn: sqlite3.Connection, first: bool) -> Iterator[None]:
    """For a ``first`` load, a rollback journal, and WAL again afterwards.

    A first load writes every page anew: a rollback journal then records next to nothing,
    where WAL writes the whole database twice (to the log, then at the checkpoint). Readers
    wait meanwhile, but there is nothing to read yet. Should another connection be open, the
    mode stays WAL. A larger page cache for the while saves time too; it is given back.
    """
    if not first or not _set_journal(conn, "DELETE"):
        yield
        return
    default = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute(f"PRAGMA cache_size={-BULK_CACHE_KIB}")
    try:
        yield
    finally:
        _set_journal(conn, "WAL")  # else the next open sets it
        conn.execute(f"PRAGMA cache_size={default}")


def _set_journal(conn: sqlite3.Connection, mode: str) -> bool:
    try:
        return conn.execute(f"PRAGMA journal_mode={mode}").fetchone()[0] == mode.lower()
    except sqlite3.OperationalError:  # "database is locked": another connection is open
        return False
