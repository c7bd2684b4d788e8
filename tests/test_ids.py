"""Entry and feed ids are a public contract: the same names always give the same UUIDs, and
two sites never give the same one."""

from __future__ import annotations

import uuid

import pytest

from feedd import ids

# The namespaces ids were first given out under; changing any re-publishes every entry.
ENTRIES = uuid.UUID("5b7c1e3a-4f7d-5e0a-9c1b-feedd0000001")
FEEDS = uuid.UUID("5b7c1e3a-4f7d-5e0a-9c1b-feedd0000002")
SITES = uuid.UUID("5b7c1e3a-4f7d-5e0a-9c1b-feedd0000003")
SITE = "https://news.example.org/"


@pytest.mark.parametrize("key", ["a.md", "posts/人工智能.md", "remote:1:https://x.org/?a=1", ""])
@pytest.mark.parametrize("salt", ["", "v1:abc"])
def test_stored_entry_ids_never_move(key: str, salt: str) -> None:
    name = key + ("\n" + salt if salt else "")  # salted: a second entry from the same key
    assert ids.entry_id(key, salt) == f"urn:uuid:{uuid.uuid5(ENTRIES, name)}"


@pytest.mark.parametrize("stored", ["urn:uuid:75017d05-a9bb-5495-a86a-ecd7f07aaf8a", "x"])
def test_public_entry_ids_are_the_stored_id_under_the_sites_namespace(stored: str) -> None:
    namespace = uuid.uuid5(SITES, "entries\n" + SITE)
    assert ids.public_entry_id(SITE, stored) == f"urn:uuid:{uuid.uuid5(namespace, stored)}"


@pytest.mark.parametrize("path", ["all.atom", "lang/zh-Hans.atom", "tags/人工智能.atom"])
def test_feed_ids_never_move(path: str) -> None:
    namespace = uuid.uuid5(SITES, "feeds\n" + SITE)
    assert ids.feed_id(SITE, path) == f"urn:uuid:{uuid.uuid5(namespace, path)}"


def test_two_sites_share_no_id() -> None:
    other = "https://blog.example.net/"
    stored = ids.entry_id("hello.md")
    assert ids.public_entry_id(SITE, stored) != ids.public_entry_id(other, stored)
    assert ids.feed_id(SITE, "all.atom") != ids.feed_id(other, "all.atom")


@pytest.mark.parametrize(
    ("value", "published"),
    [
        ("tag:example.org,2024:hello", "tag:example.org,2024:hello"),
        (
            "urn:uuid:0b1a6f43-1a5e-4e1d-9d6c-111111111111",
            "urn:uuid:0b1a6f43-1a5e-4e1d-9d6c-111111111111",
        ),
        ("https://example.org/2024/hello", "https://example.org/2024/hello"),
    ],
)
def test_a_pinned_iri_is_published_as_written(value: str, published: str) -> None:
    assert ids.public_entry_id(SITE, ids.pinned_id(value)) == published
    assert ids.public_entry_id("https://elsewhere.org/", ids.pinned_id(value)) == published


@pytest.mark.parametrize("value", ["hello-world", "my post", "42", "c:" + " x"])
def test_a_pinned_name_is_hashed_and_unique_to_the_site(value: str) -> None:
    stored = ids.pinned_id(value)
    assert stored == f"urn:uuid:{uuid.uuid5(ENTRIES, 'id' + chr(10) + value.strip())}"
    assert ids.public_entry_id(SITE, stored) != ids.public_entry_id("https://b.org/", stored)
    assert stored != ids.entry_id(value)  # never the id of a file named like the pin
