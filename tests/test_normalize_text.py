"""Text clean-up: illegal characters, scraped pinyin, doubled bodies, hashing, clipping."""

from __future__ import annotations

import unicodedata

import pytest

from feedd.normalize.text import clean, clip, content_hash, first_sentence, undouble


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


# clean


@pytest.mark.parametrize("char", ["\x00", "\x08", "\x0b", "\x0c", "\x1f", "\ufffe", "\uffff"])
def test_clean_removes_xml_illegal_characters(char):
    assert clean(f"a{char}b") == "ab"


def test_clean_keeps_tab_newline_and_cr():
    assert clean("a\tb\nc\rd") == "a\tb\nc\rd"


def test_clean_removes_lone_surrogates():
    assert clean("a\ud800b") == "ab"


def test_clean_strips_pinyin_after_han():
    assert clean("世界互聯(lián)網(wǎng)大會(huì)") == "世界互聯網大會"


def test_clean_strips_pinyin_in_nfd_text():
    assert clean(nfd("互聯(lián)網(wǎng)")) == "互聯網"


@pytest.mark.parametrize(
    "text, cleaned",
    [
        ("(lián)網", "(lián)網"),  # nothing before it: not an annotation
        ("聯(lián)(lián)", "聯(lián)"),  # the second follows the first, not a character
        ("聯(lián) (lián)", "聯 (lián)"),
        ("\ufa0e(lǎo)", "\ufa0e"),  # a unified ideograph of the compatibility block
        ("ㄅ(bō)", "ㄅ(bō)"),  # bopomofo is not Han
    ],
)
def test_clean_strips_only_readings_right_after_han(text, cleaned):
    assert clean(text) == cleaned


def test_clean_strips_toneless_particles_after_han():
    assert clean("我的(de)书") == "我的书"


@pytest.mark.parametrize(
    "kept",
    ["模型(open)", "(AI)", "模型(AI)", "café(lián)", "开源项目(分为开源模型应用赛)", "f(x)"],
)
def test_clean_keeps_parentheses_that_are_not_readings(kept):
    assert clean(kept) == kept


def test_clean_returns_nfc():
    assert clean(nfd("ação")) == "ação"


# undouble

ONCE = "First line of the story.\nSecond line, with more.\nThird and last line."


def test_undouble_body_pasted_twice_with_newline():
    body, doubled = undouble(ONCE + "\n" + ONCE)
    assert doubled
    assert body == ONCE + "\n"


def test_undouble_body_pasted_twice_with_blank_line_and_other_spacing():
    second = "  First  line of the story.\n\nSecond line,   with more.\nThird and last line.  "
    body, doubled = undouble(ONCE + "\n\n" + second)
    assert doubled
    assert body == ONCE + "\n"


def test_undouble_keeps_first_copy_as_written():
    first = "Para one.\n\nPara  two."
    body, doubled = undouble(first + "\n\n" + "Para one.\nPara two.")
    assert doubled
    assert body == first + "\n"


def test_undouble_halves_differ():
    text = "One.\nTwo.\nOne.\nThree."
    assert undouble(text) == (text, False)


@pytest.mark.parametrize("text", ["One.\nTwo.\nOne.", "One.", "A\n\nB\nA\nB\nA"], ids=str)
def test_undouble_odd_number_of_lines(text):
    assert undouble(text) == (text, False)


def test_undouble_empty():
    assert undouble("") == ("", False)


# content_hash


def test_content_hash_is_versioned():
    assert content_hash("t", "x").startswith("v2:")


def test_content_hash_ignores_unicode_normalization():
    title, body = "Notícia de Xangai", "A cooperação já começou."
    assert content_hash(title, body) == content_hash(nfd(title), nfd(body))


def test_content_hash_ignores_whitespace_and_blank_lines():
    a = content_hash("Title", "First para.\n\nSecond para.\n")
    b = content_hash("  Title ", "First   para.\nSecond\u00a0para.")
    assert a == b


def test_content_hash_differs_for_different_text():
    assert content_hash("Title", "Body one.") != content_hash("Title", "Body two.")


def test_content_hash_differs_for_different_title_same_body():
    assert content_hash("One", "Same body.") != content_hash("Two", "Same body.")


def test_content_hash_keeps_title_and_text_apart():
    assert content_hash("a b", "c") != content_hash("a", "b c")


# clip and first_sentence


def test_clip_short_text_unchanged_but_collapsed():
    assert clip("a  short\n text", 80) == "a short text"


def test_clip_latin_at_a_word_boundary():
    out = clip("hello wonderful world of feeds", 16)
    assert out == "hello wonderful…"
    assert len(out) <= 16


def test_clip_cjk_at_limit():
    out = clip("人工智能" * 30, 10)
    assert out == "人工智能人工智能人…"
    assert len(out) == 10


def test_clip_drops_trailing_punctuation_before_ellipsis():
    assert clip("人工智能，" + "大模型" * 10, 6) == "人工智能…"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("第一句话。第二句话。", "第一句话。"),
        ("真的吗？是的。", "真的吗？"),
        ("First one. Second one.", "First one."),
        ("Version 1.2 is out. Next.", "Version 1.2 is out."),
        ("No end at all", "No end at all"),
    ],
    ids=["cjk-full-stop", "cjk-question", "latin", "decimal-point", "no-end"],
)
def test_first_sentence(text, expected):
    assert first_sentence(text) == expected


def test_first_sentence_is_clipped():
    out = first_sentence("一" * 200 + "。", limit=80)
    assert len(out) == 80
    assert out.endswith("…")
