#!/usr/bin/env python3
"""What folding near-duplicates into stories finds, and what it costs.

    python bench/stories.py [--sizes 10000,50000] [--rounds 3] [--near 0.05] [--out FILE]

For each size, a corpus of bench/gen_corpus.py with ``--near`` of its files planted as
near-duplicate copies (re-titled with a credit line, trimmed, reworded, in Traditional script,
several at once; see gen_corpus.near_copy), and the generator's exact copies as always. Each
round runs, in turn, a cold ``feedd once`` with ``[stories] enabled = true`` and one with it
off, each followed by no-change runs; the medians and their ratio are reported with the peak
RSS. After a cold run with stories on, the stories are read from the database and checked
against the manifest: planted pairs found and missed (by kind), and false folds (a copy in a
story whose representative is another article). The labelled pairs of tests/data/stories/ are
scored as bench/labelled.py does. Nothing here fails on a time.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import statistics
import subprocess
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import labelled  # noqa: E402
import run  # noqa: E402

from feedd.normalize import similar  # noqa: E402


def corpus(work: Path, n: int, near: float) -> Path:
    site = work / f"{n}-near{near}"
    if not (site / "corpus.done").exists():
        shutil.rmtree(site, ignore_errors=True)
        site.mkdir(parents=True)
        subprocess.run([sys.executable, str(run.HERE / "gen_corpus.py"), "--n", str(n),
                        "--out", str(site / "seeds"), "--manifest", str(site / "manifest.jsonl"),
                        "--near", str(near)], check=True, stdout=subprocess.DEVNULL)  # fmt: skip
        (site / "corpus.done").touch()
    return site


def configure(site: Path, on: bool) -> None:
    (site / "config.toml").write_text(
        f'seeds = "seeds"\n[stories]\nenabled = {"true" if on else "false"}\n', "utf-8"
    )


def check(site: Path) -> dict[str, object]:
    """The stories in the database against the manifest."""
    manifest = [json.loads(line) for line in (site / "manifest.jsonl").open(encoding="utf-8")]
    root = {}
    for rec in manifest:
        root[rec["file"]] = rec.get("near_of") or rec.get("dup_of") or rec["file"]
    db = sqlite3.connect(site / "var" / "feedd.db")
    try:
        story_of = dict(
            db.execute(
                "SELECT i.key, e.story FROM items i JOIN entries e ON e.id = i.entry_id "
                "WHERE i.source_id = 0"
            )
        )
    finally:
        db.close()
    found, missed = Counter(), Counter()
    for rec in manifest:
        if rec.get("near_of"):
            same = story_of.get(rec["file"]) == story_of.get(rec["near_of"])
            (found if same else missed)[rec["near"]] += 1
    by_story: dict[str, list[str]] = {}
    for key, story in story_of.items():
        by_story.setdefault(story, []).append(key)
    false_folds = 0
    for keys in by_story.values():
        roots = Counter(root.get(k, k) for k in keys)
        false_folds += len(keys) - roots.most_common(1)[0][1]
    return {
        "planted": sum(found.values()) + sum(missed.values()),
        "found": sum(found.values()),
        "missed": sum(missed.values()),
        "missed_by_kind": dict(missed),
        "false_folds": false_folds,
        "stories_of_more_than_one": sum(len(v) > 1 for v in by_story.values()),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,50000")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--no-change", type=int, default=3, help="no-change runs after each cold")
    ap.add_argument("--near", type=float, default=0.05)
    ap.add_argument("--work", type=Path, default=run.HERE / "work" / "stories")
    ap.add_argument("--out", type=Path, default=run.HERE / "STORIES.md")
    a = ap.parse_args(argv)
    run.compile_feedd()
    rows, checks = [], {}
    for n in (int(x) for x in a.sizes.split(",")):
        site = corpus(a.work, n, a.near)
        times: dict[bool, dict[str, list[float]]] = {
            on: {"cold": [], "nochange": [], "rss": []} for on in (True, False)
        }
        for r in range(a.rounds):
            for on in (True, False) if r % 2 == 0 else (False, True):
                configure(site, on)
                run.reset(site)
                wall, rss, _err = run.feedd_once(site)
                times[on]["cold"].append(wall)
                times[on]["rss"].append(rss)
                if on and n not in checks:
                    checks[n] = check(site)
                for _ in range(a.no_change):
                    times[on]["nochange"].append(run.feedd_once(site)[0])
                print(f"N={n} round {r + 1} stories {'on' if on else 'off'}: cold {wall:.2f}s "
                      f"{rss:.0f} MiB", flush=True)  # fmt: skip
        med = {on: {k: statistics.median(v) for k, v in t.items()} for on, t in times.items()}
        peak = {on: max(t["rss"]) for on, t in times.items()}
        rows.append((n, med, peak))
    pairs, texts = labelled.load()
    p, rcl, counts, _wrong = labelled.score(pairs, texts, 0.7, similar.Shingling())
    out = [
        "# Stories: what folding finds and costs",
        "",
        f"Machine: {run.machine()}. Command: `python bench/stories.py --sizes {a.sizes} "
        f"--rounds {a.rounds} --near {a.near}`. Corpus: `bench/gen_corpus.py --n N --seed 1 "
        f"--near {a.near}`. Wall seconds of the real `feedd once`, medians of {a.rounds} rounds "
        "taking turns; peak RSS by GNU time (the largest process).",
        "",
        "| N | cold, on | cold, off | on ÷ off | no-change, on | no-change, off "
        "| peak RSS on / off MiB |",
        "|---|---|---|---|---|---|---|",
    ]
    for n, med, peak in rows:
        on, off = med[True], med[False]
        out.append(
            f"| {n:,} | {on['cold']:.2f} | {off['cold']:.2f} | {on['cold'] / off['cold']:.3f} | "
            f"{on['nochange']:.2f} | {off['nochange']:.2f} | {peak[True]:.0f} / {peak[False]:.0f} |"
        )
    out += ["", "| N | planted copies | found | missed | false folds | missed by kind |",
            "|---|---|---|---|---|---|"]  # fmt: skip
    for n, c in checks.items():
        out.append(
            f"| {n:,} | {c['planted']} | {c['found']} | {c['missed']} | {c['false_folds']} | "
            f"{c['missed_by_kind'] or '-'} |"
        )
    out += [
        "",
        f"Labelled pairs (tests/data/stories/, `python bench/labelled.py`): {len(pairs)} pairs, "
        f"precision {p:.3f}, recall {rcl:.3f} (tp fp fn tn: {' '.join(map(str, counts))}).",
        "",
    ]
    a.out.write_text("\n".join(out), "utf-8")
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
