"""contrib/nginx.conf serves the output folder right: a real nginx on 127.0.0.1, on real output.

.ci/run installs nginx from Debian's packages; elsewhere the test needs it installed.
"""

from __future__ import annotations

import gzip
import http.client
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import ROOT, Site
from test_daemon import free_port

pytestmark = pytest.mark.slow  # runs feedd and nginx

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@pytest.fixture
def nginx(site: Site, tmp_path: Path) -> Iterator[int]:
    if not Path(NGINX).exists():
        pytest.fail("nginx is not installed: .ci/run installs it (apt-get install nginx)")
    site.once()
    port = free_port()
    server = (ROOT / "contrib" / "nginx.conf").read_text()
    server = re.sub(r"^\s*listen \[::\]:80;\n", "", server, flags=re.M)
    server = re.sub(r"listen 80;", f"listen 127.0.0.1:{port};", server)
    server = re.sub(r"root /var/lib/feedd/public;", f"root {site.public};", server)
    run = tmp_path / "nginx"
    run.mkdir()
    temps = " ".join(
        f"{name}_temp_path {run}/{name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = run / "nginx.conf"
    conf.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"daemon off; worker_processes 1; pid {run}/nginx.pid; error_log {run}/error.log;\n"
        f"events {{ worker_connections 64; }}\n"
        f"http {{ access_log off; {temps}\n{server}\n}}\n"
    )
    proc = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(run)], stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        while _get(port, "/")[0] != 200:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, "nginx did not answer"
            time.sleep(0.05)
        yield port
    finally:
        proc.terminate()
        proc.wait(10)


def _get(port: int, path: str, headers: dict[str, str] | None = None):
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        c.request("GET", path, headers=headers or {})
        r = c.getresponse()
        out = r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        c.close()
        return out
    except OSError:
        return 0, {}, b""


@pytest.mark.parametrize(
    ("path", "ctype"),
    [("/", "text/html; charset=utf-8"), ("/index.html", "text/html; charset=utf-8"),
     ("/all.atom", "application/atom+xml; charset=utf-8"),
     ("/all.json", "application/feed+json; charset=utf-8"),
     ("/lang/zh-Hant.atom", "application/atom+xml; charset=utf-8"),
     ("/lang/zh-Hans.json", "application/feed+json; charset=utf-8"),
     ("/feeds.opml", "text/x-opml; charset=utf-8")],
)  # fmt: skip
def test_every_file_goes_out_with_its_type_and_charset(
    nginx: int, site: Site, path: str, ctype: str
) -> None:
    status, h, body = _get(nginx, path)
    assert status == 200 and h["content-type"] == ctype
    assert body == (site.public / (path.lstrip("/") or "index.html")).read_bytes()
    assert "max-age=" in h["cache-control"]


def test_feeds_are_gzipped_and_answer_304(nginx: int, site: Site) -> None:
    for path in ("/all.atom", "/all.json", "/index.html", "/feeds.opml"):
        status, h, body = _get(nginx, path)
        assert status == 200 and h["etag"] and h["last-modified"]
        assert _get(nginx, path, {"If-None-Match": h["etag"]})[0] == 304
        assert _get(nginx, path, {"If-Modified-Since": h["last-modified"]})[0] == 304
        status, gh, gz = _get(nginx, path, {"Accept-Encoding": "gzip"})
        assert gh.get("content-encoding") == "gzip" and gzip.decompress(gz) == body, path
        assert "accept-encoding" in gh.get("vary", "").lower()


def test_a_cjk_tag_feed_is_served_by_its_encoded_url_and_dot_files_are_not(
    nginx: int, site: Site
) -> None:
    tags = [p for p in (site.public / "tags").glob("*.atom") if not p.name.isascii()]
    assert tags  # the shipped seeds have Chinese tags
    rel = tags[0].relative_to(site.public).as_posix()
    status, h, body = _get(nginx, "/" + quote(rel))
    assert status == 200 and body == tags[0].read_bytes()
    (site.public / ".all.atom.tmp").write_bytes(b"half a feed")
    assert _get(nginx, "/.all.atom.tmp")[0] == 404
    assert _get(nginx, "/nope.atom")[0] == 404
