"""The two files that list the feeds: ``feeds.opml`` (import once, subscribe to all) and
``index.html`` (a human page with feed autodiscovery links)."""

from __future__ import annotations

import html
from dataclasses import dataclass
from urllib.parse import quote

from ..chars import xml_safe
from .info import FeedInfo


@dataclass(frozen=True)
class Listed:
    info: FeedInfo
    shown: int  # entries in the feed file
    total: int  # entries with that tag or language in all


def quoteattr(value: str) -> str:
    """An XML attribute value, quotes included."""
    return '"' + html.escape(value, quote=True) + '"'


def url(base_url: str, path: str) -> str:
    return base_url + quote(path, safe="/")


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


_SECTIONS = (("all", "Everything"), ("lang", "By language"), ("tag", "By tag"))


def index(title: str, base_url: str, feeds: list[Listed]) -> bytes:
    """A plain HTML page: every feed, its entry count, and autodiscovery ``<link>`` tags."""
    esc = html.escape
    head = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title>",
    ]
    for f in feeds:
        head.append(
            f'<link rel="alternate" type="application/atom+xml" title="{esc(f.info.title)}" '
            f'href="{esc(url(base_url, f.info.path))}">'
        )
    head += [
        "<style>body{font:16px/1.5 system-ui,sans-serif;max-width:50rem;margin:2rem auto;"
        "padding:0 1rem}li{margin:.2rem 0}small{color:#666}</style>",
        "</head>",
        "<body>",
        f"<h1>{esc(title)}</h1>",
        f'<p>Subscribe to any feed below, or to all of them at once with <a href="feeds.opml">'
        f"feeds.opml</a> ({len(feeds)} feeds).</p>",
    ]
    body: list[str] = []
    for kind, heading in _SECTIONS:
        group = [f for f in feeds if f.info.kind == kind]
        if not group:
            continue
        body.append(f"<h2>{heading}</h2>")
        body.append("<ul>")
        for f in group:
            count = (
                f"{f.shown} entries" if f.shown == f.total else f"{f.shown} of {f.total} entries"
            )
            body.append(
                f'<li><a href="{esc(quote(f.info.path, safe="/"))}">{esc(f.info.title)}</a> '
                f"<small>{count}</small></li>"
            )
        body.append("</ul>")
    tail = ["</body>", "</html>", ""]
    return "\n".join(head + body + tail).encode("utf-8")
