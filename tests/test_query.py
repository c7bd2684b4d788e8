"""The query language of defined feeds and rules: what parses, what each term matches, and
how a bad query is refused at config time (the key, the position, what was expected)."""

from __future__ import annotations

import pickle
import time
from pathlib import Path

import pytest

from feedd.config import from_dict
from feedd.errors import ConfigError, QueryError
from feedd.query import Facts, parse


def facts(title: str = "", body: str = "", tags=(), langs=("en", "en"), sources=(), seeds=False):
    return Facts(title=title, tags=frozenset(tags), langs=langs, sources=frozenset(sources),
                 seeds=seeds, body=lambda: body)  # fmt: skip


def matches(query: str, f: Facts) -> bool:
    return parse(query).match(f)


# --- what each term matches ----------------------------------------------------------------


@pytest.mark.parametrize(("query", "title", "expected"), [
    ("title:codigo", "O Código Aberto", True),  # accents and case set aside
    ("title:CÓDIGO", "o codigo aberto", True),
    ("title:cod", "O Código Aberto", False),  # Latin text by whole words
    ('title:"código aberto"', "Sobre o Código  Aberto, hoje", True),  # a phrase, in order
    ('title:"aberto código"', "Sobre o Código Aberto", False),
    ("title:deepseek", "全球开发者吹响集结号！DeepSeek或将出席", True),  # a Latin word among CJK
    ("title:广告", "这是一条广告：优惠", True),  # CJK: a substring
    ('title:"人工 智能"', "人工智能大会", True),  # CJK spaces do not count
    ("title:人工智能", "人工 智能", True),
    ("title:ﬁle", "A FILE here", True),  # compatibility forms fold (NFKD)
    ("title:aberto", "Código aberto, hoje", True),  # punctuation is no part of a word
    ('title:"e-mail"', "Send an E-mail now", True),  # a query's own punctuation counts
    ("title:mail", "Send an e-mail now", True),
    ("title:mail", "mailing lists", False),
    ("title:ai", "AI治理的新进展", True),  # a CJK character ends a Latin word
    ("title:2025", "WAIC 2025：智能", True),
    ("title:！", "好！", True),  # punctuation only: a substring
    ("title:한국", "한국은 인공지능 강국", True),  # Hangul: a substring, as CJK
    ("title:성장", "성장하고 있다", True),
    ("title:خبار", "أخبار اليوم", False),  # whole words, marks and all
    ("title:أخبار", "أخبار اليوم", True),
    ("title:हिन", "हिन्दी समाचार", False),
    ("title:a", "", False),
])  # fmt: skip
def test_title_words_and_cjk_substrings(query: str, title: str, expected: bool) -> None:
    assert matches(query, facts(title=title)) is expected


def test_text_is_the_body_and_read_only_when_asked() -> None:
    read = []

    def body() -> str:
        read.append(1)
        return "Um texto sobre inteligência artificial"

    f = Facts(title="Título", tags=frozenset(), langs=("pt", "pt"), sources=frozenset(),
              seeds=True, body=body)  # fmt: skip
    assert matches("title:titulo or text:nothing", f)
    assert read == []  # the title decided it
    assert matches('text:"inteligencia artificial"', f)
    assert not matches("text:titulo", f)  # the body only
    assert parse("text:x").needs_body and not parse("title:x or tag:y").needs_body


@pytest.mark.parametrize(("query", "expected"), [
    ("tag:人工智能", True), ("tag:AI", True), ("tag:ai", True), ("tag:'ai'", False),
    ("tag:智能", False),  # a tag is whole: no substring
    ("lang:zh", True), ("lang:zh-Hans", True), ("lang:ZH-hans", True), ("lang:zh-Hant", False),
    ("lang:zh_Hans", True), ("lang:z", False),
    ("source:portal-x", True), ("source:Portal", False), ('source:"Portal X"', True),
    ("source:other", False), ("seeds", False),
    ("not seeds", True), ("tag:ai and lang:pt", False), ("tag:ai and lang:pt or seeds", False),
    ("tag:ai or lang:pt and seeds", True),  # and binds tighter than or
    ("(tag:ai or lang:pt) and seeds", False), ("not (tag:ai and lang:zh)", False),
    ("not not tag:ai", True),
])  # fmt: skip
def test_tags_languages_sources_and_the_operators(query: str, expected: bool) -> None:
    f = facts(tags={"人工智能", "ai"}, langs=("zh-CN", "zh-Hans"),
              sources={"portal-x", "portal x"})  # fmt: skip
    assert matches(query, f) is expected


