"""The day at the door: check-in, desks calling numbers, served and no-shows, and where a
resident stands. The ticket's own conditional write is each step's claim; the queue item
follows it, idempotently, and whoever finds it behind (a later call, a retried check-in,
the repair) brings it up to date.

Check-in: ticket `booked -> checked_in` (today only), then its number joins `waiting`.
Call: the lowest waiting number's ticket `checked_in -> called` for the desk (of desks racing
for it, one wins; the others go on to the next), then the number leaves `waiting` for the
desk's `now_serving`. Served: `called -> served`, then the day's minutes per resident.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from chalicelib.core.errors import InvalidRequest, NotFound, QueueEmpty, Unavailable, WrongDay
from chalicelib.core.nik import Nik
from chalicelib.core.queue import Queue, estimated_call_at, smoothed
from chalicelib.core.service_day import service_day
from chalicelib.core.tickets import Ticket, TicketState
from chalicelib.settings import Settings

if TYPE_CHECKING:
    from chalicelib.store.ports import Door

_CALL_ATTEMPTS = 50  # besides one per number taken by another desk first (below)


def check_in(
    store: Door,
    settings: Settings,
    site: str,
    now: datetime,
    *,
    code: str | None = None,
    nik: Nik | None = None,
    nik_key: bytes = b"",
) -> Ticket:
    """Check a ticket of today in, by its code or its NIK; again: the same answer."""
    today = service_day(now, settings.tz)
    ticket = _ticket_at_the_door(store, site, code, nik, nik_key)
    if ticket.service_day != today:
        store.count_wrong_day(site, today, ticket.nik_holder_key)
        raise WrongDay(ticket.service_day)
    if ticket.state == "booked":
        moved, _ = store.change_ticket_state(ticket.code, ("booked",), "checked_in", now, day=today)
        if moved is None:
            raise NotFound()
        ticket = moved
    if ticket.state == "checked_in":
        store.add_waiting(site, today, ticket.number, now)
    return ticket


def _ticket_at_the_door(store: Door, site: str, code: str | None, nik: Nik | None, nik_key: bytes) -> Ticket:
    if code is not None:
        ticket = store.ticket(code)
    else:
        assert nik is not None
        hold = store.hold(site, nik.holder_key(nik_key))
        ticket = None if hold is None else store.ticket(hold.code)
    if ticket is None or ticket.site != site or ticket.state == "cancelled":
        raise NotFound()
    return ticket


@dataclass(frozen=True)
class Call:
    desk: int
    ticket: Ticket


def call_next(store: Door, settings: Settings, site: str, desk: int, now: datetime) -> Call:
    """The lowest checked-in number not called yet, for `desk`."""
    today = service_day(now, settings.tz)
    attempts, budget = 0, _CALL_ATTEMPTS
    while attempts < budget:
        queue = store.queue(site, today)
        if queue is None or not queue.waiting:
            raise QueueEmpty()
        if attempts == 0:
            # Every attempt that fails does so because another desk took that number (at most
            # twice per number: lost, then caught up): while they do, this desk goes on.
            budget += 2 * len(queue.waiting)
        # A number another desk took at the same moment sends this one to the next of the
        # same read, not back to the queue, where nine desks would race for one number
        # again; a number taken before this read was made means the read is behind: read again.
        for number in sorted(queue.waiting)[: budget - attempts]:
            attempts += 1
            ticket = store.ticket_with_number(site, today, number)
            if ticket is None:  # the index has not caught up with a ticket just written: rare
                break
            if ticket.state == "booked":  # the index is behind its check-in: ask the table
                ticket = store.ticket(ticket.code)
                if ticket is None or ticket.state == "booked":
                    break
            if ticket.state != "checked_in":
                _catch_up(store, site, today, ticket, now)
                break
            moved, won = store.change_ticket_state(
                ticket.code, ("checked_in",), "called", now, desk=desk, day=today
            )
            if won and moved is not None:
                store.mark_called(site, today, number, desk, now)
                return Call(desk, moved)
    raise Unavailable("the desks kept taking the next number first")


def _catch_up(store: Door, site: str, day: date, ticket: Ticket, now: datetime) -> None:
    """A waiting number whose ticket moved on (a call that died before the queue's write, or
    one being written right now): the number leaves `waiting` for the desk that called it."""
    if ticket.state == "called" and ticket.desk is not None:
        store.mark_called(site, day, ticket.number, ticket.desk, ticket.called_at or now)
    else:
        store.leave_waiting(site, day, ticket.number, now)


_MOVES: dict[TicketState, tuple[TicketState, ...]] = {
    "served": ("called",),
    "no_show": ("called", "checked_in"),
    "called": ("no_show",),  # a recall
}


def set_state(
    store: Door, settings: Settings, code: str, to: TicketState, now: datetime, desk: int | None = None
) -> Ticket:
    """Served, no-show, or a no-show called again (at `desk`, else the desk that called it
    last); the same state again: the same answer."""
    if to not in _MOVES:
        raise InvalidRequest("state must be served, no_show or called")
    today = service_day(now, settings.tz)
    ticket = store.ticket(code)
    if ticket is None or ticket.service_day != today or ticket.state == "cancelled":
        raise NotFound()
    if ticket.state == to:
        if to == "served":  # a served that died before the queue's write counts it now
            _count_served(store, settings, ticket, today, now)
        if to == "no_show":  # and a no-show the queue's
            store.leave_waiting(ticket.site, today, ticket.number, now)
        return ticket
    desk = desk or ticket.desk
    if to == "called" and desk is None:
        raise InvalidRequest("name the desk that calls it: no desk has called this ticket")
    moved, won = store.change_ticket_state(code, _MOVES[to], to, now, desk=desk, day=today)
    if moved is None:
        raise NotFound()
    if not won:
        if moved.state != to:
            raise InvalidRequest(f"a {moved.state} ticket cannot become {to}")
        return moved
    if to == "no_show":  # marked before its call: it waits no more
        store.leave_waiting(ticket.site, today, ticket.number, now)
    if to == "called" and desk is not None:
        store.show_called(ticket.site, today, ticket.number, desk, now)
    if to == "served":
        _count_served(store, settings, moved, today, now)
    return moved


def _count_served(store: Door, settings: Settings, ticket: Ticket, today: date, now: datetime) -> None:
    """The number joins `served` and its service time the day's estimate, once."""
    queue = store.queue(ticket.site, today)
    if queue is not None and ticket.number in queue.served:
        return
    minutes = _service_minutes(ticket)
    previous = None if queue is None else queue.minutes_per_resident
    estimate = previous if minutes is None else smoothed(previous, minutes, settings.minutes_per_resident)
    store.record_served(ticket.site, today, ticket.number, estimate or settings.minutes_per_resident, now)


