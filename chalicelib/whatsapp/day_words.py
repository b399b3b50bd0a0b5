"""The day a resident asks for, read from the words after the NIK in `ANTRE <NIK> [day]`.

Pure: `read_day(words, today, window_days, today_counts)` turns the words into a date, or
`BadDay`. `today` is the resident's local date (the office's time zone); nothing here reads
a clock. What each form means, as a resident in Blitar means it:

    (nothing), hari ini, sekarang         today
    besok, besuk, esok, bsk               tomorrow ("besuk" is how East Java says it)
    lusa                                  the day after tomorrow
    senin .. minggu (also ahad, jum'at)   the coming such day: today when today is that day
                                          and `today_counts` (the office has not closed yet),
                                          else the one after; "hari" before it is allowed,
                                          "ini" after it changes nothing, "depan" after it
                                          never means today ("minggu depan" and "minggu
                                          ini" mean a week, not a Sunday: unreadable)
    5/12, 05-12, 5.12, 5 Des, 5 Desember  the coming 5 December within the booking window
                                          (on 31/12, 1/1 is next year's); when none is, the
                                          nearer of the one that passed and the coming one
                                          (30/11 on 1/12 "has passed", 16/1 on 31/12 "is too
                                          far ahead"): the date the resident most likely meant
    5/12/2026, 5/12/26, 5 Des 2026,       exactly that date
    2026-12-05
    tgl 5, tanggal 5                      the coming 5th of a month, this month's or the next

"tgl"/"tanggal"/"tg" may precede a date, "untuk"/"utk" any day. Case, extra spaces and
punctuation around the words do not matter; emoji are ignored. Anything else is
`BadDay("unreadable")`, and a date that does not exist (31/4, 29/2/2027, 5/13) is
`BadDay("no_such_date")`: never a ticket for today by mistake. Whether the date can be
booked (past, closed, beyond the window) is the ticket service's to say, not this module's.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

_TODAY = frozenset({"hari ini", "hr ini", "sekarang", "skrg", "skrng", "today"})
_OFFSETS: dict[str, int] = {
    "besok": 1,
    "besuk": 1,
    "esok": 1,
    "bsk": 1,
    "besok pagi": 1,
    "lusa": 2,
    "besok lusa": 2,
}
_WEEKDAYS: dict[str, int] = {  # Monday = 0, as date.weekday()
    "senin": 0,
    "selasa": 1,
    "rabu": 2,
    "kamis": 3,
    "jumat": 4,
    "jum'at": 4,
    "jumaat": 4,
    "sabtu": 5,
    "minggu": 6,
    "ahad": 6,
}
_MONTHS: dict[str, int] = {
    "januari": 1, "jan": 1,
    "februari": 2, "pebruari": 2, "feb": 2, "peb": 2,
    "maret": 3, "mar": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "jun": 6,
    "juli": 7, "jul": 7,
    "agustus": 8, "agu": 8, "agt": 8, "ags": 8, "agus": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "oct": 10,
    "november": 11, "nov": 11, "nop": 11,
    "desember": 12, "des": 12, "dec": 12,
}  # fmt: skip

# "Minggu" is Sunday, and a week: "minggu depan" is next week, "minggu ini" this week.
_WEEKS = frozenset({"minggu depan", "minggu ini"})
_LEADING = ("untuk ", "utk ", "buat ", "pada ")
_DATE_WORDS = ("tanggal ", "tgl ", "tgl. ", "tg ")
_NUMERIC = re.compile(r"([0-9]{1,2})([/.\-])([0-9]{1,2})(?:\2([0-9]{2}|[0-9]{4}))?")
_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_WORDED = re.compile(r"([0-9]{1,2}) ([a-z]+)\.?(?: ([0-9]{4}))?")
_DATE_LIKE = re.compile(r"[0-9][/.\-][0-9]")
_DAY_OF_MONTH = re.compile(r"[0-9]{1,2}")
_WEEKDAY = re.compile(r"(?:hari )?([a-z']+)(?: (ini|depan))?")
# What is left of a message once emoji and stray punctuation are gone: letters, digits,
# spaces and the separators a date is written with.
_NOT_DAY_TEXT = re.compile(r"[^a-z0-9/.\-' ]+")

BadDayReason = Literal["unreadable", "no_such_date"]


@dataclass(frozen=True)
class BadDay:
    reason: BadDayReason


def read_day(words: str, today: date, window_days: int, today_counts: bool = True) -> date | BadDay:
    """The date `words` names, seen from `today`; `window_days`: how far ahead a ticket can
    be booked (for the coming date without a year); `today_counts`: whether today is still
    a day a weekday name can mean (the office not yet closed)."""
    text = _normalised(words)
    for lead in _LEADING:
        if text.startswith(lead):
            text = text[len(lead) :]
            break
    if text == "" or text in _TODAY:
        return today
    if text in _OFFSETS:
        return today + timedelta(days=_OFFSETS[text])
    if text in _WEEKS:
        return BadDay("unreadable")
    weekday = _WEEKDAY.fullmatch(text)
    if weekday is not None and weekday.group(1) in _WEEKDAYS:
        ahead = (_WEEKDAYS[weekday.group(1)] - today.weekday()) % 7
        if ahead == 0 and (weekday.group(2) == "depan" or not today_counts):
            ahead = 7
        return today + timedelta(days=ahead)
    for word in _DATE_WORDS:
        if text.startswith(word):
            text = text[len(word) :].strip()
            if _DAY_OF_MONTH.fullmatch(text):
                return _coming_day_of_month(int(text), today)
            break
    return _date(text, today, window_days)


def mentions_day(words: str) -> bool:
    """Whether `words` hold anything that reads as a day (a day word, a month, a date), so
    a resident who put the day before the NIK is not given a ticket for today instead."""
    text = _normalised(words)
    if any(phrase in text for phrase in _TODAY):
        return True
    vocabulary = _OFFSETS.keys() | _WEEKDAYS.keys() | _MONTHS.keys() | {"tgl", "tanggal"}
    return any(token in vocabulary or _DATE_LIKE.search(token) for token in text.split())


def _normalised(words: str) -> str:
    text = unicodedata.normalize("NFKC", words).lower().replace("\u2019", "'")
    text = _NOT_DAY_TEXT.sub(" ", text)
    return " ".join(text.split()).strip(" .-/")


def _date(text: str, today: date, window_days: int) -> date | BadDay:
    iso = _ISO.fullmatch(text)
    if iso is not None:
        return _exact(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    numeric = _NUMERIC.fullmatch(text)
    worded = _WORDED.fullmatch(text)
    if numeric is not None:
        day, month, year = int(numeric.group(1)), int(numeric.group(3)), numeric.group(4)
    elif worded is not None and worded.group(2) in _MONTHS:
        day, month, year = int(worded.group(1)), _MONTHS[worded.group(2)], worded.group(3)
    else:
        return BadDay("unreadable")
    if year is not None:
        return _exact(int(year) + (2000 if len(year) == 2 else 0), month, day)
    return _coming(day, month, today, window_days)


def _exact(year: int, month: int, day: int) -> date | BadDay:
    try:
        return date(year, month, day)
    except ValueError:
        return BadDay("no_such_date")


def _coming(day: int, month: int, today: date, window_days: int) -> date | BadDay:
    candidates = [
        found
        for year in (today.year - 1, today.year, today.year + 1)
        if isinstance(found := _exact(year, month, day), date)
    ]
    if not candidates:
        return BadDay("no_such_date")
    last = today + timedelta(days=window_days)
    ahead = [d for d in candidates if today <= d <= last]
    if ahead:
        return ahead[0]
    # Outside the window either way: the nearer of the one that passed and the coming one,
    # so the reply speaks of the date the resident most likely meant.
    passed = max((d for d in candidates if d < today), default=None)
    coming = min((d for d in candidates if d > last), default=None)
    if passed is None or (coming is not None and (coming - today) <= (today - passed)):
        return coming if coming is not None else BadDay("no_such_date")
    return passed


def _coming_day_of_month(day: int, today: date) -> date | BadDay:
    if not 1 <= day <= 31:
        return BadDay("no_such_date")
    year, month = today.year, today.month
    for _ in range(3):  # the 31st: this month, else the next months until one has it
        try:
            found = date(year, month, day)
        except ValueError:
            found = None
        if found is not None and found >= today:
            return found
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return BadDay("no_such_date")
