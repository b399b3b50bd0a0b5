"""ANTRE, BATAL, JADWAL and POSISI: a ticket for a chosen day, through the same use cases as
the HTTP routes (chalicelib/services/tickets.py), answered in words (replies.py).

The sender is the holder: a message from WhatsApp is a verified phone, so the holder is
`Holder("phone", <keyed hash of the wa_id's digits>)` under `HashPurpose.PHONE`, the same
key a resident token of that phone has as its subject (inbox.py's VERIFIKASI computes the
same hash). A ticket's code is shown only to the phone that holds it, and BATAL/POSISI with
a code another phone holds get the same answer as an unknown code.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.core.errors import (
    Closed,
    HoldsOtherDay,
    InvalidDay,
    NotCancellable,
    NotFound,
    PhoneLimit,
    QuotaExhausted,
)
from chalicelib.core.nik import Nik
from chalicelib.core.phone import InvalidPhone, parse_phone
from chalicelib.core.service_day import service_day
from chalicelib.core.sites import OpeningHours
from chalicelib.core.tickets import Holder, Ticket
from chalicelib.services import queue, tickets
from chalicelib.services.days import booking_window
from chalicelib.settings import HashPurpose, Settings, hash_key
from chalicelib.store.ports import Store
from chalicelib.whatsapp import replies
from chalicelib.whatsapp.day_words import BadDay, read_day


def phone_holder(wa_id: str) -> Holder | None:
    """The holder a message from `wa_id` speaks for; None when the wa_id is no phone."""
    try:
        phone = parse_phone(wa_id)
    except InvalidPhone:
        return None
    return Holder("phone", phone.keyed_hash(hash_key(HashPurpose.PHONE)))


def take(store: Store, config: Settings, nik: Nik, words: str, holder: Holder, now: datetime) -> str:
    """ANTRE <NIK> [day]: the day read in the office's time zone, then the ticket or why not."""
    today = service_day(now, config.tz)
    site = config.default_site
    _, last = booking_window(config, today)
    open_now = still_open(config.site_info(site).hours, now.astimezone(config.tz))
    day = read_day(words, today, (last - today).days, today_counts=open_now)
    if isinstance(day, BadDay):
        return replies.bad_day(day.reason, today)
    try:
        taken = tickets.take(store, config, site, day, nik, holder, now, hash_key(HashPurpose.NIK))
    except HoldsOtherDay as held:
        return replies.holds_other_day(nik.last4, held.service_day)
    except QuotaExhausted as full:
        return replies.quota_exhausted(site, day, full.next_day_with_room, last)
    except Closed:
        return replies.closed(site, day)
    except InvalidDay:
        return replies.invalid_day(site, day, today, last)
    except PhoneLimit:
        return replies.phone_limit(config.tickets_per_phone)
    ticket = taken.ticket
    return replies.ticket_taken(
        ticket.number,
        ticket.site,
        ticket.service_day,
        ticket.code if ticket.holder == holder else None,
        ticket.nik_last4,
        taken.created,
        today,
    )


def cancel(store: Store, config: Settings, code: str, holder: Holder, now: datetime) -> str:
    """BATAL <code>: only a ticket this phone holds; any other code reads as unknown."""
    today = service_day(now, config.tz)
    ticket = _held(store, code, holder)
    if ticket is None:
        return replies.cancel_not_found(code)
    try:
        cancelled = tickets.cancel(store, config, code, now)
    except NotFound:
        return replies.cancel_not_found(code)
    except NotCancellable:
        current = tickets.find(store, code) or ticket
        return replies.not_cancellable(current.number, current.service_day, current.state, today)
    return replies.cancelled(cancelled.number, cancelled.service_day)


def schedule(store: Store, config: Settings, now: datetime) -> str:
    """JADWAL: the next open days with room left for residents."""
    today = service_day(now, config.tz)
    site = config.default_site
    _, last = booking_window(config, today)
    return replies.schedule(site, tickets.booking_days(store, config, site, today), last)


def position(store: Store, config: Settings, code: str | None, holder: Holder, now: datetime) -> str:
    """POSISI [code]: the state and number of this phone's tickets for today (or of the one
    whose code it names, if this phone holds it), and while one waits today, how many are
    ahead and when it will likely be called."""
    today = service_day(now, config.tz)
    if code is not None:
        ticket = _held(store, code, holder)
        if ticket is None:
            return replies.cancel_not_found(code)
        return _position(store, config, ticket, now)
    held = [t for t in _phone_tickets(store, holder) if t.service_day == today]
    if not held:
        return replies.position_none(today)
    return "\n\n".join(_position(store, config, t, now) for t in sorted(held, key=lambda t: t.number))


def _position(store: Store, config: Settings, ticket: Ticket, now: datetime) -> str:
    where = queue.position(store, config, ticket, now)
    call_at = None if where.estimated_call_at is None else where.estimated_call_at.astimezone(config.tz)
    return replies.position(
        ticket.number, ticket.site, ticket.service_day, ticket.state, ahead=where.ahead, call_at=call_at
    )


def _phone_tickets(store: Store, holder: Holder) -> list[Ticket]:
    """The tickets this phone holds a slot for (its upcoming ones, and spent ones not yet
    freed): two consistent reads. No use case lists a holder's tickets yet, so this reads the
    slots under the key services/tickets.py gives a phone's (`phone#<key>`)."""
    codes = list(store.slot_entries(f"phone#{holder.key}") or {})
    return [t for t in store.tickets(codes) if t.holder == holder] if codes else []


def still_open(hours: OpeningHours | None, local_now: datetime) -> bool:
    """Whether the office has not yet closed for the day at `local_now` (its local time), so
    a weekday name can still mean today. Without hours, or on a day it does not open, the
    ticket service is the one to say no."""
    if hours is None:
        return True
    weekday, minutes = local_now.weekday(), local_now.hour * 60 + local_now.minute
    ends = [end for group in hours.days if group.first <= weekday <= group.last for _, end in group.ranges]
    return not ends or minutes < max(ends)


def _held(store: Store, code: str, holder: Holder) -> Ticket | None:
    ticket = tickets.find(store, code)
    return ticket if ticket is not None and ticket.holder == holder else None
