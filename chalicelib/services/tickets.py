"""Taking and cancelling a ticket for a chosen day: the write sequences of ADR 0010.

A take writes four items, each by one conditional write, always in this order:

1. the NIK's **hold** at the site (`claim_hold`): one upcoming ticket per NIK;
2. the phone's (or operator's) **slot** (`take_slot`): at most so many tickets each;
3. the day's **counter** (`take_ticket`): the next number, if the pool has room;
4. the **ticket**, by its code (`put_ticket`).

Every step is idempotent under the hold's code, and the hold carries all the steps after it
need. One process runs a hold's steps at a time: a take meeting a hold without its ticket
claimed under 2 minutes ago is told to ask again (503); an older one (its take died) is taken
over by one conditional write on the hold, then finished (or undone), by the NIK's next take
whatever day it asks, or by the repair (`repair.py`) for a place it counted. A refusal undoes
backwards (slot, then hold), each conditional on the code.

A cancel moves the ticket to `cancelled` first, then gives the place back (conditional on
the holder's entry naming its number: once, whatever the retries), then frees the slot and
the hold. A cancel that died half way is finished by its retry, by the NIK's next take, or by
the repair (`repair.py`).
"""

from __future__ import annotations

import math
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from chalicelib.core.errors import (
    Closed,
    HoldsOtherDay,
    InvalidDay,
    NotCancellable,
    NotFound,
    PhoneLimit,
    QuotaExhausted,
    Unavailable,
)
from chalicelib.core.nik import Nik
from chalicelib.core.quota import DayCounter
from chalicelib.core.service_day import service_day
from chalicelib.core.tickets import (
    AlreadyHolds,
    Granted,
    Hold,
    Holder,
    Pool,
    Refused,
    Ticket,
    Unprepared,
    new_code,
)
from chalicelib.services.days import booking_window, prepare_day, untouched_day
from chalicelib.settings import Settings

if TYPE_CHECKING:
    from chalicelib.store.ports import Booking

STALE = timedelta(minutes=2)
"""A claim this old without its ticket is a dead take: the function times out long before."""

_ATTEMPTS = 4  # each extra attempt follows a change seen between a refusal and the read after it


@dataclass(frozen=True)
class Taken:
    ticket: Ticket
    created: bool  # False: the NIK already held this ticket (a repeat, or a retry)


def take(
    store: Booking,
    settings: Settings,
    site: str,
    day: date,
    nik: Nik,
    holder: Holder,
    now: datetime,
    nik_key: bytes,
) -> Taken:
    """A ticket for `nik` at `site` on `day`, taken by `holder`."""
    today = service_day(now, settings.tz)
    first, last = booking_window(settings, today)
    if not first <= day <= last:
        raise InvalidDay()
    claim = Hold(site, nik.holder_key(nik_key), day, new_code(), holder, nik.last4, _ms(now))
    for _ in range(_ATTEMPTS):
        in_the_way = store.claim_hold(claim, today)
        if in_the_way is None:
            return finish_take(store, settings, claim, now)
        settled = _settle(store, settings, in_the_way, day, today, now)
        if settled is not None:
            return settled
    raise Unavailable("a NIK's hold kept changing")


def _settle(
    store: Booking, settings: Settings, hold: Hold, day: date, today: date, now: datetime
) -> Taken | None:
    """What to do about a hold in the way of a take for `day`: the answer (a repeat, or the
    ticket this NIK is taking right now), an error, or None once the hold is out of the way."""
    ticket = store.ticket(hold.code)
    if ticket is not None and ticket.state == "cancelled":
        finish_cancel(store, ticket)
        return None
    if ticket is not None:
        if ticket.service_day == day:
            return Taken(ticket, created=False)
        if ticket.is_upcoming(today):
            raise HoldsOtherDay(ticket.service_day)
        store.release_hold(hold.site, hold.nik_holder_key, hold.code)  # served, no-show: done
        return None
    # No ticket yet: a take in flight (a twin tap, a retry after a lost answer), or a dead one.
    # Only one process runs a hold's steps at a time, or a twin granted a place could find
    # its hold and slot undone by the other's refusal: a live take is waited for (503, ask
    # again), a dead one is taken over first (one conditional write on the hold), then run.
    left_ms = STALE.total_seconds() * 1000 - (_ms(now) - hold.claimed_ms)
    if left_ms > 0:
        # A live take ends within seconds; a dead one is taken over once its claim is stale:
        # the wait said is until then (Meta's retries follow it), and asking sooner is fine.
        raise Unavailable(
            "this NIK's ticket is being taken right now: ask again in a moment",
            retry_after_seconds=max(2, math.ceil(left_ms / 1000)),
        )
    resumed = take_over(store, hold, now)
    if resumed is None:
        return None  # someone else took it over: look again
    if hold.service_day == day:
        return finish_take(store, settings, resumed, now, resumed=True)
    with suppress(QuotaExhausted, Closed, InvalidDay):
        finish_take(store, settings, resumed, now, resumed=True)  # a dead take: its ticket, or undone
    return None


