"""feedgen's known gaps, each covered: order, feed updated, xml:lang, link attributes,
control characters, and the atomic, write-only-on-change file writes."""

from __future__ import annotations

import datetime as dt
import html
import os
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from conftest import ATOM

from feedd.models import Entry
from feedd.publish import atomic
from feedd.publish.atom import FeedInfo, assemble, entry_xml, head_xml

UTC = dt.UTC
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def render(
    info: FeedInfo, entries: list[Entry], tag_names: dict[str, str], **settings: Any
) -> bytes:
    """A feed's bytes as publish.site makes them (its head, then each entry's XML).

    ``settings``: ``base_url``, ``feed_id``, ``author``, ``site_id`` and ``empty_updated``
    (the feed's ``updated`` while it has no entry).
    """
    empty_updated = settings.pop("empty_updated")
    feed_id = settings.pop("feed_id")
    updated = max((e.updated for e in entries), default=empty_updated)
    parts = [entry_xml(e, tag_names, feed_lang=info.lang, **settings) for e in entries]
    settings.pop("site_id")
    return assemble(head_xml(info, feed_id=feed_id, updated=updated, **settings), parts)


def entry(n: int, **kw: object) -> Entry:
    fields = dict(
        id=f"urn:uuid:00000000-0000-0000-0000-00000000000{n}", content_hash=f"h{n}",
        title=f"Title {n}", summary=f"Summary {n}", html=f"<p>Body {n}</p>", lang="pt",
        lang_group="pt", tags=("ia",), link=f"https://example.org/{n}", author=None,
        published=dt.datetime(2025, 1, n, tzinfo=UTC), updated=dt.datetime(2025, 2, n, tzinfo=UTC),
    )  # fmt: skip
    fields.update(kw)
    if isinstance(fields["html"], str):
        fields["html"] = fields["html"].encode("utf-8", "surrogatepass")  # stored as UTF-8
    return Entry(**fields)


def feed(entries: list[Entry], lang: str | None = "pt") -> ET.Element:
    info = FeedInfo("lang/pt.atom", "lang", "pt", "t: Portuguese", lang)
    data = render(
        info, entries, {"ia": "IA"}, base_url="https://x.org/", feed_id="urn:uuid:f", site_id="https://x.org/",
        author="me", empty_updated=dt.datetime(2024, 1, 1, tzinfo=UTC),
    )  # fmt: skip
    return ET.fromstring(data)


def test_entries_keep_the_given_order() -> None:
    root = feed([entry(3), entry(2), entry(1)])
    assert [e.find(f"{ATOM}title").text for e in root.iter(f"{ATOM}entry")] == [
        "Title 3", "Title 2", "Title 1",
    ]  # fmt: skip


def test_feed_updated_is_the_newest_entry_and_bytes_are_stable() -> None:
    root = feed([entry(1), entry(2)])
    assert root.find(f"{ATOM}updated").text == "2025-02-02T00:00:00+00:00"
    assert ET.tostring(feed([entry(1), entry(2)])) == ET.tostring(root)
    assert feed([]).find(f"{ATOM}updated").text == "2024-01-01T00:00:00+00:00"


def test_xml_lang_on_feed_and_on_entries_that_differ() -> None:
    root = feed([entry(1), entry(2, lang="pt-BR")])
    assert root.get(XML_LANG) == "pt"
    langs = [e.get(XML_LANG) for e in root.iter(f"{ATOM}entry")]
    assert langs == [None, "pt-BR"]
    assert [e.get(XML_LANG) for e in feed([entry(1)], lang=None).iter(f"{ATOM}entry")] == ["pt"]


def test_entry_link_keeps_rel_and_type() -> None:
    link = next(feed([entry(1)]).iter(f"{ATOM}entry")).find(f"{ATOM}link")
    assert link.attrib == {"href": "https://example.org/1", "rel": "alternate", "type": "text/html"}


def test_control_characters_never_reach_the_xml() -> None:
    bad = entry(1, title="Bell\x07 and \x00null", summary="\x1b", html="<p>x\x0bz\ufffe</p>")
    root = feed([bad])
    e = next(root.iter(f"{ATOM}entry"))
    assert e.find(f"{ATOM}title").text == "Bell and null"
    assert e.find(f"{ATOM}content").text == "<p>xz</p>"
    assert e.find(f"{ATOM}summary").text  # an empty summary falls back to the title


def test_stored_html_that_is_not_utf8_never_breaks_the_feed() -> None:
    """feedd stores UTF-8 only; a database edited by something else might not."""
    e = next(feed([entry(1, html=b"<p>caf\xe9 \xff ok</p>")]).iter(f"{ATOM}entry"))
    assert e.find(f"{ATOM}content").text == "<p>caf\ufffd \ufffd ok</p>"


