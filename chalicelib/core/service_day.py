"""The service day: a calendar date in the office's time zone (WIB by default)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone, tzinfo

from chalicelib.core.errors import InvalidDay

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

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
    """A `YYYY-MM-DD` string as a date, or `InvalidDay`."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise InvalidDay()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidDay() from None


def parse_instant(value: object) -> datetime:
    """An ISO 8601 timestamp that carries an offset, or `ValueError`."""
    if not isinstance(value, str) or len(value) > 40:
        raise ValueError("not a timestamp")
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ValueError("timestamp without offset")
    return parsed
