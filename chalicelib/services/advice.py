"""Capacity advice for a site's day, from the no-shows of the same weekday in the last weeks
that ended (read from each ticket, as the report is, never from a counter)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from chalicelib.core.advice import HISTORY_WEEKS, MAX_RISK, History, advice
from chalicelib.settings import Settings

if TYPE_CHECKING:
    from chalicelib.store.ports import Door


@dataclass(frozen=True)
class Advice:
    site: str
    service_day: date
    history_days: tuple[date, ...]  # the weekday's days looked at, newest first
    history: History
    capacity: int
    quota: int
    risk: float
    max_risk: float = MAX_RISK


def capacity_advice(store: Door, settings: Settings, site: str, day: date, today: date) -> Advice:
    """The weekday's last `HISTORY_WEEKS` days that ended before `day` (and before today)."""
    newest = min(day, today) - timedelta(days=1)
    newest -= timedelta(days=(newest.weekday() - day.weekday()) % 7)
    looked_at = tuple(newest - timedelta(weeks=w) for w in range(HISTORY_WEEKS))
    prepared = {c.service_day for c in store.counters_between(site, looked_at[-1], looked_at[0])}
    days = tickets = no_shows = 0
    for past in looked_at:
        if past not in prepared:
            continue
        kept = [t for t in store.tickets_of_day(site, past) if t.state != "cancelled"]
        if kept:
            days += 1
            tickets += len(kept)
            no_shows += sum(1 for t in kept if t.state == "no_show")
    history = History(days, tickets, no_shows)
    quota, risk = advice(history, settings.daily_capacity)
    return Advice(site, day, looked_at, history, settings.daily_capacity, quota, risk)
