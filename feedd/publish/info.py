"""What a feed of the output is: its path, kind and title (no feedgen needed to know it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FeedInfo:
    """One feed of the output: where it goes and what it is called."""

    path: str  # relative to the output folder: "all.atom", "tags/<slug>.atom", "lang/pt.atom"
    kind: str  # "all", "tag" or "lang"
    key: str | None  # tag key or language group
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
