"""The fast front matter reader returns exactly what PyYAML returns, or steps aside (None)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from frontmatter.default_handlers import YAMLHandler

from feedd.normalize import simpleyaml
from feedd.normalize.article import KEYS
from feedd.normalize.frontmatter import _wanted_blocks

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

# Each case says what the fast reader must do: read it as PyYAML does (FAST), or step aside
# (None) for PyYAML, because the shape is outside its subset.
CASES = {
    "quoted": 'title: "全球开发者｜科技观察"\ndate: "2025-02-07 22:26:11"',
    "plain": "title: WAIC 2025：智能共济\ndraft: false",
    "iso-offset": "date: 2025-07-11T10:40:05+08:00",
    "iso-z": "date: 2025-07-11T10:40:05Z",
    "space-time": "date: 2025-02-07 22:26:11",
    "date-only": "date: 2025-07-11",
    "block-list": 'tags:\n  - "qq"\n  - 人工智能\n  -\ncategories:\n- news',
    "flow-list": 'tags: ["AI", "大模型"]\nlang: ["zh-CN"]',
    "single-quoted": "title: 'It''s here'",
    "bools": "draft: yes\na: On\nb: FALSE\nc: True",
    "nulls": "title: ~\nsummary: null\nlang:",
    "comments": "# head\ntitle: x\n  # indented comment\ntags:\n  - a",
    "trailing-space-key": "tags: \n  - a",
    "escape": 'title: "tab\\there"',
    "number": "title: 2024",
    "float": "title: 1.50",
    "plain-comment": "title: a # b",
    "block-scalar": "summary: |\n  line one\n  line two",
    "nested": "author:\n  name: Ana",
    "nested-item": "tags:\n  - name: x",
    "flow-map": "author: {name: Ana}",
    "anchor": "title: &a x",
    "timestamp-like": "title: 2025-07-11 is the day",
    "short-time": "date: 2025-07-11T10",
    "colon-in-plain": "title: a: b",
    "quote-inside": 'title: "a"b"',
    "flow-escape": 'tags: ["a\\"b"]',
    "flow-numbers": "tags: [1, 2]",
    "duplicate": "title: a\ntitle: b",
    "impossible-date": "date: 2025-02-30",
    "impossible-month": "date: 2025-13-45",
}
FAST = {
    "quoted", "plain", "iso-offset", "iso-z", "space-time", "date-only", "block-list",
    "flow-list", "single-quoted", "bools", "nulls", "timestamp-like", "short-time", "flow-escape",
}  # fmt: skip


@pytest.mark.parametrize("name", CASES)
def test_same_as_pyyaml_or_none(name: str) -> None:
    got = simpleyaml.load(CASES[name])
    if name in FAST:
        assert got is not None, "left to PyYAML: the fast path lost a common shape"
        assert got == yaml.safe_load(CASES[name])
    else:
        assert got is None, f"read {got!r}, but only PyYAML reads this shape right"


def test_an_impossible_date_is_text_to_the_front_matter_loader() -> None:
    """What the caller then does with the cases the fast reader leaves: PyYAML would raise
    for an impossible date; feedd's loader reads it as text, which costs only the date."""
    from feedd.normalize.frontmatter import split

    assert split("---\ndate: 2025-02-30\n---\nx")[0] == {"date": "2025-02-30"}
    with pytest.raises(ValueError):
        yaml.safe_load(CASES["impossible-date"])


def test_seed_front_matter() -> None:
    handler = YAMLHandler()
    for path in sorted(SEEDS.iterdir()):
        text = path.read_text(encoding="utf-8")
        if not text.startswith("---"):
            continue
        fm, _ = handler.split(text)
        wanted = _wanted_blocks(fm, KEYS)
        got = simpleyaml.load(wanted)
        assert got is not None, path.name
        assert got == yaml.safe_load(wanted)
