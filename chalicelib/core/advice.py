"""Capacity advice: the quota to give a day so that, with the residents who never come, the
ones who do come stay within what the office can serve, with a risk written down.

Arrivals on a day of quota q are X ~ Binomial(q, 1 - no-show rate); the advice is the
largest q (up to `MAX_QUOTA`) with P(X > capacity) < `MAX_RISK`. Exact, in pure Python
(the Lambda's zip has no room for scipy): each term of the upper tail in log space, so a
quota of thousands neither overflows nor loses the tail.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from chalicelib.core.quota import MAX_QUOTA

MAX_RISK = 0.05
"""The chance, at most, that more residents come than the office can serve."""

HISTORY_WEEKS = 8
MIN_HISTORY_DAYS = 4
MIN_HISTORY_TICKETS = 100
"""Below either, a measured rate says too little (4 days of 25 tickets: one resident is 4%)."""


def overflow_risk(quota: int, capacity: int, show_rate: float) -> float:
    """P(X > capacity) for X ~ Binomial(quota, show_rate)."""
    if quota <= capacity or show_rate <= 0.0:
        return 0.0
    if show_rate >= 1.0:
        return 1.0
    log_p, log_q = math.log(show_rate), math.log1p(-show_rate)
    log_n = math.lgamma(quota + 1)
    tail = 0.0
    for k in range(capacity + 1, quota + 1):
        term = math.exp(
            log_n - math.lgamma(k + 1) - math.lgamma(quota - k + 1) + k * log_p + (quota - k) * log_q
        )
        tail += term
        if term < tail * 1e-17:  # the terms rise to the mode, then only shrink
            break
    return min(tail, 1.0)


def advised_quota(capacity: int, no_show_rate: float, max_risk: float = MAX_RISK) -> int:
    """The largest quota whose overflow risk stays under `max_risk` (the risk grows with the
    quota, so a bisection finds it); never below the capacity, never above `MAX_QUOTA`."""
    show_rate = 1.0 - no_show_rate
    low, high = capacity, MAX_QUOTA  # risk(low) = 0 < max_risk
    if overflow_risk(high, capacity, show_rate) < max_risk:
        return high
    while high - low > 1:  # risk(low) < max_risk <= risk(high)
        middle = (low + high) // 2
        if overflow_risk(middle, capacity, show_rate) < max_risk:
            low = middle
        else:
            high = middle
    return low


@dataclass(frozen=True)
class History:
    """What a weekday's past days say: how many tickets were not cancelled, and how many of
    those ended as no-shows."""

    days: int
    tickets: int
    no_shows: int

    @property
    def enough(self) -> bool:
        return self.days >= MIN_HISTORY_DAYS and self.tickets >= MIN_HISTORY_TICKETS

    @property
    def no_show_rate(self) -> float | None:
        return self.no_shows / self.tickets if self.tickets else None


def advice(history: History, capacity: int) -> tuple[int, float]:
    """The quota to set and its overflow risk: from the history when there is enough of it,
    else the capacity itself (whose risk is nil: nobody beyond it holds a ticket)."""
    rate = history.no_show_rate
    if not history.enough or rate is None:
        return capacity, 0.0
    quota = advised_quota(capacity, rate)
    return quota, overflow_risk(quota, capacity, 1.0 - rate)
