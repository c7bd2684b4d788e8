"""scan(): the files below the seeds folder, confined to it, keyed by relative path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from feedd.sources.files import scan


def keys(root: Path) -> set[str]:
    return {f.key for f in scan(root)}


def write(path: Path, text: str = "x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def root(tmp_path: Path) -> Path:
    r = tmp_path / "seeds"
    r.mkdir()
    return r


def test_recursive_with_slash_separated_keys(root):
    write(root / "a.md")
    write(root / "2025" / "02" / "b.txt")
    write(root / "中文" / "文章.md")
    assert keys(root) == {"a.md", "2025/02/b.txt", "中文/文章.md"}


def test_seed_file_fields(root):
    p = write(root / "sub" / "a.md", "hello")
    (f,) = scan(root)
    assert f.key == "sub/a.md"
    assert Path(f.path).resolve() == p.resolve()
    assert f.size == 5
    assert f.mtime_ns == p.stat().st_mtime_ns


@pytest.mark.parametrize(
    "name", [".hidden.md", ".#a.md", "a.md~", ".a.md.swp", "a.md.swp", "#a.md#", ".git/config"]
)
def test_skips_hidden_files_and_editor_leftovers(root, name):
    write(root / "keep.md")
    write(root / name)
    assert keys(root) == {"keep.md"}


def test_skips_hidden_folders(root):
    write(root / ".obsidian" / "workspace.md")
    write(root / "a.md")
    assert keys(root) == {"a.md"}


def test_empty_folder(root):
    assert keys(root) == set()


def test_does_not_follow_symlink_to_file_outside(root, tmp_path):
    secret = write(tmp_path / "secret.txt", "password")
    os.symlink(secret, root / "leak.md")
    write(root / "a.md")
    assert keys(root) == {"a.md"}


def test_does_not_follow_symlink_to_folder_outside(root, tmp_path):
    write(tmp_path / "elsewhere" / "b.md")
    os.symlink(tmp_path / "elsewhere", root / "linked", target_is_directory=True)
    write(root / "a.md")
    assert keys(root) == {"a.md"}


def test_does_not_follow_relative_symlink_escaping_the_root(root, tmp_path):
    write(tmp_path / "outside.md")
    os.symlink("../outside.md", root / "up.md")
    assert keys(root) == set()


def test_follows_symlink_to_file_inside(root):
    write(root / "real" / "a.md")
    os.symlink(root / "real" / "a.md", root / "alias.md")
    assert keys(root) == {"real/a.md", "alias.md"}


def test_follows_symlink_to_folder_inside(root):
    write(root / "real" / "a.md")
    os.symlink(root / "real", root / "alias", target_is_directory=True)
    assert keys(root) == {"real/a.md", "alias/a.md"}


def test_symlink_loop_ends(root):
    write(root / "sub" / "a.md")
    os.symlink(root, root / "sub" / "loop", target_is_directory=True)
    assert "sub/a.md" in keys(root)


def test_skips_dangling_symlink(root):
    os.symlink(root / "missing.md", root / "dangling.md")
    write(root / "a.md")
    assert keys(root) == {"a.md"}


def test_root_given_through_a_symlink(root, tmp_path):
    write(root / "a.md")
    via = tmp_path / "via"
    os.symlink(root, via, target_is_directory=True)
    assert keys(via) == {"a.md"}


def test_non_utf8_file_name_gets_a_text_key(root):
    name = os.fsdecode(b"caf\xe9.md")
    write(root / name)
    (key,) = keys(root)
    key.encode("utf-8")  # storable in SQLite and XML
    assert key == "caf\\xe9.md"
