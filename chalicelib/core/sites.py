"""Where a resident goes: a site's name, address and opening hours, worded in each language.

Opening hours are written once, in a small notation (`mon-thu 08:00-15:00, fri 08:00-11:00`),
and worded from it in Indonesian (`Senin-Kamis 08.00-15.00, Jumat 08.00-11.00`) and English,
so the two languages cannot disagree and a typo (`25:00`, `fir`) is refused at start-up.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import NamedTuple

from chalicelib.core.messages import Language

MAX_NAME = 100
MAX_ADDRESS = 200
MAX_HOURS = 200
_MAX_RANGES_PER_DAYS = 3

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_NAMES: dict[Language, tuple[str, ...]] = {
    "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_TIME_SEPARATOR: dict[Language, str] = {"id": ".", "en": ":"}
_AND: dict[Language, str] = {"id": " dan ", "en": " and "}

_DAYS_PART = re.compile(r"^([a-z]{3})(?:-([a-z]{3}))?$")
_RANGE = re.compile(r"^([0-9]{2}):([0-9]{2})-([0-9]{2}):([0-9]{2})$")
# Letters and digits of any script, and the punctuation an address needs; not WhatsApp's
# markup (* _ ~ `), not < > or quotes, not a control character.
_TEXT_PUNCTUATION = frozenset(" .,-/()'&:#+")


class DaysOpen(NamedTuple):  # NamedTuples, not dataclasses: settings are on the cold start
    first: int  # Monday = 0
    last: int
    ranges: tuple[tuple[int, int], ...]  # minutes from midnight, [start, end)


class OpeningHours(NamedTuple):
    days: tuple[DaysOpen, ...]

    def worded(self, lang: Language) -> str:
        names, sep = _DAY_NAMES[lang], _TIME_SEPARATOR[lang]

        def clock(minutes: int) -> str:
            return f"{minutes // 60:02d}{sep}{minutes % 60:02d}"

        parts = []
        for group in self.days:
            days = names[group.first] + ("" if group.last == group.first else f"-{names[group.last]}")
            times = _AND[lang].join(f"{clock(start)}-{clock(end)}" for start, end in group.ranges)
            parts.append(f"{days} {times}")
        return ", ".join(parts)


class SiteInfo(NamedTuple):
    """A site as residents are told of it; `address` and `hours` are None until configured."""

    code: str
    name: str
    address: str | None
    hours: OpeningHours | None

    def worded_hours(self, lang: Language) -> str | None:
        return None if self.hours is None else self.hours.worded(lang)


def readable_code(code: str) -> str:
    """A name for a site nobody named: `kec-wlingi` reads `Kec Wlingi`."""
    return " ".join(part.capitalize() for part in code.split("-"))


def check_text(text: str, longest: int) -> str | None:
    """Why `text` cannot be a site's name or address, or None when it can."""
    if not text:
        return "is empty"
    if len(text) > longest:
        return f"is longer than {longest} characters"
    if any(not (c.isalnum() or c in _TEXT_PUNCTUATION) for c in text):
        return "has a character other than letters, digits, spaces and . , - / ( ) ' & : # +"
    return None


def parse_hours(text: str) -> OpeningHours:
    """`mon-thu 08:00-15:00, fri 08:00-11:00`, a break as `mon 08:00-12:00 13:00-15:00`; days
    in week order, never twice. `ValueError` saying what is wrong (never quoting the text)."""
    if len(text) > MAX_HOURS:
        raise ValueError(f"is longer than {MAX_HOURS} characters")
    groups: list[DaysOpen] = []
    for part in text.lower().split(","):
        words = part.split()
        if len(words) < 2:
            raise ValueError("needs days and at least one time range in each part, like mon-thu 08:00-15:00")
        first, last = _days(words[0])
        if groups and first <= groups[-1].last:
            raise ValueError("names days out of week order, or a day twice")
        if len(words) - 1 > _MAX_RANGES_PER_DAYS:
            raise ValueError(f"has more than {_MAX_RANGES_PER_DAYS} time ranges for the same days")
        ranges = tuple(_range(word) for word in words[1:])
        if any(later[0] < earlier[1] for earlier, later in pairwise(ranges)):
            raise ValueError("has time ranges out of order or overlapping")
        groups.append(DaysOpen(first, last, ranges))
    return OpeningHours(tuple(groups))


def _days(word: str) -> tuple[int, int]:
    match = _DAYS_PART.match(word)
    if not match or any(d is not None and d not in _DAYS for d in match.groups()):
        raise ValueError("has a day that is not mon, tue, wed, thu, fri, sat or sun")
    first = _DAYS.index(match[1])
    last = _DAYS.index(match[2]) if match[2] else first
    if last < first:
        raise ValueError("has a day range that runs backwards")
    return first, last


def _range(word: str) -> tuple[int, int]:
    match = _RANGE.match(word)
    if not match:
        raise ValueError("has a time range not written HH:MM-HH:MM")
    sh, sm, eh, em = (int(g) for g in match.groups())
    if sm > 59 or em > 59 or sh > 23 or (eh, em) > (24, 0):
        raise ValueError("has a time that is not on a clock")
    start, end = sh * 60 + sm, eh * 60 + em
    if start >= end:
        raise ValueError("has a time range that ends before it starts")
    return start, end
