"""What makes two texts one story: a comparable form, shingles, MinHash sketches, the verdict.

The method is the standard one for near-duplicate text (Broder 1997; Leskovec, Rajaraman and
Ullman, *Mining of Massive Datasets*, ch. 3):

1. **A comparable form.** The body's text without its credit lines ("来源：…", "Fonte: …", a
   trailing source link), NFKC-normalized and case-folded; Chinese in Traditional script is
   converted to Simplified with mainland phrases (OpenCC ``tw2sp``: 軟體→软件, 使用者→用户),
   so a Taiwan or Hong Kong copy compares as the mainland original. Titles are not compared:
   portals re-title what they copy.
2. **Tokens and shingles.** A Han or kana character is one token (CJK text has no spaces
   and needs no word segmentation), a run of letters or digits another; punctuation and
   spacing are no tokens. A shingle is ``chars`` consecutive tokens in CJK text, ``words``
   in alphabetic text (the script most tokens are in decides).
3. **Similarity** is the Jaccard index of the two shingle sets, computed exactly for the
   verdict. A text of fewer than ``MIN_CHARS`` characters (CJK) or ``MIN_WORDS`` words is
   too short to judge: it is one story with another only when their token sequences are
   equal.
4. **Finding candidates** uses MinHash (``rensa``) with LSH banding: ``BANDS`` bands of
   ``ROWS`` rows each. Two texts of similarity s share a band with probability
   1 - (1 - s^ROWS)^BANDS: 0.996 at 0.7, 0.06 at 0.25. The store indexes the band hashes,
   so a new text's candidates are a few index lookups, whatever the number of entries.

One guard comes before the score, because precision comes first (a wrong fold loses a reader
an article; a missed one shows it twice): two texts that each hold a number the other lacks
are two stories (a template notice with another price, date or count), however similar the
rest. A trimmed copy holds a subset of the original's numbers, so it still folds.

Pure: no database, no clock. numpy, OpenCC and rensa are imported on first use: a run that
sketches nothing never loads them (see ``preload`` for one that starts worker processes).
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from ..models import Sketch

if TYPE_CHECKING:
    import numpy as np

# Shorter texts are too short to judge: one story only when equal after normalizing. A notice
# of that length built from a template differs from the next by a name alone, as a copy with
# one phrase reworded would (see bench/labelled.py: template notices run 160-220 characters,
# 50-70 words, and score up to 0.96).
MIN_CHARS = 300  # Han or kana characters, in CJK text
MIN_WORDS = 100  # words, in other text
MAX_CHARS = 200_000  # a longer text is sketched from its first MAX_CHARS characters
BANDS, ROWS = 20, 4
NUM_PERM = BANDS * ROWS
_SEED = 20261201
# Bump when the comparable form, the tokens or the hashing change: stored sketches are then
# made again from the stored text (see store.stories).
VERSION = 1


@dataclass(frozen=True, slots=True)
class Shingling:
    """The shingle sizes, from the config's ``[stories]`` table."""

    chars: int = 5
    words: int = 4

    def signature(self) -> str:
        """What a stored sketch was made with: another one means sketching again."""
        import rensa

        return f"v{VERSION}:rensa{rensa.RMinHash.ALGORITHM_VERSION}:{self.chars}:{self.words}"


class Compared(NamedTuple):
    """Two texts side by side: what the verdict is made from."""

    similarity: float  # Jaccard index of the shingle sets
    tokens: tuple[int, int]
    shared: int  # shingles in both
    numbers: tuple[tuple[str, ...], tuple[str, ...]]  # numbers only in the first, the second
    equal: bool  # the token sequences are the same
    short: bool  # one of them is too short to judge (see MIN_CHARS)


class Verdict(NamedTuple):
    same: bool
    reason: str


# --- the comparable form --------------------------------------------------------------------

_LABELS = (
    "来源|來源|出处|出處|稿源|责任编辑|責任編輯|责编|責編|编辑|編輯|原标题|原標題|作者|记者|記者|"
    "转载自|轉載自|本文来源|本文來源|图片来源|圖片來源|source|sources|fonte|fontes|via|credit|"
    "credits|photo|foto|editor|edição|edicao|reportagem|texto|por|by|originally published"
)
# A paragraph (or heading, or list item) that is a credit line: a label, a colon, and at most
# _CREDIT_CHARS characters; or a link alone in its paragraph, as portals end a copy with
# [qq](https://new.qq.com/...). Matched on the HTML in one pass.
_CREDIT_CHARS = 120
_CREDIT = re.compile(
    r"<(p|h[1-6]|li)>\s*(?:<(?:strong|em|b|i|span)[^>]*>\s*)*[(（\[【]?\s*"
    rf"(?:(?:{_LABELS})\s*[:：|｜][^<]{{0,{_CREDIT_CHARS}}}|<a [^>]*>[^<]{{0,80}}</a>)"
    r"(?:\s*</?(?:strong|em|b|i|span|a)[^>]*>)*\s*[)）\]】]?\s*</\1>",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"\d(?:[\d,.]*\d)?")
