"""Write Atom 1.0 feeds (RFC 4287): feedgen makes each feed's head, feedd its entries.

A feed is its head (id, title, links, ``updated``) followed by its entries' XML, which the
publisher makes once per entry and shares between the feeds the entry is in. The feed's
``updated`` is the newest entry's, never the clock, so an unchanged feed is byte-for-byte the
same; entries keep the order given; an entry whose language differs from its feed's says so
with ``xml:lang``. Every string is cleaned of XML-illegal characters, so no stored text can
make a feed invalid; a naive datetime is a programming error and raises ValueError.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
from collections.abc import Callable

from feedgen.feed import FeedGenerator

from .. import PROJECT_URL, __version__
from ..chars import illegal_utf8, xml_safe
from ..ids import public_entry_id
from ..models import Enclosure, Entry
from ..normalize import media
from .html import entry_url, page_of
from .info import FeedInfo, Origin, absolute_url, origin_of, url


def assemble(head: bytes, entries: list[bytes]) -> bytes:
    """A feed from its head (see ``head_xml``) and its entries' XML, in order."""
    return b"".join([head, *entries, b"</feed>\n"])


def head_xml(
    info: FeedInfo,
    *,
    base_url: str,
    feed_id: str,
    author: str,
    updated: dt.datetime,
    pages: bool = True,
    hubs: tuple[str, ...] = (),
) -> bytes:
    """The feed element's opening and metadata: a feed up to its first entry; it links its
    page (the front page, with pages off) and the JSON Feed of the same entries."""
    fg = FeedGenerator()
    fg.id(feed_id)
    fg.title(xml_safe(info.title))
    fg.author({"name": xml_safe(author)})
    fg.link(href=url(base_url, info.path), rel="self", type="application/atom+xml")
    for hub in hubs:  # WebSub: where to subscribe to be told of changes at once
        fg.link(href=hub, rel="hub")
    page = page_of(info, pages)  # its page for people (the all-feed's is the front page)
    page_url = base_url if page == "index.html" else url(base_url, page)
    fg.link(href=page_url, rel="alternate", type="text/html")
    fg.link(href=url(base_url, info.json_path), rel="alternate", type="application/feed+json")
    fg.generator("feedd", __version__, PROJECT_URL)
    if info.lang:
        fg.language(info.lang)
    fg.updated(updated)
    data = fg.atom_str(pretty=True)
    return data[: data.rindex(b"</feed>")]


def entry_xml(
    e: Entry,
    tag_names: dict[str, str],
    *,
    base_url: str,
    author: str,
    feed_lang: str | None,
    site_id: str,
    published_id: str | None = None,
    origins: dict[int, Origin] | None = None,
    pages: bool = True,
) -> bytes:
    """One ``<entry>`` element, as it appears in any feed whose ``xml:lang`` is ``feed_lang``,
    under ``published_id`` (its story's id, or its language copy's: see store.stories).

    An entry looks the same in every feed it is in, so the publisher makes it once and
    reuses the bytes. Written here rather than by feedgen: building it through feedgen's
    objects and lxml is much slower, and entries are most of a feed. Stored text was
    cleaned of XML-illegal characters when it was normalized, so it goes in as it is (escaped);
    should any slip through anyway, the entry is made again with every string cleaned: never
    invalid XML, never a crash. An entry from a remote source names it (``origins``: by
    source id) in an Atom ``<source>`` (RFC 4287 4.2.11).
    """
    pid = published_id or e.story or e.id
    origin = origin_of(e.source_id, origins)
    link = entry_url(e, base_url, site_id, pages)
    args = (e, tag_names, base_url, author, feed_lang, site_id, pid, origin, link)
    try:
        data = _entry_xml(*args, _as_is)
        if not illegal_utf8(data):
            return data
    except (UnicodeEncodeError, UnicodeDecodeError):  # a lone surrogate, bytes not UTF-8
        pass
    return _entry_xml(*args, xml_safe)


def _as_is(s: str) -> str:
    return s


