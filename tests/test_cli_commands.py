"""The command line around ``once``: config errors, --version/--help, check, stats, progress."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FEEDD, ROOT, Site, feedd

COMMANDS = ["once", "run", "check", "stats", "sources list", "sources import", "sources export",
            "sources remove"]  # fmt: skip


@pytest.mark.slow
def test_version() -> None:
    r = feedd("--version")
    assert r.returncode == 0 and r.stdout.startswith("feedd ")


@pytest.mark.slow
def test_python_m_feedd_is_the_same_command(site: Site) -> None:
    r = subprocess.run([sys.executable, "-m", "feedd", "--version"], capture_output=True,
                       text=True, timeout=60)  # fmt: skip
    assert r.returncode == 0 and r.stdout == feedd("--version").stdout
    r = subprocess.run(
        [sys.executable, "-m", "feedd", "once", "--config", str(site.root / "config.toml")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "read 5 of 5 files: 5 new" in r.stdout and (site.public / "all.atom").exists()


@pytest.mark.slow
@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_on_every_command(command: str | None) -> None:
    r = feedd(*(command.split() if command else []), "--help")
    assert r.returncode == 0 and "--config" in r.stdout


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("max_entires = 10", "config key 'max_entires': unknown key"),
        ("max_entries = 'ten'", "config key 'max_entries': must be an integer, not str"),
        ("max_entries = true", "config key 'max_entries': must be an integer, not bool"),
        ("max_entries = 0", "config key 'max_entries': 0 is outside"),
        ('seeds = "config.toml"', "config key 'seeds': "),
        ('base_url = "ftp://x"', "config key 'base_url'"),
        ('timezone = "Mars/Olympus"', "config key 'timezone'"),
        ("title = ", "invalid TOML"),
    ],
    ids=["unknown", "type", "bool", "range", "not-a-folder", "url", "zone", "toml"],
)
@pytest.mark.slow
def test_bad_config_is_refused_naming_the_key(site: Site, line: str, message: str) -> None:
    cfg = site.root / "config.toml"
    cfg.write_text(line + "\n", encoding="utf-8")
    (site.root / "x.opml").write_text("<opml version='2.0'><body/></opml>")
    for command in COMMANDS:
        extra = {"sources import": ["x.opml"], "sources remove": ["1"]}.get(command, [])
        r = site.run(*command.split(), *extra, expect=None)
        assert r.returncode == 2, (command, r.stderr)
        assert message in r.stderr and str(cfg) in r.stderr
        assert "Traceback" not in r.stderr


@pytest.mark.slow
def test_missing_config_file(tmp_path: Path) -> None:
    r = feedd("once", cwd=tmp_path)
    assert r.returncode == 2 and "config file not found" in r.stderr


@pytest.mark.slow
def test_default_config_is_the_one_in_the_working_directory(site: Site) -> None:
    r = feedd("once", cwd=site.root)
    assert r.returncode == 0 and (site.public / "all.atom").is_file()


@pytest.mark.slow
def test_check_lists_problems_without_writing(site: Site) -> None:
    (site.seeds / "broken.md").write_text("---\ntitle: [x\n---\n")
    (site.seeds / "bad-date.md").write_text("---\ntitle: D\ndate: someday\n---\nText.\n")
    r = site.run("check", expect=None)
    assert r.returncode == 1
    assert "broken.md: broken YAML front matter" in r.stderr
    assert "bad-date.md: front matter 'date'" in r.stderr
    assert "7 seed files, 1 with errors" in r.stdout
    assert not (site.root / "var").exists() and not site.public.exists()


@pytest.mark.slow
def test_stats_shows_entries_per_feed(site: Site) -> None:
    assert site.run("stats", expect=None).returncode == 1  # no database yet: says so
    assert site.once(expect=None).returncode == 0
    r = site.run("stats", expect=None)
    assert r.returncode == 0
    assert "5 entries in" in r.stdout
    assert ": 5 from 5 seed files, 0 from 0 remote sources" in r.stdout
    lines = {ln.split()[-1]: ln.split()[0] for ln in r.stdout.splitlines()[2:]}
    assert lines["all.atom"] == "5" and lines["lang/zh-Hans.atom"] == "3"


@pytest.mark.slow
def test_quiet_prints_errors_only(site: Site) -> None:
    r = site.once("-q", expect=None)
    assert r.returncode == 0 and r.stdout == "" and r.stderr == ""
    (site.seeds / "x.bin").write_bytes(b"\x00\x01\x02" * 100)
    r = site.once("-q", expect=None)
    assert r.returncode == 1 and r.stdout == "" and "x.bin: binary file" in r.stderr


@pytest.mark.slow
def test_progress_on_a_terminal(site: Site) -> None:
    """A run that takes more than a moment shows a counter when stderr is a terminal."""
    text = (site.seeds / "003_d3ed8000c58bd57f.txt").read_text(encoding="utf-8")
    for i in range(300):
        (site.seeds / f"gen-{i}.txt").write_text(f"Artigo {i}\n\n{i} " + text[i:], "utf-8")
    master, slave = pty.openpty()
    env = {**os.environ, "FEEDD_PROGRESS_DELAY": "0"}  # "more than a moment" on any machine
    proc = subprocess.Popen(
        [str(FEEDD), "once", "--config", str(site.root / "config.toml")],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave, env=env,
    )  # fmt: skip
    os.close(slave)
    seen = b""
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    assert proc.wait(timeout=120) == 0
    os.close(master)
    assert b"reading" in seen and b"/305 files" in seen
    # without a terminal there is no progress line
    assert "reading" not in site.once().stderr


def test_docs_name_every_command_and_config_key() -> None:
    """A test keeps the docs honest: commands and shipped config keys are in the README."""
    sys.path.insert(0, str(ROOT))
    from feedd.config import OPTIONS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shipped = (ROOT / "config.toml").read_text(encoding="utf-8")
    for command in COMMANDS:
        assert f"`feedd {command}" in readme
    for key in OPTIONS:
        assert f"`{key}`" in readme, key
        assert f"\n{key} = " in shipped, key
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert ci in readme  # CI runs the README's test command, nothing else
