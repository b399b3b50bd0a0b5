"""A site's queue on its service day: who waits, who is being served, and how long a
resident still waits, with the formula written down once."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

SMOOTHING = 0.3
"""Weight of the latest service time in the running estimate of minutes per resident
(an exponential moving average: the last 10 services carry ~97% of it)."""

DESK_IDLE = timedelta(minutes=30)
"""A desk that called nobody for this long is not counted among the desks open."""


@dataclass(frozen=True)
class Queue:
    site: str
    service_day: date
    waiting: frozenset[int] = frozenset()  # checked in, not called yet
    served: frozenset[int] = frozenset()
    now_serving: dict[int, int] = field(default_factory=dict)  # desk -> number
    desk_seen_ms: dict[int, int] = field(default_factory=dict)  # desk -> its last call
    minutes_per_resident: float | None = None
    updated_at: datetime | None = None

    def ahead_of(self, number: int) -> int:
        """Checked-in tickets before `number` not called yet."""
        return sum(1 for n in self.waiting if n < number)

    def desks_open(self, now: datetime) -> int:
        """Desks that called someone in the last `DESK_IDLE`; at least 1."""
        since = (now - DESK_IDLE).timestamp() * 1000
        return max(1, sum(1 for ms in self.desk_seen_ms.values() if ms >= since))


def smoothed(previous: float | None, minutes: float, default: float) -> float:
    """The next minutes-per-resident estimate after one service of `minutes`."""
    start = default if previous is None else previous
    return round(SMOOTHING * minutes + (1 - SMOOTHING) * start, 2)


def estimated_call_at(ahead: int, minutes_per_resident: float, desks_open: int, now: datetime) -> datetime:
    """ahead x minutes per resident / desks open, from now, rounded up to a whole minute
    (never a time already past)."""
    minutes = math.ceil(ahead * minutes_per_resident / max(desks_open, 1))
    at = now + timedelta(minutes=minutes)
    whole = at.replace(second=0, microsecond=0)
    return whole if whole == at else whole + timedelta(minutes=1)
