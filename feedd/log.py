"""One log line per event: a stable event name, then ``key=value`` fields, on stderr.

journald keeps the level (``<3>`` style prefixes are not needed: the unit logs stderr as is)
and the lines grep well: ``journalctl -u feedd | grep 'fetched status=304'``. Expected
errors are messages, never tracebacks.
"""

from __future__ import annotations

import logging
import sys

LOG = logging.getLogger("feedd")


def setup(level: str = "info") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    LOG.handlers[:] = [handler]
    LOG.setLevel(level.upper())
    LOG.propagate = False


def _value(v: object) -> str:
    s = str(v)
    if not s or any(c in s for c in ' "=\n'):
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    return s


def event(name: str, level: int = logging.INFO, **fields: object) -> None:
    """Log ``name k=v ...``; None values are left out."""
    if not LOG.isEnabledFor(level):
        return
    parts = [name] + [f"{k}={_value(v)}" for k, v in fields.items() if v is not None]
    LOG.log(level, " ".join(parts))
