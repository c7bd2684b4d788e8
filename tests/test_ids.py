"""Entry and feed ids are a public contract: the same names always give the same UUIDs."""

from __future__ import annotations

import uuid

import pytest

from feedd.publish.site import feed_id
from feedd.store.decide import entry_id

# The namespaces ids were first given out under; changing either re-publishes every entry.
ENTRIES = uuid.UUID("5b7c1e3a-4f7d-5e0a-9c1b-feedd0000001")
FEEDS = uuid.UUID("5b7c1e3a-4f7d-5e0a-9c1b-feedd0000002")


@pytest.mark.parametrize("key", ["a.md", "posts/人工智能.md", "remote:1:https://x.org/?a=1", ""])
@pytest.mark.parametrize("salt", ["", "v1:abc"])
def test_entry_ids_never_move(key: str, salt: str) -> None:
    name = key + ("\n" + salt if salt else "")  # salted: a second entry from the same key
    assert entry_id(key, salt) == f"urn:uuid:{uuid.uuid5(ENTRIES, name)}"


@pytest.mark.parametrize("path", ["all.atom", "lang/zh-Hans.atom", "tags/人工智能.atom"])
def test_feed_ids_never_move(path: str) -> None:
    assert feed_id(path) == f"urn:uuid:{uuid.uuid5(FEEDS, path)}"
