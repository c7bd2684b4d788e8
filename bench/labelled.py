"""Precision and recall of story folding on the labelled pairs in tests/data/stories/.

    python bench/labelled.py [--threshold T] [--chars K] [--words K] [--sweep]

Each file is read as a seed is (normalize.article), each labelled pair compared as the store
compares two entries (normalize.similar: comparable texts, exact Jaccard of the shingle sets,
the verdict), and the verdicts are counted against the labels. ``--sweep`` prints the figures
over a range of thresholds and shingle sizes: how the defaults were chosen.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from feedd.normalize import article, similar  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "stories"


def load() -> tuple[list[dict], dict[str, str]]:
    pairs = tomllib.loads((DATA / "labels.toml").read_text("utf-8"))["pair"]
    texts = {}
    for name in sorted({p[k] for p in pairs for k in ("a", "b")}):
        item = article.normalize(name, (DATA / name).read_bytes(), ZoneInfo("UTC"))
        texts[name] = similar.comparable(item.html.decode(), item.lang_group)
    return pairs, texts


def score(pairs, texts, threshold, shingling):
    tp = fp = fn = tn = 0
    wrong = []
    for p in pairs:
        c = similar.compare(texts[p["a"]], texts[p["b"]], shingling)
        v = similar.judge(c, threshold)
        if v.same and p["same"]:
            tp += 1
        elif v.same:
            fp += 1
            wrong.append(("false fold", p, c, v))
        elif p["same"]:
            fn += 1
            wrong.append(("missed", p, c, v))
        else:
            tn += 1
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, (tp, fp, fn, tn), wrong


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threshold", type=float, default=0.7)
    ap.add_argument("--chars", type=int, default=similar.Shingling().chars)
    ap.add_argument("--words", type=int, default=similar.Shingling().words)
    ap.add_argument("--sweep", action="store_true")
    a = ap.parse_args()
    pairs, texts = load()
    if a.sweep:
        print("| threshold | chars | words | precision | recall | tp fp fn tn |")
        print("|---|---|---|---|---|---|")
        for chars in (3, 4, 5, 6, 8):
            for words in (2, 3, 4, 5):
                for t in (0.5, 0.6, 0.7, 0.8, 0.9):
                    p, r, n, _ = score(pairs, texts, t, similar.Shingling(chars, words))
                    print(
                        f"| {t} | {chars} | {words} | {p:.3f} | {r:.3f} | {' '.join(map(str, n))} |"
                    )
        return
    p, r, n, wrong = score(pairs, texts, a.threshold, similar.Shingling(a.chars, a.words))
    print(
        f"{len(pairs)} labelled pairs ({sum(x['same'] for x in pairs)} copies, "
        f"{sum(not x['same'] for x in pairs)} look-alikes); threshold {a.threshold}, "
        f"shingles of {a.chars} characters / {a.words} words"
    )
    print(f"precision {p:.3f}  recall {r:.3f}  (tp fp fn tn: {' '.join(map(str, n))})")
    for what, pair, c, v in wrong:
        print(
            f"  {what}: {pair['a']} / {pair['b']} ({pair['kind']}): {v.reason}; tokens {c.tokens}"
        )


if __name__ == "__main__":
    main()
