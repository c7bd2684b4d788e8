"""Publish the output folder from the store: every feed whose content changed, and the lists.

Reads the store, never a source. Only feeds that may have changed are looked at: the store
marks the feeds each change touches, in the change's own transaction. Each feed looked at has
a signature (its settings and, per entry in its window, id, row hash and dates); one whose
signature is unchanged and whose file is there is not rendered, so a run that changed nothing
queries no feed and writes nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__, parallel
from ..config import Config
from ..ids import feed_id
from ..normalize.dates import from_iso, iso
from ..store import Signed, Store
from . import atomic, html, jsonfeed, pages
from .info import FeedInfo, Origin

EMPTY_FEED_DATE = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)  # only an all-feed with no entry
# What the files look like: bumped when that changes, so that a run after an upgrade writes
# every feed again (2: a JSON Feed beside each Atom feed, which links it).
FORMAT = "2"
RENDER_IN_WORKERS_FROM = 40  # feeds to render; fewer are done in this process
PAGES = ("feeds.opml", "index.html")  # the lists of every feed


# A feed to look at: what it is, and the `updated` it shows while empty.
Look = tuple[FeedInfo, dt.datetime]


@dataclass
class Published:
    feeds: int = 0
    written: list[str] = field(default_factory=list)  # paths (relative) rewritten this run


def plan(store: Store, title: str, sources: dict[int, Origin] | None = None) -> list[Look]:
    """Every feed to publish, with the ``updated`` it shows while empty (``sources``: the
    remote sources, when the caller has them already)."""
    feeds = [(FeedInfo("all.atom", "all", None, title), EMPTY_FEED_DATE)]
    for d in store.matching.defined():  # the config's [[feeds]]
        info = FeedInfo(f"feeds/{d.slug}.atom", "feed", d.slug, f"{title}: {d.name}")
        feeds.append((info, from_iso(d.created)))
    for g in store.feeds.lang_groups():
        name = html.lang_name(g.code)  # by its own name: 中文（简体）, Português
        info = FeedInfo(f"lang/{g.code}.atom", "lang", g.code, f"{title}: {name}", g.code)
        feeds.append((info, from_iso(g.created)))
    for t in store.feeds.tags():
        info = FeedInfo(f"tags/{t.slug}.atom", "tag", t.key, f"{title}: {t.name}")
        feeds.append((info, from_iso(t.created)))
    for sid, o in (origins(store) if sources is None else sources).items():
        info = FeedInfo(f"sources/{o.slug}.atom", "source", str(sid), f"{title}: {o.title}")
        feeds.append((info, EMPTY_FEED_DATE))
    return feeds


def origins(store: Store) -> dict[int, Origin]:
    """Every remote source, by id, as its entries name it."""
    return {
        s.id: Origin(s.slug, s.label, s.url, s.home, s.guid)
        for s in store.sources.all()
        if s.slug  # (every row has one since schema v9)
    }


def _remove_gone(out: Path, feeds: list[Look], pages: bool, present: frozenset[str]) -> list[str]:
    """Delete the files of sources and defined feeds no longer in the config (``present``:
    the files there are, see _present)."""
    kept = set()
    for info, _ in feeds:
        if info.kind in ("source", "feed"):
            kept |= {info.path, info.json_path}
            kept |= {html.page_of(info)} if pages else set()
    gone = []
    for path in sorted(present):
        if (
            path.startswith(("sources/", "feeds/"))
            and path not in kept
            and path.endswith((".atom", ".json", ".html"))
        ):
            with contextlib.suppress(FileNotFoundError):  # (pages off removed it already)
                (out / path).unlink()
                gone.append(path)
    return gone


def _signature(settings: str, info: FeedInfo, rows: list[Signed]) -> str:
    h = hashlib.sha256(f"{settings}\n{info.path}\n{info.title}".encode())
    for r in rows:
        h.update("\n{}:{}:{}:{}".format(*r).encode())
    return h.hexdigest()


# A feed to write: that, and its window (newest first).
Job = tuple[FeedInfo, dt.datetime, list[Signed]]


@dataclass(frozen=True)
class _Shared:
    """What a process that looks at feeds needs besides the feeds."""

    database: Path
    config: Config
    signed: str  # the settings every signature starts with
    now: str
    old: dict[str, str]  # path -> signature the feed was last written with
    present: frozenset[str]  # the feeds' files there are (see _present)


class _EntryCache:
    """Each entry's XML, made once and reused by every feed it is in, dropped after the last.

    An entry sits in the all-feed, its language's feed and one feed per tag; making its XML
    once instead of once per feed spares all the renderings but the first.
    """

    def __init__(self, store: Store, config: Config, jobs: list[Job]) -> None:
        self.store = store
        self.slugs = tag_slugs(store)
        self.names = {key: name for key, (name, _slug) in self.slugs.items()}
        self.settings = {  # what each entry's three forms are made with
            "base_url": config.base_url,
            "author": config.author,
            "site_id": config.site_id,
            "origins": origins(store),
            "pages": config.pages,
        }
        self.refs = Counter(r.id for _info, _empty, rows in jobs for r in rows)
        self.xml: dict[tuple[str, bool, str], bytes] = {}
        self.json: dict[tuple[str, str], bytes] = {}  # by published id and entry: no xml:lang
        self.html: dict[str, bytes] = {}  # each entry's item in the pages (all one level down)
        # id -> the entry's language, and the ids it is published under (see store.stories)
        self.seen: dict[str, tuple[str, str, str]] = {}

    def feed(self, info: FeedInfo, ids: list[str]) -> tuple[list[bytes], list[bytes], list[bytes]]:
        """The feed's entries as Atom XML, as JSON Feed items and as its page's list items,
        in order."""
        from . import atom, jsonfeed

        # entries never seen, and seen ones wanted with the other xml:lang: one query for all
        need = [i for i in ids if self._key(i, info) not in self.xml]
        fresh = self.store.feeds.entries(need) if need else {}
        parts, items, listed = [], [], []
        for i in ids:
            if i in fresh:
                e = fresh[i]
                self.seen[i] = (e.lang, e.story, e.lang_id)
                if i not in self.html:
                    st = self.settings
                    self.html[i] = html.item_html(
                        e, self.slugs, site_id=st["site_id"], up="../", origins=st["origins"],
                        pages=st["pages"],
                    )  # fmt: skip
            key = self._key(i, info)
            if key not in self.xml:
                self.xml[key] = atom.entry_xml(
                    fresh[i], self.names, feed_lang=info.lang, published_id=key[2],
                    **self.settings,
                )  # fmt: skip
            parts.append(self.xml[key])
            item_key = (key[2], i)
            if item_key not in self.json:
                self.json[item_key] = jsonfeed.item_json(
                    fresh[i], self.names, published_id=key[2], **self.settings
                )
            items.append(self.json[item_key])
            listed.append(self.html[i])
            self.refs[i] -= 1
            if not self.refs[i]:
                self.html.pop(i, None)
                _lang, story, lang_id = self.seen.pop(i)
                for pid in (story, lang_id, i):
                    self.json.pop((pid, i), None)
                    for own_lang in (True, False):
                        self.xml.pop((i, own_lang, pid), None)
        return parts, items, listed

    def _key(self, eid: str, info: FeedInfo) -> tuple[str, bool, str] | None:
        """The cache key of an entry's XML in this feed: its id, whether it needs its own
        ``xml:lang``, and the id it is published under here (in a language feed a story's
        copy may have an id of its own; mostly the same XML serves every feed); None while
        the entry is not known."""
        seen = self.seen.get(eid)
        if seen is None:
            return None
        lang, story, lang_id = seen
        kind = info.scope[0]
        # a source's feed shows each of its copies under the copy's own id (see store.stories)
        # and a defined feed a story's first copy that matches it (see store.matching)
        pid = lang_id if kind in ("lang", "feed") else eid if kind == "source" else story
        return (eid, lang != info.lang, pid)


def _written(config: Config, info: FeedInfo, present: frozenset[str]) -> bool:
    """Whether the feed's files are there (``present``: see ``_present``): Atom, JSON Feed
    and its page."""
    paths = (info.path, info.json_path) + ((html.page_of(info),) if config.pages else ())
    return all(p in present for p in paths)


def _present(out: Path) -> frozenset[str]:
    """The files of the output's feeds there are: one listing a folder, where asking after
    each file took a stat call each (1,600 of them for 400 feeds, on every run)."""
    found = []
    for folder in ("", "tags/", "lang/", "sources/", "feeds/"):
        with contextlib.suppress(OSError):
            found += [folder + name for name in os.listdir(out / folder)]
    return frozenset(found)


def _look(shared: _Shared, feeds: list[Look]) -> tuple[dict[str, str], list[str]]:
    """Sign each feed's window; render and write those whose signature moved (or whose file
    is missing). Returns the new signatures of the feeds written and the paths whose bytes
    changed."""
    store = Store(shared.database, readonly=True)
    try:
        jobs: list[Job] = []
        sigs: dict[str, str] = {}
        for info, empty_updated in feeds:
            rows = store.feeds.window(info.scope, shared.now, shared.config.max_entries)
            sig = _signature(shared.signed, info, rows)
            if shared.old.get(info.path) != sig or not _written(
                shared.config, info, shared.present
            ):
                jobs.append((info, empty_updated, rows))
                sigs[info.path] = sig
        return sigs, _render(store, shared.config, jobs) if jobs else []
    finally:
        store.close()


def _render(store: Store, config: Config, jobs: list[Job]) -> list[str]:
    """Render and write the given feeds; the paths whose bytes changed."""
    cache = _EntryCache(store, config, jobs)
    with atomic.Writes() as writes:
        for job in jobs:
            for path, data in _files(config, cache, job):
                writes.add(config.output / path, data, path)
    return writes.changed


def _files(config: Config, cache: _EntryCache, job: Job) -> list[tuple[str, bytes]]:
    """A feed's files: its Atom feed, its JSON Feed and its page (relative path, bytes)."""
    from . import atom  # feedgen and lxml: only loaded when a feed is rendered

    info, empty_updated, rows = job
    updated = max((from_iso(r.updated) for r in rows), default=empty_updated)
    json_path = info.json_path
    head = atom.head_xml(
        info,
        base_url=config.base_url,
        feed_id=feed_id(config.site_id, info.path),
        author=config.author,
        updated=updated,
        pages=config.pages,
        hubs=config.websub_hubs,
    )
    entries, items, listed = cache.feed(info, [r.id for r in rows])
    json_head = jsonfeed.head(
        info, base_url=config.base_url, feed_url=pages.url(config.base_url, json_path),
        author=config.author, hubs=config.websub_hubs,
    )  # fmt: skip
    files = [(info.path, atom.assemble(head, entries)),
             (json_path, jsonfeed.assemble(json_head, items))]  # fmt: skip
    if info.kind != "all" and config.pages:  # (the all-feed's: the front page)
        page = html.feed_page(info, site_title=config.title, base_url=config.base_url,
                              updated=updated, items=listed)  # fmt: skip
        files.append((html.page_of(info), page))
    return files


