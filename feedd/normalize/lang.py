"""An article's language: the front matter's tag in BCP 47 casing, else detection; pure.

Each article also gets a *language group*, the language feed it lands in. It is the primary
language subtag, except for Chinese, where Simplified and Traditional are written languages of
their own: ``zh-CN``, ``zh-SG``, ``zh-Hans`` and Simplified text go to ``zh-Hans``; ``zh-TW``,
``zh-HK``, ``zh-MO``, ``zh-Hant`` and Traditional text to ``zh-Hant``.
"""

from __future__ import annotations

import functools
import re

_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")  # runs: one match object a run, not a character
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_HANS_REGIONS = {"CN", "SG", "MY"}
_HANT_REGIONS = {"TW", "HK", "MO"}
SAMPLE = 400  # characters the detectors look at: plenty for a language, cheap for a corpus


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


@functools.cache
def script_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Traditional-only and Simplified-only characters of CC-CEDICT (zhon's sets), each as
    one character class: a regex scan counts them at C speed. Built on first use, not on
    import; a cold start builds them before its worker processes fork."""
    from zhon import cedict  # imported late: only Chinese text needs it

    trad, simp = set(cedict.traditional), set(cedict.simplified)
    return (
        re.compile("[" + "".join(sorted(trad - simp)) + "]"),
        re.compile("[" + "".join(sorted(simp - trad)) + "]"),
    )


def chinese_script(text: str) -> str:
    """``zh-Hant`` when more characters are Traditional-only than Simplified-only.

    Counting, rather than asking every character to fit one system (as hanzidentifier's
    ``identify`` does), keeps one stray character of real text from deciding.
    """
    trad_only, simp_only = script_patterns()
    sample = text[:SAMPLE]
    return (
        "zh-Hant" if len(trad_only.findall(sample)) > len(simp_only.findall(sample)) else "zh-Hans"
    )


def detect(text: str) -> str:
    """A BCP 47 tag for ``text``: script first, then a statistical guess for alphabets."""
    sample = text[:SAMPLE]
    if not sample.strip():
        return "und"
    han = sum(map(len, _HAN.findall(sample)))
    kana = len(_KANA.findall(sample)) if han else 0
    if kana and kana * 10 > han:
        return "ja"
    if _HANGUL.search(sample) and len(_HANGUL.findall(sample)) > han:
        return "ko"
    if han * 3 >= len(sample) - sample.count(" "):  # mostly Han: Chinese
        return chinese_script(sample)
    return _alphabetic(sample)


# CLD2 still answers with a few withdrawn ISO 639 codes.
_CLD2_CODES = {"iw": "he", "ji": "yi", "in": "id", "jw": "jv"}


def _alphabetic(sample: str) -> str:
    """CLD2 (Chromium's detector): fast per call, and no model to load at start-up."""
    import pycld2

    try:
        reliable, _, found = pycld2.detect(sample)
    except pycld2.error:  # invalid UTF-8 inside, e.g. a lone surrogate from a YAML escape
        return "und"
    # Not `reliable`: CLD2 withholds that from repetitive text (a title repeated as the first
    # line) even when its first guess holds nearly all of it.
    code, percent = found[0][1], found[0][2]
    if code in ("un", "xxx") or (not reliable and percent < 50):
        return "und"
    return normalize_tag(_CLD2_CODES.get(code, code)) or "und"
