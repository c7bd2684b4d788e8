"""Stories: labelled near-duplicates fold, look-alikes stay apart, ids hold (issue 13)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from feedd.normalize import article, similar

DATA = Path(__file__).parent / "data" / "stories"
PAIRS = tomllib.loads((DATA / "labels.toml").read_text("utf-8"))["pair"]
A = "{http://www.w3.org/2005/Atom}"


def _text(name: str) -> str:
    item = article.normalize(name, (DATA / name).read_bytes(), ZoneInfo("UTC"))
    return similar.comparable(item.html.decode(), item.lang_group)


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: f"{p['kind']}:{p['a']}~{p['b']}")
def test_every_labelled_pair_folds_or_stays_apart_as_labelled(pair: dict) -> None:
    c = similar.compare(_text(pair["a"]), _text(pair["b"]), similar.Shingling())
    verdict = similar.judge(c, 0.7)
    assert verdict.same is pair["same"], verdict.reason


def _once(root: Path) -> None:
    r = subprocess.run(
        [sys.executable, "-m", "feedd", "once", "--config", str(root / "config.toml")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    return r.stdout


def _ids(path: Path) -> list[str]:
    return [e.findtext(f"{A}id") for e in ET.parse(path).getroot().iter(f"{A}entry")]


@pytest.mark.slow
def test_a_story_is_published_once_keeps_its_id_and_each_script_has_its_copy(
    tmp_path: Path,
) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    names = ["seed000-original.md", "seed000-tw.md", "seed000-trimmed.md", "seed004-original.md"]
    for i, n in enumerate(names):
        shutil.copy(DATA / n, seeds / n)
        os.utime(seeds / n, (1_700_000_000 + i, 1_700_000_000 + i))  # seen in this order
    (tmp_path / "config.toml").write_text(
        'seeds = "seeds"\ndatabase = "var/feedd.db"\noutput = "public"\n', "utf-8"
    )
    out = _once(tmp_path)
    assert "2 near-duplicates folded" in out
    pub = tmp_path / "public"
    first = _ids(pub / "all.atom")
    assert len(first) == 2
    assert len(_ids(pub / "lang" / "zh-Hant.atom")) == 1
    # a rebuild from the same files gives the same ids
    shutil.rmtree(tmp_path / "var")
    _once(tmp_path)
    assert _ids(pub / "all.atom") == first
    # the representative deleted: the story stays, under the same id
    (seeds / "seed000-original.md").unlink()
    _once(tmp_path)
    assert sorted(_ids(pub / "all.atom")) == sorted(first)
