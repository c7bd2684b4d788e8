"""What a feed of the output is (its path, kind and title: no feedgen needed to know it), and
where a URL of the site leads."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import quote, urljoin, urlsplit


@dataclass(frozen=True)
class FeedInfo:
    """One feed of the output: where it goes and what it is called."""

    path: str  # relative to the output folder: "all.atom", "tags/<slug>.atom", "lang/pt.atom"
    kind: str  # "all", "tag", "lang" or "source"
    key: str | None  # tag key, language group or source id
    title: str
    lang: str | None = None  # xml:lang of the feed element (language feeds)

    @property
    def json_path(self) -> str:
        """Where its JSON Feed goes, beside it: ``tags/x.atom`` -> ``tags/x.json``."""
        return self.path.removesuffix(".atom") + ".json"

    @property
    def scope(self) -> tuple[str, str]:
        """``(kind, key)``: how the store names the entries the feed draws from."""
        return self.kind, self.key or ""


class Origin(NamedTuple):
    """A remote source as the entries it gave name it: its feed on this site (``slug``) and
    what its own feed says of itself."""

    slug: str
    title: str  # its name in the config, else its feed's title, else its URL
    url: str  # where it is fetched from
    home: str | None  # its feed's home page
    guid: str | None  # its feed's own id (Atom)

    @property
    def page(self) -> str:
        return f"sources/{self.slug}.html"


def origin_of(source_id: int, origins: dict[int, Origin] | None) -> Origin | None:
    """The remote source an entry's shown copy came from (``source_id`` 0: a seed file)."""
    return origins.get(source_id) if source_id and origins else None


def url(base_url: str, path: str) -> str:
    """The address of a file of the output: ``path`` percent-encoded (a CJK tag slug)."""
    return base_url + quote(path, safe="/")


def absolute_url(base_url: str, url: str) -> str:
    """A seed's image path resolved against the site (a remote one is absolute already)."""
    if url.startswith(("https://", "http://")):
        return url
    if url.startswith("/") and "/." not in url:  # most are: no dot segments to resolve
        return _origin(base_url) + url
    try:
        return urljoin(base_url, url)
    except ValueError:
        return base_url


@functools.lru_cache(maxsize=8)
def _origin(base_url: str) -> str:
    """``https://host:port`` of ``base_url``: what a path starting with ``/`` is joined to."""
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}"
