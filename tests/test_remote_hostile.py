"""One source never takes a run down: every stage of every remote source under hostile input.

The real ``feedd`` against a real server on 127.0.0.1 that sends broken and malicious bodies;
beside each hostile source sit a good source and the seeds, which must still be published.
"""

from __future__ import annotations

import gzip
import os
import sqlite3
import subprocess
import time
import zlib

import brotli
import pytest
from conftest import FEEDD, Site
from feedserver import FeedServer, item, rss, trickle

pytestmark = pytest.mark.slow  # every test here runs feedd, a server or worker processes

GOOD = rss(item("http://good.example/1", "Good remote story", "<p>Still published.</p>"))
SEED_TITLE = "IA permanece um dos principais setores de Xangai"  # the shipped 003


def titles(site: Site, rel: str = "all.atom") -> list[str]:
    return [e.title for e in site.feed(rel).entries]


def run_with(site: Site, server: FeedServer, path: str, **config: object):
    server.route("/good.xml", body=GOOD)
    site.config(sources=[{"url": server.url(path)}, {"url": server.url("/good.xml")}], **config)
    return site.once(expect=None)  # the caller asserts the status


def assert_only_it_failed(site: Site, server: FeedServer, r, path: str, reason: str) -> None:
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr, r.stderr
    assert f"error: {server.url(path)}: " in r.stderr and reason in r.stderr, r.stderr
    got = titles(site)
    assert "Good remote story" in got and SEED_TITLE in got and len(got) == 6


# --- Content-Encoding ---------------------------------------------------------------------

PAYLOAD = rss(item("http://enc.example/1", "Encoded story", "<p>Decoded fine.</p>"))


def _raw_deflate(data: bytes) -> bytes:
    c = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return c.compress(data) + c.flush()


DECODABLE = {
    "gzip": (gzip.compress(PAYLOAD), "gzip"),
    "x-gzip": (gzip.compress(PAYLOAD), "x-gzip"),
    "deflate": (zlib.compress(PAYLOAD), "deflate"),
    "raw-deflate": (_raw_deflate(PAYLOAD), "deflate"),
    "br": (brotli.compress(PAYLOAD), "br"),
    "gzip-gzip": (gzip.compress(gzip.compress(PAYLOAD)), "gzip, gzip"),
    "br-after-gzip": (brotli.compress(gzip.compress(PAYLOAD)), "gzip, br"),
    "identity-case": (gzip.compress(PAYLOAD), " GZIP , identity"),
    "gzip-members": (gzip.compress(PAYLOAD[:100]) + gzip.compress(PAYLOAD[100:]), "gzip"),
}


@pytest.mark.parametrize(("body", "encoding"), DECODABLE.values(), ids=DECODABLE.keys())
def test_every_encoding_is_decoded(site: Site, server: FeedServer, body, encoding) -> None:
    server.route("/enc.xml", body=body, headers={"Content-Encoding": encoding})
    r = run_with(site, server, "/enc.xml")
    assert r.returncode == 0, r.stderr
    assert "Encoded story" in titles(site)


BOMB = b"<rss>" + b" " * 30_000_000 + b"</rss>"
BROKEN = {
    "corrupt-gzip": (b"\x1f\x8b\x08\x00" + os.urandom(500), "gzip", "corrupt gzip body"),
    "not-gzip": (PAYLOAD, "gzip", "corrupt gzip body"),
    "truncated-gzip": (gzip.compress(PAYLOAD)[:-30], "gzip", "truncated gzip body"),
    "corrupt-deflate": (b"\x78\x9c" + os.urandom(300), "deflate", "corrupt deflate body"),
    "truncated-br": (brotli.compress(PAYLOAD * 20)[:-20], "br", "truncated br body"),
    "corrupt-br": (b"\xff" * 64, "br", "corrupt br body"),
    "unknown": (PAYLOAD, "zstd", "unsupported Content-Encoding 'zstd'"),
    "too-many": (PAYLOAD, "gzip, gzip, gzip, gzip", "too many encodings"),
    "gzip-bomb": (gzip.compress(BOMB), "gzip", "decompressed body over"),
    "br-bomb": (brotli.compress(BOMB), "br", "decompressed body over"),
    "stacked-bomb": (gzip.compress(gzip.compress(BOMB)), "gzip, gzip", "decompressed body over"),
}


