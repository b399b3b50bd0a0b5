"""The service day: a calendar date in the office's time zone (WIB by default)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo

from chalicelib.core.errors import InvalidDay

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

# No record the office keeps is older: an earlier instant is a typo (`0001-01-01`), and one
# near datetime's own limits cannot even be shown in another time zone.
EARLIEST_INSTANT = datetime(2000, 1, 1, tzinfo=UTC)

# Indonesia keeps no daylight saving, so these fixed offsets are exact when the
# runtime lacks a tz database (some minimal Lambda images do).
_INDONESIAN_ZONES = {
    "Asia/Jakarta": 7,
    "Asia/Pontianak": 7,
    "Asia/Makassar": 8,
    "Asia/Jayapura": 9,
}


def time_zone(name: str) -> tzinfo:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # once per instance, off the import path

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        if name in _INDONESIAN_ZONES:
            return timezone(timedelta(hours=_INDONESIAN_ZONES[name]), name)
        raise


def service_day(now: datetime, tz: tzinfo) -> date:
    """The service day that `now` (an aware datetime) falls on in `tz`."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(tz).date()


def parse_day(value: object) -> date:
    """A `YYYY-MM-DD` string as a date from `EARLIEST_INSTANT`'s day on, or `InvalidDay`.

    A day of year 1 is a typo too, and weeks counted back from it (the advice's history)
    would fall off the calendar."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise InvalidDay()
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise InvalidDay() from None
    if day < EARLIEST_INSTANT.date():
        raise InvalidDay()
    return day


def parse_instant(value: object) -> datetime:
    """An ISO 8601 timestamp that carries an offset, from `EARLIEST_INSTANT` on, or `ValueError`.

    The one rule for an `updated_at`, shared by `POST /v1/admin/applications` and the CSV import.
    """
    if not isinstance(value, str) or len(value) > 40:
        raise ValueError("not a timestamp")
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ValueError("timestamp without offset")
    if parsed < EARLIEST_INSTANT:
        raise ValueError("timestamp before records began")
    return parsed


def local_date(instant: datetime, tz: tzinfo) -> date:
    """The calendar date of an aware `instant` in `tz`; total: an instant whose conversion
    would leave datetime's range (one stored before `EARLIEST_INSTANT` bounded it) keeps the
    date it was written with."""
    try:
        return instant.astimezone(tz).date()
    except (OverflowError, ValueError):
        return instant.date()
