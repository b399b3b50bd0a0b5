"""Which quota is in force on a day, and what state a day's counter is in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from chalicelib.core.errors import InvalidQuota

MAX_QUOTA = 10_000

DayState = Literal["open", "full", "closed"]


def parse_quota(value: object) -> int:
    """An integer 0..10000 (JSON `true` is not a number here), or `InvalidQuota`."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_QUOTA:
        raise InvalidQuota()
    return value


@dataclass(frozen=True)
class OpenPattern:
    """The weekdays (Monday = 0) on which a site opens unless a day says otherwise."""

    weekdays: frozenset[int]

    def opens_on(self, day: date) -> bool:
        return day.weekday() in self.weekdays


def quota_in_force(day: date, *, day_quota: int | None, default_quota: int, pattern: OpenPattern) -> int:
    """A day's own quota wins; otherwise the standing default on open weekdays, 0 on the others."""
    if day_quota is not None:
        return day_quota
    return default_quota if pattern.opens_on(day) else 0


def day_state(quota: int, remaining: int) -> DayState:
    if quota == 0:
        return "closed"
    return "full" if remaining <= 0 else "open"


@dataclass(frozen=True)
class DayCounter:
    """A site's ticket counter for one service day, as residents and staff see it.

    `issued` counts every number handed out (1..issued, never reused); `cancelled` those
    given back; `door_active` the tickets not cancelled from `held_for_door`, the part of
    the quota only staff and operators give out. What residents can still take is the rest.
    """

    site: str
    service_day: date
    quota: int
    issued: int
    day_quota: int | None = None
    held_for_door: int = 0
    cancelled: int = 0
    door_active: int = 0

    @property
    def active(self) -> int:
        """The tickets not cancelled: never more than the quota in force at each grant."""
        return self.issued - self.cancelled

    @property
    def public_active(self) -> int:
        return self.active - self.door_active

    @property
    def remaining(self) -> int:
        """The places residents can still take (the door's part not counted)."""
        return max(self.quota - self.held_for_door - self.public_active, 0)

    @property
    def door_remaining(self) -> int:
        return max(self.held_for_door - self.door_active, 0)

    @property
    def state(self) -> DayState:
        return day_state(self.quota, self.remaining)
