"""When to fetch a source next: one pure function of interval, failures and server hints.

A source is polled no more often than its interval, never sooner than the server asked
(``Retry-After``, ``Cache-Control: max-age``), and after failures backs off exponentially with
jitter up to a cap; feedd never gives up on a source by itself.
"""

from __future__ import annotations

import datetime as dt
import random
import re

MAX_BACKOFF = dt.timedelta(days=1)
MAX_SERVER_DELAY = dt.timedelta(days=7)  # a Retry-After beyond this is a misconfigured server
_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*(\d+)", re.I)


def parse_retry_after(value: str | None, now: dt.datetime) -> dt.timedelta | None:
    """RFC 9110 10.2.3: delay-seconds or an HTTP-date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(dt.timedelta(seconds=int(value)), MAX_SERVER_DELAY)
    try:
        import email.utils  # imported only for a Retry-After that is a date: most are seconds

        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return min(max(when - now, dt.timedelta(0)), MAX_SERVER_DELAY)


def parse_max_age(cache_control: str | None) -> dt.timedelta | None:
    if not cache_control or "no-cache" in cache_control.lower():
        return None
    m = _MAX_AGE.search(cache_control)
    return dt.timedelta(seconds=int(m.group(1))) if m else None


def next_check(
    now: dt.datetime,
    interval: dt.timedelta,
    errors: int = 0,
    retry_after: dt.timedelta | None = None,
    max_age: dt.timedelta | None = None,
    rng: random.Random | None = None,
) -> dt.datetime:
    """The earliest time to fetch again.

    ``errors`` is the number of consecutive failures including this one: 0 after a success.
    Jitter (up to a tenth of the delay) spreads sources that share an interval.
    """
    rng = rng or random
    if errors:
        delay = min(interval * (2 ** min(errors - 1, 20)), MAX_BACKOFF)
        delay = max(delay, interval)
    else:
        delay = interval
    if max_age is not None:  # honoured up to a day: a feed readers must not miss for a week
        delay = max(delay, min(max_age, MAX_BACKOFF))
    if retry_after is not None:
        delay = max(delay, retry_after)
    jitter = delay.total_seconds() * 0.1 * rng.random()
    return (now + delay + dt.timedelta(seconds=jitter)).replace(microsecond=0)
