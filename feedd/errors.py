"""The exceptions feedd raises on purpose; each carries its subject so ``str(e)`` is a message.

    FeeddError
    ├── ConfigError        a config key is unknown, of the wrong type or fails its check (key)
    ├── InputError         one seed file cannot be read as an article (path)
    ├── SourceError        one remote source failed at one stage of its fetch (url, stage)
    ├── FormatError        bytes or a value are not what they claim to be (what was read)
    │   ├── DecodeError        a file's bytes are no text
    │   ├── FrontMatterError   front matter that does not parse
    │   ├── DateError          a value that is no date
    │   ├── FeedParseError     a body that is no feed feedd can read
    │   ├── OpmlError          a file that is no OPML
    │   └── QueryError         a query of a defined feed or rule that does not parse (column)
    ├── NotFoundError      a source asked for by id or URL that there is none of (ident)
    ├── DatabaseError      the database file is no feedd database this feedd can open (path)
    ├── BusyError          another feedd run holds the database (lock path)
    └── WorkerError        a worker process died (killed, out of memory) with work in hand

A FormatError is raised deep down, where the subject is a value; the boundary of the input
it came from (a seed file, a source's stage) turns it into that input's InputError or
SourceError. Those, and the rest, are turned into messages at exactly one edge: the CLI's
``main`` for commands, the daemon's job wrapper for `feedd run`. Anything else that escapes
is a bug and keeps its traceback.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass


class FeeddError(Exception):
    """Base of every error feedd expects and reports as a message.

    Each keeps its constructor's arguments in ``_args`` and pickles by them: an InputError
    comes back from a worker process, and the default (the message alone) cannot rebuild it.
    """

    _args: tuple = ()

    def __reduce__(self) -> tuple:
        return type(self), self._args or self.args


class ConfigError(FeeddError):
    def __init__(self, key: str, reason: str, path: str | None = None) -> None:
        self._args = (key, reason, path)
        self.key = key
        self.reason = reason
        self.path = path
        where = f"{path}: " if path else ""
        super().__init__(f"{where}config key {key!r}: {reason}" if key else f"{where}{reason}")


class InputError(FeeddError):
    """One input cannot be read. ``transient``: for a reason outside its content (it could
    not be opened, it vanished), so the same bytes may read next time."""

    def __init__(self, path: str, reason: str, transient: bool = False) -> None:
        self._args = (path, reason, transient)
        self.path = path
        self.reason = reason
        self.transient = transient
        super().__init__(f"{path}: {reason}")


class SourceError(FeeddError):
    """One remote source failed. ``stage``: fetch, parse, normalize or store; ``outcome``:
    the metrics label (4xx, timeout, parse_error, ...); ``partial``: some of its entries
    were stored, the rest could not be read."""

    def __init__(
        self, url: str, stage: str, reason: str, outcome: str = "error", partial: bool = False
    ) -> None:
        self._args = (url, stage, reason, outcome, partial)
        self.url = url
        self.stage = stage
        self.reason = reason
        self.outcome = outcome
        self.partial = partial
        super().__init__(f"{url}: {reason}")


class FormatError(FeeddError, ValueError):
    """Bytes or a value are not what they claim to be; ``str(e)`` says how. The subject (a
    file, a source) is added by the boundary that catches it."""


class DecodeError(FormatError):
    pass


class FrontMatterError(FormatError):
    pass


class DateError(FormatError):
    pass


class FeedParseError(FormatError):
    pass


class QueryError(FormatError):
    """A query that does not parse: where (1-based column), and what was expected there."""

    def __init__(self, column: int, reason: str) -> None:
        self._args = (column, reason)
        self.column = column
        self.reason = reason
        super().__init__(f"at column {column}: {reason}")


class OpmlError(FormatError):
    pass


class NotFoundError(FeeddError):
    """Nothing answers to ``ident``; ``hint`` says where to look."""

    def __init__(self, ident: str, reason: str) -> None:
        self._args = (ident, reason)
        self.ident = ident
        self.reason = reason
        super().__init__(reason)


class DatabaseError(FeeddError):
    """The file at ``path`` is not a SQLite database, or one a newer feedd wrote."""

    def __init__(self, path: str, reason: str) -> None:
        self._args = (path, reason)
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class BusyError(FeeddError):
    def __init__(self, lock_path: str, waited: float) -> None:
        self._args = (lock_path, waited)
        self.lock_path = lock_path
        self.waited = waited
        super().__init__(
            f"another feedd run holds {lock_path}; gave up after waiting {waited:.0f}s"
        )


class WorkerError(FeeddError):
    def __init__(self, doing: str) -> None:
        self._args = (doing,)
        self.doing = doing
        super().__init__(
            f"a worker process died while {doing} (killed, or out of memory?); run again"
        )


HANDFUL = 5  # errors of one kind said one by one; past this, in one line


@dataclass(frozen=True)
class Many:
    """Errors of one kind (one reason, numbers aside), said in one line."""

    count: int
    reason: str
    examples: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.count} files: {self.reason} (for example {', '.join(self.examples)})"


def summarize(errors: Sequence[InputError], handful: int = HANDFUL) -> list[InputError | Many]:
    """The errors to say, in the order their kinds first came: each of a kind that has at
    most ``handful``, one ``Many`` for a kind with more. A folder of 100,000 empty files
    makes one line of cron mail, not 100,000."""
    kinds: dict[str, list[InputError]] = {}
    for e in errors:
        kinds.setdefault(re.sub(r"\d+", "#", e.reason), []).append(e)
    said: list[InputError | Many] = []
    for group in kinds.values():
        if len(group) <= handful:
            said.extend(group)
        else:
            said.append(Many(len(group), group[0].reason, tuple(e.path for e in group[:3])))
    return said
