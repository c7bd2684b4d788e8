"""Stable identifiers: the ``urn:uuid:`` ids of entries and feeds, as RFC 4122 UUIDv5 URNs.

Two layers, so that ids are unique to each site (RFC 4287 4.2.6: universally unique) and yet
never have to be rewritten in the database:

- the store keys an entry by a *stored id*, a hash of a name that never changes for its
  article (its source key: the file's path below the seeds folder, or a remote guid), or
  the article's own ``id`` front matter key;
- a feed shows the *public id*: the stored id hashed again under the site's namespace, made
  from ``site_id`` (by default ``base_url``). Two sites with files of the same names share no
  id; a site that moves keeps every id by setting ``site_id`` to its old ``base_url``.

Feed ids hash the feed's path below the output folder under the site's feed namespace.
"""

from __future__ import annotations

import functools
import hashlib
import re

# Stored entry ids hash the source key (see store.decide).
ENTRY_NAMESPACE = bytes.fromhex("5b7c1e3a4f7d5e0a9c1bfeedd0000001")
# Feed ids hash the feed's path below the output folder, not its URL.
FEED_NAMESPACE = bytes.fromhex("5b7c1e3a4f7d5e0a9c1bfeedd0000002")
# A site's namespaces hash its site_id under this one.
SITE_NAMESPACE = bytes.fromhex("5b7c1e3a4f7d5e0a9c1bfeedd0000003")

# A stored id pinned verbatim by an article's ``id`` key carries this prefix; it is published
# without it and without hashing (the writer chose a universally unique IRI, such as a tag:)
PINNED = "pin:"
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")  # RFC 3987: a scheme, then no space
MAX_PINNED_CHARS = 500


def uuid5_bytes(namespace: bytes, name: str) -> bytes:
    h = bytearray(hashlib.sha1(namespace + name.encode()).digest()[:16])
    h[6] = (h[6] & 0x0F) | 0x50  # version 5
    h[8] = (h[8] & 0x3F) | 0x80  # the RFC 4122 variant
    return bytes(h)


def uuid5_urn(namespace: bytes, name: str) -> str:
    """``urn:uuid:`` and the UUIDv5 of ``name``: what ``uuid.uuid5`` gives, made without
    its UUID object and without importing ``uuid`` (paid for every file of a cold start)."""
    x = uuid5_bytes(namespace, name).hex()
    return f"urn:uuid:{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}"


def entry_id(source_key: str, salt: str = "") -> str:
    """The stored id of a source key (salted when the natural id is taken)."""
    return uuid5_urn(ENTRY_NAMESPACE, source_key + ("\n" + salt if salt else ""))


def pinned_id(value: str) -> str:
    """The stored id an article's ``id`` key asks for: an IRI verbatim, anything else hashed
    (and so made unique to the site on publishing like any other id)."""
    value = value.strip()
    if _IRI.match(value) and len(value) <= MAX_PINNED_CHARS:
        return PINNED + value
    return uuid5_urn(ENTRY_NAMESPACE, "id\n" + value)


@functools.lru_cache(maxsize=8)
def site_namespaces(site_id: str) -> tuple[bytes, bytes]:
    """``(entries, feeds)``: the namespaces of one site's public ids."""
    return (
        uuid5_bytes(SITE_NAMESPACE, "entries\n" + site_id),
        uuid5_bytes(SITE_NAMESPACE, "feeds\n" + site_id),
    )


def public_entry_id(site_id: str, stored: str) -> str:
    """The id a feed shows for a stored entry id."""
    if stored.startswith(PINNED):
        return stored[len(PINNED) :]
    return uuid5_urn(site_namespaces(site_id)[0], stored)


def feed_id(site_id: str, path: str) -> str:
    """A feed's Atom id: from its path, not its URL, so a moved ``base_url`` with ``site_id``
    kept keeps it."""
    return uuid5_urn(site_namespaces(site_id)[1], path)
