"""Flatten HTML nested deeper than MAX_DEPTH, in one linear pass; pure.

The HTML sanitizer (html5ever, through nh3) is quadratic in nesting depth: for each block
element it opens, the parser looks down its stack of open elements, and a hostile page can
nest as deep as its size allows. Browsers stop nesting at 512 (Chromium, WebKit). feedd keeps
at most MAX_DEPTH elements open: a start tag past that depth is dropped with its end tag, and
its text stays where it was, so the sanitizer never sees a deeper tree.

The parser has a second list that grows: formatting elements (``<b>``, ``<a>``, ...) left
open stay "active" after the block around them closes, and are scanned for each new one and
re-opened before each text; so at most MAX_FORMATTING of them are kept open.

The pass is a model of the parser, not the parser. It finds tags as the parser's tokenizer
does (quoted attribute values, comments and their odd endings, raw-text elements such as
``script`` outside SVG and MathML); it closes what an end tag or a new element closes, with
the parser's scope rules (an end tag does not reach past a table, a special element stops
an inline one's end tag, a new list item closes the last one unless a list or another
special element came between); and it leaves end tags the parser would ignore alone. Where it
guesses wrong it errs deep: it drops structure from a page that might just have fit, never
lets a deeper one through. Every scan moves forward only, so a file without ``>`` or ``-->``
costs one look, not one per ``<``.
"""

from __future__ import annotations

import re

MAX_DEPTH = 256
MAX_FORMATTING = 32

_TAG = re.compile(r"<(?:(/?)([A-Za-z][^\s/>]*)|!--)")
_TAG_PART = re.compile(r"""[>"']""")
_COMMENT_END = re.compile(r"--!?>")


def _names(words: str) -> frozenset[str]:
    return frozenset(words.split())


_VOID = _names(
    "area base basefont bgsound br col embed frame hr img input keygen link meta "
    "param source track wbr"
)
_RAW_TEXT = _names("script style textarea title xmp iframe noembed noframes noscript plaintext")
_FOREIGN = _names("svg math")
# Where the parser's "in scope" searches stop: an end tag does not reach past these.
_BOUNDARY = _names("applet button caption html table td th marquee object template math svg")
# The parser's "special" elements: an inline element's end tag does not close past one.
_SPECIAL = _names(
    "address applet article aside blockquote body button caption center colgroup dd details "
    "dir div dl dt fieldset figcaption figure footer form frameset h1 h2 h3 h4 h5 h6 head "
    "header hgroup html iframe li listing main marquee menu nav noembed noframes noscript "
    "object ol p plaintext pre script search section select style summary table tbody td "
    "template textarea tfoot th thead title tr ul xmp"
)
_TABLE_PARTS = _names("caption col colgroup tbody td tfoot th thead tr")  # ignored outside one
_LOOSE = _names("address div p")  # special, yet a new li, dd or dt looks past them
_FORMATTING = _names("a b big code em font i nobr s small strike strong tt u")
# A start tag of one of these closes an open <p> first.
_CLOSES_P = _names(
    "address article aside blockquote center details dialog dir div dl fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr listing main menu nav ol p pre "
    "search section summary table ul li dd dt plaintext xmp"
)
# A new one of these closes the open one named beside it, unless what lies between stops it.
_ENDS = {
    "li": ("li",),
    "dd": ("dd", "dt"),
    "dt": ("dd", "dt"),
    "td": ("td", "th"),
    "th": ("td", "th"),
    "tr": ("tr",),
    "option": ("option",),
}


def flatten(fragment: str, max_depth: int = MAX_DEPTH) -> str:
    """``fragment`` with no element nested deeper than ``max_depth``; unchanged, and at
    no cost, when it has too few tags to nest that deep."""
    if fragment.count("<") <= min(max_depth, MAX_FORMATTING):
        return fragment
    return _Flattener(max_depth).run(fragment)


_WELL_FORMED_TAG = re.compile(r"<(/?)([a-z][a-z0-9]*)[^>]*>")


def flatten_rendered(rendered: str, max_depth: int = MAX_DEPTH) -> str:
    """``flatten`` for HTML that is well formed, as a Markdown renderer writes it (every
    end tag closes the element on top, attribute values hold no ``>``): a depth count
    does, much faster. A fragment cut short has its open elements closed."""
    if rendered.count("<") <= max_depth:
        return rendered
    out: list[str] = []
    kept = 0
    open_: list[str] = []
    over = 0  # start tags dropped whose end tags are still to come
    for m in _WELL_FORMED_TAG.finditer(rendered):
        name = m.group(2)
        if name in _VOID:
            continue
        if m.group(1):
            if over:
                over -= 1
            else:
                if open_:
                    open_.pop()
                continue
        elif len(open_) < max_depth:
            open_.append(name)
            continue
        else:
            over += 1
        out.append(rendered[kept : m.start()])
        kept = m.end()
    out.append(rendered[kept:])
    out.extend(f"</{name}>" for name in reversed(open_))
    return "".join(out)


