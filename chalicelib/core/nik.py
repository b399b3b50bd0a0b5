"""The NIK (Nomor Induk Kependudukan): parsing, validation and masking.

A NIK is 16 ASCII digits: region (6), birth date DDMMYY with 40 added to DD for
women (6), serial from 0001 (4). It is personal data: outside this module it
travels as a `Nik` whose `repr` never shows it, and leaves the service only
masked or as a keyed hash.
"""

from __future__ import annotations

import base64
import calendar
import hashlib
import hmac
import re
from dataclasses import dataclass, field

from chalicelib.core.errors import InvalidNik

_SIXTEEN_ASCII_DIGITS = re.compile(r"[0-9]{16}")
_TYPED_SEPARATORS = re.compile(r"[\s.\-]+")


@dataclass(frozen=True)
class Nik:
    """A valid NIK. Its `repr` and `str` are masked so that it cannot leak into a log."""

    digits: str = field(repr=False)

    @property
    def masked(self) -> str:
        return "*" * 12 + self.digits[-4:]

    @property
    def last4(self) -> str:
        return self.digits[-4:]

    def keyed_hash(self, key: bytes) -> str:
        """The NIK's HMAC-SHA256 under `key`, hex: the only form in which a NIK is stored."""
        return hmac.new(key, self.digits.encode("ascii"), hashlib.sha256).hexdigest()

    def holder_key(self, key: bytes) -> str:
        """A short keyed hash (72 bits, 12 characters) naming a ticket holder inside a day's
        counter item, where 10,000 full hashes would not fit in DynamoDB's 400 KB."""
        digest = hmac.new(key, self.digits.encode("ascii"), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:9]).decode("ascii")

    def __str__(self) -> str:
        return self.masked

    def __repr__(self) -> str:
        return f"Nik({self.masked})"


def parse_nik(value: object) -> Nik:
    """Return the `Nik` in `value`, or raise `InvalidNik`.

    Accepts exactly 16 ASCII digits: `str.isdigit()` would also take Arabic-Indic
    or fullwidth digits, which are not a NIK.
    """
    if not isinstance(value, str) or not _SIXTEEN_ASCII_DIGITS.fullmatch(value):
        raise InvalidNik()
    if value[12:] == "0000" or not _is_possible_birth_date(value[6:12]):
        raise InvalidNik()
    return Nik(value)


def parse_typed_nik(text: str) -> Nik:
    """Like `parse_nik`, but tolerant of the spaces, dots and dashes people type in it."""
    return parse_nik(_TYPED_SEPARATORS.sub("", text))


def _is_possible_birth_date(ddmmyy: str) -> bool:
    day, month, yy = int(ddmmyy[0:2]), int(ddmmyy[2:4]), int(ddmmyy[4:6])
    if day > 40:
        day -= 40
    if not 1 <= month <= 12 or day < 1:
        return False
    # YY does not say the century; a date is possible if it exists in either.
    return any(day <= calendar.monthrange(century + yy, month)[1] for century in (1900, 2000))
