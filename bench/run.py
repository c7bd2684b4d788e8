#!/usr/bin/env python3
"""feedd's benchmark: cold, no-change and incremental runs, remote sources and serving.

    python bench/run.py [--sizes 1000,10000,50000] [--runs 3] [--peers] [--sources 100,1000]
                        [--serve] [--work bench/work] [--out bench/RESULTS.md]

Run it with the Python of the environment feedd is installed in (the `feedd` command next to
it is what is timed). Everything it generates goes under --work (git-ignored). It prints and
writes absolute figures and, with --peers, ratios to Pelican and Hugo measured in the same run
(tools alternated run by run, as ../shared/bench-peers/peers.sh builds them). The targets are
printed as PASS/FAIL lines for a person to read: nothing here, and nothing in the test suite,
fails on a time.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PEERS = ROOT.parent / "shared" / "bench-peers"
FEEDD = Path(sys.executable).with_name("feedd")
ATOM = "{http://www.w3.org/2005/Atom}"
# Hugo's figures from ../shared/bench-peers/RESULTS.md, used when --peers is not given.
HUGO_PUBLISHED = {10_000: {"cold": 5.54, "nochange": 4.47, "rss": 725}, 50_000: {"rss": 2097}}


@dataclass
class Timing:
    walls: list[float] = field(default_factory=list)
    rss_mib: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.walls)

    @property
    def rss(self) -> float:
        """Peak RSS of the median run."""
        order = sorted(range(len(self.walls)), key=self.walls.__getitem__)
        return self.rss_mib[order[len(order) // 2]]


def timed(cmd: list[str], cwd: Path | None = None) -> tuple[float, float, str]:
    """Run ``cmd``; (wall seconds, peak RSS MiB of its largest process, stderr).

    The peak RSS comes from GNU time, as peers.sh takes it: a child's ru_maxrss seen from
    here would also count this (large) benchmark process, which the child was forked from.
    """
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as out:
        started = time.perf_counter()
        proc = subprocess.run(
            ["/usr/bin/time", "-f", "%M", "-o", out.name, *cmd],
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        wall = time.perf_counter() - started
        rss_kib = int(out.read().split()[-1])
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr}")
    return wall, rss_kib / 1024, proc.stderr


def compile_feedd() -> None:
    """Byte-compile feedd's modules before timing anything, as installing a package does.

    An editable install leaves them as source, and with PYTHONDONTWRITEBYTECODE set (as on
    the machines this was written on) every run would compile feedd anew, about 0.07 s that
    no installed copy pays. Untimed, like converting the corpus for the peers.
    """
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("feedd")  # the feedd of this Python's environment
    assert spec is not None and spec.origin, "run bench/run.py with the Python feedd is in"
    compileall.compile_dir(str(Path(spec.origin).parent), quiet=1)


def feedd_once(site: Path, *extra: str) -> tuple[float, float, str]:
    return timed([str(FEEDD), "once", "-q", "--config", str(site / "config.toml"), *extra])


# --- the corpus ---------------------------------------------------------------------------


def corpus(work: Path, n: int) -> Path:
    site = work / str(n)
    if not (site / "corpus.done").exists():
        shutil.rmtree(site, ignore_errors=True)
        site.mkdir(parents=True)
        subprocess.run([sys.executable, str(HERE / "gen_corpus.py"), "--n", str(n), "--out",
                        str(site / "seeds"), "--manifest", str(site / "manifest.jsonl")],
                       check=True, stdout=subprocess.DEVNULL)  # fmt: skip
        (site / "corpus.done").touch()
    (site / "config.toml").write_text('seeds = "seeds"\n')
    return site


def reset(site: Path) -> None:
    shutil.rmtree(site / "var", ignore_errors=True)
    shutil.rmtree(site / "public", ignore_errors=True)


def change_three(site: Path, i: int) -> None:
    """Edit one file, add one, delete one."""
    files = sorted((site / "seeds").iterdir())
    edit = files[(7 * i + 1) % len(files)]
    with edit.open("a", encoding="utf-8") as fh:
        fh.write(f"\n\nAn added paragraph, edit number {i}.\n")
    (site / "seeds" / f"zz-added-{i}.md").write_text(
        f"---\ntitle: Added article {i}\ndate: 2026-01-0{i % 9 + 1}\ntags: [bench]\n---\n"
        f"A new article written for run {i} of the benchmark, with text of its own.\n",
        encoding="utf-8",
    )
    victims = [f for f in files if f != edit and not f.name.startswith("zz-")]
    victims[(13 * i + 5) % len(victims)].unlink()


def correctness(site: Path) -> dict[str, object]:
    """What the timed run produced: feeds, entries, folded duplicates, languages."""
    public, db = site / "public", sqlite3.connect(site / "var" / "feedd.db")
    feeds = list(public.rglob("*.atom"))
    ids: set[str] = set()
    for path in feeds:
        root = ET.parse(path).getroot()  # raises on a malformed feed
        ids.update(e.findtext(f"{ATOM}id") for e in root.iter(f"{ATOM}entry"))
    in_all = len(ET.parse(public / "all.atom").getroot().findall(f"{ATOM}entry"))
    entry_of = dict(db.execute("SELECT key, entry_id FROM items WHERE source_id = 0"))
    planted = folded = 0
    for line in (site / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        if rec["dup_of"] and rec["file"] in entry_of:
            planted += 1
            folded += entry_of[rec["file"]] == entry_of.get(rec["dup_of"])
    langs = dict(db.execute("SELECT lang_group, count(*) FROM entries GROUP BY lang_group"))
    return {
        "feeds": len(feeds), "well_formed": True, "entries_in_all": in_all,
        "distinct_ids_in_feeds": len(ids),
        "entries": db.execute("SELECT count(*) FROM entries").fetchone()[0],
        "duplicates_folded": f"{folded}/{planted}", "languages": langs,
    }  # fmt: skip


def settled_reset(site: Path) -> None:
    """``reset``, then the disk let catch up: a cold run right after deleting the last one's
    output (4,000 files with pages) otherwise shares the disk with that deletion's writeback,
    which made two otherwise equal settings differ by 20%."""
    reset(site)
    settle()


def settle() -> None:
    os.sync()
    time.sleep(2)


def pages_cost(site: Path, runs: int) -> dict[str, float]:
    """Cold and no-change runs with pages on and off, taking turns (issue 14): medians, and
    the output's size per entry with pages on."""
    walls: dict[str, list[float]] = {}
    size = entries = 0
    for _ in range(runs):
        for pages in (True, False):
            conf = 'seeds = "seeds"\n' + ("" if pages else "pages = false\n")
            (site / "config.toml").write_text(conf)
            settled_reset(site)
            on = "on" if pages else "off"
            walls.setdefault(f"cold {on}", []).append(feedd_once(site)[0])
            settle()  # (the cold run's output written back first, as it is by the next cron run)
            walls.setdefault(f"no-change {on}", []).append(feedd_once(site)[0])
            if pages and not size:
                size = sum(f.stat().st_size for f in (site / "public").rglob("*") if f.is_file())
                db = sqlite3.connect(site / "var" / "feedd.db")
                entries = db.execute("SELECT count(*) FROM entries").fetchone()[0]
    (site / "config.toml").write_text('seeds = "seeds"\n')
    print("walls: " + json.dumps({k: [round(w, 2) for w in v] for k, v in walls.items()}))
    out = {k: statistics.median(v) for k, v in walls.items()}
    out["KiB per entry"] = size / 1024 / max(entries, 1)
    return out


