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
4. **Finding candidates** uses MinHash (``rensa``, NUM_PERM values) of the first
   SKETCH_CHARS characters of the comparable text, with LSH banding: ``BANDS`` bands of
   ``ROWS`` rows each; the store indexes the band hashes and the exact hash, so a new text's
   candidates are a few index lookups, whatever the number of entries (store.stories: two
   shared bands make a candidate, and its MinHash estimate must come near the threshold).

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
VERSION = 2


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
    plain = _plain(html, limit)
    if lang_group == "zh-Hant" or _traditional(plain):
        plain = _to_simplified(plain)  # (a Traditional copy declared zh-CN or en, too)
    return plain


def _plain(html: str, limit: int) -> str:
    """The text of an entry's HTML without its credit lines, case-folded, at most ``limit``
    characters: the comparable form but for the script (see ``comparable``)."""
    from .html import to_text  # the HTML tools: loaded when a text is compared, not before

    return to_text(_CREDIT.sub(" ", html[: limit * 2]))[:limit].casefold()


def _traditional(text: str) -> bool:
    """Whether ``text`` holds a character only Traditional script has."""
    from .lang import script_patterns

    return script_patterns()[0].search(text) is not None


@functools.cache
def _converter():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("tw2sp")


def _to_simplified(text: str) -> str:
    return _converter().convert(text)


@functools.cache
def _simplified() -> np.ndarray:
    """Each code point of the Basic Multilingual Plane as a sketch takes it: a Traditional
    character as its Simplified one (OpenCC's, character by character), any other as itself.

    Sketches convert the script so: as one table lookup among their other array work, where
    OpenCC's phrase conversion costs 0.2 ms for the 1,000 characters a sketch reads. Phrases
    (軟體, 软件) are then converted only as characters (软体), which finds a regional copy
    nonetheless; the verdict compares the whole texts converted by phrase (see comparable).
    """
    import numpy as np

    table = np.arange(0x10000, dtype=np.uint32)
    chars = [chr(c) for lo, hi in _HAN_BMP for c in range(lo, hi + 1)]
    done = _converter().convert("\n".join(chars)).split("\n")  # no phrase spans a line
    if len(done) == len(chars):
        for a, b in zip(chars, done, strict=True):
            if len(b) == 1 and b != a:
                table[ord(a)] = ord(b)
    return table


_HAN_BMP = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))


def preload() -> None:
    """Import and build what sketching needs, once, before worker processes fork (they then
    share it, instead of each loading numpy and building the tables)."""
    import rensa  # noqa: F401

    _tables()
    _simplified()
    _converter()
    _traditional("")


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


class Tokens(NamedTuple):
    """The token hashes of several comparable texts, one run after the other."""

    hashed: np.ndarray  # uint64, every text's tokens in order
    offsets: np.ndarray  # text i's tokens are hashed[offsets[i]:offsets[i + 1]]
    cjk: np.ndarray  # bool per text: CJK text (see tokens)

    def of(self, i: int) -> np.ndarray:
        return self.hashed[self.offsets[i] : self.offsets[i + 1]]


def tokens(text: str) -> tuple[np.ndarray, bool]:
    """The token hashes of a comparable text, in order, and whether it is CJK text (most of
    its letters Han or kana): then every letter or digit is a token of its own, as a
    character shingle needs; else a Han or kana character is one and a word another."""
    t = tokens_of([text])
    return t.hashed, bool(t.cjk[0])


