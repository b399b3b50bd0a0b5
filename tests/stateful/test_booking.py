"""Booking, as a hypothesis state machine over the services: residents take tickets for days
they choose in the booking window from shared phones (at most a cap each), operators take
them at the door's part first (at most so many a day), tickets are cancelled, administrators
set a day's quota and `held_for_door`, and the clock moves across 00:00 WIB and weekends.

A plain model of the contract (API.md, "Changes / 2026-12-01") predicts every answer, number
and day. After every step the tables as stored keep ADR 0010's invariants
(tests/support/booking_invariants.py) and agree with the model: each ticket's day, number and state,
each day's issued and cancelled counts. In-process moto: one thread, functional behaviour.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from chalicelib import settings as loket_settings
from chalicelib.core.errors import (
    Closed,
    HoldsOtherDay,
    InvalidDay,
    NotCancellable,
    PhoneLimit,
    QuotaExhausted,
)
from chalicelib.core.nik import parse_nik
from chalicelib.core.tickets import Holder
from chalicelib.services import days, tickets
from chalicelib.settings import HashPurpose, hash_key
from chalicelib.store.dynamo import DynamoStore
from tests.support.booking_invariants import booked, booking_violations
from tests.support.residents import distinct_niks
from tests.support.servers import bind_store

SITE = "kab-blitar"
WIB = timezone(timedelta(hours=7))
DEFAULT_QUOTA = 2  # small, so days fill up within a few steps
WINDOW = 4  # LOKET_BOOKING_DAYS_AHEAD
PHONE_CAP = 2  # LOKET_TICKETS_PER_PHONE
OPERATOR_CAP = 2  # LOKET_TICKETS_PER_OPERATOR
# Thursday 26 November 2026, 23:00 WIB: an hour before Friday, two days before a weekend.
START = datetime(2026, 11, 26, 16, 0, tzinfo=UTC)
RESIDENTS = [parse_nik(d) for d in distinct_niks(6, seed=77)]
PHONES = [Holder("phone", f"{n:02d}" * 32) for n in range(2)]
OPERATOR = Holder("operator", "operator-desa-1")
UPCOMING = ("booked", "checked_in", "called")


@dataclass
class Booking:
    code: str
    resident: int
    day: date
    number: int
    holder: Holder
    pool: str
    state: str = "booked"

    def upcoming(self, today: date) -> bool:
        return self.state in UPCOMING and self.day >= today


Predicted = tuple[str, object]  # ("granted", number), ("repeat", code), or (error code, its day)


class BookingMachine(RuleBasedStateMachine):
    store: DynamoStore  # set by the fixture: its tables are emptied before each run

    def __init__(self) -> None:
        super().__init__()
        from chalicelib.store.models import MODELS

        for model in MODELS.values():
            with model.batch_write() as batch:
                for item in model.scan():
                    batch.delete(item)
        self.now = START
        self.bookings: dict[str, Booking] = {}
        self.issued: Counter[date] = Counter()
        self.own: dict[date, tuple[int, int]] = {}  # a day's own quota and held_for_door
        self.operator_took: Counter[date] = Counter()  # tickets an operator took, by the day taken
        self.lowered: set[tuple[str, date]] = set()
        for ahead in range(WINDOW + 1):  # the first window's weekdays keep a place at the door
            if (day := self.today + timedelta(days=ahead)).weekday() < 5:
                days.set_day_quota(
                    self.store, loket_settings.settings(), SITE, day, 3, self.today, "admin", 1
                )
                self.own[day] = (3, 1)

    # --- the model ------------------------------------------------------------------------

    @property
    def today(self) -> date:
        return self.now.astimezone(WIB).date()

    def quota(self, day: date) -> tuple[int, int]:
        return self.own.get(day, (DEFAULT_QUOTA if day.weekday() < 5 else 0, 0))

    def active(self, day: date, pool: str) -> int:
        return sum(
            1 for b in self.bookings.values() if (b.day, b.pool, b.state != "cancelled") == (day, pool, True)
        )

    def public_room(self, day: date) -> int:
        quota, door = self.quota(day)
        return quota - door - self.active(day, "public")

    def next_day_with_room(self, after: date) -> date | None:
        for ahead in range(1, WINDOW + 1):
            day = self.today + timedelta(days=ahead)
            if day > after and self.quota(day)[0] > 0 and self.public_room(day) > 0:
                return day
        return None

    def predict(self, resident: int, day: date, holder: Holder) -> Predicted:
        today = self.today
        if not today <= day <= today + timedelta(days=WINDOW):
            return ("invalid_day", None)
        held = [b for b in self.bookings.values() if b.resident == resident and b.upcoming(today)]
        if held:
            return ("repeat", held[0].code) if held[0].day == day else ("holds_other_day", held[0].day)
        if holder.kind == "phone":
            if (
                sum(1 for b in self.bookings.values() if b.holder == holder and b.upcoming(today))
                >= PHONE_CAP
            ):
                return ("phone_limit", None)
        elif self.operator_took[today] >= OPERATOR_CAP:
            return ("phone_limit", None)
        quota, door = self.quota(day)
        pools = [("door", door - self.active(day, "door"))] if holder.kind == "operator" else []
        for pool, room in [*pools, ("public", self.public_room(day))]:
            if room > 0:
                return ("granted", (self.issued[day] + 1, pool))
        if quota == 0:
            return ("closed", None) if day == today else ("invalid_day", None)
        return ("quota_exhausted", self.next_day_with_room(day))

    def take(self, resident: int, ahead: int, holder: Holder) -> None:
        day = self.today + timedelta(days=ahead)
        expected = self.predict(resident, day, holder)
        nik_key = hash_key(HashPurpose.NIK)
        config = loket_settings.settings()
        try:
            taken = tickets.take(
                self.store, config, SITE, day, RESIDENTS[resident], holder, self.now, nik_key
            )
        except HoldsOtherDay as held:
            actual: Predicted = (held.code, held.service_day)
        except QuotaExhausted as full:
            actual = (full.code, full.next_day_with_room)
        except (InvalidDay, Closed, PhoneLimit) as refused:
            actual = (refused.code, None)
        else:
            t = taken.ticket
            if taken.created:
                actual = ("granted", (t.number, t.pool))
                assert expected == actual, (expected, actual)
                self.issued[day] += 1
                self.bookings[t.code] = Booking(t.code, resident, day, t.number, holder, t.pool)
                if holder.kind == "operator":
                    self.operator_took[self.today] += 1
                return
            actual = ("repeat", t.code)
        assert expected == actual, (expected, actual)

    # --- residents and operators ----------------------------------------------------------

    @rule(
        resident=st.integers(0, len(RESIDENTS) - 1),
        phone=st.integers(0, len(PHONES) - 1),
        ahead=st.integers(0, WINDOW + 1),
    )
    def a_resident_takes_a_ticket_from_a_phone(self, resident: int, phone: int, ahead: int) -> None:
        self.take(resident, ahead, PHONES[phone])

    @rule(
        phone=st.integers(0, len(PHONES) - 1),
        first=st.integers(0, len(RESIDENTS) - 1),
        ahead=st.integers(0, WINDOW),
    )
    def a_family_asks_from_one_phone_for_one_more_than_its_cap(
        self, phone: int, first: int, ahead: int
    ) -> None:
        for n in range(PHONE_CAP + 1):
            self.take((first + n) % len(RESIDENTS), ahead, PHONES[phone])

    @rule(resident=st.integers(0, len(RESIDENTS) - 1), ahead=st.integers(0, WINDOW))
    def an_operator_takes_a_ticket_for_a_resident(self, resident: int, ahead: int) -> None:
        self.take(resident, ahead, OPERATOR)

    @rule(first=st.integers(0, len(RESIDENTS) - 1), ahead=st.integers(0, WINDOW))
    def an_operator_books_a_row_of_residents_for_one_day(self, first: int, ahead: int) -> None:
        for n in range(OPERATOR_CAP + 1):
            self.take((first + n) % len(RESIDENTS), ahead, OPERATOR)

    @precondition(lambda self: self.bookings)
    @rule(data=st.data())
    def a_ticket_is_cancelled(self, data: st.DataObject) -> None:
        booking = list(self.bookings.values())[data.draw(st.integers(0, len(self.bookings) - 1))]
        cancellable = booking.state == "cancelled" or booking.day >= self.today
        try:
            ticket = tickets.cancel(self.store, loket_settings.settings(), booking.code, self.now)
        except NotCancellable:
            assert not cancellable, booking
            return
        assert cancellable and (ticket.code, ticket.state) == (booking.code, "cancelled")
        booking.state = "cancelled"

    # --- administrators -------------------------------------------------------------------

    @rule(ahead=st.integers(0, WINDOW), quota=st.integers(0, 3), door=st.integers(0, 3))
    def an_administrator_sets_a_day_s_quota_and_door(self, ahead: int, quota: int, door: int) -> None:
        day, door = self.today + timedelta(days=ahead), min(door, quota)
        days.set_day_quota(self.store, loket_settings.settings(), SITE, day, quota, self.today, "admin", door)
        self.own[day] = (quota, door)
        if self.active(day, "public") > quota - door or self.active(day, "door") > door:
            self.lowered.add((SITE, day))

    # --- time -----------------------------------------------------------------------------

    @rule(minutes=st.integers(1, 180))
    def time_passes(self, minutes: int) -> None:
        self.now += timedelta(minutes=minutes)

    @rule(seconds_after=st.integers(0, 120))
    def midnight_in_wib_passes(self, seconds_after: int) -> None:
        midnight = self.now.replace(hour=17, minute=0, second=0, microsecond=0)
        if midnight <= self.now:
            midnight += timedelta(days=1)
        self.now = midnight + timedelta(seconds=seconds_after)

    @rule(hour_wib=st.integers(0, 23))
    def a_weekend_passes(self, hour_wib: int) -> None:
        """To the coming Monday at `hour_wib`."""
        today = self.today
        monday = today + timedelta(days=(7 - today.weekday()) % 7 or 7)
        self.now = datetime.combine(monday, datetime.min.time(), WIB).replace(hour=hour_wib).astimezone(UTC)

    # --- what must always hold --------------------------------------------------------------

    @invariant()
    def the_tables_keep_the_rules_and_agree_with_the_model(self) -> None:
        state = booked()
        verdict = booking_violations(state, self.today, PHONE_CAP, lowered=frozenset(self.lowered))
        assert verdict.violations == []
        stored = {t.code: (t.service_day, t.number, t.state, t.pool) for t in state.tickets}
        assert stored == {b.code: (b.day, b.number, b.state, b.pool) for b in self.bookings.values()}
        for (_, day), counter in state.days.items():
            cancelled = sum(1 for b in self.bookings.values() if b.day == day and b.state == "cancelled")
            assert (counter.issued, counter.cancelled) == (self.issued[day], cancelled), day


@pytest.fixture
def machine(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[BookingMachine]]:
    from moto import mock_aws

    for name, value in {
        "LOKET_DEFAULT_QUOTA": DEFAULT_QUOTA,
        "LOKET_BOOKING_DAYS_AHEAD": WINDOW,
        "LOKET_TICKETS_PER_PHONE": PHONE_CAP,
        "LOKET_TICKETS_PER_OPERATOR": OPERATOR_CAP,
    }.items():
        monkeypatch.setenv(name, str(value))
    with mock_aws():
        BookingMachine.store = bind_store(monkeypatch, None)  # tables once; each run empties them
        yield BookingMachine


def test_booking_cancelling_caps_and_the_door_keep_their_rules_across_midnights_and_weekends(
    machine: type[BookingMachine],
) -> None:
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=30,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
            derandomize=True,
            database=None,
        ),
    )
