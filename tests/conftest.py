"""Shared fixtures: a temporary copy of the seeds with its own config, and the real command."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import feedparser
import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
ATOM = "{http://www.w3.org/2005/Atom}"
FEEDD = Path(sys.executable).with_name("feedd")


@dataclass
class Site:
    """A feedd folder: config.toml, seeds/, and after a run var/ and public/."""

    root: Path

    @property
    def seeds(self) -> Path:
        return self.root / "seeds"

    @property
    def public(self) -> Path:
        return self.root / "public"

    @property
    def db(self) -> Path:
        return self.root / "var" / "feedd.db"

    def config(
        self,
        sources: list[dict[str, object]] = (),
        stories: dict[str, object] | None = None,
        **overrides: object,
    ) -> None:
        lines = ['seeds = "seeds"', 'database = "var/feedd.db"', 'output = "public"']
        lines += [f"{k} = {toml_value(v)}" for k, v in overrides.items()]
        if stories is not None:
            lines.append("[stories]")
            lines += [f"{k} = {toml_value(v)}" for k, v in stories.items()]
        for src in sources:
            lines.append("[[sources]]")
            lines += [f"{k} = {toml_value(v)}" for k, v in src.items()]
        (self.root / "config.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    def run(
        self, *args: str, cwd: Path | None = None, expect: int | None = 0
    ) -> subprocess.CompletedProcess[str]:
        """Run ``feedd`` on this site; its exit status must be ``expect`` (None: any, for a
        test that asserts it itself)."""
        r = feedd(*args, "--config", str(self.root / "config.toml"), cwd=cwd or self.root)
        if expect is not None:
            assert r.returncode == expect, (args, r.returncode, r.stderr)
            assert "Traceback" not in r.stderr, r.stderr
        return r

    def once(self, *args: str, expect: int | None = 0) -> subprocess.CompletedProcess[str]:
        return self.run("once", *args, expect=expect)

    def feed(self, rel: str) -> feedparser.FeedParserDict:
        return parse_feed(self.public / rel)

    def feeds(self) -> dict[str, Path]:
        return {p.relative_to(self.public).as_posix(): p for p in self.public.rglob("*.atom")}


def toml_value(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, list | tuple):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    return repr(v)


def feedd(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed ``feedd`` command for real."""
    return subprocess.run([str(FEEDD), *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def check_atom(path: Path) -> ET.Element:
    """Parse a feed as XML and check the elements RFC 4287 requires; return the root."""
    root = ET.parse(path).getroot()
    assert root.tag == f"{ATOM}feed", path
    for name in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{name}") is not None, f"{path}: feed has no {name}"
    selfs = [ln for ln in root.findall(f"{ATOM}link") if ln.get("rel") == "self"]
    assert len(selfs) == 1 and selfs[0].get("href", "").startswith("http"), path
    for entry in root.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated", "published", "summary", "content"):
            assert entry.find(f"{ATOM}{name}") is not None, f"{path}: entry without {name}"
        assert entry.find(f"{ATOM}content").get("type") == "html"
    return root


JSON_FEED = "https://jsonfeed.org/version/1.1"


def check_json_feed(path: Path) -> dict:
    """Parse a JSON Feed and check it against the JSON Feed 1.1 spec: the required fields,
    and the type of every field feedd writes; return the feed object."""
    doc = json.loads(path.read_bytes().decode("utf-8"))  # UTF-8, as the spec requires
    assert doc["version"] == JSON_FEED, path
    assert isinstance(doc["title"], str) and doc["title"], path
    assert isinstance(doc["items"], list), path
    for key in ("home_page_url", "feed_url", "language"):
        assert isinstance(doc.get(key, ""), str), (path, key)
    for author in doc.get("authors", []):
        assert {"name", "url", "avatar"} & set(author), path
    for item in doc["items"]:
        assert isinstance(item["id"], str) and item["id"], path
        assert isinstance(item.get("content_html"), str) or isinstance(
            item.get("content_text"), str
        ), f"{path}: an item has neither content_html nor content_text"
        for key in ("url", "title", "summary", "image", "language"):
            assert isinstance(item.get(key, ""), str), (path, key)
        for key in ("date_published", "date_modified"):
            if key in item:  # RFC 3339, with its offset
                assert dt.datetime.fromisoformat(item[key]).utcoffset() is not None, (path, key)
        assert all(isinstance(t, str) for t in item.get("tags", [])), path
        for a in item.get("attachments", []):
            assert isinstance(a["url"], str) and isinstance(a["mime_type"], str), path
        for key in item:
            assert key in _JSON_ITEM or key.startswith("_"), f"{path}: item field {key}"
    return doc


_JSON_ITEM = {"id", "url", "external_url", "title", "content_html", "content_text", "summary",
              "image", "banner_image", "date_published", "date_modified", "authors", "tags",
              "language", "attachments"}  # fmt: skip


def parse_feed(path: Path) -> feedparser.FeedParserDict:
    """Parse an Atom feed, checked, and its JSON Feed twin with it: the same entry ids."""
    root = check_atom(path)
    d = feedparser.parse(path.read_bytes())
    assert not d.bozo, f"{path}: {d.get('bozo_exception')}"
    twin = path.with_suffix(".json")
    if path.suffix == ".atom" and twin.exists():
        items = check_json_feed(twin)["items"]
        assert [i["id"] for i in items] == [
            e.find(f"{ATOM}id").text for e in root.iter(f"{ATOM}entry")
        ]
    return d


@pytest.fixture
def site(tmp_path: Path) -> Site:
    """A copy of the shipped seeds with a config of its own."""
    shutil.copytree(SEEDS, tmp_path / "seeds")
    s = Site(tmp_path)
    s.config()
    return s


@pytest.fixture
def server():
    """A real HTTP server on 127.0.0.1, for fetch tests."""
    from feedserver import FeedServer

    srv = FeedServer()
    yield srv
    srv.close()


@pytest.fixture
def empty_site(tmp_path: Path) -> Site:
    (tmp_path / "seeds").mkdir()
    s = Site(tmp_path)
    s.config()
    return s


# --- the fast inner loop ----------------------------------------------------------------------
# `pytest -m "not slow"` runs what needs no process or server. A test that starts one must be
# marked slow; one that is not and does fails here, at once, rather than make the loop slow.


def _refuse(what: str):
    def refuse(*args: object, **kwargs: object) -> None:
        pytest.fail(f"this test {what}: mark it @pytest.mark.slow", pytrace=False)

    return refuse


@pytest.fixture(autouse=True)
def _fast_stays_fast(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if request.node.get_closest_marker("slow") is not None:
        return
    import multiprocessing.process
    import socket

    monkeypatch.setattr(subprocess.Popen, "__init__", _refuse("starts a process"))
    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", _refuse("starts a process"))
    monkeypatch.setattr(socket.socket, "listen", _refuse("starts a server"))
