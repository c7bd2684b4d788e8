"""``feedd run``: the long-lived service. APScheduler drives the jobs; this module wires them.

Jobs: a seeds scan (on every change the watcher sees, and every ``scan_interval`` as a safety
net), one fetch job per source on its own interval with jitter, a debounced publish after
changes, and a heartbeat that proves the scheduler still runs jobs (``/healthz`` and the
systemd watchdog read it). Every job that writes takes the same lock as ``feedd once``, so a
cron run beside the daemon waits its turn instead of publishing twice. A failing job is
logged and runs again on schedule; it never stops the others.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import random
import signal
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from . import __version__, log, pipeline, serve, systemd
from . import config as configmod
from .config import Config
from .errors import DatabaseError, FeeddError, Many, summarize
from .metrics import Metrics

LOCK_WAIT = 300.0  # a job waits this long for a `feedd once` (or another job) to finish
DEBOUNCE = 1.0  # seconds of quiet after a change before publishing
HEARTBEAT = 2.0
WEBSUB_GRACE = 2.0  # seconds a stop waits for the hubs to be told of the last publish
STOP_GRACE = 8.0  # SIGTERM: how long to wait for an in-flight write before leaving anyway
RETRY_MAX = 10.0  # seconds: a failed publish is retried after 1, 2, 4, 8, then every 10 s


def _job(name: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Run a job body so that an expected failure is one log line and the next run comes.

    Errors feedd expects (the lock busy for too long, the disk full, the database locked by
    someone else) become a message; anything else is a bug and keeps its traceback.
    """

    def wrap(fn: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(fn)
        def run(*args: object) -> None:
            try:
                fn(*args)
            except (FeeddError, OSError, sqlite3.Error) as e:
                log.event(f"{name}_failed", logging.ERROR, error=_message(e, args[0]))
            except Exception:
                log.LOG.exception("%s_crashed (a bug: please report it)", name)

        return run

    return wrap


def _message(e: Exception, daemon: object) -> str:
    if isinstance(e, sqlite3.Error):
        return pipeline.describe(e, daemon.config.database)  # type: ignore[attr-defined]
    if isinstance(e, FeeddError):
        return str(e)  # says what and where itself
    return f"{type(e).__name__}: {e}"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


class Daemon:
    def __init__(self, config_path: Path) -> None:
        self.config_path = config_path
        self.config: Config = configmod.load(config_path)
        self.metrics = Metrics()
        self.stop_event = threading.Event()
        self.reload_event = threading.Event()
        self.dirty_lock = threading.Lock()
        self.dirty_since: float | None = None
        self.publish_failures = 0  # in a row, for the retry's backoff
        self.failing: set[str] = set()  # the seed errors of the last scan, already logged
        self.slots = pipeline.HostSlots(self.config)
        self.notifier = pipeline.Notifier(self.config.websub_hubs)
        self.server: serve.Server | None = None
        self.status = "STATUS=Starting"  # then what the last publish served
        self.watcher: threading.Thread | None = None
        self.watch_stop = threading.Event()
        self.scheduler = BackgroundScheduler(
            timezone=dt.UTC,
            executors={"default": ThreadPoolExecutor(max_workers=8)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )

    # --- the jobs ----------------------------------------------------------------------------

    @_job("scan")
    def scan_job(self) -> None:
        started = time.monotonic()
        try:
            report = pipeline.scan(self.config, LOCK_WAIT)
        except BaseException:
            self.metrics.timed("scan", time.monotonic() - started, ok=False)
            raise  # said by _job
        for n in report.notices:
            log.event("notice", logging.WARNING, detail=n)
        # Said when they first appear, not again every scan while the file stays as it is.
        fresh = [e for e in report.errors if str(e) not in self.failing]
        self.failing = {str(e) for e in report.errors}
        for e in summarize(fresh):
            if isinstance(e, Many):
                log.event(
                    "seed_failed",
                    logging.WARNING,
                    files=e.count,
                    reason=e.reason,
                    examples=", ".join(e.examples),
                )
            else:
                log.event("seed_failed", logging.WARNING, path=e.path, reason=e.reason)
        for w in report.warnings:
            log.event("seed_warning", logging.WARNING, detail=w)
        ch = report.changes
        if ch.read or ch.removed:
            log.event(
                "scanned",
                files=report.files,
                read=ch.read,
                new=ch.new,
                updated=ch.updated,
                removed=ch.removed,
                folded=ch.folded,
                near=ch.near,
            )
        self.metrics.health.last_scan = time.time()
        self.metrics.timed("scan", time.monotonic() - started)
        self.mark_dirty()  # publish after every scan: cheap when nothing changed, keeps it fresh

    @_job("sources")
    def sources_job(self) -> None:
        """Sources imported or removed by `feedd sources` while the daemon runs get or lose
        their fetch jobs; one imported now is fetched now (a handful, not the start's herd)."""
        self.sync_sources(spread=2)

    @_job("fetch")
    def fetch_job(self, source_id: int) -> None:
        done = pipeline.fetch_source(self.config, source_id, self.slots, LOCK_WAIT)
        if done is None:
            return
        out = done.outcome
        if out is not None:
            self.metrics.fetched(out.outcome, out.bytes, out.saved, out.seconds)
            level = logging.WARNING if out.error else logging.INFO
            log.event(
                "fetched",
                level,
                source=out.url,
                status=out.outcome,
                new=out.new,
                updated=out.updated,
                bytes=out.bytes,
                error=out.error and out.error.reason,
            )
            for w in out.warnings:
                log.event("source_warning", logging.WARNING, source=out.url, detail=w)
        if done.changed:
            self.mark_dirty()
        self._reschedule_fetch(source_id, done.next_check)

    @_job("publish")
    def publish_job(self) -> None:
        self.metrics.health.last_job = time.monotonic()
        with self.dirty_lock:
            if self.dirty_since is None or time.monotonic() - self.dirty_since < DEBOUNCE:
                return
            self.dirty_since = None
        started = time.monotonic()
        try:
            done = pipeline.publish(self.config, LOCK_WAIT)
        except (FeeddError, OSError, sqlite3.Error) as e:
            # Retried on its own, with backoff: the cause (a full disk, a read-only or
            # vanished output folder) goes away without a seed changing to say so.
            self.publish_failures += 1
            retry = min(2.0 ** (self.publish_failures - 1), RETRY_MAX)
            with self.dirty_lock:
                if self.dirty_since is None:
                    self.dirty_since = time.monotonic() + retry - DEBOUNCE
            message = _message(e, self)
            self.metrics.health.last_publish_error = message
            self.metrics.timed("publish", time.monotonic() - started, ok=False)
            log.event("publish_failed", logging.ERROR, error=message, retry_in=f"{retry:.0f}s")
            return
        self.publish_failures = 0
        self.metrics.health.last_publish = time.time()
        self.metrics.health.last_publish_error = None
        self.metrics.timed("publish", time.monotonic() - started)
        result, entries = done.published, done.entries
        if self.config.websub_hubs:  # (a stat per file changed: none without a hub)
            self.notifier.notify(pipeline.feed_urls(self.config, result))  # never waited for
        if result.written:
            log.event("published", feeds=result.feeds, written=len(result.written), entries=entries)
        self.status = (
            f"STATUS=Serving {entries} entries in {result.feeds} feeds; "
            f"last publish {time.strftime('%H:%M:%S')}"
        )
        systemd.notify(self.status)

    def heartbeat_job(self) -> None:
        self.metrics.health.last_job = time.monotonic()

    def mark_dirty(self) -> None:
        with self.dirty_lock:
            self.dirty_since = time.monotonic()

    # --- scheduling --------------------------------------------------------------------------

    def _fetch_job_id(self, source_id: int) -> str:
        return f"fetch:{source_id}"

    def _reschedule_fetch(self, source_id: int, next_check: dt.datetime | None) -> None:
        """Run the source's job again when its stored schedule (backoff, Retry-After) says."""
        job = self.scheduler.get_job(self._fetch_job_id(source_id))
        if job is None or next_check is None:
            return
        job.modify(next_run_time=max(next_check, _now() + dt.timedelta(seconds=1)))

    def sync_sources(self, spread: float = 30) -> None:
        """Jobs for the sources of the config: added ones start, removed ones stop."""
        wanted = {
            self._fetch_job_id(s.id): s for s in pipeline.sync_sources(self.config, LOCK_WAIT)
        }
        for job in self.scheduler.get_jobs():
            if job.id.startswith("fetch:") and job.id not in wanted:
                job.remove()
        for job_id, src in wanted.items():
            interval = src.interval
            trigger = IntervalTrigger(seconds=interval, jitter=min(interval / 10, 300))
            # spread the first round too: 500 sources due at start do not fire in one second
            delay = random.uniform(0, min(interval / 10, spread))
            first = max(src.next_check or _now(), _now()) + dt.timedelta(seconds=delay)
            job = self.scheduler.get_job(job_id)
            if job is None:
                self.scheduler.add_job(
                    self.fetch_job, trigger, args=[src.id], id=job_id, next_run_time=first
                )
            elif job.trigger.interval.total_seconds() != interval:
                job.reschedule(trigger)

    def schedule(self) -> None:
        self.scheduler.add_job(
            self.scan_job, IntervalTrigger(seconds=self.config.scan_interval), id="scan"
        )
        self.scheduler.add_job(self.publish_job, IntervalTrigger(seconds=0.5), id="publish")
        self.scheduler.add_job(
            self.sources_job, IntervalTrigger(seconds=self.config.scan_interval), id="sources"
        )
        self.scheduler.add_job(
            self.heartbeat_job, IntervalTrigger(seconds=HEARTBEAT), id="heartbeat"
        )
        self.sync_sources()

    # --- the seeds watcher -------------------------------------------------------------------

    def start_watcher(self) -> None:
        from watchfiles import watch  # inotify on Linux

        self.watch_stop = threading.Event()
        stop, seeds = self.watch_stop, self.config.seeds

        def loop() -> None:
            while not stop.is_set():
                try:
                    for _changes in watch(
                        seeds,
                        stop_event=stop,
                        debounce=300,
                        step=50,
                        rust_timeout=1000,
                        yield_on_timeout=False,
                    ):
                        self.scan_job()
                except Exception as e:  # noqa: BLE001 - the folder vanished, inotify limits...
                    log.event("watch_failed", logging.WARNING, folder=seeds, error=e)
                    stop.wait(10)  # the periodic rescan covers the gap; try again later

        self.watcher = threading.Thread(target=loop, name="watch", daemon=True)
        self.watcher.start()

    # --- health ------------------------------------------------------------------------------

    def health(self) -> tuple[int, dict]:
        h = self.metrics.health
        now = time.time()
        stale_after = 3 * max(self.config.scan_interval, 10)
        problems = []
        if h.last_publish_error:
            problems.append(f"last publish failed: {h.last_publish_error}")
        if h.last_publish is None or now - h.last_publish > stale_after:
            problems.append("no publish within the last few scan intervals")
        if time.monotonic() - h.last_job > 5 * HEARTBEAT:
            problems.append("the scheduler has stopped running jobs")
        failing = self._failing_sources()
        doc = {
            "status": "unhealthy" if problems else "ok",
            "problems": problems,
            "last_scan": _stamp(h.last_scan),
            "last_publish": _stamp(h.last_publish),
            "sources_failing": failing,
        }
        return (503 if problems else 200), doc

    def _failing_sources(self) -> int:
        try:
            return pipeline.failing_sources(self.config)
        except Exception:  # noqa: BLE001 - health must answer even if the database cannot
            return -1

    def metrics_text(self) -> str:
        s = pipeline.source_states(self.config)
        n = self.notifier.counts
        websub = {"sent": n.sent, "retried": n.retried, "failed": n.failed}
        return self.metrics.render(s.entries, s.states, s.failing, websub, n.pending)

    # --- lifecycle ---------------------------------------------------------------------------

    def reload(self) -> None:
        try:
            new = configmod.load(self.config_path)
        except FeeddError as e:
            log.event("reload_failed", logging.ERROR, error=e, kept="previous config")
            return
        old = self.config
        self.config = new
        if (new.fetch_per_host, new.fetch_concurrency) != (
            old.fetch_per_host,
            old.fetch_concurrency,
        ):  # fetches in flight keep their old slots; new limits count from here on
            self.slots = pipeline.HostSlots(new)
        if new.listen != old.listen:
            log.event(
                "reload_note",
                logging.WARNING,
                detail="server.listen changed: restart feedd to move the server",
            )
        if new.websub_hubs != old.websub_hubs:  # what is queued for the old ones is dropped
            self.notifier.close()
            self.notifier = pipeline.Notifier(new.websub_hubs)
        if self.server:
            self.server.set_root(new.output, new.max_age)
            self.server.hubs, self.server.base_url = new.websub_hubs, new.base_url
        if new.scan_interval != old.scan_interval:
            for job in ("scan", "sources"):
                self.scheduler.reschedule_job(
                    job, trigger=IntervalTrigger(seconds=new.scan_interval)
                )
        if new.seeds != old.seeds:
            self.watch_stop.set()
            self.start_watcher()
        self.sync_sources()
        self.scan_job()
        log.event("reloaded", config=self.config_path, sources=len(new.sources))

    def run(self) -> int:
        log.event("starting", version=__version__, config=self.config_path, pid=os.getpid())
        signal.signal(signal.SIGTERM, lambda *_: self.stop_event.set())
        signal.signal(signal.SIGINT, lambda *_: self.stop_event.set())
        signal.signal(signal.SIGHUP, lambda *_: self.reload_event.set())
        try:  # a database feedd cannot use stops the start, rather than every job after it
            pipeline.ensure_database(self.config.database)
        except DatabaseError as e:
            log.event("database_refused", logging.ERROR, error=e)
            return 2
        if self.config.listen:
            try:
                self.server = serve.Server(
                    self.config.listen,
                    self.config.output,
                    self.config.max_age,
                    self.health,
                    self.metrics_text,
                    self.config.websub_hubs,
                    self.config.base_url,
                )
            except OSError as e:
                log.event("server_failed", logging.ERROR, listen=self.config.listen, error=e)
                return 1
        self.scan_job()
        self.mark_dirty()
        self.dirty_since = time.monotonic() - DEBOUNCE
        self.publish_job()
        self.schedule()
        self.scheduler.start()
        self.start_watcher()
        if self.server:
            self.server.start()
            log.event("serving", listen=self.config.listen, folder=self.config.output)
        systemd.notify("READY=1", self.status)  # the status says what is served, not "Running"
        watchdog = systemd.watchdog_interval()
        while not self.stop_event.is_set():
            self.stop_event.wait(min(watchdog or 1.0, 1.0))
            if self.reload_event.is_set():
                self.reload_event.clear()
                systemd.notify("RELOADING=1")
                self.reload()
                systemd.notify("READY=1", self.status)
            if watchdog and time.monotonic() - self.metrics.health.last_job < 5 * HEARTBEAT:
                systemd.notify("WATCHDOG=1")  # only while the scheduler really runs jobs
        return self.stop()

    def stop(self) -> int:
        systemd.notify("STOPPING=1", "STATUS=Stopping")
        log.event("stopping")
        self.scheduler.shutdown(wait=False)
        self.watch_stop.set()
        self.notifier.close(WEBSUB_GRACE)  # what is queued gets a moment, not the stop's time
        if self.server:
            self.server.close()
        # Let an in-flight transaction or feed write finish (it holds the lock), then leave
        # while holding it: fetches still waiting on the network are abandoned, not awaited;
        # they write nothing before they get the lock, and they never will.
        try:
            with pipeline.run_lock(self.config.database, STOP_GRACE):
                log.event("stopped")
                logging.shutdown()
                os._exit(0)
        except FeeddError:
            log.event("stopped", logging.WARNING, detail="a job was still writing; it rolls back")
            logging.shutdown()
            os._exit(0)


def _stamp(t: float | None) -> str | None:
    return dt.datetime.fromtimestamp(t, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if t else None


def main(config_path: Path) -> int:
    return Daemon(config_path).run()