@pytest.mark.parametrize(("body", "encoding", "reason"), BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_encoding_is_that_sources_error(
    site: Site, server: FeedServer, body, encoding, reason
) -> None:
    server.route("/bad.xml", body=body, headers={"Content-Encoding": encoding})
    r = run_with(site, server, "/bad.xml", max_feed_bytes=1_000_000)
    assert_only_it_failed(site, server, r, "/bad.xml", reason)


# --- XML entities, every shape -------------------------------------------------------------

BIG = "A" * 200_000
SHAPES = {
    "billion-laughs": "\n".join(
        ["<!DOCTYPE rss [", '<!ENTITY a0 "lol">']
        + [f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10)]
        + ["]>"]
    ),
    "one-large-entity": f'<!DOCTYPE rss [\n<!ENTITY big "{BIG}">\n]>',
    "one-large-entity-inline": f'<!DOCTYPE rss [<!ENTITY big "{BIG}">]>',
    "hidden-behind-a-comment": f'<!--<x-->\n<!DOCTYPE rss [\n<!ENTITY big "{BIG}">\n]>',
    "parameter-entity": "<!DOCTYPE rss [\n<!ENTITY % p \"<!ENTITY big 'AAAA'>\">\n%p;\n]>",
    "external-entity": '<!DOCTYPE rss [\n<!ENTITY big SYSTEM "file:///etc/passwd">\n]>',
    "external-parameter": '<!DOCTYPE rss [\n<!ENTITY % ext SYSTEM "{dtd}">\n%ext;\n]>',
    "external-dtd": '<!DOCTYPE rss SYSTEM "{dtd}">',
}
REF = {"billion-laughs": "&a9;"}


def _entity_feed(shape: str, dtd_url: str) -> bytes:
    doctype = SHAPES[shape].replace("{dtd}", dtd_url)
    ref = REF.get(shape, "&big;")
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}\n<rss version="2.0"><channel>'
        f"<title>Entities</title><item><guid>http://ent.example/1</guid><title>Bomb</title>"
        f"<description>{ref * 5000}</description></item>"
        "<item><guid>http://ent.example/2</guid><title>Plain entry</title>"
        "<description>Nothing to expand here.</description></item></channel></rss>"
    ).encode()


@pytest.mark.parametrize("shape", SHAPES)
def test_no_entity_is_ever_expanded(site: Site, server: FeedServer, shape: str) -> None:
    server.route("/evil.dtd", body=b'<!ENTITY big "FETCHED-FROM-THE-DTD">')
    server.route("/ent.xml", body=_entity_feed(shape, server.url("/evil.dtd")))
    r = run_with(site, server, "/ent.xml")
    assert "Traceback" not in r.stderr, r.stderr
    assert not server.hits("/evil.dtd")  # nothing external is ever fetched
    for path in site.public.rglob("*.atom"):
        data = path.read_bytes()
        assert b"root:x:0" not in data and b"FETCHED" not in data and b"lollollol" not in data
        assert len(data) < 2_000_000, path  # 5000 references to 200 KB: never expanded
    got = titles(site)
    assert "Good remote story" in got and SEED_TITLE in got
    if r.returncode == 0:  # read with its references left as text
        assert "Plain entry" in got
    else:  # or refused, saying why
        assert f"error: {server.url('/ent.xml')}: " in r.stderr and "entit" in r.stderr


def test_xxe_feed_does_not_read_local_files(site: Site, server: FeedServer, tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    body = (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY xxe SYSTEM "file://{secret}">\n]>'
        '<rss version="2.0"><channel><title>x</title><item><guid>1</guid>'
        "<title>Leak &xxe;</title><description>&xxe;</description></item>"
        "<item><guid>2</guid><title>Honest entry</title><description>ok</description></item>"
        "</channel></rss>"
    ).encode()
    server.route("/xxe.xml", body=body)
    r = run_with(site, server, "/xxe.xml")
    assert r.returncode == 0, r.stderr
    assert "Honest entry" in titles(site) and "Good remote story" in titles(site)
    for path in site.public.rglob("*"):
        if path.is_file():
            assert b"TOPSECRET" not in path.read_bytes()


