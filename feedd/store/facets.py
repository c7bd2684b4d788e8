"""Facets, and which of them changed since the last publish.

An entry's facets are what it can be found by: every entry is in ``("all", "")``, its
language group in ``("lang", group)``, each of its tags in ``("tag", key)``, each defined feed
that shows it in ``("feed", slug)`` (see matching). The store knows
these of its entries; which feeds draw on which facets (and their paths and titles) is
publish's to say. Every write records the facets of the entries it touched, before and after,
in the same commit (table ``dirty``); the publisher reads them, looks at the feeds of those
only, and clears what it read once its files are in place.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import NamedTuple

Facet = tuple[str, str]


def of(lang_group: str, tag_keys: Iterable[str]) -> set[Facet]:
    """The facets of an entry in ``lang_group`` with ``tag_keys``."""
    return {("all", ""), ("lang", lang_group), *(("tag", k) for k in tag_keys)}


def mark(conn: sqlite3.Connection, touched: set[Facet]) -> None:
    """Record ``touched`` (inside the caller's transaction)."""
    if touched:
        conn.executemany("INSERT INTO dirty (kind, key) VALUES (?, ?)", sorted(touched))


class Pending(NamedTuple):
    upto: int  # the last mark read: what the publisher clears once it has published
    facets: set[Facet]


def pending(conn: sqlite3.Connection) -> Pending:
    """The facets marked since the last publish."""
    rows = conn.execute("SELECT id, kind, key FROM dirty").fetchall()
    return Pending(max((r[0] for r in rows), default=0), {(r[1], r[2]) for r in rows})


def came_due(conn: sqlite3.Connection, after: str, now: str) -> set[Facet]:
    """The facets of entries dated after ``after`` and by ``now``: dated ahead when written,
    they join their feeds only now."""
    found: set[Facet] = set()
    for lang_group, tags in conn.execute(
        "SELECT lang_group, tags FROM entries WHERE published > ? AND published <= ?",
        (after, now),
    ):
        found |= of(lang_group, json.loads(tags))
    sql = "SELECT DISTINCT feed FROM entry_feeds WHERE published > ? AND published <= ?"
    found |= {("feed", f) for (f,) in conn.execute(sql, (after, now))}
    return found
