"""The fast front matter reader returns exactly what PyYAML returns, or steps aside (None)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from frontmatter.default_handlers import YAMLHandler

from feedd.sources import simpleyaml
from feedd.sources.frontmatter import _wanted_blocks

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

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
}


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_same_as_pyyaml_or_none(text: str) -> None:
    got = simpleyaml.load(text)
    if got is not None:
        assert got == yaml.safe_load(text)


def test_common_shapes_take_the_fast_path() -> None:
    for name in ("quoted", "plain", "iso-offset", "block-list", "flow-list", "nulls"):
        assert simpleyaml.load(CASES[name]) is not None, name


def test_seed_front_matter() -> None:
    handler = YAMLHandler()
    for path in sorted(SEEDS.iterdir()):
        text = path.read_text(encoding="utf-8")
        if not text.startswith("---"):
            continue
        fm, _ = handler.split(text)
        wanted = _wanted_blocks(fm)
        got = simpleyaml.load(wanted)
        assert got is not None, path.name
        assert got == yaml.safe_load(wanted)
