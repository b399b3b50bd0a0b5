"""A day at the door, as a hypothesis state machine on the in-memory twin (kept honest by the
store contract): residents take tickets for today or tomorrow and cancel them, staff check
them in, desks call, tickets are served, marked no-shows and recalled, time passes and the
clock crosses midnight WIB with the rollover (which makes the day's booked tickets no-shows).

A plain model predicts every answer (a call: the lowest checked-in number of today). After
every step the report of yesterday, today and tomorrow equals the model's counts (the NIKs
refused for another day included) and its identities hold: issued = not cancelled +
cancelled; checked in = served + no-shows after a check-in + waiting + called. Today's queue
waits for exactly today's checked-in tickets.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from chalicelib import runtime
from chalicelib import settings as loket_settings
from chalicelib.core.errors import InvalidRequest, LoketError, NotCancellable, NotFound, QueueEmpty, WrongDay
from chalicelib.core.nik import parse_nik
from chalicelib.core.tickets import ANYONE, TicketState
from chalicelib.events import rollover
from chalicelib.services import queue, report, tickets
from chalicelib.store.memory import MemoryStore
from tests.support.api_client import Clock
from tests.support.residents import distinct_niks

SITE = "kab-blitar"
WIB = timezone(timedelta(hours=7))
START = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)  # Monday 07:00 WIB
RESIDENTS = [parse_nik(d) for d in distinct_niks(10, seed=11)]
MOVES: dict[TicketState, tuple[TicketState, ...]] = {
    "served": ("called",),
    "no_show": ("called", "checked_in"),
    "called": ("no_show",),
}


@dataclass
class Modelled:
    day: date
    number: int
    holder: str  # the NIK's keyed hash
    state: TicketState = "booked"
    checked_in: bool = False


class TheDoor(RuleBasedStateMachine):
    monkeypatch: pytest.MonkeyPatch
    clock: Clock

    def __init__(self) -> None:
        super().__init__()
        self.store = MemoryStore()
        self.monkeypatch.setattr(runtime, "store", lambda: self.store)
        self.clock.instant = START
        self.config = loket_settings.settings()
        self.key = loket_settings.secret("LOKET_NIK_HMAC_KEY")
        self.tickets: dict[str, Modelled] = {}
        self.wrong_day: dict[date, set[str]] = {}  # NIKs refused at the door, by day

    @property
    def today(self) -> date:
        return self.clock.instant.astimezone(WIB).date()

    def pick(self, index: int, today_only: bool = False) -> str | None:
        codes = sorted(c for c, t in self.tickets.items() if not today_only or t.day == self.today)
        return codes[index % len(codes)] if codes else None

    @initialize()
    def four_residents_booked_today(self) -> None:
        for resident in range(4):
            self.take(resident, 0)

    # --- residents ------------------------------------------------------------------------

    @rule(resident=st.integers(0, len(RESIDENTS) - 1), ahead=st.integers(0, 1))
    def take(self, resident: int, ahead: int) -> None:
        day = self.today + timedelta(days=ahead)
        try:
            taken = tickets.take(
                self.store, self.config, SITE, day, RESIDENTS[resident], ANYONE, self.clock.instant, self.key
            )
        except LoketError:  # closed, another day held, ...: the report says whether it wrote
            return
        ticket = taken.ticket
        if taken.created:
            assert ticket.code not in self.tickets
            numbers = [t.number for t in self.tickets.values() if t.day == day]
            assert ticket.number == max(numbers, default=0) + 1
            self.tickets[ticket.code] = Modelled(day, ticket.number, RESIDENTS[resident].holder_key(self.key))
        else:
            assert self.tickets[ticket.code].state == ticket.state

    @rule(index=st.integers(0, 50))
    def cancel(self, index: int) -> None:
        code = self.pick(index)
        if code is None:
            return
        model = self.tickets[code]
        if model.state == "booked" and model.day >= self.today:
            assert tickets.cancel(self.store, self.config, code, self.clock.instant).state == "cancelled"
            model.state = "cancelled"
        elif model.state == "cancelled":
            assert tickets.cancel(self.store, self.config, code, self.clock.instant).state == "cancelled"
        else:
            with pytest.raises(NotCancellable):
                tickets.cancel(self.store, self.config, code, self.clock.instant)

    # --- the door ---------------------------------------------------------------------------

    @rule(index=st.integers(0, 50), today_only=st.booleans())
    def check_in(self, index: int, today_only: bool) -> None:
        code = self.pick(index, today_only)
        if code is None:
            return
        model = self.tickets[code]
        now = self.clock.instant
        if model.state == "cancelled":
            with pytest.raises(NotFound):
                queue.check_in(self.store, self.config, SITE, now, code=code)
            return
        if model.day != self.today:
            with pytest.raises(WrongDay):
                queue.check_in(self.store, self.config, SITE, now, code=code)
            self.wrong_day.setdefault(self.today, set()).add(model.holder)
            return
        if model.state == "booked":
            model.state, model.checked_in = "checked_in", True
        assert queue.check_in(self.store, self.config, SITE, now, code=code).state == model.state

    @rule(desk=st.integers(1, 3))
    def call(self, desk: int) -> None:
        waiting = sorted(
            (t.number, c) for c, t in self.tickets.items() if t.day == self.today and t.state == "checked_in"
        )
        if not waiting:
            with pytest.raises(QueueEmpty):
                queue.call_next(self.store, self.config, SITE, desk, self.clock.instant)
            return
        number, code = waiting[0]
        called = queue.call_next(self.store, self.config, SITE, desk, self.clock.instant)
        assert (called.ticket.number, called.ticket.code, called.ticket.desk) == (number, code, desk)
        self.tickets[code].state = "called"

    @rule(
        index=st.integers(0, 50),
        to=st.sampled_from(["served", "no_show", "called"]),
        today_only=st.booleans(),
    )
    def mark(self, index: int, to: TicketState, today_only: bool) -> None:
        code = self.pick(index, today_only)
        if code is None:
            return
        model = self.tickets[code]
        now = self.clock.instant
        if model.day != self.today or model.state == "cancelled":
            with pytest.raises(NotFound):
                queue.set_state(self.store, self.config, code, to, now)
        elif model.state == to or model.state in MOVES[to]:
            # A recall names its desk (a no-show marked before any call has none of its own).
            desk = 1 if to == "called" else None
            assert queue.set_state(self.store, self.config, code, to, now, desk=desk).state == to
            model.state = to
        else:
            with pytest.raises(InvalidRequest):
                queue.set_state(self.store, self.config, code, to, now)

    # --- time -------------------------------------------------------------------------------

    @rule(minutes=st.integers(1, 60))
    def time_passes(self, minutes: int) -> None:
        self.clock.advance(minutes=minutes)  # perhaps past midnight, with no rollover yet

    @rule(runs=st.integers(0, 2), tonight=st.integers(0, 4))
    def midnight_passes(self, runs: int, tonight: int) -> None:
        """One draw in five: so that a day sees some doings before it ends."""
        if tonight:
            return
        now = self.clock.instant
        midnight = now.replace(hour=17, minute=0, second=0, microsecond=0)
        if midnight <= now:
            midnight += timedelta(days=1)
        self.clock.set(midnight + timedelta(seconds=30))
        for _ in range(runs):
            rollover.handle({})
            for model in self.tickets.values():  # the 7 days that ended: booked is a no-show
                if model.state == "booked" and self.today - timedelta(days=7) <= model.day < self.today:
                    model.state = "no_show"

    # --- what must always hold --------------------------------------------------------------

    @invariant()
    def the_report_adds_up_to_the_tickets(self) -> None:
        for day in (self.today - timedelta(days=1), self.today, self.today + timedelta(days=1)):
            [row] = report.report(self.store, self.config, SITE, day, day)
            of_day = [t for t in self.tickets.values() if t.day == day]

            def count(*states: str, checked_in: bool | None = None, of: list[Modelled] = of_day) -> int:
                return sum(
                    1 for t in of if t.state in states and (checked_in is None or t.checked_in == checked_in)
                )

            cancelled = count("cancelled")
            checked_in = sum(1 for t in of_day if t.checked_in and t.state != "cancelled")
            assert (row.issued, row.cancelled, row.checked_in, row.served, row.no_show, row.wrong_day) == (
                len(of_day),
                cancelled,
                checked_in,
                count("served"),
                count("no_show"),
                len(self.wrong_day.get(day, ())),
            ), day
            assert row.issued == (row.issued - row.cancelled) + row.cancelled
            waiting, called = count("checked_in"), count("called")
            after_check_in = count("no_show", checked_in=True)
            assert row.checked_in == row.served + after_check_in + waiting + called, day
            if day == self.today:
                board = self.store.queue(SITE, day)
                on_board = frozenset() if board is None else board.waiting
                assert sorted(on_board) == sorted(t.number for t in of_day if t.state == "checked_in")


@pytest.fixture
def machine(monkeypatch: pytest.MonkeyPatch) -> type[TheDoor]:
    monkeypatch.setenv("LOKET_DEFAULT_QUOTA", "6")
    loket_settings.reset()
    clock = Clock(START)
    monkeypatch.setattr(runtime, "now", clock)
    TheDoor.monkeypatch = monkeypatch
    TheDoor.clock = clock
    return TheDoor


def test_the_day_at_the_door_keeps_the_report_equal_to_its_tickets(machine: type[TheDoor]) -> None:
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=300,
            stateful_step_count=50,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
            derandomize=True,
            database=None,
        ),
    )
