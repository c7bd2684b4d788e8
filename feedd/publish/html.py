"""Pages for people: an HTML page beside every feed, and one for each entry without a link.

A feed's page (``tags/ai.html`` beside ``tags/ai.atom``) lists the feed's entries, newest
first, with date, language, tags and summary, and advertises the feed in both formats. An
entry that has no link of its own (a seed file without ``url``) gets a page of its own,
``entries/<uuid>.html``, named from its public id, so its address never moves; that page is
the entry's link in every feed. Plain HTML and CSS: no script, no font or style from
elsewhere (a Content-Security-Policy says so to the browser), light and dark, readable from a
phone's width up; every element in another language than its page says so with ``lang``, so
Chinese text gets Chinese fonts and line breaking.

Like feed entries, an entry's list item is made once and shared by every page it is in. Links
between pages are relative, so the folder reads the same from a server or straight from disk.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
from urllib.parse import quote

from ..chars import xml_safe
from ..ids import public_entry_id
from ..models import Entry
from .info import FeedInfo, Origin, origin_of, url

# Languages by their own names, as a reader of each looks for it; "und" is what it is.
NATIVE_NAMES = {
    "zh-Hans": "中文（简体）", "zh-Hant": "中文（繁體）", "en": "English", "pt": "Português",
    "es": "Español", "fr": "Français", "de": "Deutsch", "it": "Italiano", "ja": "日本語",
    "ko": "한국어", "ru": "Русский", "ar": "العربية", "nl": "Nederlands", "pl": "Polski",
    "tr": "Türkçe", "vi": "Tiếng Việt", "id": "Bahasa Indonesia", "hi": "हिन्दी",
    "und": "Language not detected",
}  # fmt: skip

CSS = (
    ":root{color-scheme:light dark;--fg:#1b1b1b;--bg:#fdfdfc;--muted:#5f6368;--link:#0b57d0;"
    "--rule:#e3e3e3}"
    "@media (prefers-color-scheme:dark){:root{--fg:#e8e6e3;--bg:#161718;--muted:#a0a4a8;"
    "--link:#8ab4f8;--rule:#33363a}}"
    "body{font:1rem/1.6 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:var(--fg);"
    "background:var(--bg);max-width:46rem;margin:0 auto;padding:1rem}"
    ":lang(zh-Hans){font-family:system-ui,'PingFang SC','Noto Sans CJK SC','Microsoft YaHei',"
    "sans-serif}"
    ":lang(zh-Hant){font-family:system-ui,'PingFang TC','Noto Sans CJK TC',"
    "'Microsoft JhengHei',sans-serif}"
    ":lang(ja){font-family:system-ui,'Hiragino Sans','Noto Sans CJK JP',sans-serif}"
    "a{color:var(--link)}h1{font-size:1.6rem;line-height:1.3}h2{font-size:1.15rem;margin:0}"
    ".meta,footer,.subscribe{color:var(--muted);font-size:.9rem}"
    "ol.entries,ul.feeds{list-style:none;padding:0}ol.entries li{border-top:1px solid var(--rule);"
    "padding:.8rem 0}.summary{margin:.3rem 0 0}code{overflow-wrap:anywhere;font-size:.85rem}"
    "img,video{max-width:100%;height:auto}pre,table{display:block;overflow-x:auto;max-width:100%}"
    "main{overflow-wrap:anywhere}"  # a long URL or unbroken word never widens the page
)
CSP = (  # no script, nothing fetched but the article's own images and media
    "default-src 'none'; style-src 'unsafe-inline'; img-src http: https: data:; "
    "media-src http: https:"
)


def page_path(site_id: str, entry_id: str) -> str:
    """Where an entry's own page goes: named from its public id, which never changes."""
    public = public_entry_id(site_id, entry_id)
    name = public.removeprefix("urn:uuid:")
    if name == public or not name.replace("-", "").isalnum():  # a pinned id of another form
        name = hashlib.sha256(public.encode()).hexdigest()[:32]
    return f"entries/{name}.html"


def entry_url(e: Entry, base_url: str, site_id: str, pages: bool = True) -> str | None:
    """Where an entry leads, in every feed: its own link, else its page on this site (none
    with pages off)."""
    return e.link or (url(base_url, page_path(site_id, e.id)) if pages else None)


def page_of(info: FeedInfo, pages: bool = True) -> str:
    """A feed's page: ``index.html`` for the all-feed (the river), else beside the feed;
    with pages off, the front page for every feed."""
    if info.kind == "all" or not pages:
        return "index.html"
    return info.path.removesuffix(".atom") + ".html"


