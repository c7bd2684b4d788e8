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
from collections.abc import Callable
from dataclasses import dataclass, field

from .errors import QueryError

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
    tags: frozenset[str]  # tag keys (see normalize.tags.key)
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


@dataclass(frozen=True)
class Query:
    """A query: its text, and what matches an entry, made when first needed (see
    ``parse``, ``known``). Pickled as its text: what matches is made of closures."""

    text: str

    @functools.cached_property
    def match(self) -> Match:
        """Whether an entry (its ``Facts``) matches: ``query.match(facts)``."""
        return self._compiled[0]

    @property
    def needs_body(self) -> bool:
        """Whether it reads an entry's text (``text:``), which costs more than the rest."""
        return self._compiled[1]

    @functools.cached_property
    def _compiled(self) -> tuple[Match, bool]:
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


def tag_key(tag: str) -> str:
    """As normalize.tags.key (which this layer cannot import): NFKC, case-folded, collapsed."""
    return " ".join(unicodedata.normalize("NFKC", tag).split()).casefold()


@functools.lru_cache(maxsize=1)
def _parser():  # noqa: ANN202 - lark's type
    from lark import Lark

    # (no cache=True: lark would unpickle its tables from a shared temporary folder)
    return Lark(GRAMMAR, parser="lalr", maybe_placeholders=False)


def _compile_text(text: str) -> tuple[Match, bool]:
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
    needs_body = [False]
    return _compile(tree, needs_body), needs_body[0]


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


def _compile(tree, needs_body: list[bool]) -> Match:  # noqa: ANN001 - a lark Tree
    kind = tree.data
    if kind in ("or_", "and_"):
        parts = [_compile(c, needs_body) for c in tree.children]
        return (_any if kind == "or_" else _all)(parts)
    if kind == "neg":
        inner = _compile(tree.children[0], needs_body)
        return lambda f: not inner(f)
    if kind == "seeds":
        return lambda f: f.seeds
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
        return _regex(name, raw[1:-1].replace("\\/", "/"), value_token.column)
    value = _unquote(raw) if raw.startswith('"') else raw
    if not value.strip():
        raise QueryError(value_token.column, f"{name}: needs a value")
    if name == "tag":
        key = tag_key(value)
        return lambda f: key in f.tags
    if name == "lang":
        want = value.casefold().replace("_", "-")
        under = want + "-"
        return lambda f: any(c == want or c.startswith(under) for c in f.langs_folded)
    if name == "source":
        want = fold(value.strip())
        return lambda f: want in f.sources
    needs_body[0] |= name == "text"
    return _words(name, value)


def _unquote(raw: str) -> str:
    return re.sub(r"\\(.)", r"\1", raw[1:-1])


def _any(parts: list[Match]) -> Match:
    if len(parts) == 2:  # (most are: one closure call fewer than a loop)
        a, b = parts
        return lambda f: a(f) or b(f)

    def match(f: Facts) -> bool:
        for p in parts:  # noqa: SIM110 - a loop: any() of a generator costs a frame more
            if p(f):
                return True
        return False

    return match


def _all(parts: list[Match]) -> Match:
    if len(parts) == 2:
        a, b = parts
        return lambda f: a(f) and b(f)

    def match(f: Facts) -> bool:
        for p in parts:  # noqa: SIM110 - as in _any
            if not p(f):
                return False
        return True

    return match


def _words(name: str, value: str) -> Match:
    phrase = " ".join(fold(value).split())
    if _cjk().search(phrase) or not any(map(_word_char, phrase)):  # a substring, spaces aside
        chars = phrase.replace(" ", "")
        if name == "title":
            return lambda f: chars in f.title_chars
        return lambda f: chars in f.text_chars
    if name == "title":
        return lambda f: phrase in f.title_spaced and _has_words(f.title_spaced, phrase)
    if " " not in phrase:  # one word: whitespace is no letter, however much of it there is
        return lambda f: phrase in f.text_folded and _has_words(f.text_folded, phrase)
    return lambda f: phrase in f.text_spaced and _has_words(f.text_spaced, phrase)


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