def _look_at(args: tuple[_Shared, list[Look]]) -> tuple[dict[str, str], list[str]]:
    return _look(*args)


def _look_all(shared: _Shared, feeds: list[Look]) -> tuple[dict[str, str], list[str]]:
    """Feeds are independent: with many to look at (a cold start, new settings), they are
    split over the CPU cores, windows and signatures included (an entry in feeds of two
    parts is then made twice, a small price)."""
    workers = parallel.workers()
    if len(feeds) < RENDER_IN_WORKERS_FROM or workers < 2:
        return _look(shared, feeds)
    from . import atom  # noqa: F401 - loaded once here, inherited by the workers

    sigs: dict[str, str] = {}
    written: list[str] = []
    with parallel.pool(workers, "publishing feeds") as pool:
        for part_sigs, part_written in pool.map(
            _look_at, [(shared, feeds[i::workers]) for i in range(workers)]
        ):
            sigs.update(part_sigs)
            written.extend(part_written)
    return sigs, sorted(written)


PAGES_IN_WORKERS_FROM = 400  # entry pages to write; fewer are written in this process
_PAGES_A_QUERY = 500


def _entry_pages(store: Store, config: Config, now: str, anew: bool) -> list[str]:
    """Write the page of each entry without a link of its own that changed since its page
    was written (every one, ``anew``: the settings moved or the pages are gone), and delete
    those whose entry went; the paths written or deleted."""
    if anew:
        store.feeds.forget_pages()
    due = store.feeds.pages_due(now)
    gone = store.feeds.pages_gone(now)
    changed = []
    for eid in gone:
        path = html.page_path(config.site_id, eid)
        with contextlib.suppress(FileNotFoundError):
            (config.output / path).unlink()
            changed.append(path)
    workers = parallel.workers()
    if len(due) < PAGES_IN_WORKERS_FROM or workers < 2:
        changed += _write_pages(store, config, [eid for eid, _sig in due])
    else:
        parts = [
            (store.path, config, [eid for eid, _sig in due[i::workers]]) for i in range(workers)
        ]
        with parallel.pool(workers, "writing entry pages") as pool:
            for written in pool.map(_write_pages_at, parts):
                changed += written
    store.feeds.pages_written(due, gone)  # once the files are in place
    return sorted(changed)


