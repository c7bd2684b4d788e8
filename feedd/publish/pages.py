"""The two files that list the feeds: ``feeds.opml`` (import once, subscribe to all) and
``index.html`` (a human page with feed autodiscovery links)."""

from __future__ import annotations

import html
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote

from ..chars import xml_safe
from .info import FeedInfo, url


@dataclass(frozen=True)
class Listed:
    info: FeedInfo
    shown: int  # entries in the feed file
    total: int  # entries with that tag or language in all


def quoteattr(value: str) -> str:
    """An XML attribute value, quotes included."""
    return '"' + html.escape(value, quote=True) + '"'


def opml(title: str, base_url: str, feeds: list[Listed]) -> bytes:
    """OPML 2.0 with one outline per feed; no dates in it, so it only changes with the list."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "  <head>",
        f"    <title>{html.escape(xml_safe(title))} feeds</title>",
        "  </head>",
        "  <body>",
    ]
    for f in feeds:
        t = quoteattr(xml_safe(f.info.title))
        href, home = quoteattr(url(base_url, f.info.path)), quoteattr(base_url)
        lines.append(f'    <outline type="rss" text={t} title={t} xmlUrl={href} htmlUrl={home}/>')
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines).encode("utf-8")


JSON = "application/feed+json"


def index(
    title: str,
    base_url: str,
    feeds: list[Listed],
    river: list[bytes],
    updated: str | None,
    pages: bool = True,
) -> bytes:
    """The front page: the newest entries of all (``river``: their list items, see html), the
    languages by their own names, the tags by entry count and the remote sources by name,
    each feed's addresses, the OPML, and when the site was last updated (``updated``: the
    newest entry's date)."""
    from . import html as pages_html
    from .html import utf8

    esc = pages_html.esc
    every = next((f for f in feeds if f.info.kind == "all"), None)
    advertised = [f for f in feeds if f.info.kind in ("all", "feed", "lang")] + [
        f for f in feeds if f.info.kind in ("tag", "source")
    ]
    links = []
    for f in advertised:
        links += [("application/atom+xml", f.info.title, url(base_url, f.info.path)),
                  (JSON, f.info.title, url(base_url, f.info.json_path))]  # fmt: skip
    lines = pages_html.head(title, "en", links)
    lines += [f"<header><h1>{esc(title)}</h1>"]
    if every is not None:
        lines.append(pages_html.subscribe(every.info, base_url, ""))
    lines += [
        f'<p class="subscribe">Every feed at once: <a href="feeds.opml">feeds.opml</a> '
        f"<code>{esc(url(base_url, 'feeds.opml'))}</code> "
        f"({pages_html.plural(len(feeds), 'feed', 'feeds')})</p>",
        "</header>",
        "<main>",
        '<section><h2>Newest</h2><ol class="entries">',
    ]
    head_lines, lines = lines, []
    langs = [f for f in feeds if f.info.kind == "lang"]
    langs.sort(key=lambda f: (-f.total, f.info.key or ""))
    named = [(f, f.info.title.removeprefix(f"{title}: ")) for f in feeds if f.info.kind == "tag"]
    named.sort(key=lambda fn: (-fn[0].total, _collate(fn[1])))
    sources = [(f, f.info.title.removeprefix(f"{title}: ")) for f in feeds
               if f.info.kind == "source"]  # fmt: skip
    sources.sort(key=lambda fn: _collate(fn[1]))
    defined = [(f, f.info.title.removeprefix(f"{title}: ")) for f in feeds
               if f.info.kind == "feed"]  # fmt: skip
    defined.sort(key=lambda fn: _collate(fn[1]))
    for heading, group in (
        ("Feeds", [(f, name, pages_html.script_lang(name)) for f, name in defined]),
        ("Languages", [(f, pages_html.lang_name(f.info.key or ""), f.info.key) for f in langs]),
        ("Tags", [(f, name, pages_html.script_lang(name)) for f, name in named]),
        ("Sources", [(f, name, pages_html.script_lang(name)) for f, name in sources]),
    ):
        if group:
            lines += [f"<section><h2>{heading}</h2>", '<ul class="feeds">']
            lines += [_listed(f, label, lang, pages) for f, label, lang in group]
            lines.append("</ul></section>")
    lines.append("</main>")
    tail = ["</ol>" + ("" if river else "<p>No entries yet.</p>") + "</section>", *lines]
    if updated:
        tail.append(f'<footer>Last updated <time datetime="{esc(updated)}">{esc(updated[:10])}'
                    "</time></footer>")  # fmt: skip
    tail += ["</body>", "</html>", ""]
    return b"".join([utf8("\n".join(head_lines)) + b"\n", *river, utf8("\n".join(tail))])


def _listed(f: Listed, label: str, lang: str | None, pages: bool) -> str:
    """A feed in the front page's lists: its page (its Atom feed, with pages off), its entry
    count, its two formats."""
    from .html import esc, lang_attr, page_of

    attr = lang_attr(lang)
    href = page_of(f.info) if pages else f.info.path
    return (
        f'<li><a href="{esc(quote(href))}"{attr}>{esc(label)}</a> '
        f'<span class="meta">{_count(f)} · <a href="{esc(quote(f.info.path))}">Atom</a>'
        f' · <a href="{esc(quote(f.info.json_path))}">JSON</a></span></li>'
    )


def _count(f: Listed) -> str:
    from .html import plural

    if f.shown == f.total:
        return plural(f.total, "entry", "entries")
    return f"newest {f.shown:,} of {plural(f.total, 'entry', 'entries')}"


def _collate(name: str) -> tuple[int, str]:
    """Alphabetical as a reader expects, not by code point: accents and case set aside
    ("Código Aberto" before "Cybersecurity"), Latin letters before other scripts."""
    folded = "".join(
        c for c in unicodedata.normalize("NFKD", name.casefold()) if not unicodedata.combining(c)
    )
    return (0 if folded[:1].isascii() else 1, folded)