def defined_queries(site: Path, n: int) -> list[str]:
    """``n`` defined feeds as people write them, over the corpus's own tags and words: one
    tag, a tag in one language, several tags, a word of the titles, a phrase of the text,
    a tag but not another."""
    db = sqlite3.connect(site / "var" / "feedd.db")
    tags = [r[0] for r in db.execute("SELECT name FROM tags ORDER BY created, key LIMIT 200")]
    titles = [t for (t,) in db.execute("SELECT title FROM entries LIMIT 2000")]
    words = sorted({w for t in titles for w in t.split() if w.isascii() and w.isalpha()
                    and len(w) > 5})  # fmt: skip
    langs = ["zh-Hans", "zh-Hant", "pt", "en"]

    def q(t: str) -> str:
        return '"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"'

    out = []
    for i in range(n):
        a, b = q(tags[i % len(tags)]), q(tags[(7 * i + 3) % len(tags)])
        c = q(tags[(3 * i + 1) % len(tags)])
        w = q(words[i % len(words)] if words else "report")
        out.append([
            f"tag:{a}", f"tag:{a} and lang:{langs[i % 4]}", f"tag:{a} or tag:{b} or tag:{c}",
            f"title:{w}", f"text:{w} or tag:{b}", f"tag:{a} and not tag:{b}",
        ][i % 6])  # fmt: skip
    return out