def tokens_of(texts: list[str], simplify: bool = False) -> Tokens:
    """``tokens`` of several texts at once: numpy's cost per call is paid once for all, not
    once per text (most of it, for a text of SKETCH_CHARS). ``simplify``: Traditional
    characters as Simplified ones (see ``_simplified``)."""
    import numpy as np

    cls, powers = _tables()
    joined = "\x00".join(texts)  # no token, and in no text (normalize drops it): a boundary
    cps = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    if not joined.isascii():  # full-width letters and digits (Ａ１) as ASCII, as NFKC would
        wide = (cps >= 0xFF01) & (cps <= 0xFF5E)
        if wide.any():
            cps = np.where(wide, cps - 0xFEE0, cps)
        if simplify:
            bmp = cps < 0x10000
            cps = np.where(bmp, _simplified()[cps & 0xFFFF], cps)
    kinds = cls[cps]
    kept = np.flatnonzero(kinds)
    n = len(texts)
    lengths = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=n)
    text_of = np.repeat(np.arange(n), lengths)[: len(cps)][kept]  # (not by counting NULs)
    single = kinds[kept] == 2
    letters = np.bincount(text_of, minlength=n)
    cjk = np.bincount(text_of, weights=single, minlength=n) * 2 > letters
    # a token starts at every Han or kana character, at a letter after no letter, and at
    # every letter of CJK text
    first = np.ones(len(kept), dtype=bool)
    if len(kept) > 1:
        np.not_equal(np.diff(kept), 1, out=first[1:])
        first[1:] |= single[1:] | single[:-1] | cjk[text_of[1:]]
    starts = np.flatnonzero(first)
    chars = cps[kept].astype(np.uint64)
    with np.errstate(over="ignore"):
        chars = (chars + np.uint64(1)) * np.uint64(_MIX)
        if len(starts) == len(kept):
            hashed = chars
        else:
            rel = np.arange(len(kept)) - np.repeat(starts, np.diff(np.append(starts, len(kept))))
            np.minimum(rel, _MAX_WORD - 1, out=rel)
            hashed = np.add.reduceat(chars * powers[rel], starts)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(text_of[starts], minlength=n), out=offsets[1:])
    return Tokens(hashed, offsets, cjk)


def _roll(hashed: np.ndarray, k: int) -> np.ndarray:
    """The hash of every run of ``k`` consecutive tokens, mixed."""
    import numpy as np

    n = len(hashed) - k + 1
    with np.errstate(over="ignore"):
        h = hashed[:n].copy()
        for j in range(1, k):
            h = h * np.uint64(_P) ^ hashed[j : j + n]
        h ^= h >> np.uint64(31)
        h *= np.uint64(_MIX2)
        h ^= h >> np.uint64(29)
    return h


def shingles(hashed: np.ndarray, cjk: bool, shingling: Shingling) -> np.ndarray:
    """The shingle hashes (with repeats) of one text's tokens; a text shorter than a shingle
    is one shingle."""
    k = shingling.chars if cjk else shingling.words
    return _roll(hashed, min(k, len(hashed)))


def sketch(html: str, lang_group: str, shingling: Shingling) -> Sketch:
    """The sketch the store indexes an entry's text by: of its first SKETCH_CHARS characters,
    which bounds its cost per entry. Candidates found so are judged on their whole texts
    (see ``compare``); a copy of a text begins as the text does (or with a credit line,
    dropped), so the beginning is what finds it."""
    return sketches([(html, lang_group)], shingling)[0]


def sketches(texts: list[tuple[str, str]], shingling: Shingling) -> list[Sketch]:
    """``sketch`` of each ``(html, lang_group)``, computed together (see ``tokens_of``)."""
    import numpy as np
    import rensa

    t = tokens_of([_plain(html, SKETCH_CHARS) for html, _group in texts], simplify=True)
    counts = np.diff(t.offsets)
    k = np.where(t.cjk, shingling.chars, shingling.words)
    k = np.maximum(np.minimum(k, counts), 1)  # a text shorter than a shingle is one
    # every text's shingles from one pass per shingle size over all tokens: a shingle
    # starting at token j of a text is kept if it ends within that text
    position = np.arange(len(t.hashed)) - np.repeat(t.offsets[:-1], counts)
    room = np.repeat(counts - k, counts)  # the last start a shingle of the text may have
    flat, owner = [], []
    for size in np.unique(k).tolist():
        rolled = _roll(t.hashed, size)
        at = np.flatnonzero((np.repeat(k, counts)[: len(rolled)] == size)
                            & (position[: len(rolled)] <= room[: len(rolled)]))  # fmt: skip
        flat.append(rolled[at])
        owner.append(np.repeat(np.arange(len(texts)), counts)[at])
    order = np.argsort(np.concatenate(owner), kind="stable") if owner else []
    hashes = np.concatenate(flat)[order] if flat else np.zeros(0, dtype=np.uint64)
    offsets = np.zeros(len(texts) + 1, dtype=np.uint64)
    np.cumsum(np.where(counts > 0, counts - k + 1, 0), out=offsets[1:])
    rows = rensa.RMinHash.digest_matrix_from_flat_token_hashes(
        hashes, offsets, num_perm=NUM_PERM, seed=_SEED
    ).to_rows()
    digests = np.array(rows, dtype=np.uint32).reshape(len(texts), NUM_PERM)
    bands = bands_of(digests).tolist()
    out = []
    for i in range(len(texts)):
        h = t.of(i)
        exact = hashlib.blake2b(h.tobytes(), digest_size=16).digest()
        if len(h):
            out.append(Sketch(len(h), exact, digests[i].tobytes(), tuple(bands[i])))
        else:
            out.append(Sketch(0, exact, b"", ()))
    return out


