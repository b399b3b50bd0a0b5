"""The repair: every few minutes, finish what a process that died left half done in a day's
counter, so that a place is never lost to a take or a cancel nobody comes back to.

A take that died after the counter counted its place (and before its ticket) is finished
forward: its hold carries all the ticket needs, and the resident finds it when they ask
again. A cancel that died after the ticket moved to `cancelled` gives its place back. A check-in
that died after the ticket became `checked_in` (and before its number joined the queue)
puts today's number in `waiting`, or no desk would ever call it. Every
step is one of the sequences' own conditional writes, so the repair racing a resident, a
retry or another repair changes nothing twice (services/tickets.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from chalicelib.core.service_day import service_day
from chalicelib.services.days import booking_window
from chalicelib.services.tickets import STALE, finish_cancel, finish_take, take_over
from chalicelib.settings import Settings

if TYPE_CHECKING:
    from chalicelib.store.ports import Door


@dataclass(frozen=True)
class Repaired:
    takes_finished: int
    cancels_finished: int
    orphans: int  # a counted place with neither ticket nor hold: left, and logged
    check_ins_finished: int = 0

    @property
    def total(self) -> int:
        return self.takes_finished + self.cancels_finished + self.check_ins_finished


def repair(store: Door, settings: Settings, now: datetime) -> Repaired:
    """Look at every day of every site's booking window that has a counter."""
    takes = cancels = orphans = 0
    today = service_day(now, settings.tz)
    first, last = booking_window(settings, today)
    for site in settings.sites:
        for counter in store.counters_between(site, first, last):
            if counter.active == 0:
                continue
            day = counter.service_day
            holders = store.holder_numbers(site, day)
            tickets = {t.number: t for t in store.tickets_of_day(site, day)}
            for holder_key, number in holders.items():
                ticket = tickets.get(number)
                if ticket is not None and ticket.state == "cancelled":
                    finish_cancel(store, ticket)
                    cancels += 1
                    continue
                if ticket is not None:
                    continue
                hold = store.hold(site, holder_key)
                if hold is None or hold.service_day != day:
                    orphans += 1
                elif now.timestamp() * 1000 - hold.claimed_ms > STALE.total_seconds() * 1000:
                    resumed = take_over(store, hold, now)
                    if resumed is not None:  # else a resident's ask took it over first
                        finish_take(store, settings, resumed, now, resumed=True)
                        takes += 1
    return Repaired(takes, cancels, orphans, finish_check_ins(store, settings, now))


def finish_check_ins(store: Door, settings: Settings, now: datetime) -> int:
    """Today's checked-in tickets missing from `waiting`, checked in longer ago than a
    check-in takes, join it (the index is behind the table: each is read again first)."""
    today = service_day(now, settings.tz)
    finished = 0
    for site in settings.sites:
        checked_in = [t for t in store.tickets_of_day(site, today) if t.state == "checked_in"]
        if not checked_in:
            continue
        queue = store.queue(site, today)
        waiting = frozenset() if queue is None else queue.waiting
        for ticket in checked_in:
            if ticket.number in waiting or (ticket.checked_in_at and now - ticket.checked_in_at < STALE):
                continue
            again = store.ticket(ticket.code)
            if again is not None and again.state == "checked_in":
                store.add_waiting(site, today, ticket.number, now)
                finished += 1
    return finished