SKETCH_CHARS = 1000  # of the comparable text, sketched: candidates need no more (see sketch)


def comparable(html: str, lang_group: str = "", limit: int = MAX_CHARS) -> str:
    """The text of an entry's HTML as it is compared: credit lines and a link alone in its
    paragraph dropped, case-folded, Traditional Chinese as Simplified; at most ``limit``
    characters of it."""
    from .html import to_text  # the HTML tools: loaded when a text is compared, not before

    plain = to_text(_CREDIT.sub(" ", html[: limit * 2]))[:limit].casefold()
    if lang_group == "zh-Hant":
        plain = _to_simplified(plain)
    return plain


@functools.cache
def _converter():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("tw2sp")


def _to_simplified(text: str) -> str:
    return _converter().convert(text)


def preload() -> None:
    """Import and build what sketching needs, once, before worker processes fork (they then
    share it, instead of each loading numpy and building the tables)."""
    import rensa  # noqa: F401

    _tables()
    _converter()


# --- tokens and shingles --------------------------------------------------------------------


@functools.cache
def _tables() -> tuple[np.ndarray, np.ndarray]:
    """Each code point's class (0: no token, 1: letter or digit, 2: a token alone: Han,
    kana) and the powers that hash a word's characters in order."""
    import numpy as np

    cls = np.zeros(0x110000, dtype=np.uint8)
    bmp = "".join(map(chr, range(0x10000)))
    cls[:0x10000][np.fromiter((c.isalnum() for c in bmp), bool, 0x10000)] = 1
    for lo, hi in (
        (0x3040, 0x30FF),  # kana
        (0x3400, 0x4DBF),  # CJK extension A
        (0x4E00, 0x9FFF),  # CJK unified ideographs
        (0xF900, 0xFAFF),  # compatibility ideographs
        (0x20000, 0x3FFFF),  # supplementary ideographs
    ):
        cls[lo : hi + 1] = 2
    powers = np.cumprod(np.full(_MAX_WORD, _P, dtype=np.uint64)) // _P  # P^0 .. P^63, wrapping
    return cls, powers


_MAX_WORD = 64  # characters of a word that count
_P = 0x100000001B3  # FNV's 64-bit prime: odd, so multiplying by it wraps without losing bits
_MIX = 0x9E3779B97F4A7C15
_MIX2 = 0xBF58476D1CE4E5B9


def tokens(text: str) -> tuple[np.ndarray, bool]:
    """The token hashes of a comparable text, in order, and whether it is CJK text (most of
    its letters Han or kana): then every letter or digit is a token of its own, as a
    character shingle needs; else a Han or kana character is one and a word another."""
    import numpy as np

    cls, powers = _tables()
    cps = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    if not text.isascii():  # full-width letters and digits (Ａ１) as ASCII, as NFKC would
        wide = (cps >= 0xFF01) & (cps <= 0xFF5E)
        if wide.any():
            cps = np.where(wide, cps - 0xFEE0, cps)
    kinds = cls[cps]
    kept = np.flatnonzero(kinds)
    if not len(kept):
        return np.zeros(0, dtype=np.uint64), False
    chars = cps[kept].astype(np.uint64)
    with np.errstate(over="ignore"):
        chars = (chars + np.uint64(1)) * np.uint64(_MIX)
    cjk = np.count_nonzero(kinds == 2) * 2 > len(kept)
    if cjk:
        return chars, True
    # a token starts at every Han or kana character and at a letter after no letter
    single = kinds[kept] == 2
    first = np.empty(len(kept), dtype=bool)
    first[0] = True
    np.not_equal(np.diff(kept), 1, out=first[1:])
    first[1:] |= single[1:] | single[:-1]
    starts = np.flatnonzero(first)
    if len(starts) == len(kept):
        return chars, False
    rel = np.arange(len(kept)) - np.repeat(starts, np.diff(np.append(starts, len(kept))))
    np.minimum(rel, _MAX_WORD - 1, out=rel)
    with np.errstate(over="ignore"):
        return np.add.reduceat(chars * powers[rel], starts), False


def shingles(hashed: np.ndarray, cjk: bool, shingling: Shingling) -> np.ndarray:
    """The shingle hashes (with repeats) of a token sequence."""
    import numpy as np

    k = shingling.chars if cjk else shingling.words
    n = len(hashed) - k + 1
    if n <= 0:
        n, k = 1, len(hashed)
    with np.errstate(over="ignore"):
        h = hashed[:n].copy()
        for j in range(1, k):
            h = h * np.uint64(_P) ^ hashed[j : j + n]
        h ^= h >> np.uint64(31)
        h *= np.uint64(_MIX2)
        h ^= h >> np.uint64(29)
    return h


