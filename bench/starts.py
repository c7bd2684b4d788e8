#!/usr/bin/env python3
"""Cold starts and stops of ``feedd run``, many times over: does it start and stop every time?

    python bench/starts.py [--n 5000] [--starts 100] [--early 50] [--work bench/work/starts]

Each start is cold (no database, no output) on a corpus of --n files, so the first scan
reads every file in a worker pool, where a start used to hang about one time in ten. A start
counts as good when ``/healthz`` answers 200 within START_LIMIT seconds and, after SIGTERM,
the process exits with status 0 within STOP_LIMIT seconds. --early more starts get their
SIGTERM at a random moment of the first build instead, and must exit as promptly (status 0,
or death by the SIGTERM itself when it lands before feedd has installed its handler). Between
starts, no feedd process (a worker of the last one) may be left, nor may the run lock be
held. Prints the counts and the slowest start and stop; exits 1 if any start failed.
Run it with the Python of the environment feedd is installed in.
"""

from __future__ import annotations

import argparse
import fcntl
import http.client
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
FEEDD = Path(sys.executable).with_name("feedd")
START_LIMIT = 60.0  # seconds from exec to /healthz 200 (a cold 5,000-file build takes ~3 s)
STOP_LIMIT = 10.0  # seconds from SIGTERM to exit


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthz(port: int) -> int:
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        c.request("GET", "/healthz")
        status = c.getresponse().status
        c.close()
        return status
    except OSError:
        return 0


def children_of(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (its workers)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def lock_is_free(site: Path) -> bool:
    lock = site / "var" / "feedd.db.lock"
    if not lock.exists():
        return True
    with open(lock) as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(fh, fcntl.LOCK_UN)
    return True


def one_start(site: Path, early: float | None) -> tuple[str, float, float]:
    """``(problem or "", seconds to healthz, seconds to stop)`` of one cold start."""
    shutil.rmtree(site / "var", ignore_errors=True)
    shutil.rmtree(site / "public", ignore_errors=True)
    port = free_port()
    (site / "config.toml").write_text(
        f'seeds = "seeds"\n[server]\nlisten = "127.0.0.1:{port}"\n', encoding="utf-8"
    )
    log = open(site / "run.log", "w")  # noqa: SIM115 - closed below
    started = time.monotonic()
    proc = subprocess.Popen([str(FEEDD), "run", "--config", str(site / "config.toml")],
                            stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    up = 0.0
    try:
        if early is None:
            while healthz(port) != 200:
                if proc.poll() is not None:
                    return f"exited with {proc.returncode} before answering", 0.0, 0.0
                if time.monotonic() - started > START_LIMIT:
                    return f"no /healthz 200 within {START_LIMIT:.0f} s", 0.0, 0.0
                time.sleep(0.05)
            up = time.monotonic() - started
        else:
            time.sleep(early)
        workers = children_of(proc.pid)
        stopping = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(timeout=STOP_LIMIT)
        except subprocess.TimeoutExpired:
            return f"still running {STOP_LIMIT:.0f} s after SIGTERM", up, STOP_LIMIT
        down = time.monotonic() - stopping
        # -SIGTERM: the signal came before Python had run feedd's code and installed its
        # handler (the first tenth of a second); the default action is as prompt a stop.
        if code not in (0, -signal.SIGTERM):
            return f"exit status {code} after SIGTERM", up, down
        deadline = time.monotonic() + 5
        while any(os.path.exists(f"/proc/{w}") for w in workers):
            if time.monotonic() > deadline:
                return "a worker outlived the daemon", up, down
            time.sleep(0.05)
        if not lock_is_free(site):
            return "the run lock is still held", up, down
        if "Traceback" in (site / "run.log").read_text():
            return "a traceback in the log", up, down
        return "", up, down
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--starts", type=int, default=100)
    ap.add_argument("--early", type=int, default=50)
    ap.add_argument("--work", type=Path, default=HERE / "work" / "starts")
    args = ap.parse_args()
    site = args.work
    if not (site / "seeds").is_dir():
        site.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(HERE / "gen_corpus.py"), "--n", str(args.n),
                        "--out", str(site / "seeds"), "--seed", "1"],
                       check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    rng = random.Random(1)
    plan = [None] * args.starts + [rng.uniform(0.0, 3.0) for _ in range(args.early)]
    failures: list[str] = []
    ups: list[float] = []
    downs: list[float] = []
    for i, early in enumerate(plan, 1):
        problem, up, down = one_start(site, early)
        kind = "start" if early is None else f"early stop at {early:.1f} s"
        if problem:
            failures.append(f"#{i} ({kind}): {problem}")
            print(f"#{i} {kind}: FAILED: {problem}", flush=True)
        else:
            if early is None:
                ups.append(up)
            downs.append(down)
            print(f"#{i} {kind}: ok (up {up:.1f} s, stopped in {down:.2f} s)", flush=True)
    good = len(plan) - len(failures)
    print(f"\n{good} of {len(plan)} cold starts on {args.n} files good ({args.starts} to "
          f"/healthz then SIGTERM, {args.early} stopped during the build)")  # fmt: skip
    if ups:
        print(f"slowest /healthz after start: {max(ups):.1f} s; slowest stop: {max(downs):.2f} s")
    for f in failures:
        print("FAILED", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
