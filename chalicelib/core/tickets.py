"""What one attempt to take a ticket can come to, as the store reports it."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.core.quota import DayCounter


@dataclass(frozen=True)
class Granted:
    number: int


@dataclass(frozen=True)
class AlreadyHolds:
    number: int


@dataclass(frozen=True)
class Refused:
    """No ticket: the counter is full or closed, as `counter` shows."""

    counter: DayCounter


@dataclass(frozen=True)
class Unprepared:
    """The day has no counter yet: prepare it, then try again."""


TakeOutcome = Granted | AlreadyHolds | Refused | Unprepared