def _up(path: str) -> str:
    """From a page at ``path`` back to the folder's root."""
    return "../" * path.count("/")


def esc(s: str) -> str:
    """Text as HTML. Stored text was cleaned of control characters when it was normalized;
    one that a database edited by others holds is only a parse error, not a danger."""
    return html.escape(s)


def lang_name(code: str) -> str:
    return NATIVE_NAMES.get(code, code)


_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def script_lang(text: str) -> str | None:
    """A ``lang`` for a label of no known language (a tag's name) written in a CJK script,
    so that it gets CJK fonts: ``ja`` for kana, ``ko`` for hangul, ``zh`` for Han alone."""
    if _KANA.search(text):
        return "ja"
    if _HANGUL.search(text):
        return "ko"
    return "zh" if _HAN.search(text) else None


def lang_attr(lang: str | None) -> str:
    return f' lang="{esc(lang)}"' if lang else ""


def head(
    title: str, lang: str, feeds: list[tuple[str, str, str]], title_lang: str | None = None
) -> list[str]:
    """A page's ``<head>`` and the body's opening; ``feeds``: (type, title, url) to advertise;
    ``title_lang``: the title's language, where it is not the page's."""
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{esc(lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        f"<title{lang_attr(title_lang)}>{esc(title)}</title>",
        '<link rel="icon" href="data:,">',  # none: a browser asks for /favicon.ico otherwise
    ]
    out += [
        f'<link rel="alternate" type="{kind}" title="{esc(t)}" href="{esc(url)}">'
        for kind, t, url in feeds
    ]
    out += [f"<style>{CSS}</style>", "</head>", "<body>"]
    return out


def item_html(
    e: Entry,
    tag_slugs: dict[str, tuple[str, str]],
    *,
    site_id: str,
    up: str,
    origins: dict[int, Origin] | None = None,
    pages: bool = True,
) -> bytes:
    """An entry in a page's list: title (to its link, or its own page), date, language,
    tags, source and summary; ``up`` leads from the page to the root. ``tag_slugs``: key ->
    (name, slug); ``origins``: the remote sources by id; with ``pages`` off, tags and
    sources lead to their feeds."""
    link = web_url(e.link)
    href = link or (up + page_path(site_id, e.id) if pages else None)
    ext = ".html" if pages else ".atom"
    tags = _tag_links(e, tag_slugs, up, ext)
    meta = [_time(e.published), f"<span>{esc(lang_name(e.lang_group or e.lang))}</span>"]
    if e.author:
        meta.append(f"<span>{esc(e.author)}</span>")
    if tags:
        meta.append(f"<span>{tags}</span>")
    origin = origin_of(e.source_id, origins)
    if origin is not None:
        meta.append(_origin_link(origin, up, ext))
    elif link:
        meta.append(f'<a href="{esc(link)}">{esc(_host(link))}</a>')
    title = esc(e.title) or "(untitled)"
    if href:
        title = f'<a href="{esc(href)}">{title}</a>'
    return (
        f'<li><article lang="{esc(e.lang)}"><h2>{title}</h2>'
        f'<p class="meta">{" · ".join(meta)}</p>'
        f'<p class="summary">{esc(e.summary)}</p></article></li>\n'
    ).encode(errors="replace")  # (see utf8)


def feed_page(
    info: FeedInfo, *, site_title: str, base_url: str, updated: dt.datetime, items: list[bytes]
) -> bytes:
    """The page beside a tag or language feed: its entries, and its feeds to subscribe to."""
    path = page_of(info)
    up = _up(path)
    atom_url, json_url = url(base_url, info.path), url(base_url, info.json_path)
    title_lang = info.lang or script_lang(info.title)
    lines = head(
        info.title,
        "en",  # what the page says around the entries; each entry says its own language
        [("application/atom+xml", info.title, atom_url),
         ("application/feed+json", info.title, json_url)],
        title_lang,
    )  # fmt: skip
    lines += [
        f'<header><p><a href="{up}index.html">{esc(site_title)}</a></p>',
        f"<h1{lang_attr(title_lang)}>{esc(info.title)}</h1>",
        subscribe(info, base_url, up),
        "</header>",
        '<main><ol class="entries">',
    ]
    tail = [
        "</ol>" + ("" if items else "<p>No entries yet.</p>") + "</main>",
        f"<footer>{plural(len(items), 'entry', 'entries')} · updated {_time(updated)}</footer>",
        "</body>",
        "</html>",
        "",
    ]
    return b"".join([utf8("\n".join(lines)) + b"\n", *items, utf8("\n".join(tail))])


def subscribe(info: FeedInfo, base_url: str, up: str) -> str:
    """The feed's two addresses, each a link and a text to copy."""
    atom_url, json_url = url(base_url, info.path), url(base_url, info.json_path)
    return (
        f'<p class="subscribe">Subscribe: <a href="{esc(up + quote(info.path))}">Atom</a> '
        f"<code>{esc(atom_url)}</code> · "
        f'<a href="{esc(up + quote(info.json_path))}">JSON Feed</a> '
        f"<code>{esc(json_url)}</code></p>"
    )


def entry_page(
    e: Entry,
    tag_slugs: dict[str, tuple[str, str]],
    *,
    site_title: str,
    site_id: str,
    origins: dict[int, Origin] | None = None,
) -> bytes:
    """An entry's own page: its content, date, tags, language, author, and its story's other
    copies. The content is the stored HTML, sanitized when it was stored (see
    normalize.html); should a database edited by others hold a script or a handler anyway,
    the page's Content-Security-Policy keeps the browser from running it."""
    up = _up(page_path(site_id, e.id))
    lines = head(e.title or "(untitled)", e.lang, [])
    tags = _tag_links(e, tag_slugs, up)
    meta = [f"published {_time(e.published)}"]
    if e.updated != e.published:
        meta.append(f"updated {_time(e.updated)}")
    lang_link = f'<a href="{up}lang/{quote(e.lang_group)}.html">{esc(lang_name(e.lang_group))}</a>'
    meta.append(lang_link if e.lang_group else "")
    if e.author:
        meta.append(esc(e.author))
    if tags:
        meta.append(tags)
    origin = origin_of(e.source_id, origins)
    if origin is not None:
        meta.append(_origin_link(origin, up))
    lines += [
        f'<header><p lang="en"><a href="{up}index.html">{esc(site_title)}</a></p></header>',
        '<main><article class="entry">',
        f"<h1>{esc(e.title) or '(untitled)'}</h1>",
        f'<p class="meta">{" · ".join(m for m in meta if m)}</p>',
        f'<div class="content">{_content(e)}</div>',
    ]
    if e.credits:
        lines.append('<section lang="en"><h2>Other copies of this story</h2><ul>')
        for c in e.credits:
            if not web_url(c.href):
                continue
            lang = f' hreflang="{esc(c.hreflang)}" lang="{esc(c.hreflang)}"' if c.hreflang else ""
            label = lang_name(c.hreflang) if c.hreflang else _host(c.href)
            lines.append(f'<li><a href="{esc(c.href)}"{lang}>{esc(label)}</a></li>')
        lines.append("</ul></section>")
    lines += ["</article></main>", "</body>", "</html>", ""]
    return utf8("\n".join(lines))


def _origin_link(o: Origin, up: str, ext: str = ".html") -> str:
    """A remote entry's source: its feed's page on this site (or its feed: ``ext``)."""
    attr = lang_attr(script_lang(o.title))
    href = up + quote(o.page.removesuffix(".html") + ext)
    return f'<span>via <a href="{esc(href)}"{attr}>{esc(o.title)}</a></span>'


def _tag_links(e: Entry, tag_slugs: dict[str, tuple[str, str]], up: str, ext: str = ".html") -> str:
    return ", ".join(
        f'<a href="{esc(up + "tags/" + quote(slug) + ext)}"{lang_attr(script_lang(name))}>'
        f"{esc(name)}</a>"
        for name, slug in (tag_slugs.get(k, (k, k)) for k in e.tags)
    )


def _content(e: Entry) -> str:
    body = e.html.decode("utf-8", "replace")
    return xml_safe(body) if body else f"<p>{esc(e.title)}</p>"


def web_url(url: str | None) -> str | None:
    """``url`` if it is an http(s) one: what normalize lets in, checked again because a
    database edited by others may hold a ``javascript:`` link."""
    from urllib.parse import urlsplit

    try:
        return url if url and urlsplit(url).scheme in ("http", "https") else None
    except ValueError:
        return None


def utf8(text: str) -> bytes:
    """A page's bytes; a lone surrogate (from a database edited by others) as ``?``."""
    return text.encode(errors="replace")


def plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def _time(d: dt.datetime) -> str:
    return f'<time datetime="{d.isoformat()}">{d.date().isoformat()}</time>'


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    try:
        return urlsplit(url).hostname or url
    except ValueError:
        return url
