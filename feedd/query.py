"""The query language of defined feeds and rules: parsed once (lark), matched on entries; pure.

    query   := or
    or      := and ("or" and)*
    and     := not ("and" not)*
    not     := "not" not | "(" query ")" | term
    term    := "seeds" | FIELD ":" value
    FIELD   := tag | lang | source | title | text
    value   := word | "quoted phrase" | /regular expression/   (a regex: title and text only)

- ``tag:X`` an entry with that tag (case-insensitive, as tags are compared);
- ``lang:X`` its language or language group, or one under it (``lang:zh`` takes zh-Hans
  and zh-Hant, ``lang:pt`` takes pt-BR);
- ``source:X`` a copy from the remote source named X (its name or its slug); ``seeds`` a copy
  from the seeds folder;
- ``title:`` and ``text:`` (the body) match a word or a phrase case- and accent-insensitively:
  Latin text by whole words in order, CJK text as a substring; ``/…/`` is a regular expression,
  run by RE2, which takes time linear in the text whatever the pattern, so no pattern can hang
  a run. Keywords (``and``, ``or``, ``not``, ``seeds``) are lower case; quote a value that is
  one of them or holds a space, a parenthesis or a quote (``\\"`` inside quotes).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from .errors import QueryError
from .models import tag_key

GRAMMAR = r"""
?start: or_
?or_: and_ ("or" and_)*
?and_: not_ ("and" not_)*
?not_: "not" not_ -> neg
     | "(" or_ ")"
     | term
term: FIELD VALUE -> field
    | "seeds" -> seeds
