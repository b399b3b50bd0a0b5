"""Taking a ticket: at most one per NIK per site per day, never beyond the quota in force."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from chalicelib.core.errors import Closed, QuotaExhausted, Unavailable
from chalicelib.core.nik import Nik
from chalicelib.core.tickets import AlreadyHolds, Granted, Refused, Unprepared
from chalicelib.services.days import prepare_day
from chalicelib.settings import Settings

if TYPE_CHECKING:
    from chalicelib.store.ports import Days

# Each extra attempt follows a change seen between the refused write and the read after
# it (the day was just prepared, or the quota was just raised): a handful is plenty.
_ATTEMPTS = 4


def take_ticket(
    store: Days, settings: Settings, site: str, day: date, nik: Nik, key: bytes
) -> tuple[int, bool]:
    """The ticket number for `nik` today, and whether it was granted by this call."""
    holder = nik.holder_key(key)
    for _ in range(_ATTEMPTS):
        outcome = store.take_ticket(site, day, holder)
        if isinstance(outcome, Granted):
            return outcome.number, True
        if isinstance(outcome, AlreadyHolds):
            return outcome.number, False
        if isinstance(outcome, Unprepared):
            prepare_day(store, settings, site, day)
            continue
        assert isinstance(outcome, Refused)
        counter = outcome.counter
        if counter.quota == 0:
            raise Closed()
        if counter.issued >= counter.quota:
            raise QuotaExhausted()
    raise Unavailable("ticket counter kept changing")
