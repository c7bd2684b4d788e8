"""No input makes normalizing super-linear: each hostile shape of about 900 KB is read by
``feedd once`` within a loose bound of a plain file of the same size.

The bound (10 times the plain file, plus 20 s) is far above what a linear pass takes and far
below what the quadratic ones took (deeply nested ``<div>``s: minutes), so it cannot flake.
"""

from __future__ import annotations

import time
from html.parser import HTMLParser

import pytest
from conftest import Site
from feedserver import FeedServer, item, rss

from feedd.normalize import html, nesting

SIZE = 900_000


def fill(unit: str, tail: str = "") -> str:
    return unit * (SIZE // len(unit)) + tail


SHAPES = {
    "nested-divs": "<div>" * (SIZE // 11) + "deep" + "</div>" * (SIZE // 11),
    "unclosed-divs": fill("<div>"),
    "nested-lists-html": fill("<ul><li>"),
    "nested-sections": fill("<section><article><aside>"),
    "divs-with-stray-ends": fill("<div></span>"),
    "divs-in-tables": fill("<div><table></div>"),
    "nested-buttons": fill("<button><div>"),
    "formatting": fill("<b><i><u><s>"),
    "nested-quotes-md": ">" * SIZE + " deep",
    "nested-emphasis-md": "*" * (SIZE // 2) + "a" + "*" * (SIZE // 2),
    "nested-lists-md": fill("* ", "deep"),
    "one-long-line": fill("word "),
    "tiny-paragraphs": fill("a\n\n"),
    "huge-table-md": "|a|b|\n|-|-|\n" + fill("|x|y|\n"),
    "huge-table-html": "<table>" + fill("<tr><td>x</td><td>y</td></tr>") + "</table>",
    "many-links": fill("[a](https://example.org/a) "),
    "angle-brackets": fill("<"),
    "open-tags-no-end": fill("<a"),
    "open-comments": fill("<!--"),
    "entities": fill("&amp;&#x41;&nbsp;"),
    "quoted-gt": fill('<div title="></div>">'),
    "inline-end-past-block": fill("<span><div></span>"),
    "list-end-past-list": fill("<li><ul></li>"),
    "closed-comment": "<!-->" + fill("<div>"),
    "bang-comment": "<!-- --!>" + fill("<div>"),
    "svg-title": "<svg><title>" + fill("<div>"),
    "active-formatting": "".join(f"<div><b a={i}></div>x" for i in range(SIZE // 22)),
    "unclosed-cells": "<table>" + fill("<tr><td>r<td>x") + "</table>",
    "cells-outside-tables": fill("<ol><td>"),
}


def timed_once(site: Site) -> tuple[float, object]:
    started = time.monotonic()
    r = site.once(expect=None)
    return time.monotonic() - started, r


def only(site: Site, name: str, text: str) -> None:
    for p in site.seeds.iterdir():
        p.unlink()
    (site.seeds / name).write_text(f"---\ntitle: {name}\n---\n{text}\n", encoding="utf-8")


@pytest.fixture(scope="module")
def plain_seconds(tmp_path_factory: pytest.TempPathFactory) -> float:
    import shutil

    from conftest import SEEDS

    root = tmp_path_factory.mktemp("plain")
    shutil.copytree(SEEDS, root / "seeds")
    site = Site(root)
    site.config()
    only(site, "plain.md", fill("Plain words in a plain paragraph.\n"))
    return min(timed_once(site)[0] for _ in range(2))


@pytest.mark.slow
@pytest.mark.parametrize("shape", SHAPES)
def test_each_hostile_shape_is_read_in_linear_time(
    site: Site, plain_seconds: float, shape: str
) -> None:
    only(site, f"{shape}.md", SHAPES[shape])
    seconds, r = timed_once(site)
    assert r.returncode in (0, 1) and "Traceback" not in r.stderr, r.stderr
    bound = 10 * plain_seconds + 20
    assert seconds < bound, f"{shape}: {seconds:.1f} s, bound {bound:.1f} s"
    assert site.feed("all.atom").entries, r.stderr  # and it was published, not refused


@pytest.mark.slow
def test_deeply_nested_remote_content_is_bounded(site: Site) -> None:
    srv = FeedServer()
    try:
        deep = "<div>" * 80_000 + "deep text" + "</div>" * 80_000
        srv.route("/deep.xml", body=rss(item("d1", "Deep remote", deep)))
        site.config(sources=[{"url": srv.url("/deep.xml")}])
        seconds, r = timed_once(site)
        assert r.returncode == 0, r.stderr
        assert seconds < 30, seconds
        entry = next(e for e in site.feed("all.atom").entries if e.title == "Deep remote")
        assert "deep text" in entry.content[0].value
    finally:
        srv.close()


class _Depth(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.depth = self.deepest = 0
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in nesting._VOID:
            self.depth += 1
            self.deepest = max(self.deepest, self.depth)

    def handle_endtag(self, tag: str) -> None:
        self.depth -= 1

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def depth_and_text(fragment: str) -> tuple[int, str]:
    p = _Depth()
    p.feed(fragment)
    return p.deepest, "".join(p.text)


@pytest.mark.parametrize(
    "fragment",
    ["<div>" * 1000 + "kept" + "</div>" * 1000, "<div>" * 1000 + "kept",
     "<p><div>" * 1000 + "kept", "<span><em>" * 600 + "kept", "<ul><li>" * 600 + "kept",
     "<div></span>" * 1000 + "kept", "<div><table></div>" * 600 + "kept",
     "<button><div>" * 600 + "kept", '<div title="a>b">' * 1000 + "kept",
     "<div><!-- <div> -->" * 1000 + "kept", "<svg><g>" * 600 + "kept",
     "<span><div></span>" * 600 + "kept", "<li><ul></li>" * 600 + "kept",
     "<!-->" + "<div>" * 1000 + "kept", "<!-- --!>" + "<div>" * 1000 + "kept",
     "<svg><title>" + "<div>" * 1000 + "kept",
     "".join(f"<div><b a={i}></div>kept" for i in range(1000)), "<dl><tr>" * 1000 + "kept"],
    ids=["balanced", "unclosed", "p-div", "inline", "lists", "stray-ends", "tables",
         "buttons", "quoted-gt", "comments", "svg", "inline-end", "list-end",
         "closed-comment", "bang-comment", "svg-title", "formatting", "stray-cells"],
)  # fmt: skip
def test_sanitized_html_is_never_nested_deeper_than_the_limit(fragment: str) -> None:
    out = html.sanitize(fragment)
    deepest, text = depth_and_text(out)
    assert deepest <= nesting.MAX_DEPTH + 2, deepest  # + the parser's own tbody and the like
    assert "kept" in text or fragment.startswith("<svg>")  # the sanitizer drops svg whole


def test_ordinary_html_passes_unchanged() -> None:
    article = "".join(
        f'<p>Paragraph {i} with <a href="https://example.org/{i}">a link</a>, <em>stress</em>'
        f"<br> and a list:</p><ul><li>one</li><li>two<ul><li>deeper</li></ul></li></ul>"
        for i in range(200)
    )
    nested = "<div>" * nesting.MAX_DEPTH + "x" + "</div>" * nesting.MAX_DEPTH
    assert nesting.flatten(article) == article
    assert nesting.flatten(nested) == nested
    assert nesting.flatten("<li>a<li>b<li>c" * 300) == "<li>a<li>b<li>c" * 300
    assert nesting.flatten("<p>a<p>b" * 300) == "<p>a<p>b" * 300
    cells = "<table>" + "".join(f"<tr><td>r{i}<td>x" for i in range(300)) + "</table>"
    assert nesting.flatten(cells) == cells  # end tags HTML lets you leave out
    terms = "<dl>" + "".join(f"<dt>t{i}<dd>d{i}" for i in range(300)) + "</dl>"
    assert nesting.flatten(terms) == terms
    quoted = '<p title="a > b">x</p>' * 300
    assert nesting.flatten(quoted) == quoted


def test_open_formatting_elements_are_capped() -> None:
    """The parser re-opens every active formatting element before each text: past
    MAX_FORMATTING left open, more are dropped, their text kept."""
    fragment = "".join(f"<div><b a={i}></div>t{i} " for i in range(500))
    out = nesting.flatten(fragment)
    assert out.count("<b ") == nesting.MAX_FORMATTING
    assert all(f"t{i} " in out for i in range(500))


@pytest.mark.parametrize(
    "md", [">" * 200_000 + " deep", "* " * 100_000 + "deep", "*" * 100_000 + "a" + "*" * 100_000]
)
def test_markdown_nesting_is_flattened_and_closed(md: str) -> None:
    out, _ = html.render(md, 65536)
    p = _Depth()
    p.feed(out)
    assert p.deepest <= nesting.MAX_DEPTH and p.depth == 0  # and every element closed


def test_a_rendering_past_the_limit_is_cut_and_says_so() -> None:
    out, cut = html.render("> " * 10 + "word " * 40_000, 65536)
    assert cut and len(out) <= 65536 + 4096
    out, cut = html.render("word " * 100, 65536)
    assert not cut and out.startswith("<p>word")