# --- a broken parse result, an empty body ---------------------------------------------------


@pytest.mark.parametrize(
    ("body", "reason"),
    [(b"", "cannot parse the feed"), (b"   \n", "cannot parse the feed"),
     (b"\xff\xfe\x00garbage", "cannot parse the feed"), (b"[1, 2]", "cannot parse the feed"),
     (b'{"version": "https://jsonfeed.org/version/1.1", "items": 5}', "cannot")],
    ids=["empty", "blank", "binary", "json-list", "json-items-not-a-list"],
)  # fmt: skip
def test_a_body_that_is_no_feed_is_that_sources_error(site, server, body, reason) -> None:
    server.route("/nofeed.xml", body=body)
    r = run_with(site, server, "/nofeed.xml")
    assert_only_it_failed(site, server, r, "/nofeed.xml", reason)


# --- an unexpected exception at each stage ---------------------------------------------------

STAGES = {
    "fetch": "feedd.sources.http._fetch",
    "decode": "feedd.sources.http._Decoding.feed",
    "parse": "feedd.sources.feeds.parse_feed",
    "normalize": "feedd.normalize.remote.normalize_entry",
    "store": "feedd.store.ingest.Items.ingest",
}


@pytest.mark.parametrize("stage", STAGES)
def test_an_unexpected_error_at_any_stage_costs_only_its_source(
    site: Site, server: FeedServer, monkeypatch, capsys, stage: str
) -> None:
    """A bug anywhere in one source's path (injected here as a RuntimeError that only the
    hostile source's data triggers) is that source's error: the run goes on and exits 1."""
    import importlib

    from feedd import cli

    server.route("/good.xml", body=GOOD)
    server.route("/victim.xml", body=gzip.compress(PAYLOAD), headers={"Content-Encoding": "gzip"})
    site.config(sources=[{"url": server.url("/victim.xml")}, {"url": server.url("/good.xml")}])
    path, _, attr = STAGES[stage].rpartition(".")
    module, _, cls = (
        path.rpartition(".") if path.endswith(("Items", "_Decoding")) else (path, "", "")
    )
    owner = importlib.import_module(module)
    owner = getattr(owner, cls) if cls else owner
    real = getattr(owner, attr)

    def boom(*args, **kwargs):
        flat = repr(args)[:100_000] + repr(kwargs)
        if (
            "victim" in flat
            or "Encoded story" in flat
            or "enc.example" in flat
            or (stage == "decode" and args[1:] and b"\x1f\x8b" in bytes(args[1]))
        ):
            raise RuntimeError(f"injected at {stage}")
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, attr, boom)
    code = cli.main(["once", "--config", str(site.root / "config.toml")])
    err = capsys.readouterr().err
    assert code == 1, err
    assert f"error: {server.url('/victim.xml')}: " in err and f"injected at {stage}" in err, err
    assert "Traceback" not in err
    got = titles(site)
    assert "Good remote story" in got and SEED_TITLE in got and "Encoded story" not in got


# --- size limits of one entry ---------------------------------------------------------------


def test_an_oversized_entry_is_cut_and_named(site: Site, server: FeedServer) -> None:
    huge = "<p>" + "Palavra comprida e repetida. " * 120_000 + "</p>"  # 3.5 MB of HTML
    body = rss(item("http://huge.example/1", "T" * 5000, huge), item("http://huge.example/2",
               "Small one", "<p>ok</p>"))  # fmt: skip
    server.route("/huge.xml", body=body)
    r = run_with(site, server, "/huge.xml", max_feed_bytes=20_000_000)
    assert r.returncode == 0, r.stderr
    warning = next(ln for ln in r.stderr.splitlines() if "cut" in ln)
    assert warning.startswith(f"feedd: warning: {server.url('/huge.xml')}: entry ")
    assert "huge.example/1" in warning and "1048576 bytes" in warning
    entry = next(e for e in site.feed("all.atom").entries if e.link == "http://huge.example/1")
    assert len(entry.content[0].value.encode()) <= 1024 * 1024
    assert entry.content[0].value.rstrip().endswith("</p>")  # cut between elements, closed
    assert len(entry.title) <= 300