def take_over(store: Booking, hold: Hold, now: datetime) -> Hold | None:
    """The right to run a dead take's steps: the hold's claim moved to now, if nobody moved it
    since it was read. None: somebody did (they run it)."""
    return store.take_over_hold(hold, _ms(now))


def finish_take(
    store: Booking, settings: Settings, hold: Hold, now: datetime, *, resumed: bool = False
) -> Taken:
    """Steps 2 to 4 for a hold that is in place, run by one process at a time: the take that
    claimed it, or whoever took a dead take over (a retry, the NIK's next take, the repair).
    Idempotent under the hold's code.

    A dead take is finished `resumed` (after `take_over`): its slot is asked for again, but
    the cap cannot undo it any more (`_take_slot`)."""
    try:
        return _steps(store, settings, hold, now, resumed)
    except Unavailable:
        # The store failed us half way: give the hold up (its claim back to 0), so that the
        # resident's retry takes it over at once instead of waiting out the 2 minutes.
        with suppress(Unavailable):
            store.take_over_hold(hold, 0)
        raise


def _steps(store: Booking, settings: Settings, hold: Hold, now: datetime, resumed: bool) -> Taken:
    _take_slot(store, settings, hold, now, resumed=resumed)
    outcome = _take_place(store, settings, hold, now)
    if isinstance(outcome, AlreadyHolds):
        earlier = _earlier_ticket(store, hold, outcome.number)
        if earlier is not None:
            _undo(store, settings, hold, now)
            return Taken(earlier, created=False)
    ticket = Ticket(
        code=hold.code,
        site=hold.site,
        service_day=hold.service_day,
        number=outcome.number,
        nik_last4=hold.nik_last4,
        nik_holder_key=hold.nik_holder_key,
        state="booked",
        holder=hold.holder,
        pool=outcome.pool,
        booked_at=now,
    )
    stored, created = store.put_ticket(ticket)
    return Taken(stored, created)


def _take_slot(
    store: Booking, settings: Settings, hold: Hold, now: datetime, *, resumed: bool = False
) -> None:
    """Step 2. A take refused here is undone (its hold released: PhoneLimit); a dead take
    being finished (`resumed`) goes on without its slot rather than strand a place it may
    have counted before it died (the phone then holds one more than its cap, until one ends)."""
    key_and_cap = _slots_of(settings, hold.holder, now)
    if key_and_cap is None:
        return
    key, cap = key_and_cap
    entry = f"{hold.service_day.isoformat()}@{_ms(now)}"
    expires = datetime.combine(hold.service_day, datetime.min.time(), now.tzinfo) + timedelta(days=2)
    if store.take_slot(key, hold.code, entry, cap, expires):
        return
    freed = hold.holder.kind == "phone" and _free_spent_slots(store, settings, key, now)
    if freed and store.take_slot(key, hold.code, entry, cap, expires):
        return
    if resumed:
        return
    store.release_hold(hold.site, hold.nik_holder_key, hold.code)
    raise PhoneLimit()


def _free_spent_slots(store: Booking, settings: Settings, key: str, now: datetime) -> bool:
    """Drop a phone's slots that no longer hold a place: a past day, a ticket not upcoming or
    held by another phone, or no ticket long after its claim (a dead take). True if any went."""
    entries = store.slot_entries(key) or {}
    today = service_day(now, settings.tz)
    tickets = {t.code: t for t in store.tickets(list(entries))}
    freed = False
    for code, entry in entries.items():
        day_text, _, claimed = entry.partition("@")
        ticket = tickets.get(code)
        if ticket is None:
            spent = (
                date.fromisoformat(day_text) < today
                or _ms(now) - int(claimed or 0) > STALE.total_seconds() * 1000
            )
        else:
            spent = not ticket.is_upcoming(today) or ticket.holder.key != key.removeprefix("phone#")
        if spent:
            freed = store.release_slot(key, code) or freed
    return freed


