"""The exceptions feedd raises on purpose; each carries its subject so ``str(e)`` is a message.

    FeeddError
    ├── ConfigError    a config key is unknown, of the wrong type or fails its check
    ├── InputError     one seed file cannot be read as an article (binary, broken front matter, ...)
    ├── DatabaseError  the database file is no feedd database this feedd can open
    ├── BusyError      another feedd run holds the database
    └── WorkerError    a worker process died (killed, out of memory) with work in hand

They are caught at the edges (the CLI, later the scheduler jobs) and turned into one line on
stderr; anything else that escapes is a bug and keeps its traceback.
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
