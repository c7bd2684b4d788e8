"""Counters and health of a running daemon, and their Prometheus text rendering.

Thread-safe: the scheduler's jobs write, the HTTP server's threads read.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

# What a fetch can come to (pipeline.remote.Outcome.outcome), each counted even at zero
OUTCOMES = ["200", "304", "4xx", "5xx", "timeout", "too_large", "error", "parse_error", "gone"]


@dataclass
class Health:
    """What ``/healthz`` judges freshness by (monotonic and wall times, seconds)."""

    last_scan: float | None = None
    last_publish: float | None = None
    last_publish_error: str | None = None
    last_job: float = field(default_factory=time.monotonic)  # heartbeat: the scheduler runs


def _label(value: str) -> str:
    """A label value, escaped as the exposition format says (backslash, quote, newline)."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def exact(value: float) -> str:
    """A sample value as Prometheus reads it, never in exponent form and never rounded: a
    timestamp printed with ``{:g}`` (``1.79611e+09``) is off by up to half an hour."""
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    text = repr(float(value))  # the shortest exact form, unless Python would use an exponent
    return text if "e" not in text else f"{value:.17f}".rstrip("0")


class Metrics:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.fetches: Counter[str] = Counter()  # by outcome
        self.bytes_fetched = 0
        self.bytes_saved = 0  # by 304s: the size of the body that did not travel again
        self.durations: dict[str, list[float]] = {}  # name -> [count, sum]
        self.last_success: dict[str, float] = {}  # name -> unix time
        self.health = Health()

    def fetched(self, outcome: str, size: int, saved: int, seconds: float) -> None:
        with self.lock:
            self.fetches[outcome] += 1
            self.bytes_fetched += size
            self.bytes_saved += saved
        self.timed("fetch", seconds)

    def timed(self, name: str, seconds: float, ok: bool = True) -> None:
        with self.lock:
            d = self.durations.setdefault(name, [0, 0.0])
            d[0] += 1
            d[1] += seconds
            if ok:
                self.last_success[name] = time.time()

    def render(
        self,
        entries: int,
        sources: dict[str, int],
        failing: Sequence[tuple[str, int, str]] = (),
        websub: dict[str, int] | None = None,
        websub_pending: int = 0,
    ) -> str:
        """Prometheus text exposition format 0.0.4. ``failing``: ``(url, consecutive errors,
        last error)`` of each source whose last fetch failed."""
        out: list[str] = []

        def metric(name: str, kind: str, help_: str, samples: list[tuple[str, float]]) -> None:
            out.append(f"# HELP feedd_{name} {help_}")
            out.append(f"# TYPE feedd_{name} {kind}")
            out.extend(f"feedd_{name}{labels} {exact(value)}" for labels, value in samples)

        with self.lock:
            metric("entries", "gauge", "Entries in the store.", [("", entries)])
            metric(
                "sources",
                "gauge",
                "Remote sources by state.",
                [(f'{{state="{k}"}}', v) for k, v in sorted(sources.items())],
            )
            metric(
                "source_errors",
                "gauge",
                "Consecutive failed fetches of each failing source, with its last error.",
                [
                    (f'{{source="{_label(url)}",error="{_label(why[:200])}"}}', n)
                    for url, n, why in failing
                ],
            )
            metric(
                "fetches_total",
                "counter",
                "Fetches by outcome.",
                [(f'{{outcome="{o}"}}', self.fetches.get(o, 0)) for o in OUTCOMES],
            )
            metric(
                "fetch_bytes_total",
                "counter",
                "Bytes received from sources.",
                [("", self.bytes_fetched)],
            )
            metric(
                "not_modified_bytes_saved_total",
                "counter",
                "Body bytes not transferred thanks to 304 Not Modified.",
                [("", self.bytes_saved)],
            )
            if websub is not None:
                metric(
                    "websub_notifications_total",
                    "counter",
                    "WebSub hub notifications: sent, retried after a failure, given up on.",
                    [(f'{{result="{k}"}}', v) for k, v in websub.items()],
                )
                metric(
                    "websub_pending",
                    "gauge",
                    "WebSub hub notifications queued or in flight.",
                    [("", websub_pending)],
                )
            for name, (count, total) in sorted(self.durations.items()):
                metric(
                    f"{name}_seconds",
                    "summary",
                    f"Duration of {name} jobs.",
                    [("_count", count), ("_sum", total)],
                )
            metric(
                "last_success_timestamp_seconds",
                "gauge",
                "Unix time of the last success.",
                [(f'{{job="{k}"}}', v) for k, v in sorted(self.last_success.items())],
            )
        return "\n".join(out) + "\n"
