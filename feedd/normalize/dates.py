"""Read the many ways a front matter writes a date into an aware UTC datetime; pure."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from ..errors import DateError

UTC = dt.UTC
_FORMATS = (
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%d.%m.%Y",
    "%Y年%m月%d日",
    "%Y-%m-%d %H:%M:%S %z",
    "%Y-%m-%d %H:%M %z",
)


def parse(value: object, zone: ZoneInfo) -> dt.datetime:
    """An aware UTC datetime from a YAML/TOML date, datetime or string.

    A date or time with no zone is read in ``zone`` (config ``timezone``). Raises DateError
    for anything that is not a date.
    """
    if isinstance(value, dt.datetime):
        d = value
    elif isinstance(value, dt.date):
        d = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, dt.time):
        raise DateError(f"{value!s} is a time of day, not a date")
    elif isinstance(value, str):
        d = _parse_str(value.strip())
    else:
        raise DateError(f"{value!r} is not a date")
    if d.tzinfo is None:
        d = d.replace(tzinfo=zone)
    try:
        return d.astimezone(UTC).replace(microsecond=0)
    except (OverflowError, ValueError):
        raise DateError(f"{value!s} is out of range") from None


def _parse_str(s: str) -> dt.datetime:
    if not s:
        raise DateError("empty date")
    try:
        return dt.datetime.fromisoformat(s)
    except ValueError:
        pass
    import email.utils  # imported only for a date that is not ISO 8601: most dates are

    try:
        d = email.utils.parsedate_to_datetime(s)  # RFC 2822: "Fri, 07 Feb 2025 22:26:11 +0800"
    except (TypeError, ValueError, IndexError):
        pass
    else:
        # RFC 2822 3.3: -0000 is UTC with no word on the local zone; the parser returns it
        # naive, which must not be read in the configured zone
        return d.replace(tzinfo=UTC) if s.rstrip().endswith("-0000") else d
    for fmt in _FORMATS:
        try:
            return dt.datetime.strptime(s, fmt)
        except ValueError:
            continue
    raise DateError(f"{s!r} is not a date")


def iso(d: dt.datetime) -> str:
    """The stored and published form: UTC, seconds, ``Z``; sorts as text."""
    return d.astimezone(UTC).isoformat(timespec="seconds")[:19] + "Z"  # faster than strftime


def from_iso(s: str) -> dt.datetime:
    return dt.datetime.fromisoformat(s)  # 3.11 reads the trailing Z as UTC