def _write_pages_at(args: tuple[Path, Config, list[str]]) -> list[str]:
    database, config, ids = args
    store = Store(database, readonly=True)
    try:
        return _write_pages(store, config, ids)
    finally:
        store.close()


def _write_pages(store: Store, config: Config, ids: list[str]) -> list[str]:
    """Write these entries' pages."""
    slugs = tag_slugs(store)
    sources = origins(store)
    with atomic.Writes() as writes:
        for lo in range(0, len(ids), _PAGES_A_QUERY):
            for e in store.feeds.entries(ids[lo : lo + _PAGES_A_QUERY]).values():
                page = html.entry_page(
                    e, slugs, site_title=config.title, site_id=config.site_id, origins=sources
                )
                path = html.page_path(config.site_id, e.id)
                writes.add(config.output / path, page, path)
    return writes.changed


def _remove_pages(store: Store, out: Path) -> list[str]:
    """With pages turned off, the pages written before go: the feeds' pages and the entries'
    (the front page stays, listing the feeds)."""
    gone = []
    for folder in ("tags", "lang", "sources", "feeds", "entries"):
        if (out / folder).is_dir():
            for f in sorted((out / folder).glob("*.html")):
                f.unlink(missing_ok=True)
                gone.append(f"{folder}/{f.name}")
    store.feeds.forget_pages()
    return gone


