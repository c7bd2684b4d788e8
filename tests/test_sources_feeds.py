"""Parsing and normalizing remote feeds, one data file per format or awkward case."""

from __future__ import annotations

import datetime as dt
import resource
from pathlib import Path

import pytest

from feedd.normalize.remote import SourceSettings, canonical_guid, normalize_entry, strip_tracking
from feedd.sources.feeds import FeedParseError, parse_feed

DATA = Path(__file__).parent / "data" / "feeds"
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


NO_SETTINGS = SourceSettings()


def items(name: str, settings: SourceSettings = NO_SETTINGS):
    feed = parse_feed((DATA / name).read_bytes(), {}, "http://example.org/feed")
    return [normalize_entry(e, feed, settings, NOW) for e in feed.entries]


def test_rss_091_latin1() -> None:
    (it,) = items("rss091.xml")
    assert it.title == "Notícia antiga" and it.lang == "pt-BR" and it.lang_group == "pt"
    assert it.link == "http://example.org/old/1"
    assert it.source_key == "remote://example.org/old/1"  # no guid: the link
    assert it.published is None  # undated: the store dates it when first seen


def test_rss_10_rdf() -> None:
    (it,) = items("rss10.rdf")
    assert it.title == "RDF item" and it.tags == ("rdf",)
    assert it.published == dt.datetime(2024, 5, 1, 8, tzinfo=dt.UTC)


def test_atom_03() -> None:
    (it,) = items("atom03.xml")
    assert it.title == "Old atom" and "Atom zero three body." in it.html.decode()
    assert it.source_key == "remote:tag:example.org:1"


def test_billion_laughs_does_nothing() -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        got = items("billion_laughs.xml")
    except FeedParseError:
        got = []
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mib < 100
    assert all(len(i.html) < 10_000 and len(i.title) < 10_000 for i in got)


def test_nonsense_dates() -> None:
    got = {i.title: i.published for i in items("dates_nonsense.xml")}
    assert got["From the future"] == NOW  # never in the far future
    assert got["Epoch zero"] is None  # never 1970 by accident: dated when first seen
    assert got["Garbage date"] is None


def test_two_guids_same_content_hash_alike() -> None:
    a, b = items("two_guids_same_content.xml")
    assert a.source_key != b.source_key and a.content_hash == b.content_hash


def test_not_a_feed() -> None:
    with pytest.raises(FeedParseError):
        parse_feed((DATA / "not_a_feed.html").read_bytes(), {}, "http://example.org/")
    with pytest.raises(FeedParseError):
        parse_feed(b'{"version": "1"}', {}, "http://example.org/")


def test_source_settings_add_tags_and_force_language() -> None:
    (it,) = items("rss10.rdf", SourceSettings(tags=("Mine", "RDF"), lang="de"))
    assert it.tags == ("rdf", "Mine") and it.lang == "de"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("http://example.org/p/1", "https://example.org/p/1/"),
        ("https://www.example.org/p/1", "https://example.org/p/1"),
        ("https://example.org/p?id=1&utm_source=rss", "https://example.org/p?id=1"),
        ("tag:example.org,2005:post-1", "tag:Example.org,2005-01-01:post-1"),
    ],
    ids=["scheme-and-slash", "www", "tracking", "tag-uri-date"],
)
def test_guid_drift_is_the_same_guid(a: str, b: str) -> None:
    assert canonical_guid(a) == canonical_guid(b)


def test_distinct_guids_stay_distinct() -> None:
    assert canonical_guid("https://example.org/p/1") != canonical_guid("https://example.org/p/2")
    assert canonical_guid("https://example.org/p?id=1") != canonical_guid(
        "https://example.org/p?id=2"
    )
    assert canonical_guid("urn:uuid:1") != canonical_guid("urn:uuid:2")


def test_strip_tracking_keeps_real_parameters() -> None:
    assert strip_tracking("https://e.org/x?a=1&utm_medium=rss&fbclid=z") == "https://e.org/x?a=1"