# --- the same item carried by two sources ----------------------------------------------------


def test_one_item_in_two_sources(empty_site: Site, server: FeedServer) -> None:
    body = rss(item("http://shared.example/1", "Shared story",
                    "<p>The same English story carried by two feeds of one publisher.</p>",
                    tags=("Common",)))  # fmt: skip
    server.route("/a.xml", body=body)
    server.route("/b.xml", body=body)
    empty_site.config(sources=[
        {"url": server.url("/a.xml"), "tags": ["from-a"], "lang": "en"},
        {"url": server.url("/b.xml"), "tags": ["from-b"], "lang": "pt"},
    ])  # fmt: skip
    r = empty_site.once(expect=None)
    assert r.returncode == 0, r.stderr
    assert titles(empty_site) == ["Shared story"]
    for tag in ("from-a", "from-b", "common"):
        assert titles(empty_site, f"tags/{tag}.atom") == ["Shared story"], tag
    assert titles(empty_site, "lang/en.atom") == ["Shared story"]  # the first source's
    assert not (empty_site.public / "lang" / "pt.atom").exists()  # no copy showed pt
    for _ in range(2):  # the same item again on every round: nothing updated
        r = empty_site.once("--fetch-all", expect=None)
        assert r.returncode == 0 and "0 new, 0 updated, 0 removed" in r.stdout, r.stdout


# --- memory under every kind of hostile response ----------------------------------------------


def _endless(h) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "application/rss+xml")
    h.send_header("Connection", "close")
    h.end_headers()
    chunk = b"<item><title>x</title></item>" * 2000
    deadline = time.monotonic() + 30
    try:
        h.wfile.write(b"<rss><channel>")
        while time.monotonic() < deadline:
            h.wfile.write(chunk)
    except (BrokenPipeError, ConnectionResetError, TimeoutError):
        pass


def _stalled(h) -> None:
    h.send_response(200)
    h.send_header("Content-Length", "1000")
    h.end_headers()
    h.wfile.write(b"<rss>")
    h.wfile.flush()
    time.sleep(8)


def _many_entries(n: int) -> bytes:
    return rss(*(item(f"http://many.example/{n}/{i}", f"Entry {i} of {n}",
                      f"<p>{'Body text of a long entry. ' * 60}{i}</p>") for i in range(n)))  # fmt: skip


def _bomb(encoding: str, size: int) -> bytes:
    """``<rss>`` and ``size`` bytes of filler, compressed, made without holding the filler."""
    piece = b"A" * (1 << 20)
    if encoding == "br":
        c = brotli.Compressor()
        parts = [c.process(b"<rss>")] + [c.process(piece) for _ in range(size >> 20)]
        return b"".join([*parts, c.finish()])
    z = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    parts = [z.compress(b"<rss>")] + [z.compress(piece) for _ in range(size >> 20)]
    return b"".join([*parts, z.flush()])


def peak_rss_mib(args: list[str], timeout: float = 120) -> tuple[int, float, str]:
    """Run a command; ``(exit status, its peak RSS in MiB, stderr)``. The peak is the
    process's own high-water mark (VmHWM, /proc), read until it exits: wait4's ru_maxrss
    would count the memory of the test process that spawned it."""
    import tempfile

    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=err)
        peak = 0
        deadline = time.monotonic() + timeout
        while proc.poll() is None and time.monotonic() < deadline:
            try:
                with open(f"/proc/{proc.pid}/status") as fh:
                    for line in fh:
                        if line.startswith("VmHWM:"):
                            peak = max(peak, int(line.split()[1]))
            except OSError:
                pass
            time.sleep(0.01)
        proc.wait(timeout=5)
        err.seek(0)
        return proc.returncode, peak / 1024, err.read().decode()


