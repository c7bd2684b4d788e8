"""Splitting a big fetch round over processes never loosens the fetch limits."""

from __future__ import annotations

from collections import Counter

import pytest

from feedd.pipeline.remote import shards
from feedd.store.sources import Source


def source(i: int, host: str) -> Source:
    url = f"https://{host}/feed{i}.xml"
    return Source(i, url, "config", url, *([None] * (len(Source.__dataclass_fields__) - 4)))


@pytest.mark.parametrize("n", [1, 2, 3, 8])
@pytest.mark.parametrize("concurrency", [1, 2, 16])
@pytest.mark.parametrize("per_host", [1, 2, 5])
def test_limits_hold_across_parts(n: int, concurrency: int, per_host: int) -> None:
    due = [source(i, f"h{i % 3 if i < 30 else 9}.org") for i in range(60)]
    parts = shards(due, n, concurrency, per_host)
    assert sorted(s.id for part, _, _ in parts for s in part) == list(range(60))
    assert len(parts) <= max(1, min(n, concurrency))
    assert sum(c for _, c, _ in parts) <= concurrency and all(c >= 1 for _, c, _ in parts)
    allowed: Counter[str] = Counter()
    for part, _, limit in parts:
        assert limit >= 1
        assert [s.id for s in part] == sorted(s.id for s in part)  # order kept within a part
        for host in {s.url.split("/")[2] for s in part}:
            allowed[host] += limit
    assert all(v <= per_host for v in allowed.values())


def test_one_busy_host_is_spread_when_its_limit_allows() -> None:
    due = [source(i, "one.org") for i in range(100)]
    parts = shards(due, 2, 32, 32)
    assert [(len(p), c, h) for p, c, h in parts] == [(50, 16, 16), (50, 16, 16)]
    assert len(shards(due, 2, 32, 1)) == 1  # one at a time to that host: one process
