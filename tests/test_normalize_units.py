"""The pure normalizing helpers: decoding, dates, languages, tags and slugs, text clean-up."""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from feedd.normalize import dates, html, lang, tags, text
from feedd.normalize.decode import DecodeError, decode

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
UTC = ZoneInfo("UTC")
ZH_CN = "国产芯片厂商陆续表态支持大模型，算力基础设施建设加速。人工智能产业链不断完善，开发者生态日益繁荣。"
ZH_TW = "世界互聯網大會烏鎮峰會將在浙江烏鎮啟幕，為全球數字發展搭建高端交流合作平臺。參賽項目質量進一步提升。"
PT = "A inteligência artificial continuará sendo um dos principais setores de Xangai, disse ação."


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (PT.encode("utf-8"), PT),
        (b"\xef\xbb\xbf" + PT.encode("utf-8"), PT),
        (PT.encode("utf-16"), PT),  # with its byte order mark
        (b"linha 1\r\nlinha 2\rlinha 3\n", "linha 1\nlinha 2\nlinha 3\n"),
        ((ZH_CN * 3).encode("gbk"), ZH_CN * 3),
        ((ZH_TW * 3).encode("big5"), ZH_TW * 3),
        ((PT * 3).encode("latin-1"), PT * 3),
    ],
    ids=["utf8", "utf8-bom", "utf16-bom", "crlf-cr", "gbk", "big5", "latin1"],
)
def test_decode(data: bytes, expected: str) -> None:
    assert decode(data)[0] == expected