def test_peak_memory_under_a_hostile_server(site: Site, server: FeedServer) -> None:
    """Every kind of hostile response at once; ``feedd once`` stays under 256 MiB (the figure
    is printed for the closing note: `pytest -s -k peak_memory`)."""
    routes = {
        "/endless.xml": {"handler": _endless},
        "/stalled.xml": {"handler": _stalled},
        "/slow.xml": {"handler": trickle(0.05, GOOD)},
        "/gzip-bomb.xml": {"body": _bomb("gzip", 1 << 30),
                           "headers": {"Content-Encoding": "gzip"}},
        "/br-bomb.xml": {"body": _bomb("br", 1 << 30), "headers": {"Content-Encoding": "br"}},
        "/entity.xml": {"body": _entity_feed("one-large-entity", "")},
        "/laughs.xml": {"body": _entity_feed("billion-laughs", "")},
        "/corrupt.xml": {"body": b"\x1f\x8b\x08\x00" + os.urandom(5000),
                         "headers": {"Content-Encoding": "gzip"}},
        "/bad-utf8.xml": {"body": PAYLOAD[:60] + b"\xe7\xe3\xff" + PAYLOAD[60:]},
        "/huge-entry.xml": {"body": rss(item("http://x/1", "Huge", "<p>" + "z " * 4_000_000))},
    }  # fmt: skip
    for n in (5000, 5001, 5002):
        routes[f"/many-{n}.xml"] = {"body": _many_entries(n)}
    for path, kw in routes.items():
        server.route(path, **kw)
    server.route("/good.xml", body=GOOD)
    site.config(sources=[{"url": server.url(p)} for p in [*routes, "/good.xml"]],
                fetch_timeout=5)  # fmt: skip
    code, peak_mib, text = peak_rss_mib([str(FEEDD), "once", "--config",
                                         str(site.root / "config.toml")])  # fmt: skip
    print(f"\npeak RSS of feedd once under the hostile server: {peak_mib:.0f} MiB")
    assert code == 1, text
    assert 0 < peak_mib < 256, peak_mib
    assert SEED_TITLE in titles(site, "lang/pt.atom")
    db = sqlite3.connect(site.db)
    try:  # the good source and the three 5,000-entry feeds were stored, as far as retention keeps
        assert db.execute("SELECT count(*) FROM entries WHERE title = 'Good remote story'"
                          ).fetchone()[0] == 1  # fmt: skip
        assert (
            db.execute("SELECT count(*) FROM entries WHERE title LIKE 'Entry %'").fetchone()[0]
            == 3 * 500
        )  # fmt: skip (keep_entries: 500 a source)
    finally:
        db.close()
    for path in ("/endless.xml", "/stalled.xml", "/gzip-bomb.xml", "/br-bomb.xml",
                 "/corrupt.xml"):  # fmt: skip
        assert f"error: {server.url(path)}: " in text, path


def test_memory_does_not_grow_with_the_number_of_sources(site: Site, server: FeedServer) -> None:
    """Thirty sources of 9 MiB each: a body is let go once its source is stored, so the
    round costs a few bodies at a time, not thirty."""
    z = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    body = z.compress(b"{" + b" " * (9 << 20)) + z.flush()  # 9 MiB of broken JSON Feed
    for i in range(30):
        server.route(f"/big{i}.xml", body=body, headers={"Content-Encoding": "gzip"})
    site.config(sources=[{"url": server.url(f"/big{i}.xml")} for i in range(30)])
    code, peak_mib, err = peak_rss_mib([str(FEEDD), "once", "--config",
                                        str(site.root / "config.toml")])  # fmt: skip
    print(f"\npeak RSS of feedd once over 30 sources of 9 MiB: {peak_mib:.0f} MiB")
    assert code == 1 and err.count("broken JSON") == 30, err
    assert 0 < peak_mib < 200, peak_mib
