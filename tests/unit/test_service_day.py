from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from chalicelib.core.errors import InvalidDay
from chalicelib.core.service_day import local_date, parse_day, parse_instant, service_day, time_zone

WIB = time_zone("Asia/Jakarta")


def test_the_last_millisecond_before_17_utc_is_still_the_old_service_day() -> None:
    now = datetime(2026, 11, 27, 16, 59, 59, 999000, tzinfo=UTC)
    assert service_day(now, WIB) == date(2026, 11, 27)


def test_17_utc_exactly_is_midnight_in_jakarta_and_a_new_service_day() -> None:
    now = datetime(2026, 11, 27, 17, 0, 0, 0, tzinfo=UTC)
    assert service_day(now, WIB) == date(2026, 11, 28)


def test_the_service_day_does_not_depend_on_the_offset_the_instant_is_written_in() -> None:
    instant = datetime(2026, 11, 27, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert service_day(instant, WIB) == date(2026, 11, 28)


def test_a_naive_datetime_is_refused_because_its_day_would_be_a_guess() -> None:
    with pytest.raises(ValueError):
        service_day(datetime(2026, 11, 27, 12, 0), WIB)


def test_jakarta_has_a_fixed_offset_of_seven_hours_all_year() -> None:
    for month in range(1, 13):
        assert datetime(2026, month, 1, tzinfo=WIB).utcoffset() == timedelta(hours=7)


@pytest.mark.parametrize("value", ["2026-11-27", "2024-02-29", "2000-01-01", "9999-12-31"])
def test_an_iso_date_parses(value: str) -> None:
    assert parse_day(value).isoformat() == value


@pytest.mark.parametrize(
    "value",
    [
        "2026-13-01",
        "2026-02-30",
        "2025-02-29",
        "27-11-2026",
        "2026-1-1",
        "2026-11-27T00:00",
        "",
        None,
        20261127,
        "２０２６-11-27",
        "1999-12-31",  # before any record the office keeps
        "0001-01-01",
    ],
)
def test_anything_else_is_an_invalid_day(value: object) -> None:
    with pytest.raises(InvalidDay):
        parse_day(value)


def test_an_instant_needs_an_offset() -> None:
    assert parse_instant("2026-11-27T10:00:00+07:00").utcoffset() == timedelta(hours=7)
    assert parse_instant("2026-11-27T03:00:00Z").utcoffset() == timedelta(0)
    with pytest.raises(ValueError):
        parse_instant("2026-11-27T10:00:00")
    with pytest.raises(ValueError):
        parse_instant(12)


@pytest.mark.parametrize(
    "text", ["0001-01-01T00:00:00+14:00", "1999-12-31T23:59:59+00:00", "2000-01-01T06:59:59+07:00"]
)
def test_an_instant_before_2000_is_refused_whatever_offset_it_is_written_in(text: str) -> None:
    with pytest.raises(ValueError):
        parse_instant(text)


@pytest.mark.parametrize("text", ["2000-01-01T00:00:00+00:00", "2000-01-01T07:00:00+07:00"])
def test_the_first_instant_of_2000_is_taken(text: str) -> None:
    assert parse_instant(text) == datetime(2000, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("instant", "zone", "expected"),
    [
        (datetime(2026, 11, 29, 18, 0, tzinfo=UTC), WIB, date(2026, 11, 30)),
        (datetime.min.replace(tzinfo=timezone(timedelta(hours=14))), WIB, date(1, 1, 1)),
        (datetime.max.replace(tzinfo=timezone(timedelta(hours=-14))), WIB, date(9999, 12, 31)),
        (datetime.max.replace(tzinfo=timezone(timedelta(hours=7))), WIB, date(9999, 12, 31)),
    ],
    ids=["ordinary", "datetime.min+14", "datetime.max-14", "datetime.max-in-wib"],
)
def test_the_local_date_of_any_instant_is_given_even_at_datetimes_limits(
    instant: datetime, zone: timezone, expected: date
) -> None:
    assert local_date(instant, zone) == expected