def test_naive_datetimes_are_a_programming_error() -> None:
    with pytest.raises(ValueError):
        feed([entry(1, updated=dt.datetime(2025, 1, 1))])


def test_categories_use_the_first_seen_spelling() -> None:
    cat = next(feed([entry(1)]).iter(f"{ATOM}entry")).find(f"{ATOM}category")
    assert cat.get("term") == "IA"


def test_atomic_write_skips_identical_bytes(tmp_path: Path) -> None:
    path = tmp_path / "out" / "all.atom"
    assert atomic.write(path, b"one")
    inode = path.stat().st_ino
    assert not atomic.write(path, b"one")
    assert path.stat().st_ino == inode
    assert atomic.write(path, b"two") and path.read_bytes() == b"two"
    assert path.stat().st_ino != inode  # replaced by rename, not written in place
    assert [p.name for p in path.parent.iterdir()] == ["all.atom"]  # no temporary file left


def test_atomic_write_failure_leaves_the_old_file(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "all.atom"
    atomic.write(path, b"old")

    def boom(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        atomic.write(path, b"new")
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["all.atom"]


def _poll_during(path: Path, write, versions: list[bytes], rounds: int) -> tuple[int, set, list]:
    """Write ``versions`` in turn ``rounds`` times while a reader parses the file in a loop:
    ``(polls made during the writes, versions the reader saw, what it could not parse)``."""
    stop = threading.Event()
    writing = threading.Event()
    seen: set[int] = set()
    failures: list[Exception] = []
    polls = 0

    def poll() -> None:
        nonlocal polls
        while not stop.is_set():
            try:
                data = path.read_bytes()
                ET.fromstring(data)
                seen.add(versions.index(data))
            except Exception as e:  # noqa: BLE001 - any unreadable state counts
                failures.append(e)
            if writing.is_set():
                polls += 1

    t = threading.Thread(target=poll)
    t.start()
    writing.set()
    for i in range(rounds):
        write(path, versions[i % len(versions)])
        time.sleep(0.001)  # let the reader in between two writes
    writing.clear()
    stop.set()
    t.join()
    return polls, seen, failures


def test_a_polling_reader_never_sees_a_partial_feed(tmp_path: Path) -> None:
    path = tmp_path / "all.atom"
    big = [render(FeedInfo("all.atom", "all", None, "t"), [entry(1, html="<p>" + "x" * n + "</p>")],
                  {}, base_url="https://x.org/", feed_id="urn:uuid:f", site_id="https://x.org/", author="a",
                  empty_updated=dt.datetime(2024, 1, 1, tzinfo=UTC))
           for n in (200_000, 300_000)]  # fmt: skip
    atomic.write(path, big[0])
    polls, seen, failures = _poll_during(path, atomic.write, big, 60)
    assert polls >= 20, "the reader hardly polled while the feed was being written"
    assert seen == {0, 1}, "the reader never saw the feed change: it did not poll in time"
    assert failures == []

    # the same reader against a plain, non-atomic write does see partial feeds: the check
    # above would catch a publisher that wrote in place
    def in_place(p: Path, data: bytes) -> None:
        with open(p, "wb") as fh:
            for k in range(0, len(data), 16384):
                fh.write(data[k : k + 16384])
                fh.flush()

    _, _, broken = _poll_during(path, in_place, big, 60)
    assert broken, "a non-atomic write went unnoticed: the reader cannot tell"


def test_markup_in_any_field_round_trips_as_text() -> None:
    odd = "a & b <c> \"d\" 'e' ]]> &amp;"
    e = entry(
        1,
        title=odd,
        summary=odd,
        author=odd,
        link="https://x.org/?a=1&b='2'",
        tags=("t",),
        html=f"<p>{html.escape(odd)}</p>",
    )
    root = ET.fromstring(render(
        FeedInfo("all.atom", "all", None, odd), [e], {"t": odd}, base_url="https://x.org/",
        feed_id="urn:uuid:f", site_id="s", author=odd, empty_updated=dt.datetime(2024, 1, 1, tzinfo=UTC),
    ))  # fmt: skip
    x = next(root.iter(f"{ATOM}entry"))
    assert root.find(f"{ATOM}title").text == odd
    assert [x.find(f"{ATOM}{k}").text for k in ("title", "summary")] == [odd, odd]
    assert x.find(f"{ATOM}author/{ATOM}name").text == odd
    assert x.find(f"{ATOM}link").get("href") == "https://x.org/?a=1&b='2'"
    assert x.find(f"{ATOM}category").get("term") == odd
    assert ET.fromstring(f"<d>{x.find(f'{ATOM}content').text}</d>").find("p").text == odd
