"""The database connection: opened once per store, refused before any write if it is no
feedd database; and the one helper that names a query's columns after a row type."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

from ..errors import DatabaseError
from .schema import migrate_check


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
