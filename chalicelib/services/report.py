"""The office's report per site and day, computed from what is stored about each ticket (its
state and the instants it recorded), never from counts that could drift from the tickets."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from chalicelib.core.errors import InvalidRequest
from chalicelib.core.tickets import Ticket
from chalicelib.services.days import untouched_day
from chalicelib.settings import Settings

if TYPE_CHECKING:
    from chalicelib.store.ports import Door

MAX_DAYS = 92

COLUMNS = (
    "service_day",
    "quota",
    "issued",
    "cancelled",
    "checked_in",
    "served",
    "no_show",
    "wrong_day",
    "median_wait_minutes",
    "median_service_minutes",
)


@dataclass(frozen=True)
class ReportDay:
    service_day: date
    quota: int
    issued: int
    cancelled: int
    checked_in: int  # ever checked in: waiting, called, served or a no-show after a call
    served: int
    no_show: int
    wrong_day: int  # NIKs refused at the door that day for a ticket of another day
    median_wait_minutes: float | None  # check-in to call
    median_service_minutes: float | None  # call to served

    def row(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in COLUMNS} | {"service_day": self.service_day.isoformat()}


@dataclass(frozen=True)
class ReportHour:
    """One hour of a service day on the office's clock: its tickets booked, checked in and
    called in that hour (a ticket booked on an earlier day is in none of its day's hours)."""

    hour: int
    booked: int
    checked_in: int
    called: int

    def row(self) -> dict[str, int]:
        return {
            "hour": self.hour,
            "booked": self.booked,
            "checked_in": self.checked_in,
            "called": self.called,
        }


def report(store: Door, settings: Settings, site: str, first: date, last: date) -> list[ReportDay]:
    if last < first or (last - first).days >= MAX_DAYS:
        raise InvalidRequest(f"from..to must be 1 to {MAX_DAYS} days")
    counters = {c.service_day: c for c in store.counters_between(site, first, last)}
    config = store.site_config(site, settings.default_quota)
    days = []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        counter = counters.get(day) or untouched_day(settings, config, site, day)
        tickets = store.tickets_of_day(site, day) if day in counters else []
        days.append(_day(day, counter.quota, tickets, store.wrong_day_count(site, day)))
    return days


def hours(store: Door, settings: Settings, site: str, day: date) -> list[ReportHour]:
    """The 24 hours of `day`, from each of its tickets' instants."""
    return _hours(day, store.tickets_of_day(site, day), settings.tz)


def _hours(day: date, tickets: list[Ticket], tz: tzinfo) -> list[ReportHour]:
    def hour_of(instant: datetime | None) -> int | None:
        local = instant.astimezone(tz) if instant is not None else None
        return local.hour if local is not None and local.date() == day else None

    counts = {name: [0] * 24 for name in ("booked_at", "checked_in_at", "called_at")}
    for ticket in tickets:
        for name, per_hour in counts.items():
            hour = hour_of(getattr(ticket, name))
            if hour is not None:
                per_hour[hour] += 1
    return [
        ReportHour(h, counts["booked_at"][h], counts["checked_in_at"][h], counts["called_at"][h])
        for h in range(24)
    ]


def _day(day: date, quota: int, tickets: list[Ticket], wrong_day: int) -> ReportDay:
    waits = [_minutes(t.checked_in_at, t.called_at) for t in tickets if t.checked_in_at and t.called_at]
    services = [
        _minutes(t.called_at, t.done_at) for t in tickets if t.state == "served" and t.called_at and t.done_at
    ]
    return ReportDay(
        service_day=day,
        quota=quota,
        issued=len(tickets),
        cancelled=sum(1 for t in tickets if t.state == "cancelled"),
        checked_in=sum(1 for t in tickets if t.checked_in_at is not None and t.state != "cancelled"),
        served=sum(1 for t in tickets if t.state == "served"),
        no_show=sum(1 for t in tickets if t.state == "no_show"),
        wrong_day=wrong_day,
        median_wait_minutes=_median(waits),
        median_service_minutes=_median(services),
    )


def _minutes(start: datetime, end: datetime) -> float:
    return max((end - start).total_seconds() / 60, 0.0)


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None