def sketch(html: str, lang_group: str, shingling: Shingling) -> Sketch:
    """The sketch the store indexes an entry's text by: of its first SKETCH_CHARS characters,
    which bounds its cost per entry. Candidates found so are judged on their whole texts
    (see ``compare``); a copy of a text begins as the text does (or with a credit line,
    dropped), so the beginning is what finds it."""
    return _sketch(comparable(html, lang_group, SKETCH_CHARS), shingling)


def _sketch(text: str, shingling: Shingling) -> Sketch:
    import numpy as np
    import rensa

    hashed, cjk = tokens(text)
    exact = hashlib.blake2b(hashed.tobytes(), digest_size=16).digest()
    if len(hashed) == 0:
        return Sketch(0, exact, b"", ())
    h = shingles(hashed, cjk, shingling)
    offsets = np.array([0, len(h)], dtype=np.uint64)
    row = rensa.RMinHash.digest_matrix_from_flat_token_hashes(
        h, offsets, num_perm=NUM_PERM, seed=_SEED
    ).to_rows()[0]
    digest = np.array(row, dtype=np.uint32)
    return Sketch(len(hashed), exact, digest.tobytes(), band_hashes(digest))


def band_hashes(digest: np.ndarray) -> tuple[int, ...]:
    """One signed 64-bit hash per band of ROWS digest values, the band's number mixed in:
    two texts share a band when the hashes are equal."""
    import numpy as np

    pairs = digest.view(np.uint64).reshape(BANDS, ROWS // 2)
    with np.errstate(over="ignore"):
        h = np.arange(1, BANDS + 1, dtype=np.uint64) * np.uint64(_MIX)
        for j in range(ROWS // 2):
            h = (h ^ pairs[:, j]) * np.uint64(_MIX2)
        h ^= h >> np.uint64(32)
    return tuple(h.view(np.int64).tolist())


def estimate(a: bytes, b: bytes) -> float:
    """The MinHash estimate of two texts' similarity, from their digests."""
    import numpy as np

    if not a or not b:
        return 0.0
    x, y = np.frombuffer(a, dtype=np.uint32), np.frombuffer(b, dtype=np.uint32)
    return float(np.count_nonzero(x == y)) / NUM_PERM


# --- the verdict ----------------------------------------------------------------------------


def compare(a: str, b: str, shingling: Shingling, cache: dict | None = None) -> Compared:
    """Two comparable texts (see ``comparable``) side by side. ``cache`` keeps what each
    text is made into, by text, for a caller comparing one text with several."""
    (ha, ca, sa, na) = _parts(a, shingling, cache)
    (hb, cb, sb, nb) = _parts(b, shingling, cache)
    short = len(ha) < (MIN_CHARS if ca else MIN_WORDS) or len(hb) < (MIN_CHARS if cb else MIN_WORDS)
    equal = len(ha) == len(hb) and bool((ha == hb).all())
    union = len(sa | sb)
    shared = len(sa & sb)
    return Compared(
        1.0 if equal else (shared / union if union else 0.0),
        (len(ha), len(hb)),
        shared,
        (tuple(sorted(na - nb)), tuple(sorted(nb - na))),
        equal,
        short,
    )


def _parts(text: str, shingling: Shingling, cache: dict | None) -> tuple:
    got = cache.get(text) if cache is not None else None
    if got is None:
        hashed, cjk = tokens(text)
        sets = set(shingles(hashed, cjk, shingling).tolist()) if len(hashed) else set()
        got = (hashed, cjk, sets, _numbers(text))
        if cache is not None:
            if len(cache) > 256:
                cache.pop(next(iter(cache)))
            cache[text] = got
    return got


def _numbers(text: str) -> set[str]:
    return {unicodedata.normalize("NFKC", n).replace(",", "") for n in _NUMBER.findall(text)}


def judge(c: Compared, threshold: float) -> Verdict:
    """Whether two compared texts are one story, and why."""
    if c.equal:
        return Verdict(c.tokens[0] > 0, "the same text after normalizing" if c.tokens[0] else
                       "no text to compare")  # fmt: skip
    if c.short:
        return Verdict(
            False,
            f"too short to judge ({min(c.tokens)} tokens: under {MIN_CHARS} characters of CJK "
            f"text or {MIN_WORDS} words) and not the same text after normalizing",
        )
    if c.similarity < threshold:
        return Verdict(False, f"similarity {c.similarity:.2f} < threshold {threshold:.2f}")
    only_a, only_b = c.numbers
    if only_a and only_b:
        return Verdict(
            False,
            f"similarity {c.similarity:.2f}, but each holds numbers the other lacks "
            f"({', '.join(only_a[:3])} / {', '.join(only_b[:3])})",
        )
    return Verdict(True, f"similarity {c.similarity:.2f} ≥ threshold {threshold:.2f}")
