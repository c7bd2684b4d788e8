"""The ``feedd`` command: parse arguments, call the pipeline, turn errors into messages.

Exit status: 0 all went well; 1 some inputs failed (the rest was published) or another run
held the database too long; 2 usage or config errors.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import time
from collections import Counter
from pathlib import Path

from . import __version__, parallel, pipeline
from . import config as configmod
from .errors import (
    BusyError,
    ConfigError,
    DatabaseError,
    FeeddError,
    NotFoundError,
    OpmlError,
    summarize,
)

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2
LOG_LEVELS = ("debug", "info", "warning", "error")  # for `run`; logging loads only there


def _err(msg: str) -> None:
    print(f"feedd: {msg}", file=sys.stderr)


class _Progress:
    """A one-line counter on a terminal, shown only once a run takes more than a moment."""

    DELAY = float(os.environ.get("FEEDD_PROGRESS_DELAY", "0.5"))  # seconds before it shows

    def __init__(self, label: str, enabled: bool) -> None:
        self.label = label
        self.enabled = enabled
        self.start = time.monotonic()
        self.last = 0.0
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        t = time.monotonic()
        if t - self.start < self.DELAY or (t - self.last < 0.1 and done < total):
            return
        self.last = t
        self.shown = True
        print(f"\r{self.label} {done}/{total} files", end="", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.shown:
            print("\r\033[K", end="", file=sys.stderr, flush=True)


def _load(args: argparse.Namespace, remember: bool = True) -> configmod.Config:
    cfg = configmod.load(args.config, remember)
    args.database = cfg.database  # for the message, should the database fail
    return cfg


def cmd_once(args: argparse.Namespace) -> int:
    cfg = _load(args)
    progress = _Progress("reading", not args.quiet and sys.stderr.isatty())
    try:
        report = pipeline.run_once(cfg, progress=progress, wait=args.wait, fetch_all=args.fetch_all)
    finally:
        progress.close()
    for n in report.notices:  # said once, so said even to cron (-q)
        _err(f"note: {n}")
    for e in summarize(report.errors):
        _err(f"error: {e}")
    for o in report.remote.failed:
        _err(f"error: {o.error}")
    if not args.quiet:
        for w in report.warnings:
            _err(f"warning: {w}")
        for o in report.remote.outcomes:
            for w in o.warnings:
                _err(f"warning: {o.url}: {w}")
        ch, pub = report.changes, report.published
        print(
            f"read {ch.read} of {report.files} files: {ch.new} new, {ch.updated} updated, "
            f"{ch.removed} removed, {ch.folded} duplicates folded, {ch.near} near-duplicates "
            f"folded into stories, {ch.drafts} drafts skipped, {len(report.errors)} failed"
            + (f" ({report.repeated} unchanged since, not read again)" if report.repeated else "")
        )
        if report.remote.outcomes:
            r = report.remote
            print(
                f"fetched {len(r.outcomes)} sources: "
                + ", ".join(
                    f"{n}× {k}" for k, n in sorted(Counter(o.outcome for o in r.outcomes).items())
                )
                + f"; {r.changes.new} new, {r.changes.updated} updated, {r.changes.removed} removed"
                f", {r.changes.folded} duplicates folded, {r.changes.near} near-duplicates folded"
            )
        if (m := report.matched) is not None and (cfg.rules or m.let_through):
            print(
                f"rules: {m.blocked} entries blocked ({m.newly_blocked} newly, "
                f"{m.let_through} let through again); {m.entries} entries matched again"
            )
        if (w := report.websub) is not None and w.failed:
            _err(f"warning: websub: {w.failed} hub notifications failed (the feeds are "
                 "published; subscribers hear of them on their next poll)")  # fmt: skip
        if (w := report.websub) is not None and (w.sent or w.failed or w.pending):
            print(
                f"websub: told {_plural(len(cfg.websub_hubs), 'hub')}: {w.sent} notifications "
                f"sent, {w.failed} failed, {w.pending} not done in time"
            )
        blocked = f" ({report.blocked} blocked by rules)" if report.blocked else ""
        print(
            f"{_plural(report.entries, 'entry', 'entries')}{blocked}; wrote "
            f"{_plural(len(pub.written), 'file')}, "
            f"{pub.feeds} feeds in {cfg.output} ({report.seconds:.2f}s)"
        )
        print(
            f"open {cfg.output / 'index.html'}; 'feedd run' serves the feeds at {cfg.base_url} "
            f"(subscribe to {cfg.base_url}all.atom)"
        )
    return EXIT_INPUT if report.errors or report.remote.failed else EXIT_OK


def _plural(n: int, one: str, many: str = "") -> str:
    return f"{n} {one}" if n == 1 else f"{n} {many or one + 's'}"


def cmd_check(args: argparse.Namespace) -> int:
    cfg = _load(args, remember=False)  # check writes nothing
    progress = _Progress("checking", sys.stderr.isatty())
    try:
        n, errors, warnings = pipeline.check(cfg, progress)
    finally:
        progress.close()
    for e in summarize(errors):
        _err(f"error: {e}")
    for w in warnings:
        _err(f"warning: {w}")
    print(
        f"config {cfg.source} is valid; {n} seed files, {len(errors)} with errors, "
        f"{len(warnings)} warnings"
    )
    if (cfg.feeds or cfg.rules) and cfg.database.exists():
        shown = pipeline.preview(cfg)
        for name, count in shown.feeds:
            print(f"feed {name!r} would hold {count} entries (stored now)")
        for i, (rule, count, titles) in enumerate(shown.rules):
            some = "; ".join(titles) + ("; ..." if count > len(titles) else "")
            print(f"rules[{i}] {rule}: blocks {count} entries" + (f": {some}" if some else ""))
    elif cfg.feeds or cfg.rules:
        print("no database yet: run 'feedd once' to see what the feeds and rules match")
    if args.threshold is not None:
        now = _by_story(pipeline.stories(cfg))
        then = _by_story(pipeline.stories(cfg, args.threshold))
        print(
            f"stories at threshold {args.threshold} (now {cfg.threshold}): "
            f"{_folds(then)} copies folded into {len(then)} stories "
            f"(now {_folds(now)} into {len(now)}); the database is not changed"
        )
        for story, copies in then.items():
            if [c.entry_id for c in copies] != [c.entry_id for c in now.get(story, [])]:
                _print_story(copies, "would be")
    return EXIT_INPUT if errors else EXIT_OK


def _by_story(copies: list) -> dict[str, list]:
    out: dict[str, list] = {}
    for c in copies:
        out.setdefault(c.story, []).append(c)
    return out


def _folds(by: dict[str, list]) -> int:
    return sum(len(v) - 1 for v in by.values())


def _print_story(copies: list, verb: str = "is") -> None:
    head = copies[0]
    print(f"story {head.story} {verb} {len(copies)} copies:")
    for c in copies:
        role = {2: "represents it", 1: f"its {c.lang_group} copy", 0: "credited"}[c.role]
        src = "seeds" if c.source_id == 0 else f"source {c.source_id}"
        why = f"; {c.reason} with {c.matched}" if c.matched else ""
        print(f"  {c.entry_id}  {src}:{c.source_key}  [{c.lang_group}, {role}]  {c.title!r}{why}")


def cmd_stories(args: argparse.Namespace) -> int:
    cfg = _load(args)
    if args.explain:
        a, b = args.explain
        x = pipeline.explain(cfg, a, b)
        verdict = "one story" if x.same else "two stories"
        print(f"{a} / {b}: {verdict}: {x.reason} (tokens {x.tokens[0]} / {x.tokens[1]})")
        if x.stored:
            print("stored: " + ("folded into one story" if x.folded else "not folded together"))
        return EXIT_OK
    by = _by_story(pipeline.stories(cfg))
    for copies in by.values():
        _print_story(copies)
    print(f"{len(by)} stories with more than one copy; {_folds(by)} copies folded into them")
    return EXIT_OK


def cmd_stats(args: argparse.Namespace) -> int:
    cfg = _load(args)
    if not cfg.database.exists():
        _err(f"no database at {cfg.database} yet: run 'feedd once' first")
        return EXIT_INPUT
    st = pipeline.stats(cfg)
    t = st.breakdown
    print(
        f"{t.entries} entries in {cfg.database}: {t.seed_entries} from {t.seed_files} "
        f"seed files, {t.remote_entries} from {t.sources} remote sources "
        f"({t.remote_items} remote items)"
    )
    print(f"{'entries':>8} {'in feed':>8}  feed")
    for f in st.feeds:
        print(f"{f.entries:>8} {f.shown:>8}  {f.path}")
    if st.blocked:
        print(f"{'blocked':>8}  rule")
        for i, (rule, n) in enumerate(st.blocked):
            print(f"{n:>8}  rules[{i}]: {rule}")
    return EXIT_OK


def cmd_sources_list(args: argparse.Namespace) -> int:
    listed = pipeline.list_sources(_load(args))
    if not listed:
        print("no sources: add [[sources]] to the config or run 'feedd sources import'")
    for row in listed:
        s = row.source
        if s.disabled:
            state = f"disabled: {s.disabled}"
        elif not row.enabled:
            state = "disabled (enabled = false in the config)"
        else:
            state = "active"
        due = f"; next due {s.next_check or 'now'}" if state == "active" else ""
        print(f"[{s.id}] {s.url}  ({s.origin}{', ' + s.label if s.label != s.url else ''})")
        print(
            f"    {state}; last fetch {s.last_fetch or 'never'}, status "
            f"{s.last_status or '-'}; {row.entries} entries{due}; "
            f"{s.errors} consecutive errors"
        )
        if s.last_error:
            print(f"    last error: {s.last_error}")
        if s.moved_to:
            print(f"    redirected permanently to {s.moved_to} ({s.moved_seen} times)")
    return EXIT_OK


def cmd_sources_import(args: argparse.Namespace) -> int:
    cfg = _load(args)
    try:
        data = Path(args.file).read_bytes()
    except OSError as e:
        _err(f"{args.file}: cannot read: {e.strerror}")
        return EXIT_INPUT
    try:
        feeds, added = pipeline.import_opml(cfg, data)
    except OpmlError as e:
        _err(f"{args.file}: {e}")
        return EXIT_INPUT
    print(f"{args.file}: {feeds} feeds, {added} added, {feeds - added} already there")
    return EXIT_OK


def cmd_sources_export(args: argparse.Namespace) -> int:
    sys.stdout.write(pipeline.export_opml(_load(args)))
    return EXIT_OK


def cmd_sources_remove(args: argparse.Namespace) -> int:
    cfg = _load(args)
    try:
        removed = pipeline.remove_source(cfg, args.source)
    except NotFoundError as e:
        _err(str(e))
        return EXIT_USAGE
    print(f"removed {removed.url}: {removed.changes.removed} entries left the feeds")
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    from . import daemon, log

    log.setup(args.log_level)
    return daemon.main(Path(args.config))


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help=f"config file (default: {configmod.DEFAULT_PATH} in the working directory)",
    )
    p = argparse.ArgumentParser(
        prog="feedd",
        description="Publish per-tag and per-language Atom feeds from a folder of articles.",
        parents=[common],
    )
    p.add_argument("--version", action="version", version=f"feedd {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)

    once = sub.add_parser(
        "once",
        parents=[common],
        help="scan, dedupe and publish once, then exit (for cron)",
        description="Scan the seeds folder, store what changed and publish the feeds, once.",
    )
    once.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    once.add_argument(
        "--wait",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="how long to wait for another run on the same database (default 60)",
    )
    once.add_argument(
        "--fetch-all",
        action="store_true",
        help="fetch every source now, ignoring the schedule (and retrying disabled ones)",
    )
    once.set_defaults(func=cmd_once)

    check = sub.add_parser(
        "check",
        parents=[common],
        help="validate the config and read every seed, writing nothing",
        description="Validate the config and read every seed file without writing; list problems.",
    )
    check.add_argument(
        "--threshold",
        type=float,
        metavar="T",
        help="also show the stories a similarity threshold T would make (nothing is written)",
    )
    check.set_defaults(func=cmd_check)

    stories = sub.add_parser(
        "stories",
        parents=[common],
        help="list stories of more than one copy, or explain why two inputs fold",
        description="List every story with more than one copy: its representative, each copy "
        "with its source, and why it folded. --explain A B says why two inputs (files, seed "
        "keys, entry ids, remote item keys or links) are or are not one story.",
    )
    stories.add_argument("--explain", nargs=2, metavar=("A", "B"))
    stories.set_defaults(func=cmd_stories)

    run = sub.add_parser(
        "run",
        parents=[common],
        help="run as a daemon: watch, fetch, publish and serve",
        description="Run until stopped: watch the seeds, fetch sources on schedule, publish "
        "after changes and serve the output folder over HTTP. SIGHUP reloads the config; "
        "SIGTERM stops.",
    )
    run.add_argument(
        "--log-level",
        choices=LOG_LEVELS,
        default="info",
        help="least important events to log (default info)",
    )
    run.set_defaults(func=cmd_run)

    stats = sub.add_parser(
        "stats",
        parents=[common],
        help="show entries per feed",
        description="Show how many entries each feed has, from the database.",
    )
    stats.set_defaults(func=cmd_stats)

    sources = sub.add_parser(
        "sources",
        parents=[common],
        help="list, import or export the remote sources",
        description="Remote sources: their state, and subscriptions in and out as OPML 2.0.",
    )
    ssub = sources.add_subparsers(dest="action", metavar="ACTION", required=True)
    ssub.add_parser(
        "list",
        parents=[common],
        help="each source with its state",
        description="Each source: last fetch and status, entries, next due, consecutive errors.",
    ).set_defaults(func=cmd_sources_list)
    imp = ssub.add_parser(
        "import",
        parents=[common],
        help="add the feeds of an OPML file",
        description="Add every feed of an OPML file as a source (kept in the database).",
    )
    imp.add_argument("file", metavar="FILE.opml")
    imp.set_defaults(func=cmd_sources_import)
    rm = ssub.add_parser(
        "remove",
        parents=[common],
        help="remove an imported source and its entries",
        description="Remove a source added by 'feedd sources import' (by URL, or by the id "
        "'feedd sources list' shows), and its entries from the feeds. A source of the config "
        "is removed by deleting its [[sources]] table.",
    )
    rm.add_argument("source", metavar="URL|ID")
    rm.set_defaults(func=cmd_sources_remove)
    ssub.add_parser(
        "export",
        parents=[common],
        help="print every source as OPML 2.0",
        description="Print every source, configured or imported, as OPML 2.0 on stdout.",
    ).set_defaults(func=cmd_sources_export)
    return p


def main(argv: list[str] | None = None) -> int:
    code = _main(argv)
    if parallel.broken():  # a worker died: leave without waiting on the pool's threads
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


def _main(argv: list[str] | None) -> int:
    args = build_parser().parse_args(argv)
    if not hasattr(args, "config"):
        args.config = configmod.DEFAULT_PATH
    try:
        code = args.func(args)
        sys.stdout.flush()  # here, where a closed pipe is caught, not at exit
        return code
    except BrokenPipeError:
        # the reader went away (`feedd stats | head`): what it wanted it has; say nothing more
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except ConfigError as e:
        _err(f"config error: {e}")
        return EXIT_USAGE
    except DatabaseError as e:
        _err(f"database error: {e}")
        return EXIT_USAGE
    except BusyError as e:
        _err(str(e))
        return EXIT_INPUT
    except FeeddError as e:
        _err(str(e))
        return EXIT_INPUT
    except OSError as e:  # the output folder or database cannot be written: disk full, ...
        where = f"{e.filename}: " if e.filename else ""
        _err(f"error: {where}{e.strerror or e}")
        return EXIT_INPUT
    except sqlite3.Error as e:
        _err(f"error: database {pipeline.describe(e, getattr(args, 'database', 'database'))}")
        return EXIT_INPUT
    except KeyboardInterrupt:
        _err("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