def test_regular_expressions_run_in_linear_time() -> None:
    q = parse(r"text:/优惠券\d+/ or title:/^(?i)sale\b/")
    assert q.match(facts(body="领取优惠券123号"))
    assert q.match(facts(title="SALE today"))
    assert not q.match(facts(body="优惠券 一张", title="wholesale"))
    # a pattern that backtracks exponentially in Python's engine, on a long text
    evil = parse(r"text:/(a+)+$/ or text:/(a|aa)*c/")
    started = time.perf_counter()
    assert not evil.match(facts(body="a" * 100_000 + "!"))  # neither matches, both must fail
    assert time.perf_counter() - started < 5  # a backtracking engine would not finish
    assert parse(r"title:/a\/b/").match(facts(title="a/b"))  # an escaped slash


def test_a_query_pickles_as_its_text() -> None:
    q = parse('tag:x and title:"a b"')
    back = pickle.loads(pickle.dumps(q))
    assert back == q and back.match(facts(title="A B", tags={"x"}))


# --- what is refused, and how it says so -----------------------------------------------------


@pytest.mark.parametrize(("query", "column", "says"), [
    ("", 1, "empty"),
    ("   ", 1, "empty"),
    ("tag:", 5, "expected a value"),
    ("tag:a and", 10, "expected '('"),
    ("tag:a tag:b", 7, "expected"),
    ("tag:a or or tag:b", 10, "unexpected 'or'"),
    ("foo:bar", 1, "foo: is no field"),
    ("tag:a and Title:x", 11, "Title: is no field"),
    ("(tag:a", 7, "expected ')'"),
    ("tag:a)", 6, "unexpected ')'"),
    ('title:"abc', 7, "closing quote"),
    ('"abc"', 1, "needs a field"),
    ("tag:/x/", 5, "for title: and text: only"),
    ("title:/(/", 7, "RE2"),
    ("title:/[a-/", 7, "RE2"),
    ("title:/x", 7, "written /…/"),  # no closing slash: refused, not read as /x/ cut short
    ("title:/Advertisementx", 7, "written /…/"),
    ("title://", 7, "written /…/"),
    ("seeds:x", 6, "'seeds' takes no value"),
    ("not", 4, "unexpected end of the query"),
    ("AND tag:x", 1, "expected"),
    ("x" * 2001, 2001, "longer than"),
])  # fmt: skip
def test_a_bad_query_says_where_and_what_was_expected(query: str, column: int, says: str) -> None:
    with pytest.raises(QueryError) as e:
        parse(query)
    assert e.value.column == column, str(e.value)
    assert says in str(e.value)


def config(**tables: object):
    return from_dict(tables, Path("/tmp"))


def test_the_config_refuses_a_bad_query_by_its_key_and_position() -> None:
    ok = {"name": "Ok", "query": "tag:x"}
    with pytest.raises(ConfigError) as e:
        config(feeds=[ok, {"name": "B", "query": "tag:y"}, {"name": "C", "query": "tag:x and"}])
    assert e.value.key == "feeds[2].query"
    assert "at column 10" in str(e.value) and "expected" in str(e.value)
    with pytest.raises(ConfigError) as e:
        config(rules=[{"block": 'title:"广告" or text:/优惠券(\\d+/'}])
    assert e.value.key == "rules[0].block" and "column 20" in str(e.value)
    with pytest.raises(ConfigError) as e:
        config(rules=[{"keep": "lang:pt", "scope": "sources:x"}])
    assert e.value.key == "rules[0].scope" and "sources: is no field" in str(e.value)


