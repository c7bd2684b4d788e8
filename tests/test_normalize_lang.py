"""Language tags: BCP 47 casing, the language feed a tag lands in, and detection."""

from __future__ import annotations

from pathlib import Path

import pytest

from feedd.normalize.frontmatter import split
from feedd.normalize.lang import detect, group, normalize_tag
from feedd.normalize.text import clean

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

ZH_HANS = "人工智能产业链不断完善，开发者生态日益繁荣。国产芯片厂商陆续表态支持大模型。"
ZH_HANT = "人工智慧產業鏈不斷完善，開發者生態日益繁榮。國產晶片廠商陸續表態支持大模型。"
EN = (
    "The city council met on Tuesday to debate a new budget for public transport. "
    "Several members argued that the money would be better spent on schools, while others "
    "said the buses were long overdue for replacement."
)


def body(prefix: str) -> str:
    text = clean(next(SEEDS.glob(prefix + "_*")).read_text(encoding="utf-8"))
    return split(text)[1]


@pytest.mark.parametrize(
    "value, expected",
    [
        ("zh-cn", "zh-CN"),
        ("ZH_tw", "zh-TW"),
        ("zh-hant", "zh-Hant"),
        ("zh_hans_cn", "zh-Hans-CN"),
        ("pt-br", "pt-BR"),
        ("EN-us", "en-US"),
        ("es-419", "es-419"),
        (" de ", "de"),
        ("pt", "pt"),
    ],
)
def test_normalize_tag_casing(value, expected):
    assert normalize_tag(value) == expected


@pytest.mark.parametrize("value", ["Chinese", "english", "x", "", "en-", "zh cn", "中文"])
def test_normalize_tag_refuses_non_tags(value):
    assert normalize_tag(value) is None


@pytest.mark.parametrize(
    "tag, expected",
    [
        ("zh-CN", "zh-Hans"),
        ("zh-SG", "zh-Hans"),
        ("zh-Hans", "zh-Hans"),
        ("zh-Hans-CN", "zh-Hans"),
        ("zh-TW", "zh-Hant"),
        ("zh-HK", "zh-Hant"),
        ("zh-MO", "zh-Hant"),
        ("zh-Hant", "zh-Hant"),
        ("zh-Hant-CN", "zh-Hant"),  # the script subtag wins over the region
        ("pt-BR", "pt"),
        ("pt", "pt"),
        ("en-US", "en"),
    ],
)
def test_group(tag, expected):
    assert group(tag) == expected


def test_group_bare_zh_goes_by_the_script_of_the_text():
    assert group("zh", ZH_HANS) == "zh-Hans"
    assert group("zh", ZH_HANT) == "zh-Hant"


def test_group_region_wins_over_the_text():
    assert group("zh-CN", ZH_HANT) == "zh-Hans"


@pytest.mark.parametrize(
    "prefix, expected",
    [("000", "zh-Hans"), ("001", "zh-Hant"), ("002", "zh-Hans"), ("003", "pt"), ("004", "zh-Hans")],
)
def test_detect_real_seeds(prefix, expected):
    assert detect(body(prefix)) == expected


def test_detect_001_with_its_pinyin_still_traditional():
    raw = next(SEEDS.glob("001_*")).read_text(encoding="utf-8")
    assert "(lián)" in raw
    assert detect(raw) == "zh-Hant"


def test_detect_english():
    assert detect(EN) == "en"


def test_detect_short_chinese():
    assert detect(ZH_HANS) == "zh-Hans"
    assert detect(ZH_HANT) == "zh-Hant"


def test_detect_japanese_and_korean_are_not_chinese():
    assert detect("人工知能の研究が進んでいます。日本語のテキストです。") == "ja"
    assert detect("인공지능 연구가 진행되고 있습니다. 한국어 텍스트입니다.") == "ko"
