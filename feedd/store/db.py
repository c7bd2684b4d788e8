"""The database connection: opened once per store, refused before any write if it is no
feedd database; its journal for a first load; and how rows map onto row types, by name
(``columns``) and by type (``reader``, ``tuple_fields``, ``to_json``)."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import sqlite3
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..errors import DatabaseError
from ..normalize.dates import from_iso
from .schema import migrate_check

json_text = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps makes one per call

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


def _names(row_type: type) -> list[str]:
    return getattr(row_type, "_fields", None) or [f.name for f in dataclasses.fields(row_type)]


def columns(row_type: type, exprs: dict[str, str] | None = None) -> str:
    """The SELECT list of ``row_type``'s fields, in its order, each by its own name (or the
    SQL expression ``exprs`` gives for it): a row then maps onto the type by construction."""
    exprs = exprs or {}
    return ", ".join(f"{exprs[n]} AS {n}" if n in exprs else n for n in _names(row_type))


def tuple_fields(row_type: type) -> tuple[str, ...]:
    """The fields of ``row_type`` that hold tuples: stored as JSON (see ``to_json``)."""
    hints = typing.get_type_hints(row_type)
    return tuple(n for n in _names(row_type) if typing.get_origin(hints[n]) is tuple)


def to_json(value: tuple) -> str:
    """A tuple field as its column holds it; named tuples (enclosures) as objects by name."""
    if not value:
        return "[]"
    return json_text([v._asdict() if hasattr(v, "_asdict") else v for v in value])


def reader(row_type: type) -> Callable[[tuple], Any]:
    """A function making ``row_type`` from a row selected with ``columns(row_type)``: each
    column read back by its field's type (a datetime from its ISO text, a tuple from its
    JSON, of named tuples where the field holds them), so a new field needs no decoder."""
    hints = typing.get_type_hints(row_type)
    decoders = [(i, d) for i, n in enumerate(_names(row_type)) if (d := _decoder(hints[n]))]

    def read(r: tuple) -> Any:
        v = list(r)
        for i, decode in decoders:
            v[i] = decode(v[i])
        return row_type(*v)

    return read


def _decoder(hint: object) -> Callable[[Any], Any] | None:
    if hint is dt.datetime:
        return from_iso
    if typing.get_origin(hint) is tuple:
        (item, *_) = typing.get_args(hint)
        if isinstance(item, type) and issubclass(item, tuple) and hasattr(item, "_fields"):
            return lambda s, row=item: tuple(row(**v) for v in json.loads(s)) if s != "[]" else ()
        return lambda s: tuple(json.loads(s)) if s != "[]" else ()
    return None


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
