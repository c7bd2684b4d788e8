"""Tags from front matter values, their union, and their URL slugs."""

from __future__ import annotations

import pytest

from feedd.normalize.tags import MAX_SLUG_CHARS, merge, slugify, values


@pytest.mark.parametrize(
    "raw, expected",
    [
        (["AI", "机器学习"], ["AI", "机器学习"]),
        (("a", "b"), ["a", "b"]),
        ("AI, 机器学习,ML", ["AI", " 机器学习", "ML"]),
        ("solo", ["solo"]),
        (2025, ["2025"]),
        (1.5, ["1.5"]),
        (None, []),
        (True, []),
        (False, []),
        ({"name": "x"}, []),
        (["ok", 7, True, None, ["nested"], {"k": "v"}], ["ok", "7"]),
    ],
    ids=[
        "list", "tuple", "comma-string", "scalar-string", "int", "float", "none", "true",
        "false", "mapping", "list-with-junk",
    ],
)  # fmt: skip
def test_values(raw, expected):
    assert values(raw) == expected


def test_merge_union_keeps_first_spelling():
    assert merge(["AI", "Open Source"], ["ai", "open source", "LLM"]) == (
        "AI",
        "Open Source",
        "LLM",
    )


def test_merge_trims_and_collapses_whitespace():
    assert merge([" 人工智能 ", "Open   Source", "open source"]) == ("人工智能", "Open Source")


def test_merge_drops_empty():
    assert merge(["", "  ", "x", "\u3000"], []) == ("x",)


def test_merge_of_comma_string_values():
    assert merge(values("AI, ai ,, 机器学习")) == ("AI", "机器学习")


def test_merge_nfkc_fullwidth_is_the_same_tag():
    assert merge(["AI", "ＡＩ"]) == ("AI",)


@pytest.mark.parametrize(
    "tag, expected",
    [
        ("人工智能", "人工智能"),
        ("Hugging Face", "hugging-face"),
        ("C++", "c-plus-plus"),
        ("C#", "c-sharp"),
        ("R&D", "r-and-d"),
        ("...", "tag"),
        ("", "tag"),
        ("-", "tag"),
        (".hidden", "hidden"),
        ("a/b", "a-b"),
        ("../etc/passwd", "etc-passwd"),
        ("AI治理", "ai治理"),
        ("上海WAIC", "上海waic"),
    ],
)
def test_slugify(tag, expected):
    assert slugify(tag) == expected


@pytest.mark.parametrize("tag", ["...", ".x", "/x", "a/../b", "..\\x", " .", "x" * 200, "人" * 100])
def test_slug_is_a_safe_file_name(tag):
    slug = slugify(tag)
    assert slug
    assert not slug.startswith(".")
    assert "/" not in slug and "\\" not in slug
    assert len(slug) <= MAX_SLUG_CHARS


def test_slug_is_case_insensitive():
    assert slugify("OpenAI") == slugify("openai")