def _entry_xml(
    e: Entry,
    tag_names: dict[str, str],
    base_url: str,
    author: str,
    feed_lang: str | None,
    site_id: str,
    published_id: str,
    origin: Origin | None,
    link: str | None,
    safe: Callable[[str], str],
) -> bytes:
    def text(s: str) -> str:
        return html.escape(safe(s), quote=False)

    title = text(e.title) or "(untitled)"
    head = (
        f"<entry{_attr('xml:lang', e.lang) if e.lang != feed_lang else ''}>\n"
        f"  <id>{text(public_entry_id(site_id, published_id))}</id>\n  <title>{title}</title>\n"
        f"  <updated>{_date(e.updated)}</updated>\n"
        f"  <author>\n    <name>{text(e.author or author)}</name>\n  </author>\n"
        '  <content type="html">'
    )
    # The body, most of an entry, stays bytes: escaping UTF-8 needs no decoding (only a check
    # that it is UTF-8: a database edited by something else might hold anything)
    if safe is _as_is:
        e.html.decode()  # raises UnicodeDecodeError: then made again, with every string cleaned
        body = e.html
    else:
        body = safe(e.html.decode("utf-8", "replace")).encode()
    body = body.replace(b"&", b"&amp;").replace(b"<", b"&lt;").replace(b">", b"&gt;")
    out = ["</content>\n"]
    if link:
        out.append(f'  <link{_attr("href", link)} rel="alternate" type="text/html"/>\n')
    for credit in e.credits:  # the story's other copies (see store.stories)
        lang = _attr("hreflang", credit.hreflang) if credit.hreflang else ""
        out.append(f'  <link{_attr("href", credit.href)} rel="{credit.rel}"{lang}/>\n')
    if e.enclosures:
        out.append(_enclosures(e.enclosures, base_url))
    if origin is not None:
        out.append(_source(origin))
    out.append(f"  <summary>{text(e.summary) or title}</summary>\n")
    scheme = base_url + "tags/"
    out.extend(_category(tag_names.get(key, key), scheme) for key in e.tags)
    out.append(f"  <published>{_date(e.published)}</published>\n</entry>\n")
    return b"".join(
        [head.encode(), body or text(f"<p>{title}</p>").encode(), "".join(out).encode()]
    )


def _source(o: Origin) -> str:
    """Where a remote entry came from: its feed's id, title and links."""
    home = ""
    if o.home:
        home = f'    <link{_attr("href", o.home)} rel="alternate" type="text/html"/>\n'
    return (
        f"  <source>\n    <id>{html.escape(xml_safe(o.guid or o.url), quote=False)}</id>\n"
        f"    <title>{html.escape(xml_safe(o.title), quote=False)}</title>\n"
        f'    <link{_attr("href", o.url)} rel="self"/>\n{home}  </source>\n'
    )


MEDIA_NS = "http://search.yahoo.com/mrss/"


def _enclosures(enclosures: tuple[Enclosure, ...], base_url: str) -> str:
    """An Atom ``link rel="enclosure"`` for each (RFC 4287 4.2.7.2; type and length when
    known), and the first image again as a Media RSS thumbnail, which readers show beside
    the entry. The namespace is declared on the element itself, so that a feed's head stays
    the same bytes whether its entries have images or not."""
    out = []
    image = None
    for enc in enclosures:
        if not media.stored(enc.url):  # a database edited by others may hold anything
            continue
        href = html.escape(absolute_url(base_url, enc.url))
        attrs = f' href="{href}"'
        if enc.type:
            attrs += _attr("type", enc.type)
        if enc.length:
            attrs += f' length="{int(enc.length)}"'
        out.append(f'  <link rel="enclosure"{attrs}/>\n')
        if image is None and enc.image:
            image = href
    if image is not None:
        out.append(f'  <media:thumbnail xmlns:media="{MEDIA_NS}" url="{image}"/>\n')
    return "".join(out)


@functools.lru_cache(maxsize=4096)  # a tag is in many entries
def _category(term: str, scheme: str) -> str:
    return f"  <category{_attr('term', term)}{_attr('scheme', scheme)}/>\n"


def _attr(name: str, value: str) -> str:
    return f' {name}="{html.escape(xml_safe(value))}"'


def _date(d: dt.datetime) -> str:
    if d.utcoffset() is None:
        raise ValueError(f"a naive datetime cannot go into a feed: {d}")
    return d.isoformat()