def test_binary_is_refused_but_a_stray_nul_in_utf8_is_text() -> None:
    with pytest.raises(DecodeError, match="binary"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    assert decode(b"text with a \x00 in it")[0] == "text with a \x00 in it"  # cleaned later


@pytest.mark.parametrize(
    ("value", "zone", "expected"),
    [
        ("2025-02-07 22:26:11", "UTC", "2025-02-07T22:26:11Z"),
        ("2025-02-07 22:26:11", "Asia/Shanghai", "2025-02-07T14:26:11Z"),
        ("2025-07-11T10:40:05+08:00", "UTC", "2025-07-11T02:40:05Z"),
        ("2025-07-11T10:40:05Z", "Asia/Shanghai", "2025-07-11T10:40:05Z"),
        ("2025-07-11", "UTC", "2025-07-11T00:00:00Z"),
        (dt.date(2025, 7, 11), "Asia/Shanghai", "2025-07-10T16:00:00Z"),
        (dt.datetime(2025, 7, 11, 8), "UTC", "2025-07-11T08:00:00Z"),
        ("Fri, 07 Feb 2025 22:26:11 +0800", "UTC", "2025-02-07T14:26:11Z"),
        ("2025/07/10", "UTC", "2025-07-10T00:00:00Z"),
        ("2025年7月10日", "UTC", "2025-07-10T00:00:00Z"),
    ],
)
def test_dates(value: object, zone: str, expected: str) -> None:
    assert dates.iso(dates.parse(value, ZoneInfo(zone))) == expected


@pytest.mark.parametrize(
    "value", ["someday", "", "2025-13-45", 12, True, "0001-01-01T00:00:00+14:00"]
)
def test_not_dates(value: object) -> None:
    with pytest.raises(dates.DateError):
        dates.parse(value, UTC)


@pytest.mark.parametrize(
    ("raw", "tag", "group"),
    [("zh-cn", "zh-CN", "zh-Hans"), ("ZH_tw", "zh-TW", "zh-Hant"), ("zh-hant", "zh-Hant", "zh-Hant"),
     ("zh-HK", "zh-HK", "zh-Hant"), ("zh-Hans-SG", "zh-Hans-SG", "zh-Hans"), ("pt-br", "pt-BR", "pt"),
     ("EN-us", "en-US", "en"), ("es-419", "es-419", "es")],
)  # fmt: skip
def test_language_tags_and_groups(raw: str, tag: str, group: str) -> None:
    assert lang.normalize_tag(raw) == tag
    assert lang.group(tag) == group


@pytest.mark.parametrize("raw", ["Chinese", "", "zh CN", "12"])
def test_not_language_tags(raw: str) -> None:
    assert lang.normalize_tag(raw) is None


def test_detection() -> None:
    assert lang.detect(ZH_CN) == "zh-Hans"
    assert lang.detect(ZH_TW) == "zh-Hant"
    assert lang.detect(PT * 2) == "pt"
    assert lang.detect("The conference program covers compute, training data and tools.") == "en"
    seed_001 = (SEEDS / "001_85c5616e57edde8b.txt").read_text(encoding="utf-8")
    assert lang.detect(text.clean(seed_001)) == "zh-Hant"


def test_tag_values_and_merge() -> None:
    assert tags.values(["a", 2, True, None, ["x"]]) == ["a", "2"]
    assert tags.values("a, b ,c") == ["a", " b ", "c"]
    assert tags.values(None) == [] and tags.values({"a": 1}) == []
    assert tags.merge([" AI ", "DeepSeek"], ["ai", "deepseek", ""], ["Qwen"]) == (
        "AI",
        "DeepSeek",
        "Qwen",
    )


@pytest.mark.parametrize(
    ("tag", "slug"),
    [("人工智能", "人工智能"), ("Hugging Face", "hugging-face"), ("C++", "c-plus-plus"),
     ("C#", "c-sharp"), ("R&D", "r-and-d"), ("...", "tag"), ("../etc", "etc"), ("ＡＩ", "ai"),
     ("x" * 100, "x" * 60)],
)  # fmt: skip
def test_slugs(tag: str, slug: str) -> None:
    got = tags.slugify(tag)
    assert got == slug and "/" not in got and not got.startswith(".")


def test_clean_removes_illegal_characters_and_reading_annotations() -> None:
    assert text.clean("a\x00b\x08c\x0bd\x1fe\ufffef") == "abcdef"
    assert text.clean("互聯(lián)網(wǎng)大會") == "互聯網大會"
    assert text.clean(unicodedata.normalize("NFD", "互聯(lián)網(wǎng)")) == "互聯網"
    assert text.clean("模型(open)与(AI)") == "模型(open)与(AI)"


def test_undouble() -> None:
    body = "Primeiro parágrafo.\n\nSegundo parágrafo."
    assert text.undouble(body + "\n" + body) == (body + "\n", True)
    assert text.undouble(body + "\n\n" + body.replace(". ", ".  "))[1]
    assert text.undouble(body + "\n\nOutro.\n\nMais um.") == (
        body + "\n\nOutro.\n\nMais um.",
        False,
    )


def test_content_hash() -> None:
    h = text.content_hash("T", "Ação  rápida\n\nsegunda")
    assert h.startswith("v2:")
    assert h == text.content_hash("T", unicodedata.normalize("NFD", "Ação rápida segunda"))
    assert h != text.content_hash("Other", "Ação rápida segunda")
    assert h != text.content_hash("T", "Ação rápida terceira")


@pytest.mark.parametrize(
    "md",
    [
        "[x](javascript:alert(1))",
        "[x](jav&#x61;script:alert(1))",  # an entity in the scheme
        "[x](JaVaScRiPt:alert(1))",
        "![i](data:text/html;base64,PHNjcmlwdD4=)",
        "[r]\n\n[r]: vbscript:msgbox(1)",  # a reference definition
        "[x](foo:bar)",  # any scheme but http, https and mailto
    ],
)
def test_markdown_without_html_still_loses_bad_urls(md: str) -> None:
    h, _ = html.render(md)
    assert "script" not in h.lower() and "data:" not in h and "foo:" not in h
    assert h.startswith("<p><a") or h.startswith("<p><img")


def test_markdown_without_html_keeps_good_urls_and_drops_presentation() -> None:
    h, _ = html.render(
        "[a](https://x.org/?q=1&r=2) ![i](/img.png) [m](mailto:a@b.org) [f](#x) [p](./a:b)"
        "[^1]\n\n[^1]: note\n\n|a|b|\n|:-|-:|\n|1|2|\n\n```py\ncode\n```"
    )
    for good in ('href="https://x.org/?q=1&amp;r=2"', 'src="/img.png"', 'href="mailto:a@b.org"',
                 'href="#x"', 'href="./a:b"', '<div id="1">', "<table>", "<code>code"):  # fmt: skip
        assert good in h
    assert "class=" not in h and "style=" not in h
    assert h.count('rel="noopener noreferrer"') == h.count("<a ")
