#!/usr/bin/env python3
"""Two versions of feedd side by side, against Hugo in the same run: is a change faster or
slower, and does it publish the same feeds?

    python bench/ab.py OLD_TREE [--new NEW_TREE] [--n 10000] [--rounds 5] [--repeat 5]
                       [--work DIR]

OLD_TREE and NEW_TREE are source trees of feedd (a ``git worktree`` of the commit to compare
with; NEW_TREE defaults to this one), each run with the Python of this environment and the
tree first on PYTHONPATH. Each round times, for both versions in turn run by run, a cold
``feedd once`` on its own copy of the same corpus, a no-change run and a run after one file
is edited, one added and one deleted (the same three in both copies; the no-change run
``--repeat`` times, as it is short enough for noise to be most of it), then one cold and one
no-change Hugo build. It prints the medians, each version's ratio to Hugo, and the change in
per cent. After the first cold runs it compares the two outputs file by file; lines given with
``--ignore`` (a regular expression; by default the enclosure and thumbnail lines new in
issue 12) are left out of the comparison. Nothing here fails on a time.
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import shutil
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402 - the benchmark's own helpers: timing, corpus, the three changes

IGNORE = r'^\s*<(link rel="enclosure"|media:thumbnail) '


def outputs(public: Path, ignore: re.Pattern[bytes]) -> dict[str, list[bytes]]:
    return {
        p.relative_to(public).as_posix(): [
            line for line in p.read_bytes().splitlines() if not ignore.search(line)
        ]
        for p in sorted(public.rglob("*"))
        if p.is_file()
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("old", type=Path)
    ap.add_argument("--new", type=Path, default=run.ROOT)
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--work", type=Path, default=run.HERE / "work" / "ab")
    ap.add_argument("--ignore", default=IGNORE)
    ap.add_argument("--repeat", type=int, default=5, help="no-change runs per round")
    ap.add_argument("--verbose", action="store_true", help="print every time taken")
    args = ap.parse_args()
    trees = {"old": args.old.resolve(), "new": args.new.resolve()}
    for tree in trees.values():
        compileall.compile_dir(str(tree / "feedd"), quiet=1)
    source = run.corpus(args.work, args.n)
    sites = {}
    for name in trees:
        site = args.work / f"{name}-{args.n}"
        shutil.rmtree(site, ignore_errors=True)
        shutil.copytree(source / "seeds", site / "seeds")  # mtimes kept: the same dates
        (site / "config.toml").write_text('seeds = "seeds"\n')
        sites[name] = site
    times: dict[tuple[str, str], list[float]] = {}
    for i in range(args.rounds):
        order = list(trees) if i % 2 == 0 else list(reversed(trees))

        def each(phase: str, before: object = None, order: list[str] = order) -> None:
            # the versions take turns run by run: the machine's pace drifts over seconds
            for name in order:
                os.environ["PYTHONPATH"] = str(trees[name])
                if before:
                    before(sites[name])
                times.setdefault((name, phase), []).append(run.feedd_once(sites[name])[0])

        each("cold", run.reset)
        for _ in range(args.repeat):  # a fifth of a second: noise is most of it
            each("no-change")
        each("edit+add+delete", lambda site, i=i: run.change_three(site, i))
        os.environ.pop("PYTHONPATH", None)
        hugo = run.peers_once(args.n, "hugo-atom", args.work)
        for phase, label in (("cold", "hugo-atom-cold"), ("no-change", "hugo-atom-nochange")):
            times.setdefault(("hugo", phase), []).append(hugo[label][0])
        if i == 0:
            same = compare(args, trees, sites)
        print(f"round {i + 1} done", flush=True)
    print(f"\nN={args.n}, {args.rounds} rounds; medians in seconds (ratio to Hugo's cold or "
          "no-change build in the same run)")  # fmt: skip
    for phase in ("cold", "no-change", "edit+add+delete"):
        old, new = (statistics.median(times[(n, phase)]) for n in ("old", "new"))
        hugo = statistics.median(times[("hugo", "cold" if phase == "cold" else "no-change")])
        print(f"  {phase:16} old {old:6.2f} ({old / hugo:.3f}× Hugo)   new {new:6.2f} "
              f"({new / hugo:.3f}× Hugo)   {100 * (new - old) / old:+.1f}%")  # fmt: skip
    print(f"  Hugo cold {statistics.median(times[('hugo', 'cold')]):.2f}, no-change "
          f"{statistics.median(times[('hugo', 'no-change')]):.2f}")  # fmt: skip
    print(same)
    if args.verbose:
        for (name, phase), walls in sorted(times.items()):
            print(f"  {name} {phase}: " + " ".join(f"{w:.2f}" for w in walls))


def compare(args: argparse.Namespace, trees: dict[str, Path], sites: dict[str, Path]) -> str:
    """Build each version cold once more, untimed, and compare what they wrote."""
    ignore = re.compile(args.ignore.encode())
    out = {}
    for name in trees:
        os.environ["PYTHONPATH"] = str(trees[name])
        site = args.work / f"{name}-{args.n}-first"
        shutil.rmtree(site, ignore_errors=True)
        shutil.copytree(run.corpus(args.work, args.n) / "seeds", site / "seeds")
        (site / "config.toml").write_text('seeds = "seeds"\n')
        run.feedd_once(site)
        out[name] = outputs(site / "public", ignore)
    os.environ.pop("PYTHONPATH", None)
    old, new = out["old"], out["new"]
    differ = [p for p in sorted(old.keys() | new.keys()) if old.get(p) != new.get(p)]
    ignored = 0
    for name in trees:
        site = args.work / f"{name}-{args.n}-first"
        every = sum(len(p.read_bytes().splitlines()) for p in (site / "public").rglob("*.atom"))
        kept = sum(len(v) for k, v in out[name].items() if k.endswith(".atom"))
        ignored = max(ignored, every - kept)
    if differ:
        return f"outputs differ in {len(differ)} of {len(old | new)} files, e.g. {differ[:5]}"
    return (f"outputs identical: {len(old)} files, byte for byte but {ignored} lines "
            f"matching {args.ignore!r}")  # fmt: skip


if __name__ == "__main__":
    main()
