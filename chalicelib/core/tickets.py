"""Tickets: a queue number for one site and service day, its code, who holds it, its state;
and what one attempt at a day's counter can come to, as the store reports it."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from chalicelib.core.quota import DayCounter

TicketState = Literal["booked", "checked_in", "called", "served", "no_show", "cancelled"]
TICKET_STATES: tuple[TicketState, ...] = ("booked", "checked_in", "called", "served", "no_show", "cancelled")
UPCOMING: frozenset[TicketState] = frozenset({"booked", "checked_in", "called"})
"""States that hold the NIK's place (one upcoming ticket per NIK) and a phone's slot: a
resident called to a desk is still being served, so `called` counts with them."""

Pool = Literal["public", "door"]
"""Where a place comes from: the day's public part, or `held_for_door` (staff, operators)."""

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud at a door
CODE_LENGTH = 8
_CODE = re.compile(f"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")


def new_code() -> str:
    """8 characters drawn by the OS's CSPRNG: 31^8, about 39.6 bits, unguessable at the rate
    limits (uniqueness is the store's: a ticket is put only where no ticket has its code)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def parse_ticket_code(text: object) -> str | None:
    """A code as typed (any case, spaces or a dash inside): its canonical form, else None."""
    if not isinstance(text, str) or len(text) > 32:
        return None
    code = re.sub(r"[\s\-]", "", text).upper()
    return code if _CODE.fullmatch(code) else None


HolderKind = Literal["phone", "operator", "staff", "anyone"]


@dataclass(frozen=True)
class Holder:
    """Who takes a ticket: a verified phone (`key`: its keyed hash, a resident token's
    subject), an operator, or staff (or an administrator) on a resident's behalf (`key`: their
    subject), or, with `LOKET_TICKET_PROOF=none`, anyone (no key)."""

    kind: HolderKind
    key: str | None = None

    @property
    def is_staff(self) -> bool:
        return self.kind in ("operator", "staff")


ANYONE = Holder("anyone")


@dataclass(frozen=True)
class Ticket:
    code: str
    site: str
    service_day: date
    number: int
    nik_last4: str
    nik_holder_key: str  # the NIK's short keyed hash, as in the day's counter
    state: TicketState
    holder: Holder
    pool: Pool
    booked_at: datetime
    cancelled_at: datetime | None = None

    @property
    def nik_masked(self) -> str:
        return "*" * 12 + self.nik_last4

    def is_upcoming(self, today: date) -> bool:
        return self.state in UPCOMING and self.service_day >= today


@dataclass(frozen=True)
class Hold:
    """A NIK's claim at a site, written before anything else of a take: which day, under which
    code, for whom. It carries all a resumed take needs to finish it."""

    site: str
    nik_holder_key: str
    service_day: date
    code: str
    holder: Holder
    nik_last4: str
    claimed_ms: int


# --- one attempt at a day's counter ---------------------------------------------------------


@dataclass(frozen=True)
class Granted:
    number: int
    pool: Pool = "public"


@dataclass(frozen=True)
class AlreadyHolds:
    number: int
    pool: Pool = "public"


@dataclass(frozen=True)
class Refused:
    """No ticket: the pool asked is full or the day closed, as `counter` shows."""

    counter: DayCounter


@dataclass(frozen=True)
class Unprepared:
    """The day has no counter yet: prepare it, then try again."""


TakeOutcome = Granted | AlreadyHolds | Refused | Unprepared