@pytest.mark.parametrize(("tables", "key"), [
    ({"feeds": [{"query": "tag:x"}]}, "feeds[0].name"),
    ({"feeds": [{"name": "A"}]}, "feeds[0].query"),
    ({"feeds": [{"name": "A", "query": 3}]}, "feeds[0].query"),
    ({"feeds": [{"name": "A", "query": "tag:x", "title": "x"}]}, "feeds[0].title"),
    ({"feeds": [{"name": "A", "query": "tag:x", "slug": "../x"}]}, "feeds[0].slug"),
    ({"feeds": [{"name": "A", "query": "tag:x", "slug": "-x"}]}, "feeds[0].slug"),
    ({"feeds": [{"name": "A", "query": "tag:x"}, {"name": "a", "query": "tag:y"}]},
     "feeds[1].name"),
    ({"feeds": [{"name": "A", "query": "tag:x", "slug": "s"},
                {"name": "B", "query": "tag:y", "slug": "s"}]}, "feeds[1].slug"),
    ({"feeds": {"name": "A"}}, "feeds"),
    ({"rules": [{"scope": "seeds"}]}, "rules[0]"),
    ({"rules": [{"block": "seeds", "keep": "seeds"}]}, "rules[0]"),
    ({"rules": [{"block": "seeds", "why": "x"}]}, "rules[0].why"),
    ({"websub_hubs": "http://hub.example/"}, "websub_hubs"),
    ({"websub_hubs": ["ftp://hub.example/"]}, "websub_hubs[0]"),
    ({"websub_hubs": ["http://hub.example/\r\nX: y"]}, "websub_hubs[0]"),
])  # fmt: skip
def test_the_config_refuses_malformed_feeds_rules_and_hubs(tables: dict, key: str) -> None:
    with pytest.raises(ConfigError) as e:
        config(**tables)
    assert e.value.key == key, str(e.value)


def test_a_good_config_reads_its_feeds_rules_and_hubs() -> None:
    c = config(
        feeds=[{"name": "中文 AI", "query": "tag:人工智能 and lang:zh"},
               {"name": "PT", "slug": "pt-news", "query": "lang:pt"}],
        rules=[{"block": 'title:"广告"', "scope": "source:portal-x"}, {"keep": "not tag:spam"}],
        websub_hubs=["https://hub.example/", "https://hub.example/"],
    )  # fmt: skip
    assert [(f.name, f.slug) for f in c.feeds] == [("中文 AI", ""), ("PT", "pt-news")]
    assert [r.action for r in c.rules] == ["block", "keep"]
    assert c.websub_hubs == ("https://hub.example/",)
    block, keep = c.rules
    assert block.blocks(facts(title="广告", sources={"portal-x"}))
    assert not block.blocks(facts(title="广告"))  # out of its scope
    assert keep.blocks(facts(tags={"spam"})) and not keep.blocks(facts())


def test_queries_that_parsed_before_are_parsed_only_when_matched(tmp_path: Path) -> None:
    """A run with nothing to match must not pay for the parser: once a config's queries
    parsed, a stamp beside the database lets the next read leave them for later."""
    from feedd.config import load

    (tmp_path / "var").mkdir()
    path = tmp_path / "config.toml"
    path.write_text("seeds = 'seeds'\n[[feeds]]\nname = 'A'\nquery = 'tag:a or lang:pt'\n")
    first = load(path).feeds[0].query
    assert "_compiled" in vars(first)  # parsed as the config was read
    assert (tmp_path / "var" / "feedd.db-queries").exists()
    second = load(path).feeds[0].query
    assert "_compiled" not in vars(second)  # the same texts: not parsed yet
    assert second.match(facts(langs=("pt", "pt"))) and not second.needs_body
    # other texts are parsed again, and a bad one is refused however the stamp reads
    path.write_text("seeds = 'seeds'\n[[feeds]]\nname = 'A'\nquery = 'tag:a or'\n")
    with pytest.raises(ConfigError) as e:
        load(path)
    assert e.value.key == "feeds[0].query"


def test_many_queries_made_into_one_function_match_as_each_does() -> None:
    """query.combined: one function for many queries, the values of each its own (a value
    is never written into the code it makes)."""
    from feedd.query import combined

    texts = ['tag:a', 'title:"x\\" or 1 or \\"y"', "text:código and not tag:b", "lang:pt",
             r"title:/^\d+$/", "seeds or source:'s'", 'title:"广告"']  # fmt: skip
    queries = [parse(t) for t in texts]
    together = combined(queries)
    for f in (facts(title='x" or 1 or "y', tags={"a"}), facts(body="O código", langs=("pt", "pt")),
              facts(title="2025", seeds=True), facts(title="看广告", tags={"b"}), facts()):  # fmt: skip
        assert together(f) == [i for i, q in enumerate(queries) if q.match(f)]


def test_a_query_nested_too_deep_is_refused() -> None:
    deep = "not " * 70 + "seeds"
    with pytest.raises(QueryError, match="nested more than"):
        parse(deep)
    assert parse("not " * 40 + "seeds").match(facts(seeds=True)) is True  # nots that cancel
    assert parse("(" * 400 + "seeds" + ")" * 400).match(facts(seeds=True))  # parentheses alone
