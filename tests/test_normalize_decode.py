"""decode(): a seed's bytes to text, whatever encoding a scraper saved it in."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from feedd.normalize.decode import DecodeError, decode
from feedd.normalize.text import clean

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

ZH_HANS = (
    "国产芯片厂商陆续表态支持大模型，算力基础设施建设加速。"
    "人工智能产业链不断完善，开发者生态日益繁荣。"
    "上海将继续打造人工智能高地，推动技术创新与产业深度融合。"
)
ZH_HANT = (
    "人工智慧產業鏈不斷完善，開發者生態日益繁榮。"
    "國產晶片廠商陸續表態支持大模型，算力基礎設施建設加速。"
    "上海將繼續打造人工智慧高地，推動技術創新與產業融合。"
)
PT = (
    "A inteligência artificial continuará sendo um dos principais setores de Xangai, "
    "e a cooperação internacional já ultrapassou as expectativas. A conferência reuniu "
    "desenvolvedores de várias regiões, e a atração de talentos é notável."
)


def seed_text(prefix: str) -> str:
    return next(SEEDS.glob(prefix + "_*")).read_text(encoding="utf-8")


def test_utf8():
    assert decode("Olá, 世界\n".encode()) == ("Olá, 世界\n", "utf-8", 0)


def test_utf8_bom_is_dropped():
    text, enc, _ = decode(codecs.BOM_UTF8 + b"---\ntitle: x\n---\n")
    assert text == "---\ntitle: x\n---\n"
    assert enc == "utf-8"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"], ids=str)
def test_utf16_with_bom(codec):
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}.get(codec, b"")
    data = bom + (ZH_HANS + "\r\nline two\r\n").encode(codec)
    text, _, _ = decode(data)
    assert text == ZH_HANS + "\nline two\n"


@pytest.mark.parametrize(
    "data, expected",
    [
        (b"a\r\nb\r\n", "a\nb\n"),
        (b"a\rb\r", "a\nb\n"),
        (b"a\r\n\r\nb\rc\n", "a\n\nb\nc\n"),
    ],
    ids=["crlf", "lone-cr", "mixed"],
)
def test_newlines_become_lf(data, expected):
    assert decode(data)[0] == expected


def test_gbk_simplified_chinese():
    assert decode(ZH_HANS.encode("gbk"))[0] == ZH_HANS


def test_big5_traditional_chinese():
    assert decode(ZH_HANT.encode("big5"))[0] == ZH_HANT


def test_latin1_portuguese_keeps_accents():
    text, _, _ = decode(PT.encode("latin-1"))
    assert text == PT
    assert "ç" in text and "ã" in text and "é" in text


@pytest.mark.parametrize(
    "prefix, codec",
    [("001", "big5"), ("002", "gbk"), ("003", "cp1252")],
    ids=["001-big5", "002-gbk", "003-cp1252"],
)
def test_real_seed_in_a_legacy_encoding(prefix, codec):
    original = clean(seed_text(prefix))  # 001 without its pinyin, which Big5 cannot encode
    assert decode(original.encode(codec))[0] == original


def test_latin1_single_sentence():
    line = "Inteligência artificial em Xangai."
    assert decode(line.encode("latin-1"))[0] == line


def test_big5_single_sentence():
    line = "人工智慧產業鏈不斷完善。"
    assert decode(line.encode("big5"))[0] == line


def test_png_is_refused_as_binary():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06" + bytes(64)
    with pytest.raises(DecodeError, match="binary"):
        decode(png)


def test_nul_bytes_alone_are_binary():
    with pytest.raises(DecodeError, match="binary"):
        decode(bytes(256))


def test_utf8_with_a_stray_nul_is_still_text():
    text, enc, _ = decode("Uma notícia\x00 qualquer, com texto suficiente.".encode())
    assert enc == "utf-8"
    assert text.startswith("Uma notícia")


def test_empty_file_is_empty_text():
    assert decode(b"") == ("", "utf-8", 0)


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("Uma frase com acentuação.", "latin-1"),
        ("Ação rápida.", "latin-1"),
        ("A inteligência artificial está mudando a educação no Brasil.", "cp1252"),
        ("Vláda oznámila nová opatření na podporu ekonomiky. Občané očekávají změny.", "cp1250"),
        ("Hükümet ekonomi için yeni önlemler açıkladı. Vatandaşlar değişiklik bekliyor.", "cp1254"),
        ("Guvernul a anunţat măsuri noi pentru economie. Cetăţenii aşteaptă schimbări.", "cp1250"),
        ("Zażółć gęślą jaźń", "cp1250"),
        ("Привет, как дела? Это тест кодировки.", "cp1251"),
        ("Γειά σου Κόσμε, αυτό είναι ένα τεστ.", "cp1253"),
    ],
    ids=["pt-sentence", "pt-short", "pt-cp1252", "cs", "tr", "ro", "pl", "ru", "el"],
)
def test_legacy_single_byte_text_keeps_its_letters(text: str, codec: str) -> None:
    assert decode(text.encode(codec))[0] == text


def test_a_few_broken_bytes_in_utf8_are_replaced_not_detected() -> None:
    good = ("Texto em UTF-8 com acentuação e 中文。" * 5).encode()
    text, enc, replaced = decode(good[:40] + b"\xff" + good[40:] + b"\xc3")
    assert (enc, replaced) == ("utf-8", 2) and text.count("\ufffd") == 2
    assert "acentuação" in text and "中文" in text
    # GBK is not "UTF-8 with broken bytes": most of its sequences do not decode
    assert decode(ZH_HANS.encode("gbk"))[:2] == (ZH_HANS, "gb18030")