class _Flattener:
    def __init__(self, max_depth: int) -> None:
        self.max_depth = max_depth
        self.stack: list[str] = []
        self.where: dict[str, list[int]] = {}  # name -> its positions in the stack
        # positions in the stack of boundary, special, and special-but-not-loose elements
        self.marks: dict[str, list[int]] = {"boundary": [], "special": [], "hard": []}
        self.dropped: dict[str, int] = {}  # name -> start tags dropped, end tags still due
        self.formatting = 0  # formatting elements the parser may still hold active

    def run(self, s: str) -> str:
        out: list[str] = []
        kept = 0  # s[kept:pos] is still to be copied to out
        pos = 0
        while m := _TAG.search(s, pos):
            start = m.start()
            if m.group(2) is None:  # a comment: "<!-->" and "<!--->" end at once
                after = m.end()
                if s.startswith(">", after) or s.startswith("->", after):
                    pos = after + (1 if s.startswith(">", after) else 2)
                    continue
                end = _COMMENT_END.search(s, after)
                pos = len(s) if end is None else end.end()
                continue
            end = self._tag_end(s, m.end())
            if end < 0:
                break  # a tag the fragment ends inside: the parser drops it
            pos = end + 1
            name = m.group(2).lower()
            closing = bool(m.group(1))
            keep = self._end(name) if closing else self._start(name)
            if not keep:
                out.append(s[kept:start])
                kept = pos
            if not closing and keep and name in _RAW_TEXT and not self._foreign():
                close = re.compile(rf"</{re.escape(name)}[\s/>]", re.I).search(s, pos)
                pos = len(s) if close is None else close.start()
        out.append(s[kept:])
        return "".join(out)

    @staticmethod
    def _tag_end(s: str, pos: int) -> int:
        """Where the tag whose name ends at ``pos`` ends (its ``>``), or -1: quoted values
        may hold a ``>``, and a quote opens one only right after ``=``."""
        while m := _TAG_PART.search(s, pos):
            if m.group() == ">":
                return m.start()
            before = s[max(0, m.start() - 64) : m.start()].rstrip()
            if not before.endswith("="):
                pos = m.end()  # a quote inside a name or an unquoted value
                continue
            close = s.find(m.group(), m.end())
            if close < 0:
                return -1
            pos = close + 1
        return -1

    def _foreign(self) -> bool:
        return bool(self.where.get("svg") or self.where.get("math"))

    def _last(self, names: tuple[str, ...]) -> int:
        return max((self.where[n][-1] for n in names if self.where.get(n)), default=-1)

    def _above(self, kind: str, at: int) -> bool:
        marks = self.marks[kind]
        return bool(marks) and marks[-1] > at

    def _start(self, name: str) -> bool:
        if name in _VOID or (name in _TABLE_PARTS and self._last(("table",)) < 0):
            return True  # opens nothing
        if name in _CLOSES_P:
            at = self._last(("p",))
            if at >= 0 and not self._above("boundary", at):
                self._pop_to(at)
        ends = _ENDS.get(name)
        if ends:
            at = self._last(ends)
            if name in ("td", "th", "tr"):
                blocked = self._last(("table",)) > at
            elif name == "option":
                blocked = at != len(self.stack) - 1
            else:
                blocked = self._above("hard", at)
            if at >= 0 and not blocked:
                self._pop_to(at)
        if len(self.stack) >= self.max_depth or (
            name in _FORMATTING and self.formatting >= MAX_FORMATTING
        ):
            self.dropped[name] = self.dropped.get(name, 0) + 1
            return False
        if name in _FORMATTING:
            self.formatting += 1
        at = len(self.stack)
        self.where.setdefault(name, []).append(at)
        if name in _BOUNDARY:
            self.marks["boundary"].append(at)
        if name in _SPECIAL:
            self.marks["special"].append(at)
            if name not in _LOOSE:
                self.marks["hard"].append(at)
        self.stack.append(name)
        return True

    def _end(self, name: str) -> bool:
        at = self._last((name,))
        if at >= 0:
            if name in _SPECIAL:
                blocked = self._above("boundary", at) or (
                    name == "li" and self._last(("ul", "ol")) > at
                )
            else:  # an inline element's end tag stops at a special element above it
                blocked = self._above("special", at)
            if not blocked:
                self._pop_to(at)
                if name in _FORMATTING:
                    self.formatting -= 1
            return True
        if self.dropped.get(name):
            self.dropped[name] -= 1
            return False
        return True  # an end tag with nothing to close: the parser ignores it

    def _pop_to(self, at: int) -> None:
        """Close every element from the top of the stack down to position ``at``."""
        while len(self.stack) > at:
            top = self.stack.pop()
            self.where[top].pop()
            depth = len(self.stack)
            for marks in self.marks.values():
                if marks and marks[-1] == depth:
                    marks.pop()