def _service_minutes(ticket: Ticket) -> float | None:
    if ticket.called_at is None or ticket.done_at is None:
        return None
    return max((ticket.done_at - ticket.called_at).total_seconds() / 60, 0.0)


# --- where a resident stands ------------------------------------------------------------------


@dataclass(frozen=True)
class Position:
    ahead: int
    estimated_call_at: datetime | None


def position(store: Door, settings: Settings, ticket: Ticket, now: datetime) -> Position:
    """How many are ahead, and (on its day, while it waits) when it will likely be called."""
    today = service_day(now, settings.tz)
    if ticket.service_day != today or ticket.state not in ("booked", "checked_in"):
        return Position(0, None)
    queue = store.queue(ticket.site, today) or Queue(ticket.site, today)
    ahead = queue.ahead_of(ticket.number)
    minutes = queue.minutes_per_resident or settings.minutes_per_resident
    return Position(ahead, estimated_call_at(ahead, minutes, queue.desks_open(now), now))


def close_days(store: Door, settings: Settings, today: date, now: datetime, looking_back: int = 7) -> int:
    """Booked tickets of the days before `today` (up to `looking_back` of them, for a rollover
    that missed a night) become no-shows; once each, whoever runs it. How many were."""
    closed = 0
    for site in settings.sites:
        for offset in range(1, looking_back + 1):
            day = today - timedelta(days=offset)
            for ticket in store.tickets_of_day(site, day):
                if ticket.state == "booked":
                    _, moved = store.change_ticket_state(ticket.code, ("booked",), "no_show", now)
                    closed += moved
    return closed


def board(store: Door, settings: Settings, site: str, now: datetime) -> Queue:
    today = service_day(now, settings.tz)
    return store.queue(site, today) or Queue(site, today)
