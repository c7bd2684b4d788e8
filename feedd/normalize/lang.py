"""An article's language: the front matter's tag in BCP 47 casing, else detection; pure.

Each article also gets a *language group*, the language feed it lands in. It is the primary
language subtag, except for Chinese, where Simplified and Traditional are written languages of
their own: ``zh-CN``, ``zh-SG``, ``zh-Hans`` and Simplified text go to ``zh-Hans``; ``zh-TW``,
``zh-HK``, ``zh-MO``, ``zh-Hant`` and Traditional text to ``zh-Hant``.
"""

from __future__ import annotations

import re

_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_LETTER = re.compile(r"[^\W\d_]")
_HANS_REGIONS = {"CN", "SG", "MY"}
_HANT_REGIONS = {"TW", "HK", "MO"}
SAMPLE = 600  # characters the detector looks at: plenty for a language, cheap for a corpus


def normalize_tag(value: str) -> str | None:
    """BCP 47 casing (``zh-cn`` → ``zh-CN``, ``zh_hant`` → ``zh-Hant``); None if not a tag."""
    value = value.strip()
    if not _TAG.match(value):
        return None
    parts = value.replace("_", "-").split("-")
    out = [parts[0].lower()]
    for p in parts[1:]:
        if len(p) == 4 and p.isalpha():
            out.append(p.title())  # script
        elif (len(p) == 2 and p.isalpha()) or (len(p) == 3 and p.isdigit()):
            out.append(p.upper())  # region
        else:
            out.append(p.lower())
    return "-".join(out)


def group(tag: str, text: str = "") -> str:
    """The language feed a tag belongs to (see the module docstring)."""
    parts = tag.split("-")
    primary = parts[0]
    if primary != "zh":
        return primary
    for p in parts[1:]:
        if p in ("Hans", "Hant"):
            return f"zh-{p}"
    for p in parts[1:]:
        if p in _HANS_REGIONS:
            return "zh-Hans"
        if p in _HANT_REGIONS:
            return "zh-Hant"
    return chinese_script(text)


_script_sets: tuple[frozenset[str], frozenset[str]] | None = None


def chinese_script(text: str) -> str:
    """``zh-Hant`` when more characters are Traditional-only than Simplified-only.

    hanzidentifier's own ``identify`` asks for every character to fit one system, which one
    stray character of real text breaks; its CC-CEDICT character sets are counted instead.
    """
    global _script_sets
    if _script_sets is None:
        from hanzidentifier import helpers  # imported late: only Chinese text needs it

        trad, simp = helpers.TRADITIONAL_CHARACTERS, helpers.SIMPLIFIED_CHARACTERS
        _script_sets = (frozenset(trad - simp), frozenset(simp - trad))
    trad_only, simp_only = _script_sets
    sample = text[: SAMPLE * 2]
    t = sum(ch in trad_only for ch in sample)
    s = sum(ch in simp_only for ch in sample)
    return "zh-Hant" if t > s else "zh-Hans"


def detect(text: str) -> str:
    """A BCP 47 tag for ``text``: script first, then a statistical guess for alphabets."""
    sample = text[: SAMPLE * 2]
    han = len(_HAN.findall(sample))
    if _KANA.search(sample) and len(_KANA.findall(sample)) * 10 > han:
        return "ja"
    if len(_HANGUL.findall(sample)) > han:
        return "ko"
    letters = len(_LETTER.findall(sample))
    if han and han * 3 >= letters:
        return chinese_script(sample)
    return _langid(text[:SAMPLE])


def _langid(sample: str) -> str:
    # py3langid unpacks its model on first use (~0.8 s), once per process; hence the late import
    import py3langid

    code, _ = py3langid.classify(sample)
    return normalize_tag(code) or "und"
