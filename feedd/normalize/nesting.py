"""Flatten HTML nested deeper than MAX_DEPTH, in one linear pass; pure.

The HTML sanitizer (html5ever, through nh3) is quadratic in nesting depth: for each block
element it opens, the parser looks down its stack of open elements, so 500,000 nested
``<div>``s take minutes and 40,000 take seconds. Browsers stop nesting at 512 (Chromium,
WebKit). feedd keeps at most MAX_DEPTH elements open: a start tag past that depth is dropped
with its end tag, and its text stays where it was, so the sanitizer never sees a deeper tree.

The pass is a model of the parser, not the parser: it finds tags by their ``<`` and the
next ``>`` (quoted attributes are not parsed), skips comments and raw-text elements
(``script``, ``style``, ...), closes the elements an end tag or a new block closes, and
leaves end tags the parser would ignore alone. Where it guesses wrong it errs deep: it drops
structure from a page that might just have fit, never lets a deeper one through. Every scan
moves forward only, so a file without ``>`` or ``-->`` costs one look, not one per ``<``.
"""

from __future__ import annotations

import re

MAX_DEPTH = 256

_TAG = re.compile(r"<(?:(/?)([A-Za-z][^\s/>]*)|!--)")


def _names(words: str) -> frozenset[str]:
    return frozenset(words.split())


_VOID = _names("area base br col embed hr img input keygen link meta param source track wbr")
_RAW_TEXT = _names("script style textarea title xmp iframe noembed noframes plaintext")
# Where the parser's "in scope" searches stop: an end tag does not reach past these.
_BOUNDARY = _names("applet button caption html table td th marquee object template math svg")
# A start tag of one of these closes an open <p> first.
_CLOSES_P = _names(
    "address article aside blockquote details dialog dir div dl fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 header hgroup hr main menu nav ol p pre section summary "
    "table ul li dd dt"
)
# A start tag that closes an element of the same name on top of the stack (a list item
# ends the last one; one deeper in, under a new list, stays open).
_SELF_CLOSING = _names("li dd dt option tr td th")


def flatten(fragment: str, max_depth: int = MAX_DEPTH) -> str:
    """``fragment`` with no element nested deeper than ``max_depth``; unchanged, and at
    no cost, when it has too few tags to nest that deep."""
    if fragment.count("<") <= max_depth:
        return fragment
    return _Flattener(max_depth).run(fragment)


class _Flattener:
    def __init__(self, max_depth: int) -> None:
        self.max_depth = max_depth
        self.stack: list[str] = []
        self.where: dict[str, list[int]] = {}  # name -> its positions in the stack
        self.boundaries: list[int] = []  # positions of boundary elements in the stack
        self.dropped: dict[str, int] = {}  # name -> start tags dropped, end tags still due

    def run(self, s: str) -> str:
        out: list[str] = []
        kept = 0  # s[kept:pos] is still to be copied to out
        pos = 0
        while m := _TAG.search(s, pos):
            start = m.start()
            if m.group(2) is None:  # a comment: to its end, or the end of the fragment
                end = s.find("-->", m.end())
                pos = len(s) if end < 0 else end + 3
                continue
            end = s.find(">", m.end())
            if end < 0:
                break  # a tag the fragment ends inside: the parser drops it
            pos = end + 1
            name = m.group(2).lower()
            closing = bool(m.group(1))
            keep = self._end(name) if closing else self._start(name)
            if not keep:
                out.append(s[kept:start])
                kept = pos
            if not closing and keep and name in _RAW_TEXT:
                close = re.compile(rf"</{re.escape(name)}[\s/>]", re.I).search(s, pos)
                pos = len(s) if close is None else close.start()
        out.append(s[kept:])
        return "".join(out)

    def _start(self, name: str) -> bool:
        if name in _VOID:
            return True
        if name in _CLOSES_P:
            self._close_in_scope("p")
        if name in _SELF_CLOSING and self.stack and self.stack[-1] == name:
            self._close_in_scope(name)
        if len(self.stack) >= self.max_depth:
            self.dropped[name] = self.dropped.get(name, 0) + 1
            return False
        self.where.setdefault(name, []).append(len(self.stack))
        if name in _BOUNDARY:
            self.boundaries.append(len(self.stack))
        self.stack.append(name)
        return True

    def _end(self, name: str) -> bool:
        if self._close_in_scope(name):
            return True
        if self.dropped.get(name):
            self.dropped[name] -= 1
            return False
        return True  # an end tag with nothing to close: the parser ignores it

    def _close_in_scope(self, name: str) -> bool:
        """Pop the stack down to the last open ``name``, when no boundary lies above it."""
        places = self.where.get(name)
        if not places:
            return False
        at = places[-1]
        if self.boundaries and self.boundaries[-1] > at:
            return False
        while len(self.stack) > at:
            top = self.stack.pop()
            self.where[top].pop()
            if self.boundaries and self.boundaries[-1] == len(self.stack):
                self.boundaries.pop()
        return True
