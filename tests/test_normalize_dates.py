"""dates.parse: the ways a front matter writes a date, to an aware UTC datetime."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from feedd.normalize.dates import DateError, parse

UTC = ZoneInfo("UTC")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "zone, expected",
    [(UTC, utc(2025, 2, 7, 22, 26, 11)), (SHANGHAI, utc(2025, 2, 7, 14, 26, 11))],
    ids=["UTC", "Asia/Shanghai"],
)
def test_naive_string_is_read_in_the_configured_zone(zone, expected):
    assert parse("2025-02-07 22:26:11", zone) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2025-07-11T10:40:05+08:00", utc(2025, 7, 11, 2, 40, 5)),
        ("2025-07-11T02:40:05Z", utc(2025, 7, 11, 2, 40, 5)),
        ("2025-07-11T10:40:05.123456+08:00", utc(2025, 7, 11, 2, 40, 5)),
        ("Fri, 07 Feb 2025 22:26:11 +0800", utc(2025, 2, 7, 14, 26, 11)),
        ("7 Feb 2025 22:26 GMT", utc(2025, 2, 7, 22, 26)),
        (" 2025-07-11T02:40:05Z \n", utc(2025, 7, 11, 2, 40, 5)),
    ],
    ids=["offset", "Z", "microseconds-dropped", "rfc2822", "rfc2822-gmt", "padded"],
)
def test_a_zone_in_the_value_wins_over_the_configured_zone(value, expected):
    assert parse(value, SHANGHAI) == expected


@pytest.mark.parametrize(
    "value",
    ["2025-07-10", "2025/07/10", "2025.07.10", "10.07.2025", "2025年7月10日"],
)
def test_date_only_is_midnight_in_the_configured_zone(value):
    assert parse(value, UTC) == utc(2025, 7, 10)
    assert parse(value, SHANGHAI) == utc(2025, 7, 9, 16)


def test_yaml_date_object():
    assert parse(dt.date(2025, 7, 10), SHANGHAI) == utc(2025, 7, 9, 16)


def test_yaml_naive_datetime_object():
    assert parse(dt.datetime(2025, 2, 7, 22, 26, 11), SHANGHAI) == utc(2025, 2, 7, 14, 26, 11)


def test_yaml_aware_datetime_object():
    plus8 = dt.timezone(dt.timedelta(hours=8))
    value = dt.datetime(2025, 2, 7, 22, 26, 11, tzinfo=plus8)
    assert parse(value, UTC) == utc(2025, 2, 7, 14, 26, 11)


def test_result_is_utc():
    d = parse("2025-07-11T10:40:05+08:00", UTC)
    assert d.utcoffset() == dt.timedelta(0)


def test_rfc2822_minus_zero_is_utc():
    assert parse("Fri, 07 Feb 2025 22:26:11 -0000", SHANGHAI) == utc(2025, 2, 7, 22, 26, 11)


@pytest.mark.parametrize(
    "value",
    ["yesterday", "", "   ", "2025-13-01", "12 Feb", "1 2 3", True, 2025, None, ["2025-01-01"]],
    ids=repr,
)
def test_not_a_date(value):
    with pytest.raises(DateError):
        parse(value, UTC)


def test_time_of_day_is_not_a_date():
    with pytest.raises(DateError, match="time of day"):
        parse(dt.time(12, 30), UTC)


@pytest.mark.parametrize(
    "value, zone",
    [
        ("0001-01-01", SHANGHAI),  # a year 0 in UTC
        ("9999-12-31T23:59:59-05:00", UTC),  # a year 10000 in UTC
        ("99999-01-01", UTC),
    ],
    ids=["before-year-1", "after-year-9999", "five-digit-year"],
)
def test_out_of_range_year(value, zone):
    with pytest.raises(DateError):
        parse(value, zone)