def band_hashes(digest: np.ndarray) -> tuple[int, ...]:
    """One signed 64-bit hash per band of ROWS digest values, the band's number mixed in:
    two texts share a band when the hashes are equal."""
    return tuple(bands_of(digest.reshape(1, NUM_PERM))[0].tolist())


def bands_of(digests: np.ndarray) -> np.ndarray:
    """``band_hashes`` of many digests, one row each."""
    import numpy as np

    d = np.ascontiguousarray(digests, dtype=np.uint32)
    pairs = d.view(np.uint64).reshape(len(d), BANDS, ROWS // 2)
    with np.errstate(over="ignore"):
        h = np.tile(np.arange(1, BANDS + 1, dtype=np.uint64) * np.uint64(_MIX), (len(d), 1))
        for j in range(ROWS // 2):
            h = (h ^ pairs[:, :, j]) * np.uint64(_MIX2)
        h ^= h >> np.uint64(32)
    return h.view(np.int64)


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
    return _compared(_parts(a, shingling, cache), _parts(b, shingling, cache))


def _compared(pa: tuple, pb: tuple) -> Compared:
    import numpy as np

    (ha, ca, sa, na), (hb, cb, sb, nb) = pa, pb
    short = len(ha) < (MIN_CHARS if ca else MIN_WORDS) or len(hb) < (MIN_CHARS if cb else MIN_WORDS)
    equal = len(ha) == len(hb) and bool((ha == hb).all())
    if len(sa) > len(sb):
        sa, sb = sb, sa
    # both sorted and without repeats: each of the smaller set looked up in the larger
    at = np.minimum(np.searchsorted(sb, sa), max(len(sb) - 1, 0))
    shared = int(np.count_nonzero(sb[at] == sa)) if len(sb) else 0
    union = len(sa) + len(sb) - shared
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
        got = _parts_of([text], shingling)[0]
        if cache is not None:
            if len(cache) > 256:
                cache.pop(next(iter(cache)))
            cache[text] = got
    return got


def _parts_of(texts: list[str], shingling: Shingling) -> list[tuple]:
    """What each text is compared by: its token hashes, whether it is CJK text, its shingle
    set (a sorted array) and its numbers; the tokens of all made at once (see tokens_of)."""
    import numpy as np

    t = tokens_of(texts)
    out = []
    for i, text in enumerate(texts):
        hashed, cjk = t.of(i), bool(t.cjk[i])
        sets = np.sort(shingles(hashed, cjk, shingling))  # a set, as a sorted array
        if len(sets) > 1:
            sets = sets[np.r_[True, sets[1:] != sets[:-1]]]
        out.append((hashed, cjk, sets, _numbers(text)))
    return out


def _numbers(text: str) -> set[str]:
    return {unicodedata.normalize("NFKC", n).replace(",", "") for n in _NUMBER.findall(text)}


def judge_pairs(
    job: tuple[list[tuple[str, str]], list[tuple[int, int]], Shingling, float],
) -> list[tuple[Compared, Verdict] | None]:
    """Pairs of texts compared and judged: ``(texts, pairs, shingling, threshold)``, the
    texts as ``(html, lang_group)`` and each pair two indexes into them. Pairs that cannot be
    compared are None (two stories)."""
    texts, pairs, shingling, threshold = job
    try:
        parts = _parts_of([comparable(*t) for t in texts], shingling)
    except Exception:  # noqa: BLE001 - one text at a time, then (see below)
        parts = None
    out: list[tuple[Compared, Verdict] | None] = []
    cache: dict = {}
    for i, j in pairs:
        try:
            if parts is None:
                c = compare(comparable(*texts[i]), comparable(*texts[j]), shingling, cache)
            else:
                c = _compared(parts[i], parts[j])
            out.append((c, judge(c, threshold)))
        except Exception:  # noqa: BLE001 - texts that cannot be compared are apart
            out.append(None)
    return out


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
