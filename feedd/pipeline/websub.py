"""Tell WebSub hubs which feeds changed, so that their subscribers hear of new items at once.

After a publish, each configured hub gets one ``hub.mode=publish`` POST per feed whose bytes
changed (``hub.url``: the feed's own URL, as its ``rel="self"`` link says; the form every
hub in use accepts, one topic a request). A background thread sends them, a few at a time
to a hub (``AT_ONCE``): a publish never waits for a hub, and a hub that is down, slow or
failing never fails one. Each request has a timeout; one that fails is tried again after 1,
2, 4 ... seconds, up to ``ATTEMPTS`` times (a hub that refuses a topic with a 4xx other than
408 and 429 is not asked again); a hub that cannot be reached puts off the rest of its round
with it, rather than each request waiting out its own timeout. What failed is logged, a line
per hub and round, and counted (see ``Counts``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from .. import log

TIMEOUT = 10.0  # seconds a hub has to answer one notification
ATTEMPTS = 4  # per feed and hub, the first one included
BACKOFF = 1.0  # seconds before the first retry; doubled for each one after
AT_ONCE = 4  # notifications in flight to one hub
ONCE_WAIT = 30.0  # seconds `feedd once` waits, at most, for the hubs before it exits


@dataclass
class Counts:
    """Notifications so far, for /metrics."""

    sent: int = 0
    retried: int = 0
    failed: int = 0  # given up on
    pending: int = 0


@dataclass(order=True)
class _Job:
    due: float
    hub: str = field(compare=False)
    topic: str = field(compare=False)
    attempt: int = field(default=1, compare=False)


class Notifier:
    """Notifications to ``hubs``, sent by a thread of their own; ``notify`` never blocks."""

    def __init__(
        self,
        hubs: Iterable[str],
        *,
        timeout: float = TIMEOUT,
        attempts: int = ATTEMPTS,
        backoff: float = BACKOFF,
    ) -> None:
        self.hubs = tuple(hubs)
        self.timeout, self.attempts, self.backoff = timeout, attempts, backoff
        self.counts = Counts()
        self._jobs: list[_Job] = []
        self._cond = threading.Condition()
        self._busy = 0  # jobs taken by the thread and not yet settled
        self._closed = False
        self._thread: threading.Thread | None = None

    def notify(self, topics: Iterable[str]) -> None:
        """Queue a notification to every hub for each of ``topics`` (feed URLs); one that is
        queued already is not queued twice."""
        if not self.hubs:
            return
        with self._cond:
            queued = {(j.hub, j.topic) for j in self._jobs}
            now = time.monotonic()
            for topic in topics:
                for hub in self.hubs:
                    if (hub, topic) not in queued:
                        queued.add((hub, topic))
                        self._jobs.append(_Job(now, hub, topic))
            self.counts.pending = len(self._jobs) + self._busy
            if self._jobs and self._thread is None:
                self._thread = threading.Thread(target=self._run, name="websub", daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def wait(self, timeout: float) -> bool:
        """Wait until every queued notification was sent or given up on, at most ``timeout``
        seconds; whether they all were."""
        end = time.monotonic() + timeout
        with self._cond:
            while self._jobs or self._busy:
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
        return True

    def close(self, timeout: float = 0.0) -> None:
        """Wait for what is queued (at most ``timeout`` seconds), then stop: what is still
        queued is dropped, and said so in the log."""
        done = self.wait(timeout)
        with self._cond:
            left = len(self._jobs)
            self._closed = True
            self._jobs.clear()
            self._cond.notify_all()
        if not done and left:
            log.event("websub_dropped", logging.WARNING, notifications=left,
                      reason=f"hubs not done within {timeout:.0f}s")  # fmt: skip

    # --- the thread ----------------------------------------------------------------------------

    def _run(self) -> None:
        from concurrent.futures import ThreadPoolExecutor

        import httpx

        from ..sources.http import USER_AGENT

        with (
            httpx.Client(timeout=self.timeout, headers={"User-Agent": USER_AGENT}) as client,
            ThreadPoolExecutor(AT_ONCE, thread_name_prefix="websub-send") as senders,
        ):
            while True:
                with self._cond:
                    while not self._closed and not self._due():
                        wait = min((j.due for j in self._jobs), default=None)
                        self._cond.wait(None if wait is None else max(wait - time.monotonic(), 0))
                    if self._closed:
                        return
                    now = time.monotonic()
                    taken = [j for j in self._jobs if j.due <= now]
                    self._jobs = [j for j in self._jobs if j.due > now]
                    self._busy = len(taken)
                failed: dict[tuple[str, bool], list[str]] = {}  # (hub, given up) -> reasons
                for job, reason in self._round(client, senders, taken):
                    final = self._settle(job, reason)
                    if reason is not None:
                        failed.setdefault((job.hub, final), []).append(reason)
                _log_round(failed)

    def _round(
        self, client: object, senders: object, taken: list[_Job]
    ) -> list[tuple[_Job, str | None]]:
        """Send a round's notifications, ``AT_ONCE`` to a hub at a time (a hub that takes a
        second each is told of 30 feeds in 8 s, not 30); once a hub cannot be reached, its
        others of the round fail with the same reason instead of each waiting its timeout."""
        out: list[tuple[_Job, str | None]] = []
        by_hub: dict[str, list[_Job]] = {}
        for job in taken:
            by_hub.setdefault(job.hub, []).append(job)
        for jobs in by_hub.values():
            unreachable = None
            for lo in range(0, len(jobs), AT_ONCE):
                batch = jobs[lo : lo + AT_ONCE]
                if unreachable is not None:
                    out += [(job, unreachable) for job in batch]
                    continue
                reasons = list(senders.map(lambda j: self._send(client, j), batch))
                out += list(zip(batch, reasons, strict=True))
                unreachable = next((r for r in reasons if r and _transport(r)), None)
        return out

    def _due(self) -> bool:
        now = time.monotonic()
        return any(j.due <= now for j in self._jobs)

    def _send(self, client: object, job: _Job) -> str | None:
        """POST one notification; None when the hub took it, else why not."""
        import httpx

        try:
            r = client.post(job.hub, data={"hub.mode": "publish", "hub.url": job.topic})
        except httpx.TimeoutException:
            return f"timeout: no answer within {self.timeout:.0f}s"
        except httpx.HTTPError as e:
            return f"unreachable: {type(e).__name__}: {e}"
        if 200 <= r.status_code < 300:
            return None
        return f"HTTP {r.status_code}"

    def _settle(self, job: _Job, reason: str | None) -> bool:
        """Count what came of a notification; whether it was given up on."""
        final = reason is not None and (job.attempt >= self.attempts or _refused(reason))
        with self._cond:
            self._busy -= 1
            if reason is None:
                self.counts.sent += 1
            elif final:
                self.counts.failed += 1
            elif not self._closed:
                self.counts.retried += 1
                delay = self.backoff * 2 ** (job.attempt - 1)
                self._jobs.append(
                    _Job(time.monotonic() + delay, job.hub, job.topic, job.attempt + 1)
                )
            self.counts.pending = len(self._jobs) + self._busy
            self._cond.notify_all()
        return final


def _log_round(failed: dict[tuple[str, bool], list[str]]) -> None:
    """One line per hub and outcome of a round, not one per feed: a hub that is down for a
    site of a thousand feeds is one line in the log (and in cron's mail), not a thousand."""
    for (hub, final), reasons in failed.items():
        log.event(
            "websub_gave_up" if final else "websub_failed",
            logging.ERROR if final else logging.WARNING,
            hub=hub, feeds=len(reasons), reason=max(set(reasons), key=reasons.count),
            **({} if final else {"retrying": "with backoff"}),
        )  # fmt: skip


def _transport(reason: str) -> bool:
    return reason.startswith(("timeout", "unreachable"))


def _refused(reason: str) -> bool:
    """A 4xx answer other than 408 and 429: the hub will not take this topic, ever."""
    return reason.startswith("HTTP 4") and reason not in ("HTTP 408", "HTTP 429")
