"""Subscriptions in and out as OPML 2.0, the format every feed reader imports and exports."""

from __future__ import annotations

import html
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..chars import xml_safe
from ..errors import OpmlError


@dataclass(frozen=True)
class Subscription:
    url: str
    title: str | None = None


def read(data: bytes) -> list[Subscription]:
    """Every outline with an http(s) ``xmlUrl``, nested folders included, first one kept."""
    if b"<!DOCTYPE" in data[:2048] or b"<!ENTITY" in data[:4096]:
        raise OpmlError("OPML with a DOCTYPE is refused (entity expansion)")
    import xml.etree.ElementTree as ET  # imported late: only for `sources import`

    try:
        root = ET.fromstring(data)
    except ET.ParseError as e:
        raise OpmlError(f"not XML: {e}") from None
    if root.tag != "opml":
        raise OpmlError(f"not OPML: the root element is <{root.tag}>")
    seen: dict[str, Subscription] = {}
    for o in root.iter("outline"):
        url = (o.get("xmlUrl") or o.get("xmlurl") or "").strip()
        if urlsplit(url).scheme in ("http", "https") and url not in seen:
            seen[url] = Subscription(url, o.get("title") or o.get("text") or None)
    return list(seen.values())


def write(title: str, subs: list[Subscription]) -> str:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        f"  <head><title>{html.escape(xml_safe(title))}</title></head>",
        "  <body>",
    ]
    for s in subs:
        text = html.escape(xml_safe(s.title or s.url), quote=True)
        url = html.escape(s.url, quote=True)
        lines.append(f'    <outline type="rss" text="{text}" xmlUrl="{url}"/>')
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)