def tag_slugs(store: Store) -> dict[str, tuple[str, str]]:
    """Each tag's name and slug, by key: what pages link tags by."""
    return {t.key: (t.name, t.slug) for t in store.feeds.tags()}


def _river(
    store: Store, config: Config, now: str, sources: dict[int, Origin]
) -> tuple[list[bytes], str | None]:
    """The front page's newest entries (the all-feed's window) as list items, and the
    newest one's date: when the site was last updated."""
    rows = store.feeds.window(("all", ""), now, config.max_entries)
    found = store.feeds.entries([r.id for r in rows])
    slugs = tag_slugs(store)
    items = [
        html.item_html(
            found[r.id], slugs, site_id=config.site_id, up="", origins=sources, pages=config.pages
        )  # fmt: skip
        for r in rows
        if r.id in found
    ]
    return items, max((r.updated for r in rows), default=None)


def publish(store: Store, config: Config, now: dt.datetime) -> Published:
    """Render every feed whose signature moved, then the OPML and the index.

    Only feeds that may have changed are looked at: those the store marked dirty since the
    last publish, those with entries that came due since, and those whose file is missing;
    all of them when the settings (or the clock, backwards) moved since.
    """
    out = config.output
    atomic.remove_leftovers(out)
    now_s = iso(now)
    limit = config.max_entries
    settings = "\n".join(
        [__version__, FORMAT, config.title, config.author, config.base_url, config.site_id,
         str(limit), str(config.pages), *config.websub_hubs]
    )  # fmt: skip
    last = store.feeds.publish_state()
    then = last.get("now")  # the clock of the last publish
    dirty_upto, dirty = store.feeds.dirty()
    everything = then is None or last.get("settings") != settings or now_s < then
    if not everything and then < now_s:
        dirty |= store.feeds.came_due(then, now_s)
    # a source renamed or retitled: the feeds of its entries (each names it: atom's <source>)
    sources = origins(store)
    about = {str(i): list(o) for i, o in sources.items()}
    before = json.loads(last.get("origins") or "{}")
    moved = {int(i) for i in about.keys() | before.keys() if about.get(i) != before.get(i)}
    if moved and not everything:
        dirty |= store.feeds.of_sources(moved) | {("source", str(i)) for i in moved}
    feeds = plan(store, config.title, sources)
    result = Published(feeds=len(feeds))
    present = _present(out)
    # A source's feed is looked at after any change: few, and the store marks no facet per
    # source (an entry's copies may come from several); its signature decides the rewrite.
    look = [
        (info, empty)
        for info, empty in feeds
        if everything
        or info.scope in dirty
        or (dirty and info.kind == "source")
        or not _written(config, info, present)
    ]
    new_sigs: dict[str, str] = {}
    if look:
        old = store.feeds.feed_signatures()
        shared = _Shared(store.path, config, settings, now_s, old, present)
        new_sigs, result.written = _look_all(shared, look)
    if not config.pages:
        if everything:
            result.written += _remove_pages(store, out)
    elif (anew := everything or not (out / "entries").is_dir()) or dirty:
        # (no entry changed without marking a feed dirty)
        result.written += _entry_pages(store, config, now_s, anew)
    result.written += _remove_gone(out, feeds, config.pages, present)
    pages_missing = not all(n in present for n in PAGES)
    if everything or dirty or pages_missing:
        counts = store.feeds.counts(now_s)
        listed = [
            pages.Listed(info, min(counts.get(info.scope, 0), limit), counts.get(info.scope, 0))
            for info, _ in feeds
        ]
        river, updated = _river(store, config, now_s, sources)
        for name, data in (
            ("feeds.opml", pages.opml(config.title, config.base_url, listed)),
            (
                "index.html",
                pages.index(config.title, config.base_url, listed, river, updated, config.pages),
            ),  # fmt: skip
        ):
            if atomic.write(out / name, data):
                result.written.append(name)
    if everything or dirty or new_sigs or moved:  # (recorded once every file is in place)
        origins_json = json.dumps(about, ensure_ascii=False, sort_keys=True)
        store.feeds.published(new_sigs, dirty_upto, settings, now_s, origins_json)
    return result
