"""The layers of the data path hold: import-linter's contracts in pyproject.toml pass on the
tree, and a wrong import (a layer reaching up, a driver reaching below the pipeline) fails
them, naming the contract."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT), "--no-cache", str(root / "pyproject.toml")],
        cwd=root, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_the_tree_keeps_every_contract() -> None:
    from importlinter.cli import lint_imports

    assert lint_imports(str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True) == 0


def _copy(tmp_path: Path) -> Path:
    shutil.copytree(
        ROOT / "feedd", tmp_path / "feedd", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


@pytest.mark.slow
@pytest.mark.parametrize(
    ("module", "wrong", "contract"),
    [
        # a lower layer reaching up the data path
        ("store/db.py", "from ..publish import site  # noqa", "The data path"),
        ("sources/feeds.py", "from ..normalize import dates  # noqa", "The data path"),
        ("normalize/text.py", "from ..store import Store  # noqa", "The data path"),
        # a driver reaching below the pipeline
        ("cli.py", "from .store import Store  # noqa", "The drivers go through the pipeline"),
        ("daemon.py", "from .publish import site  # noqa", "The drivers go through the pipeline"),
        # a shared module standing on a layer
        ("errors.py", "from .config import Config  # noqa", "The shared modules"),
        # the store's modules reached past its facade
        ("publish/site.py", "from ..store.ingest import Items  # noqa", "The store is used"),
    ],
)
def test_a_wrong_import_breaks_a_contract(
    tmp_path: Path, module: str, wrong: str, contract: str
) -> None:
    root = _copy(tmp_path)
    assert _lint(root).returncode == 0  # the copy itself keeps them
    path = root / "feedd" / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{wrong}\n", encoding="utf-8")
    res = _lint(root)
    assert res.returncode == 1, res.stdout
    assert f"{contract}" in res.stdout and "BROKEN" in res.stdout


def _calls_outside_the_store() -> list[str]:
    """Every ``.execute*`` call and every ``.conn`` / ``._conn`` use in feedd/, outside
    feedd/store/ (the daemon's sqlite3.Error handling names the module, not a connection)."""
    import ast

    found = []
    for path in sorted((ROOT / "feedd").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("feedd/store/"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in (
                "execute", "executemany", "executescript", "conn", "_conn", "cursor",
            ):  # fmt: skip
                found.append(f"{rel}:{node.lineno} .{node.attr}")
    return found


def test_no_sql_and_no_connection_outside_the_store() -> None:
    assert _calls_outside_the_store() == []
