"""A phone: a WhatsApp number in international form, digits only (`6285700000001`).

For WhatsApp the phone is the wa_id Meta gives with each message: the same digits. It is
personal data: outside this module it travels as a `Phone` whose `repr` never shows it, and
leaves the service only masked (its last 4 digits) or as a keyed hash under the `phone`
purpose (`settings.HashPurpose.PHONE`), which is also a resident token's subject.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field

# E.164: at most 15 digits with the country code; no country's numbers are shorter than 8 in all.
_PHONE = re.compile(r"[1-9][0-9]{7,14}")


class InvalidPhone(ValueError):
    """Not a phone in international form (digits only, 8 to 15 of them, no leading 0)."""


@dataclass(frozen=True)
class Phone:
    digits: str = field(repr=False)

    @property
    def masked(self) -> str:
        """`*********0001`: as long as the number, all but its last 4 digits hidden."""
        return "*" * (len(self.digits) - 4) + self.digits[-4:]

    def keyed_hash(self, key: bytes) -> str:
        """HMAC-SHA256 under `key`, hex: the only form in which a phone is stored."""
        return hmac.new(key, self.digits.encode("ascii"), hashlib.sha256).hexdigest()

    def __str__(self) -> str:
        return self.masked

    def __repr__(self) -> str:
        return f"Phone({self.masked})"


def parse_phone(value: object) -> Phone:
    """The `Phone` in `value` (ASCII digits only), or `InvalidPhone`."""
    if not isinstance(value, str) or not value.isascii() or _PHONE.fullmatch(value) is None:
        raise InvalidPhone("a phone is 8 to 15 digits in international form, like 6285700000001")
    return Phone(value)