def defined_cost(site: Path, runs: int, n: int) -> dict[str, float]:
    """Cold and no-change runs with ``n`` defined feeds and with none, taking turns
    (issue 15)."""
    (site / "config.toml").write_text('seeds = "seeds"\n')
    reset(site)
    feedd_once(site)
    tables = "".join(
        f"[[feeds]]\nname = 'Defined {i}'\nquery = {json.dumps(query, ensure_ascii=False)}\n"
        for i, query in enumerate(defined_queries(site, n))
    )  # (a JSON string is a TOML basic string)
    walls: dict[str, list[float]] = {}
    for _ in range(runs):
        for on in (True, False):
            (site / "config.toml").write_text('seeds = "seeds"\n' + (tables if on else ""))
            settled_reset(site)
            label = "on" if on else "off"
            walls.setdefault(f"cold {label}", []).append(feedd_once(site)[0])
            settle()
            walls.setdefault(f"no-change {label}", []).append(feedd_once(site)[0])
    (site / "config.toml").write_text('seeds = "seeds"\n')
    print("walls: " + json.dumps({k: [round(w, 2) for w in v] for k, v in walls.items()}))
    return {k: statistics.median(v) for k, v in walls.items()}


# --- peers ---------------------------------------------------------------------------------


def peers_once(n: int, tools: str, work: Path) -> dict[str, tuple[float, float]]:
    """One build per phase of each peer via peers.sh; {label: (wall, rss MiB)}."""
    env = {**os.environ, "WORK": str(work / "peers"), "TOOLS": tools}
    results = work / "peers" / str(n) / "results.tsv"
    results.unlink(missing_ok=True)
    subprocess.run(["bash", str(PEERS / "peers.sh"), str(n), "1"], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    out = {}
    for line in results.read_text().splitlines():
        parts = line.split("\t")
        if len(parts) < 3 or "=" not in parts[1]:  # the "feeds:" check lines
            continue
        kv = dict(p.split("=", 1) for p in parts[1:] if "=" in p)
        out[parts[0]] = (float(kv["wall_median"]), float(kv["peak_rss_mib"]))
    return out


# --- remote sources ------------------------------------------------------------------------


def feed_body(n: int) -> bytes:
    """Source ``n``'s RSS feed: ten items, the same on every request."""
    items = "".join(
        f"<item><guid>{n}-{i}</guid><title>Source {n} item {i}</title>"
        f"<description>&lt;p&gt;Text of item {i} of source {n}, about feeds.&lt;/p&gt;"
        f"</description><pubDate>Mon, 0{i % 9 + 1} Feb 2025 10:00:00 GMT</pubDate></item>"
        for i in range(10)
    )
    head = f'<?xml version="1.0"?><rss version="2.0"><channel><title>S{n}</title>'
    return (head + items + "</channel></rss>").encode()


class _Feeds(BaseHTTPRequestHandler):
    """The sources' server where nginx is not installed."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        n = self.path.strip("/").split(".")[0]
        etag = f'"{n}"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = feed_body(int(n))
        self.send_response(200)
        self.send_header("ETag", etag)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextlib.contextmanager
def feed_server(site: Path, m: int) -> Iterator[tuple[str, str]]:
    """``(base URL, what serves it)`` for sources 0..m-1, on 127.0.0.1.

    nginx serves them as static files where it is installed, as real feeds are served: a
    Python server would spend, on the same two cores, about as much CPU answering a round as
    feedd spends fetching it, and that would be counted as feedd's.
    """
    if shutil.which("nginx"):
        root = site / "feeds"
        root.mkdir(parents=True, exist_ok=True)
        for n in range(m):
            (root / f"{n}.xml").write_bytes(feed_body(n))
        port = free_port()
        conf = site / "nginx.conf"
        conf.write_text(
            f"daemon off; worker_processes 1; pid {site}/nginx.pid; error_log {site}/nginx.err;\n"
            "events { worker_connections 1024; }\n"
            f"http {{ access_log off; server {{ listen 127.0.0.1:{port} backlog=1024;"
            f" root {root}; etag on; location / {{ }} }} }}\n"
        )
        proc = subprocess.Popen(["nginx", "-c", str(conf), "-p", str(site)])
        try:
            base = f"http://127.0.0.1:{port}/"
            wait_for_answer(base + "0.xml")
            yield base, "nginx (static files, ETag)"
        finally:
            proc.terminate()
            proc.wait(timeout=20)
        return
    ThreadingHTTPServer.request_queue_size = 1024
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Feeds)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}/", "a Python ThreadingHTTPServer"
    finally:
        srv.shutdown()
        srv.server_close()


def sources_round(work: Path, m: int) -> tuple[float, float, str]:
    """(cold fetch round, all-304 round) seconds for ``m`` sources on one local server, and
    what served them."""
    site = work / f"sources-{m}"
    shutil.rmtree(site, ignore_errors=True)
    (site / "seeds").mkdir(parents=True)
    with feed_server(site, m) as (base, server):
        lines = ['seeds = "seeds"', "fetch_concurrency = 32", "fetch_per_host = 32"]
        for i in range(m):
            lines += ["[[sources]]", f'url = "{base}{i}.xml"']
        (site / "config.toml").write_text("\n".join(lines) + "\n")
        cold, _, _ = feedd_once(site, "--fetch-all")
        warm, _, _ = feedd_once(site, "--fetch-all")
    return cold, warm, server


# --- serving -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wrk(url: str, headers: dict[str, str]) -> float:
    cmd = ["wrk", "-t2", "-c32", "-d5s", url]
    for k, v in headers.items():
        cmd += ["-H", f"{k}: {v}"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return float(next(ln.split()[1] for ln in out.splitlines() if ln.startswith("Requests/sec")))


def etag_of(url: str) -> str:
    import urllib.request

    with urllib.request.urlopen(url) as r:  # noqa: S310 - a loopback URL of our own
        return r.headers["ETag"]


def wait_for_answer(url: str) -> str:
    """The ETag of ``url`` once its server answers (up to 30 s)."""
    for _ in range(300):
        try:
            return etag_of(url)
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"no answer at {url}")


def rates(label: str, url: str) -> dict[str, float]:
    """Once the server answers: requests/s of conditional (304) and of full GETs of ``url``."""
    tag = wait_for_answer(url)
    return {f"{label}_304": wrk(url, {"If-None-Match": tag}), f"{label}_200": wrk(url, {})}


def serving(site: Path) -> dict[str, float]:
    """Requests per second for conditional (304) and full GETs of all.atom."""
    port = free_port()
    cfg = site / "serve.toml"
    cfg.write_text(f'seeds = "seeds"\n[server]\nlisten = "127.0.0.1:{port}"\n')
    proc = subprocess.Popen([str(FEEDD), "run", "--config", str(cfg), "--log-level", "error"])
    try:
        out = rates("feedd", f"http://127.0.0.1:{port}/all.atom")
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    if shutil.which("nginx"):
        out.update(nginx(site))
    return out


def nginx(site: Path) -> dict[str, float]:
    port = free_port()
    conf = site / "nginx.conf"
    conf.write_text(
        f"daemon off; worker_processes 2; pid {site}/nginx.pid; error_log {site}/nginx.err;\n"
        "events { worker_connections 1024; }\n"
        f"http {{ access_log off; server {{ listen 127.0.0.1:{port}; root {site}/public;"
        " etag on; location / { } } }\n"
    )
    proc = subprocess.Popen(["nginx", "-c", str(conf), "-p", str(site)])
    try:
        return rates("nginx", f"http://127.0.0.1:{port}/all.atom")
    finally:
        proc.terminate()
        proc.wait(timeout=20)


# --- the report ----------------------------------------------------------------------------


def machine() -> str:
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), platform.processor())  # fmt: skip
    mem = next(int(ln.split()[1]) for ln in Path("/proc/meminfo").read_text().splitlines()
               if ln.startswith("MemTotal"))  # fmt: skip
    version = subprocess.run([str(FEEDD), "--version"], capture_output=True, text=True).stdout
    return (f"{os.cpu_count()} CPUs ({cpu}), {mem / 1048576:.0f} GiB, {platform.platform()}, "
            f"Python {platform.python_version()}, {version.strip()}")  # fmt: skip


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000,50000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--peers", action="store_true", help="also time Pelican and Hugo")
    ap.add_argument("--sources", default="100,1000", help="remote source counts ('' for none)")
    ap.add_argument("--serve", action="store_true", help="requests/s of the server (needs wrk)")
    ap.add_argument("--pages", action="store_true", help="time pages on against off, only")
    ap.add_argument("--defined", type=int, default=0,
                    help="time this many defined feeds against none, only")  # fmt: skip
    ap.add_argument("--work", type=Path, default=HERE / "work")
    ap.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    compile_feedd()
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    rows: list[str] = []
    notes: list[str] = []
    targets: list[str] = []
    cold: dict[int, Timing] = {}
    nochange: dict[int, Timing] = {}
    peers: dict[int, dict[str, list[tuple[float, float]]]] = {}

    for n in sizes:
        if not args.pages:
            break
        fig = pages_cost(corpus(work, n), args.runs)
        print(f"N={n} pages: " + ", ".join(f"{k} {v:.2f}" for k, v in fig.items()), flush=True)
        ratio = fig["cold on"] / fig["cold off"]
        on, off = fig["cold on"], fig["cold off"]
        targets.append(f"{verdict(ratio <= 1.25)} cold N={n:,} with pages ≤ 1.25× pages off: "
                       f"{on:.2f}s vs {off:.2f}s ({ratio:.2f}×)")  # fmt: skip
        targets.append(f"{verdict(fig['no-change on'] <= 1.1 * fig['no-change off'] + 0.02)} "
                       f"no-change N={n:,} with pages unchanged: {fig['no-change on']:.2f}s vs "
                       f"{fig['no-change off']:.2f}s; output {fig['KiB per entry']:.1f} KiB "
                       "an entry")  # fmt: skip

    for n in sizes:
        if not args.defined:
            break
        fig = defined_cost(corpus(work, n), args.runs, args.defined)
        print(f"N={n} {args.defined} defined feeds: "
              + ", ".join(f"{k} {v:.2f}" for k, v in fig.items()), flush=True)  # fmt: skip
        on, off = fig["cold on"], fig["cold off"]
        targets.append(f"{verdict(on <= 1.2 * off)} cold N={n:,} with {args.defined} defined "
                       f"feeds ≤ 1.2× none: {on:.2f}s vs {off:.2f}s ({on / off:.2f}×)")  # fmt: skip
        on, off = fig["no-change on"], fig["no-change off"]
        ok = on <= 1.1 * off + 0.02
        targets.append(f"{verdict(ok)} no-change N={n:,} with {args.defined} defined feeds "
                       f"unchanged: {on:.2f}s vs {off:.2f}s")  # fmt: skip

    for n in sizes if not (args.pages or args.defined) else ():
        site = corpus(work, n)
        t_cold, t_none, t_edit = Timing(), Timing(), Timing()
        tools = "hugo-atom" + (" pelican" if n <= 10_000 else "")  # Pelican at 50k: ~500 s
        for run in range(args.runs):
            reset(site)
            wall, rss, err = feedd_once(site)
            t_cold.walls.append(wall)
            t_cold.rss_mib.append(rss)
            if run == 0:
                found = correctness(site)
                notes.append(f"N={n}: {json.dumps(found, ensure_ascii=False)}" + (
                    f"; stderr: {err.strip()[:200]}" if err.strip() else ""))  # fmt: skip
            wall, rss, _ = feedd_once(site)
            t_none.walls.append(wall)
            t_none.rss_mib.append(rss)
            change_three(site, run)
            wall, rss, _ = feedd_once(site)
            t_edit.walls.append(wall)
            t_edit.rss_mib.append(rss)
            if args.peers:  # alternate: one build of each peer after each feedd run
                for label, fig in peers_once(n, tools, work).items():
                    peers.setdefault(n, {}).setdefault(label, []).append(fig)
            print(
                f"N={n} run {run + 1}: cold {t_cold.walls[-1]:.2f}s no-change "
                f"{t_none.walls[-1]:.2f}s edit+add+delete {t_edit.walls[-1]:.2f}s",
                flush=True,
            )
        shutil.rmtree(site, ignore_errors=True)  # the edits made it differ from the corpus
        cold[n], nochange[n] = t_cold, t_none
        for phase, t in (("cold", t_cold), ("no-change", t_none), ("edit+add+delete", t_edit)):
            ratio = ""
            peer = peers.get(n, {})
            key = {"cold": "cold", "no-change": "nochange"}.get(phase)
            for tool, label in (("hugo-atom", "Hugo"), ("pelican", "Pelican")):
                figs = peer.get(f"{tool}-{key}") if key else None
                if figs:
                    med = statistics.median(f[0] for f in figs)
                    ratio += f" {label} {med:.2f}s ({t.median / med:.2f}×);"
            rows.append(f"| {n:,} | {phase} | {t.median:.2f} | {min(t.walls):.2f} | "
                        f"{max(t.walls):.2f} | {t.rss:.0f} |{ratio} |")  # fmt: skip

    def peer_fig(n: int, label: str, i: int, published: str) -> tuple[float | None, str]:
        figs = peers.get(n, {}).get(label)
        if figs:
            return statistics.median(f[i] for f in figs), "measured in this run"
        value = HUGO_PUBLISHED.get(n, {}).get(published) if label.startswith("hugo") else None
        return value, "shared/bench-peers/RESULTS.md"

    if 10_000 in cold:
        hugo, src = peer_fig(10_000, "hugo-atom-cold", 0, "cold")
        if hugo:
            targets.append(f"{verdict(cold[10_000].median <= hugo)} cold N=10,000 ≤ 1.0× Hugo: "
                           f"{cold[10_000].median:.2f}s vs {hugo:.2f}s ({src})")  # fmt: skip
        pel, src = peer_fig(10_000, "pelican-cold", 0, "")
        if pel:
            targets.append(f"{verdict(cold[10_000].median <= 0.1 * pel)} cold N=10,000 ≤ 0.1× "
                           f"Pelican: {cold[10_000].median:.2f}s vs {pel:.2f}s")  # fmt: skip
        hugo, src = peer_fig(10_000, "hugo-atom-nochange", 0, "nochange")
        nc = nochange[10_000].median
        if hugo:
            targets.append(f"{verdict(nc <= 0.1 * hugo)} no-change N=10,000 ≤ 0.1× Hugo: "
                           f"{nc:.2f}s vs {hugo:.2f}s ({src})")  # fmt: skip
        targets.append(f"{verdict(nc < 0.5)} no-change N=10,000 < 0.5 s: {nc:.2f}s")
        edit = next(r for r in rows if r.startswith("| 10,000 | edit"))
        e = float(edit.split("|")[3])
        targets.append(f"{verdict(e < 0.5)} edit+add+delete N=10,000 < 0.5 s: {e:.2f}s")
    if 50_000 in cold:
        hugo, src = peer_fig(50_000, "hugo-atom-cold", 1, "rss")
        rss = cold[50_000].rss
        if hugo:
            targets.append(f"{verdict(rss <= 0.15 * hugo)} peak RSS N=50,000 ≤ 0.15× Hugo: "
                           f"{rss:.0f} MiB vs {hugo:.0f} MiB ({src})")  # fmt: skip
        if 10_000 in cold:
            ratio = cold[50_000].median / cold[10_000].median
            targets.append(f"{verdict(ratio <= 5.5)} cold 50k/10k ≤ 5.5: {ratio:.2f}")
            r10 = cold[10_000].rss
            targets.append(f"{'PASS' if rss <= 1.5 * r10 else 'FAIL'} peak RSS flat in N: "
                           f"{r10:.0f} MiB at 10k, {rss:.0f} MiB at 50k")  # fmt: skip

    source_rows = []
    served_by = ""
    for m in [int(s) for s in args.sources.split(",") if s]:
        c, w, served_by = sources_round(work, m)
        source_rows.append(f"| {m:,} | {c:.2f} | {w:.2f} |")
        if m == 1000:
            targets.append(f"{verdict(w < 2)} 1,000 sources all answering 304 < 2 s: {w:.2f}s")
        print(f"sources M={m}: cold round {c:.2f}s, all-304 round {w:.2f}s", flush=True)

    serve_rows = []
    if args.serve:
        if shutil.which("wrk") is None:
            serve_rows.append("wrk is not installed (apt-get install wrk): not measured")
        else:
            site = corpus(work, min(sizes) if sizes else 1000)
            reset(site)
            feedd_once(site)
            rps = serving(site)
            for k, v in rps.items():
                serve_rows.append(f"| {k} | {v:,.0f} |")
            if "nginx_304" in rps:
                ok = rps["feedd_304"] >= 0.5 * rps["nginx_304"]
                targets.append(
                    f"{verdict(ok)} conditional GETs ≥ 0.5× nginx: "
                    f"{rps['feedd_304']:,.0f}/s vs {rps['nginx_304']:,.0f}/s"
                )
            print("serving:", rps, flush=True)

    command = "python bench/run.py " + " ".join(argv if argv is not None else sys.argv[1:])
    report = [
        "# feedd benchmark results",
        "",
        f"Machine: {machine()}.",
        f"Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. Command: `{command}`.",
        "Corpus: `bench/gen_corpus.py --n N --seed 1`. Wall seconds of the real `feedd once` "
        "(start-up included; feedd's modules byte-compiled beforehand, as an installed package's "
        "are); peak RSS by GNU time (its largest process: feedd or a worker).",
        "",
        "| N | phase | median s | min s | max s | peak RSS MiB | peers (feedd ÷ peer) |",
        "|---|---|---|---|---|---|---|",
        *rows,
        "",
        "## What was timed",
        "",
        *[f"- {n}" for n in notes],
    ]
    if source_rows:
        report += ["", "## Remote sources (one local server, `fetch_per_host = 32`)", "",
                   f"Served by {served_by} on 127.0.0.1.", "",
                   "| sources | cold round s | all-304 round s |", "|---|---|---|"]  # fmt: skip
        report += source_rows
    if serve_rows:
        report += ["", "## Serving `all.atom` (wrk -t2 -c32 -d5s)", "",
                   "| server and response | requests/s |", "|---|---|", *serve_rows]  # fmt: skip
    report += ["", "## Targets", "", *[f"- {t}" for t in targets], ""]
    args.out.write_text("\n".join(report), encoding="utf-8")
    print("\n".join(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
