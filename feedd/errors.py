"""The exceptions feedd raises on purpose; each carries its subject so ``str(e)`` is a message.

    FeeddError
    ├── ConfigError    a config key is unknown, of the wrong type or fails its check
    ├── InputError     one seed file cannot be read as an article (binary, broken front matter, ...)
    ├── DatabaseError  the database file is no feedd database this feedd can open
    └── BusyError      another feedd run holds the database

They are caught at the edges (the CLI, later the scheduler jobs) and turned into one line on
stderr; anything else that escapes is a bug and keeps its traceback.
"""

from __future__ import annotations


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
    def __init__(self, path: str, reason: str) -> None:
        self._args = (path, reason)
        self.path = path
        self.reason = reason
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
