"""The pages in a real browser (headless Chromium), served by ``feedd run``: readable on a
phone and a desktop, light and dark, with no script, nothing fetched from elsewhere, nothing
the browser complains of, Chinese text marked as Chinese, and every link leading somewhere.

A screenshot of each page in each setting is kept in ``test-artifacts/screenshots/`` (ignored
by git) for a person to look at.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from browser import Chromium, Tab
from conftest import FEEDD, ROOT, SEEDS, Site
from test_daemon import free_port, wait_for

pytestmark = pytest.mark.slow  # runs feedd and a browser

SCREENS = [(390, 844, True), (1280, 900, False)]  # a phone, a desktop
SHOTS = ROOT / "test-artifacts" / "screenshots"


class Served:
    """``feedd run`` serving a copy of the shipped seeds (and a page-widening article)."""

    def __init__(self, root: Path) -> None:
        shutil.copytree(SEEDS, root / "seeds")
        (root / "seeds" / "long.md").write_text(
            "---\ntitle: A very long unbroken line\ntags: [Overflow]\n---\n"
            + "https://example.org/" + "a" * 400 + "\n\n| a | b |\n|---|---|\n| "
            + "wide " * 80 + "| x |\n",
        )  # fmt: skip
        self.site = Site(root)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/"
        (root / "config.toml").write_text(
            f'seeds = "seeds"\nbase_url = "{self.base}"\n[server]\nlisten = "127.0.0.1:{self.port}"\n'
        )
        self.log = open(root / "run.log", "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [str(FEEDD), "run", "--config", str(root / "config.toml")],
            stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        wait_for(lambda: self.status("/index.html") == 200, what="feedd run to serve the pages")

    def status(self, path: str) -> int:
        try:
            c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            c.request("GET", path)
            r = c.getresponse()
            r.read()
            c.close()
            return r.status
        except OSError:
            return 0

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    s = Served(tmp_path_factory.mktemp("site"))
    try:
        yield s
    finally:
        s.stop()


@pytest.fixture(scope="module")
def tab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tab]:
    browser = Chromium(tmp_path_factory.mktemp("profile"))
    try:
        yield browser.tab()
    finally:
        browser.close()


def _pages(served: Served) -> list[str]:
    public = served.site.public
    cjk_tag = next(p for p in (public / "tags").glob("*.html") if not p.name.isascii())
    pt_entry = next(p for p in (public / "entries").glob("*.html") if 'lang="pt"' in p.read_text())
    zh_entry = next(
        p for p in (public / "entries").glob("*.html") if 'lang="zh-Hant"' in p.read_text()
    )
    return [p.relative_to(public).as_posix() for p in
            (public / "index.html", public / "lang/zh-Hant.html", public / "lang/pt.html",
             cjk_tag, public / "tags/overflow.html", pt_entry, zh_entry)]  # fmt: skip


def _rgb(css: str) -> tuple[float, ...]:
    return tuple(float(x) for x in re.findall(r"[\d.]+", css)[:3])


def _luminance(rgb: tuple[float, ...]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(("width", "height", "mobile"), SCREENS, ids=["phone", "desktop"])
def test_every_kind_of_page_reads_well(
    served: Served, tab: Tab, width: int, height: int, mobile: bool, scheme: str
) -> None:
    tab.screen(width, height, mobile, scheme)
    for rel in _pages(served):
        url = served.base + quote(rel)
        tab.open(url)
        where = f"{rel} at {width}px, {scheme}"
        name = re.sub(r"[^\w.-]+", "_", rel.removesuffix(".html"))
        tab.screenshot(SHOTS / f"{name}-{width}-{scheme}.png")
        # nothing wider than the screen: no sideways scrolling on a phone
        assert tab.eval("document.documentElement.scrollWidth") <= width, where
        bg = _rgb(tab.eval("getComputedStyle(document.body).backgroundColor"))
        fg = _rgb(tab.eval("getComputedStyle(document.body).color"))
        assert (_luminance(bg) > 0.8) if scheme == "light" else (_luminance(bg) < 0.05), where
        assert _contrast(fg, bg) >= 7, where
        link = tab.eval("getComputedStyle(document.querySelector('header a')).color")
        assert _contrast(_rgb(link), bg) >= 4.5, where
        assert float(tab.eval("parseFloat(getComputedStyle(document.body).fontSize)")) >= 16
        assert tab.eval("document.scripts.length") == 0, where
        assert tab.requested() == [url], where  # no style, font or script from elsewhere
        assert tab.logged() == [], where
        # every run of Chinese text is inside an element that says it is Chinese
        wrong = tab.eval(
            r"""(() => { const out = [];
            const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            while (w.nextNode()) { const t = w.currentNode;
              if (/[\u4e00-\u9fff]/.test(t.data)) {
                const el = t.parentElement.closest('[lang]');
                const lang = el ? el.lang : document.documentElement.lang;
                if (!lang.startsWith('zh')) out.push(lang + ': ' + t.data.slice(0, 30)); } }
            return out; })()"""
        )
        assert wrong == [], (where, wrong)


def test_what_a_person_sees_on_the_front_page_and_every_link_resolves(
    served: Served, tab: Tab
) -> None:
    tab.screen(1280, 900, False, "light")
    tab.open(served.base)
    text = tab.eval("document.body.innerText")
    for shown in ("中文（简体）", "中文（繁體）", "Português", "feeds.opml", "Last updated",
                  "IA permanece um dos principais setores de Xangai",
                  "全球开发者吹响集结号！DeepSeek或将出席｜科技观察"):  # fmt: skip
        assert shown in text, shown  # decoded as UTF-8: no mojibake
    alternates = tab.eval(
        "[...document.querySelectorAll('link[rel=alternate]')].map(l => l.type + ' ' + l.href)"
    )
    assert f"application/atom+xml {served.base}all.atom" in alternates
    assert f"application/feed+json {served.base}all.json" in alternates
    seen: set[str] = set()
    for rel in ["", *_pages(served)]:
        tab.open(served.base + quote(rel))
        hrefs = tab.eval("[...document.querySelectorAll('a[href], link[href]')].map(a => a.href)")
        for h in hrefs:
            if h.startswith(served.base) and h not in seen:
                seen.add(h)
                path = urlsplit(h).path or "/"
                assert served.status(path) == 200, (rel, h)  # no 404 from any page
    assert len(seen) > 20
    assert os.listdir(SHOTS)  # the screenshots are kept