FIELD.2: /(tag|lang|source|title|text):/
VALUE: ESCAPED | REGEX | WORD
ESCAPED: /"(?:[^"\\]|\\.)*"/
REGEX: /\/(?:[^\/\\]|\\.)+\//
WORD: /[^\s()"]+/
%ignore /\s+/
"""

VERSION = "1"  # of what a query matches: stored entries are matched again when it moves
MAX_QUERY_CHARS = 2000
_NAMES = {
    "FIELD": "a field (tag:, lang:, source:, title:, text:)",
    "VALUE": "a value",
    "LPAR": "'('",
    "RPAR": "')'",
    "NOT": "'not'",
    "AND": "'and'",
    "OR": "'or'",
    "SEEDS": "'seeds'",
    "$END": "the end of the query",
}


@dataclass
class Facts:
    """What a query looks at of one entry, each made once, when first looked at. ``body`` is
    called at most once, when a ``text:`` term first needs it (making a body's text costs
    more than the rest). The folded forms (see ``fold``): ``*_spaced`` with each run of
    whitespace one space, for Latin terms; ``*_chars`` with none, for CJK ones."""

    title: str
    tags: frozenset[str]  # tag keys (see models.tag_key)
    langs: tuple[str, ...]  # its language and its language group
    sources: frozenset[str]  # names and slugs of the remote sources of its copies, folded
    seeds: bool  # a copy of it is a seed file
    body: Callable[[], str] = field(default=lambda: "", repr=False)

    def text(self, name: str) -> str:
        return self.title if name == "title" else self.text_plain

    @functools.cached_property
    def text_plain(self) -> str:
        return self.body()

    @functools.cached_property
    def langs_folded(self) -> tuple[str, ...]:
        return tuple(lang.casefold() for lang in self.langs)

    # (string methods, not regular expressions: a body is thousands of characters)
    @functools.cached_property
    def title_spaced(self) -> str:
        return " ".join(fold(self.title).split())

    @functools.cached_property
    def title_chars(self) -> str:
        return self.title_spaced.replace(" ", "")

    @functools.cached_property
    def text_folded(self) -> str:
        return fold(self.text_plain)

    @functools.cached_property
    def text_spaced(self) -> str:  # (only for phrases: a word needs no spaces made even)
        return " ".join(self.text_folded.split())

    @functools.cached_property
    def text_chars(self) -> str:
        return "".join(self.text_folded.split())


Match = Callable[[Facts], bool]


class Compiled(NamedTuple):
    match: Match
    needs_body: bool  # whether it reads an entry's text (``text:``)
    expr: str  # as Python over ``f``, its values named ``_k0``, ``_k1`` ... (see combined)
    consts: list[object]


@dataclass(frozen=True)
class Query:
    """A query: its text, and what matches an entry, made when first needed (see
    ``parse``, ``known``). Pickled as its text: what matches is made of closures."""

    text: str

    @functools.cached_property
    def match(self) -> Match:
        """Whether an entry (its ``Facts``) matches: ``query.match(facts)``."""
        return self._compiled.match

    @property
    def needs_body(self) -> bool:
        """Whether it reads an entry's text (``text:``), which costs more than the rest."""
        return self._compiled.needs_body

    @functools.cached_property
    def _compiled(self) -> Compiled:
        return _compile_text(self.text)

    def __reduce__(self) -> tuple:
        return Query, (self.text,)


def parse(text: str) -> Query:
    """Parse a query now; a QueryError says where it is wrong and what was expected there."""
    q = Query(text)
    q._compiled  # noqa: B018 - parsed here, so that it raises here
    return q


def known(text: str) -> Query:
    """A query that parsed before (see config): parsed only when first matched, so that a
    run with nothing to match never loads the parser."""
    return Query(text)


# CJK characters, and the Hangul letters (jamo) a syllable decomposes into (see fold);
# compiled when first needed (5 ms: every run reads the config, few match anything)
_CJK_CHARS = (
    r"[\u1100-\u11ff\u2e80-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff"
    r"\uffa0-\uffdc\U00020000-\U0003134f]"
)


@functools.cache
def _cjk() -> re.Pattern[str]:
    return re.compile(_CJK_CHARS)


_MARKS = re.compile("[\u0300-\u036f]+")  # (one block, the accents of Latin, Greek, Cyrillic)


def fold(text: str) -> str:
    """Case and accents set aside: ``Código`` and ``codigo`` compare equal. (A regular
    expression, not a loop over characters: an article's text is thousands of them.)"""
    if text.isascii():
        return text.lower()
    folded = text.casefold()
    decomposed = unicodedata.normalize("NFKD", folded)
    # a letter that sheds its accent grows by a character: none grew, no mark to drop
    return decomposed if len(decomposed) == len(folded) else _MARKS.sub("", decomposed)


@functools.lru_cache(maxsize=1)
def _parser():  # noqa: ANN202 - lark's type
    from lark import Lark

    # (no cache=True: lark would unpickle its tables from a shared temporary folder)
    return Lark(GRAMMAR, parser="lalr", maybe_placeholders=False)


def _compile_text(text: str) -> Compiled:
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

    if not isinstance(text, str) or not text.strip():
        raise QueryError(1, "empty: expected a term such as tag:news")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(MAX_QUERY_CHARS + 1, f"longer than {MAX_QUERY_CHARS} characters")
    try:
        tree = _parser().parse(text)
    except UnexpectedEOF as e:
        reason = f"unexpected end of the query; expected {_expected(e.expected)}"
        raise QueryError(len(text) + 1, reason) from None
    except UnexpectedToken as e:
        end = e.token.type == "$END"
        got = "end of the query" if end else repr(str(e.token))
        column = len(text) + 1 if end else e.column
        hint = ""
        if not end and str(e.token).startswith(":"):
            hint = (
                " (a field is one of tag:, lang:, source:, title:, text:; 'seeds' takes no value)"
            )
        elif not end and str(e.token)[:1] in '"/':
            hint = ' (a value needs a field before it, as in title:"…")'
        elif not end:
            hint = _hint(str(e.token), "")
        reason = f"unexpected {got}; expected {_expected(e.expected)}{hint}"
        raise QueryError(column, reason) from None
    except UnexpectedCharacters as e:
        hint = _hint(text[e.pos_in_stream :])
        raise QueryError(e.column, f"unexpected {text[e.pos_in_stream]!r}{hint}") from None
    needs_body: list[bool] = [False]
    consts: list[object] = []
    expr = _compile(tree, needs_body, consts)
    return Compiled(_function(expr, consts), needs_body[0], expr, consts)


_REGEX = re.compile(r"/(?:[^/\\]|\\.)+/", re.S)  # as the grammar's REGEX


def _hint(
    rest: str, otherwise: str = "; expected a field such as tag:news, 'seeds', 'not' or '('"
) -> str:
    m = re.match(r"(\w+):", rest)
    if m and m.group(1) == "seeds":
        return " ('seeds' stands alone: no value after it)"
    if m and m.group(1) not in ("tag", "lang", "source", "title", "text"):
        return f" ({m.group(1)}: is no field)"
    if rest[:1] == '"':
        return "; a quoted value needs its closing quote"
    if m is None and rest.split(" ", 1)[0] in ("and", "or", "not", "seeds"):
        return ""
    return otherwise


def _expected(names: set[str]) -> str:
    shown = sorted({_NAMES.get(n, n) for n in names})
    return " or ".join(shown) if len(shown) < 3 else ", ".join(shown[:-1]) + " or " + shown[-1]


MAX_DEPTH = 60  # operators nested in one query: each a level of the Python it is made into


def _compile(tree, needs_body: list[bool], consts: list[object], depth: int = 0) -> str:  # noqa: ANN001,C901 - a lark Tree; one branch a node kind
    """The query as a Python expression over ``f`` (an entry's Facts), its values in
    ``consts`` (named ``_k0``, ``_k1``...: no value of a query is ever written into code)."""
    kind = tree.data
    if depth > MAX_DEPTH:
        raise QueryError(_column(tree), f"nested more than {MAX_DEPTH} levels deep")
    if kind in ("or_", "and_"):
        parts = [_compile(c, needs_body, consts, depth + 1) for c in tree.children]
        return "(" + (" or " if kind == "or_" else " and ").join(parts) + ")"
    if kind == "neg":
        return f"(not {_compile(tree.children[0], needs_body, consts, depth + 1)})"
    if kind == "seeds":
        return "f.seeds"

    def k(value: object) -> str:
        consts.append(value)
        return f"_k{len(consts) - 1}"

    name_token, value_token = tree.children
    name = str(name_token)[:-1]
    raw = str(value_token)
    if raw.startswith("/"):
        if not _REGEX.fullmatch(raw):
            raise QueryError(value_token.column, "a regular expression is written /…/, with "
                             'something between the slashes (quote a value that starts with '
                             'a slash: "/usr")')  # fmt: skip
        if name not in ("title", "text"):
            raise QueryError(value_token.column, f"a regular expression is for title: and "
                             f"text: only, not {name}:")  # fmt: skip
        needs_body[0] |= name == "text"
        return k(_regex(name, raw[1:-1].replace("\\/", "/"), value_token.column)) + "(f)"
    value = _unquote(raw) if raw.startswith('"') else raw
    if not value.strip():
        raise QueryError(value_token.column, f"{name}: needs a value")
    if name == "tag":
        return f"({k(tag_key(value))} in f.tags)"
    if name == "lang":
        want = value.casefold().replace("_", "-")
        return f"_lang_in(f.langs_folded, {k(want)}, {k(want + '-')})"
    if name == "source":
        return f"({k(fold(value.strip()))} in f.sources)"
    needs_body[0] |= name == "text"
    return _words(name, value, k)


def _column(tree) -> int:  # noqa: ANN001 - a lark Tree
    """Where a subtree starts: its first value's column (1 when it has none: seeds)."""
    first = next(tree.scan_values(lambda v: hasattr(v, "column")), None)
    return first.column if first is not None else 1


def _lang_in(langs: tuple[str, ...], want: str, under: str) -> bool:
    return any(c == want or c.startswith(under) for c in langs)


def _function(expr: str, consts: list[object]) -> Match:
    namespace = {**_HELPERS, **{f"_k{i}": v for i, v in enumerate(consts)}}
    return eval(f"lambda f: {expr}", namespace)  # noqa: S307 - made from the tree, values aside


def combined(queries: Sequence[Query]) -> Callable[[Facts], list[int]]:
    """One function for many queries: the indexes of those that match an entry. Made into
    one Python function, each query an ``if`` of its expression, which matches 100 queries
    in a fifth of the time 100 closure calls each take."""
    namespace: dict[str, object] = dict(_HELPERS)
    lines = ["def matches(f):", "    out = []"]
    for i, q in enumerate(queries):
        expr, consts = q._compiled.expr, q._compiled.consts
        for j, v in enumerate(consts):
            namespace[f"_q{i}k{j}"] = v
        expr = re.sub(r"\b_k(\d+)\b", lambda m, i=i: f"_q{i}k{m.group(1)}", expr)
        lines.append(f"    if {expr}:\n        out.append({i})")
    lines.append("    return out")
    exec(compile("\n".join(lines), "<feedd queries>", "exec"), namespace)  # noqa: S102
    return namespace["matches"]  # type: ignore[return-value]


def _unquote(raw: str) -> str:
    return re.sub(r"\\(.)", r"\1", raw[1:-1])


def _words(name: str, value: str, k: Callable[[object], str]) -> str:
    phrase = " ".join(fold(value).split())
    if _cjk().search(phrase) or not any(map(_word_char, phrase)):  # a substring, spaces aside
        return f"({k(phrase.replace(' ', ''))} in f.{name}_chars)"
    # one word of a body needs no whitespace made even: whitespace is no letter anyway
    form = f"{name}_spaced" if name == "title" or " " in phrase else f"{name}_folded"
    p = k(phrase)
    return f"({p} in f.{form} and _has_words(f.{form}, {p}))"


def _has_words(text: str, phrase: str) -> bool:
    """Whether ``phrase`` is in ``text`` as whole words: where it begins and ends with a
    letter or digit, no letter or digit of a spaced script touches it (a CJK one may)."""
    n, start = len(phrase), text.find(phrase)
    check_head, check_tail = _word_char(phrase[0]), _word_char(phrase[-1])
    while start != -1:
        end = start + n
        head_ok = not check_head or start == 0 or not _word_char(text[start - 1])
        tail_ok = not check_tail or end == len(text) or not _word_char(text[end])
        if head_ok and tail_ok:
            return True
        start = text.find(phrase, start + 1)
    return False


def _word_char(c: str) -> bool:
    """Part of a word of a spaced script: a letter, a digit, or a mark that the folding
    left on one (Arabic hamza, Devanagari vowel signs)."""
    if c.isascii():
        return c.isalnum()
    if _cjk().match(c):
        return False
    return c.isalnum() or unicodedata.category(c).startswith("M")


def _regex(name: str, pattern: str, column: int) -> Match:
    import re2

    options = re2.Options()
    options.log_errors = False  # the reason goes in the QueryError, not to stderr
    try:
        compiled = re2.compile(pattern, options)
    except re2.error as e:
        reason = e.args[0].decode(errors="replace") if isinstance(e.args[0], bytes) else str(e)
        raise QueryError(column, f"not a regular expression RE2 reads: {reason}") from None

    def match(f: Facts) -> bool:
        text = f.text(name)
        try:
            return compiled.search(text) is not None
        except UnicodeEncodeError:  # a lone surrogate (a database edited by others)
            return compiled.search(text.encode(errors="replace").decode()) is not None

    return match


_HELPERS = {"_lang_in": _lang_in, "_has_words": _has_words}  # what the made code calls
