"""normalize(): one seed file's bytes to an Item, on awkward files and on the real seeds.

Each awkward case is one file in tests/data/, named for the case.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from feedd.errors import InputError
from feedd.models import Item
from feedd.normalize.article import normalize

DATA = Path(__file__).resolve().parent / "data"
SEEDS = Path(__file__).resolve().parent.parent / "seeds"
UTC = ZoneInfo("UTC")
SHANGHAI = ZoneInfo("Asia/Shanghai")
# XML 1.0 Char production, negated: what must never reach a feed
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def data(name: str, zone: ZoneInfo = UTC) -> Item:
    return normalize(name, (DATA / name).read_bytes(), zone)


def seed(prefix: str) -> Item:
    path = next(SEEDS.glob(prefix + "_*"))
    return normalize(path.name, path.read_bytes(), SHANGHAI)


def text_fields(it: Item) -> list[str]:
    return [it.title, it.summary, it.html.decode(), it.author or "", it.link or "", *it.tags]


# front matter formats


def test_frontmatter_toml():
    it = data("frontmatter_toml.md")
    assert it.title == "Notas de TOML"
    assert it.published == dt.datetime(2025, 2, 7, 14, 26, 11, tzinfo=dt.UTC)
    assert it.tags == ("Hugo", "TOML")
    assert (it.lang, it.lang_group) == ("pt-BR", "pt")
    assert not it.draft
    assert "+++" not in it.html.decode() and "title" not in it.html.decode()


def test_frontmatter_json():
    it = data("frontmatter_json.md")
    assert it.title == "JSON front matter"
    assert it.published == dt.datetime(2025, 7, 10, 8, tzinfo=dt.UTC)
    assert it.tags == ("json", "Hugo")
    assert it.lang == "en"
    assert it.html.decode().startswith("<p>An article whose front matter")


def test_frontmatter_json_one_line():
    it = data("frontmatter_json_one_line.md")
    assert it.title == "One-line JSON"
    assert it.tags == ("json",)


def test_bom_and_crlf_front_matter():
    it = data("bom_crlf.md")
    assert it.title == "BOM and CRLF"
    assert it.tags == ("crlf",)
    assert "\r" not in it.html.decode()


# refused files: the error names the file and the reason


@pytest.mark.parametrize(
    "name, reason",
    [
        ("binary.bin", "binary"),
        ("frontmatter_yaml_broken.md", "broken YAML front matter"),
        ("frontmatter_toml_unclosed.md", "TOML front matter is not closed"),
        ("empty.md", "no text"),
        ("frontmatter_only.md", "no text"),
    ],
    ids=["binary", "broken-yaml", "unclosed-toml", "empty", "frontmatter-only"],
)
def test_refused_file_names_key_and_reason(name, reason):
    with pytest.raises(InputError) as exc:
        data(name)
    assert exc.value.path == name
    assert reason in exc.value.reason
    assert str(exc.value).startswith(name + ": ")


def test_frontmatter_yaml_list_is_refused():
    with pytest.raises(InputError, match="not a mapping"):
        data("frontmatter_yaml_list.md")


# titles


def test_no_frontmatter_heading_becomes_title_and_leaves_body():
    it = data("no_frontmatter_heading.txt")
    assert it.title == "A heading as title"
    assert "A heading as title" not in it.html.decode()
    assert it.html.decode().startswith("<p>The first paragraph")


def test_no_frontmatter_no_title_uses_clipped_first_sentence():
    it = data("no_frontmatter_no_title.txt")
    assert it.title.startswith("This file has no front matter")
    assert len(it.title) <= 80
    assert "Everything after it" not in it.title


def test_image_only_body_is_titled_by_file_name():
    it = data("image_only.md")
    assert it.title == "image_only.md"
    assert '<img src="https://example.com/a.png"' in it.html.decode()


# metadata


def test_draft():
    assert data("draft.md").draft
    assert not data("frontmatter_toml.md").draft


def test_tags_comma_string_merged_with_categories_and_keywords():
    it = data("tags_comma_string.md")
    assert it.tags == ("AI", "机器学习", "Open Source", "news")


def test_lang_list_takes_the_first():
    it = data("lang_list.md")
    assert (it.lang, it.lang_group) == ("zh-TW", "zh-Hant")


def test_url_key_wins_over_a_trailing_source_line():
    assert data("url_key.md").link == "https://example.com/posts/has-a-url"


def test_relative_url_falls_back_to_the_trailing_source_line():
    assert data("url_relative.md").link == "https://example.com/source"


def test_source_link_trailing():
    assert data("source_link_trailing.md").link == "https://new.qq.com/rain/a/20250207A096C900"


def test_no_link():
    assert data("draft.md").link is None


# body


def test_script_in_body_never_reaches_html():
    h = data("script_in_body.md").html.decode()
    assert "<script" not in h and "alert(1)" not in h
    assert "onerror" not in h and "onclick" not in h
    assert "javascript:" not in h
    assert "<iframe" not in h
    assert '<a href="https://example.com/ok"' in h  # ordinary links survive


def test_footnotes_rendered():
    h = data("footnotes.md").html.decode()
    assert "<sup>" in h
    assert "The footnote text lives here." in h
    assert "[^1]" not in h


def test_control_chars_never_reach_the_item():
    it = data("control_chars.md")
    for field in text_fields(it):
        assert not XML_ILLEGAL.search(field), repr(field)
    assert it.title == "Bell and NUL"
    assert "Text with control chars and one." in it.html.decode()


def test_control_chars_from_yaml_escapes_never_reach_the_item():
    it = data("frontmatter_yaml_escapes.md")
    for field in text_fields(it):
        assert not XML_ILLEGAL.search(field), repr(field)


def test_body_pasted_twice_is_published_once():
    it = data("body_pasted_twice.md")
    assert it.html.decode().count("First paragraph of the story.") == 1
    assert it.html.decode().count("Second paragraph.") == 1


def test_gbk_file():
    it = data("gbk.txt")
    assert it.title == "国产芯片厂商陆续表态支持大模型，算力基础设施建设加速。"
    assert "人工智能产业链不断完善" in it.html.decode()
    assert it.lang_group == "zh-Hans"


def test_same_bytes_same_item():
    assert data("frontmatter_toml.md") == data("frontmatter_toml.md")


def test_key_is_the_source_key():
    it = normalize("sub/dir/a.md", (DATA / "draft.md").read_bytes(), UTC)
    assert it.source_key == "sub/dir/a.md"


# the real seeds


def test_seed_000_title_from_front_matter():
    it = seed("000")
    assert it.title == "全球开发者吹响集结号！DeepSeek或将出席｜科技观察"
    assert it.published == dt.datetime(2025, 2, 7, 14, 26, 11, tzinfo=dt.UTC)  # Shanghai time


def test_seed_001_title_is_first_sentence_without_pinyin():
    it = seed("001")
    assert it.title.startswith("11月6日至9日")
    assert len(it.title) <= 80
    assert "(lián)" not in it.title and "(lián)" not in it.html.decode()
    assert "互聯網大會" in it.title


def test_seed_003_title_is_heading_line_and_leaves_body():
    it = seed("003")
    assert it.title == "IA permanece um dos principais setores de Xangai"
    assert not it.html.decode().startswith("<p>IA permanece")
    assert it.html.decode().startswith("<p>A inteligência artificial")


def test_seed_003_keeps_one_paragraph_per_line():
    assert seed("003").html.decode().count("<p>") > 10


@pytest.mark.parametrize(
    "prefix, group",
    [("000", "zh-Hans"), ("001", "zh-Hant"), ("002", "zh-Hans"), ("003", "pt"), ("004", "zh-Hans")],
)
def test_seed_lang_group(prefix, group):
    assert seed(prefix).lang_group == group


def test_seed_002_tags():
    it = seed("002")
    assert "人工智能" in it.tags
    assert it.tags[0] == "人工智能"


def test_seed_002_footnotes():
    h = seed("002").html.decode()
    assert "上海加速打造全球AI高地" in h  # text of footnote [^2]
    assert "[^1]" not in h


@pytest.mark.parametrize(
    "prefix, link",
    [
        ("000", "https://new.qq.com/rain/a/20250207A096C900"),
        ("004", "https://new.qq.com/rain/a/20250207A05OGB00"),
    ],
)
def test_seed_trailing_qq_link(prefix, link):
    assert seed(prefix).link == link


def test_seeds_have_distinct_content_hashes():
    hashes = {seed(p).content_hash for p in ("000", "001", "002", "003", "004")}
    assert len(hashes) == 5


def test_every_front_matter_key_read_is_listed_in_keys() -> None:
    """Front matter keeps only article.KEYS (in every format): a key read but not listed
    there would be lost. Every string looked up in the front matter (``meta.get("x")``,
    ``meta["x"]``, ``"x" in meta``, the keys handed to ``_str`` and ``_date``) must be listed."""
    import ast

    from feedd.normalize import article, media

    tree = ast.parse(Path(article.__file__).read_text(encoding="utf-8"))
    read: set[str] = set()

    def strings(node: ast.AST) -> set[str]:
        return {
            n.value
            for n in ast.walk(node)
            if isinstance(n, ast.Constant) and isinstance(n.value, str)
        }

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name) and f.id in ("_str", "_date"):
                read |= strings(ast.Tuple(elts=node.args[1:], ctx=ast.Load()))
            if (
                isinstance(f, ast.Attribute)
                and f.attr == "get"
                and getattr(f.value, "id", "") == "meta"
            ):
                read |= strings(node.args[0])
        if isinstance(node, ast.Subscript) and getattr(node.value, "id", "") == "meta":
            read |= strings(node.slice)
        if isinstance(node, ast.Compare) and any(
            getattr(c, "id", "") == "meta" for c in node.comparators
        ):
            read |= strings(node.left)
    read |= set(media.IMAGE_KEYS)
    assert {
        "title",
        "date",
        "tags",
        "author",
        "draft",
        "id",
        "image",
        "cover",
    } <= read  # it finds them
    assert read - article.KEYS == set()