def _take_place(store: Booking, settings: Settings, hold: Hold, now: datetime) -> Granted | AlreadyHolds:
    """Step 3: a number from the day's counter, from the door's part first for staff.
    Refused: the take is undone, and the day is closed (today), not open (a later day, 400)
    or full, with the next day that has room."""
    pools: tuple[Pool, ...] = ("door", "public") if hold.holder.is_staff else ("public",)
    for _ in range(_ATTEMPTS):
        refused: DayCounter | None = None
        changed = False
        for pool in pools:
            outcome = store.take_ticket(hold.site, hold.service_day, hold.nik_holder_key, pool)
            if isinstance(outcome, (Granted, AlreadyHolds)):
                return outcome
            if isinstance(outcome, Unprepared):
                prepare_day(store, settings, hold.site, hold.service_day)
                changed = True
                break
            assert isinstance(outcome, Refused)
            room = outcome.counter.door_remaining if pool == "door" else outcome.counter.remaining
            if room > 0:  # the counter changed between the refusal and the read after it
                changed = True  # (it was created, or its quota raised, by someone else)
                break
            refused = outcome.counter
        if changed:
            continue
        assert refused is not None
        _undo(store, settings, hold, now)
        today = service_day(now, settings.tz)
        if refused.quota == 0:
            raise Closed() if hold.service_day == today else InvalidDay()
        raise QuotaExhausted(_next_day_with_room(store, settings, hold.site, hold.service_day, today))
    raise Unavailable("ticket counter kept changing")


def _earlier_ticket(store: Booking, hold: Hold, number: int) -> Ticket | None:
    """The ticket a holder entry belongs to when it is not this hold's: the NIK's earlier
    ticket that day, still counted (served, or a no-show, since its hold went)."""
    ticket = store.ticket_with_number(hold.site, hold.service_day, number)
    if ticket is None or ticket.code == hold.code:
        return None
    return ticket


def _undo(store: Booking, settings: Settings, hold: Hold, now: datetime) -> None:
    """Backwards: the slot, then the hold, each only if it carries this hold's code. An
    operator's slot too: a take refused took no ticket, so it counts none of their day's."""
    key_and_cap = _slots_of(settings, hold.holder, now)
    if key_and_cap is not None:
        store.release_slot(key_and_cap[0], hold.code)
    store.release_hold(hold.site, hold.nik_holder_key, hold.code)


def _slots_of(settings: Settings, holder: Holder, now: datetime | None) -> tuple[str, int] | None:
    """The slots item and cap for a holder: a phone's upcoming tickets, an operator's takes of
    the day (counted on the day they were taken, in the site's time zone), anyone's none."""
    if holder.kind == "phone" and holder.key:
        return f"phone#{holder.key}", settings.tickets_per_phone
    if holder.kind == "operator" and holder.key and now is not None:
        return (
            f"operator#{holder.key}#{service_day(now, settings.tz).isoformat()}",
            settings.tickets_per_operator,
        )
    return None


# --- cancelling -------------------------------------------------------------------------------


def cancel(store: Booking, settings: Settings, code: str, now: datetime) -> Ticket:
    """Cancel a booked ticket of today or later; a cancelled one is cancelled again (its
    cancel finished, if a crash left it half done). The ticket's write goes first, its
    condition the whole rule, so a cancel that works reads nothing."""
    today = service_day(now, settings.tz)
    ticket, moved = store.change_ticket_state(code, ("booked",), "cancelled", now, not_before=today)
    if ticket is None:
        raise NotFound()
    if not moved and ticket.state != "cancelled":
        raise NotCancellable()
    finish_cancel(store, ticket)
    return ticket


def finish_cancel(store: Booking, ticket: Ticket) -> None:
    """The cancel's writes after the ticket's: place, slot, hold; each once, whoever runs it."""
    store.release_place(ticket.site, ticket.service_day, ticket.nik_holder_key, ticket.number, ticket.pool)
    if ticket.holder.kind == "phone" and ticket.holder.key:
        store.release_slot(f"phone#{ticket.holder.key}", ticket.code)
    store.release_hold(ticket.site, ticket.nik_holder_key, ticket.code)


def find(store: Booking, code: str) -> Ticket | None:
    return store.ticket(code)


def ahead_of(store: Booking, ticket: Ticket) -> int:
    """The tickets checked in before this one and not called yet (on its day)."""
    day = store.tickets_of_day(ticket.site, ticket.service_day)
    return sum(1 for t in day if t.state == "checked_in" and t.number < ticket.number)


# --- days -------------------------------------------------------------------------------------


def booking_days(store: Booking, settings: Settings, site: str, today: date) -> list[DayCounter]:
    """Every day of the booking window, with the room left for residents: one query."""
    first, last = booking_window(settings, today)
    stored = {c.service_day: c for c in store.counters_between(site, first, last)}
    config = store.site_config(site, settings.default_quota)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return [stored.get(d) or untouched_day(settings, config, site, d) for d in days]


def _next_day_with_room(
    store: Booking, settings: Settings, site: str, after: date, today: date
) -> date | None:
    for counter in booking_days(store, settings, site, today):
        if counter.service_day > after and counter.state == "open":
            return counter.service_day
    return None


def _ms(instant: datetime) -> int:
    return int(instant.timestamp() * 1000)
