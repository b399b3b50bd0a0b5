"""A take or a cancel dies between any two of its DynamoDB calls (ADR 0010's write sequences),
then the resident asks again, asks for another day, or nobody comes back.

For every call N of a clean run, the process dies once just before call N and once just after
call N was answered (its write committed). After that: no lost ticket (asked again, the
resident gets theirs, under the dead take's code and with its number once it was counted), no
NIK locked out for good (another day, once the 2-minute STALE window is over, is granted or
refused with holds_other_day for a real ticket, which can be found, cancelled and the day
changed), no place counted twice, no number handed out twice. The oracle is the tables as
stored (tests/support/booking_invariants.py). In-process moto: single-threaded, functional is enough.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib.core.errors import HoldsOtherDay, LoketError, Unavailable
from chalicelib.core.nik import Nik, parse_nik
from chalicelib.core.tickets import Holder
from chalicelib.services import days, tickets
from chalicelib.settings import HashPurpose, hash_key, settings
from chalicelib.store.dynamo import DynamoStore
from tests.support.booking_invariants import Booked, assert_booking_rules, booked, booking_violations
from tests.support.faults import DieAt, ProcessDied
from tests.support.servers import bind_store

SITE = "kab-blitar"
MONDAY = date(2026, 11, 23)
TUESDAY = MONDAY + timedelta(days=1)
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 09:00 WIB
LATER = NOW + tickets.STALE + timedelta(seconds=1)  # the dead take's claim is stale by then
CAP = 4
ALICE, BUDI = parse_nik("3505124509909101"), parse_nik("3505121708859102")
PHONE = Holder("phone", "a1" * 32)
OTHER_PHONE = Holder("phone", "b2" * 32)
OPERATOR = Holder("operator", "operator-desa-1")


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], DynamoStore]]:
    """Empty tables on in-process moto, each time it is called (emptied, not created again:
    a tenth of the cost); only Monday and Tuesday open, 10 places each, 2 at the door."""
    from moto import mock_aws

    from chalicelib.store.models import MODELS

    monkeypatch.setenv("LOKET_DEFAULT_QUOTA", "0")
    with mock_aws():
        store = bind_store(monkeypatch, None)

        def emptied() -> DynamoStore:
            for model in MODELS.values():
                with model.batch_write() as batch:
                    for item in model.scan():
                        batch.delete(item)
            for day in (MONDAY, TUESDAY):
                days.set_day_quota(store, settings(), SITE, day, 10, MONDAY, "admin-test", 2)
            return store

        yield emptied


def take(store: DynamoStore, nik: Nik, day: date, holder: Holder, now: datetime = NOW) -> tickets.Taken:
    return tickets.take(store, settings(), SITE, day, nik, holder, now, hash_key(HashPurpose.NIK))


def holder_key(nik: Nik) -> str:
    return nik.holder_key(hash_key(HashPurpose.NIK))


def wrote(death: DieAt, operation: str, table: str) -> bool:
    """Whether the dead attempt's `operation` on `table` reached DynamoDB (it may have been
    refused by its condition: the state tells what it did)."""
    return any(c.operation == operation and c.table.endswith(table) for c in death.committed)


@dataclass(frozen=True)
class Given:
    holder: Holder
    before: Callable[[DynamoStore], None]  # what the tables hold before Alice's take
    numbered: int  # the number Alice's ticket gets


def nothing(store: DynamoStore) -> None:
    pass


def budi_holds_one_from_the_same_phone(store: DynamoStore) -> None:
    assert take(store, BUDI, MONDAY, PHONE).ticket.number == 1


GIVENS = {
    "a phone's first ticket": Given(PHONE, nothing, 1),
    "a phone's second ticket": Given(PHONE, budi_holds_one_from_the_same_phone, 2),
    "an operator's ticket from the door": Given(OPERATOR, nothing, 1),
}


def after_the_death(store: DynamoStore, given: Given, death: DieAt, dead: Booked) -> list[str]:
    """What must hold right after the death, nobody having asked again: every rule, a place
    left counted without a ticket only by a take that counted it and died before its ticket."""
    verdict = booking_violations(dead, MONDAY, CAP, settled=False)
    counted = wrote(death, "UpdateItem", "-day-counters") and not wrote(death, "PutItem", "-tickets")
    expected = [(SITE, MONDAY, given.numbered)] if counted else []
    broken = list(verdict.violations)
    if verdict.counted_without_a_ticket != expected:
        broken.append(f"counted without a ticket: {verdict.counted_without_a_ticket}, expected {expected}")
    return broken


def asks_again(store: DynamoStore, given: Given, death: DieAt, dead: Booked) -> list[str]:
    """The resident taps again (a retry of the lost answer): their ticket, once. Within the 2
    minutes a live take may still be running, a hold without its ticket is waited for (503:
    ask again); past them the dead take is taken over and finished."""
    broken: list[str] = []
    hold = dead.holds.get((SITE, holder_key(ALICE)))
    if hold is not None and dead.ticket(hold.code) is None:
        try:
            take(store, ALICE, MONDAY, given.holder)
            broken.append("a retry at once ran the steps of a take that may still be live")
        except Unavailable:
            pass
        again = take(store, ALICE, MONDAY, given.holder, LATER)
    else:
        again = take(store, ALICE, MONDAY, given.holder)
    state = booked()
    broken += booking_violations(state, MONDAY, CAP).violations
    if hold is not None and again.ticket.code != hold.code:
        broken.append("the retry did not resume the dead take under its hold's code")
    counted = dead.days[(SITE, MONDAY)].holders.get(holder_key(ALICE))
    if again.ticket.number != given.numbered or counted not in (None, again.ticket.number):
        broken.append(f"number {again.ticket.number}, counted {counted}, expected {given.numbered}")
    if state.days[(SITE, MONDAY)].issued != given.numbered:
        broken.append(f"issued {state.days[(SITE, MONDAY)].issued}: a place counted twice")
    if again.created == (dead.ticket(again.ticket.code) is not None):
        broken.append(
            f"created {again.created}, yet the ticket was stored before: {dead.ticket(again.ticket.code)}"
        )
    return broken


def asks_for_another_day_later(store: DynamoStore, given: Given, death: DieAt, dead: Booked) -> list[str]:
    """Past the STALE window, the NIK asks for Tuesday: granted (the dead take undone, or never
    begun), or holds_other_day naming a real Monday ticket (the dead take finished), which the
    resident finds by asking for Monday, cancels, and then gets Tuesday."""
    broken: list[str] = []
    try:
        tuesday = take(store, ALICE, TUESDAY, given.holder, LATER)
    except HoldsOtherDay as held:
        if (SITE, holder_key(ALICE)) not in dead.holds:
            broken.append("holds_other_day, though the dead take had not claimed its hold")
        monday = take(store, ALICE, MONDAY, given.holder, LATER)  # how a resident finds the code
        if held.service_day != MONDAY or monday.created or monday.ticket.number != given.numbered:
            broken.append(f"held {held.service_day}, Monday's ticket {monday}")
        tickets.cancel(store, settings(), monday.ticket.code, LATER)
        tuesday = take(store, ALICE, TUESDAY, given.holder, LATER)
    if not tuesday.created or tuesday.ticket.service_day != TUESDAY:
        broken.append(f"Tuesday: {tuesday}")
    state = booked()
    broken += booking_violations(state, MONDAY, CAP).violations
    if state.days[(SITE, MONDAY)].issued > given.numbered:
        broken.append("Monday counted a place twice")
    return broken


THEN: dict[str, Callable[[DynamoStore, Given, DieAt, Booked], list[str]]] = {
    "nobody asks again": after_the_death,
    "the resident asks again": asks_again,
    "the resident asks for another day, later": asks_for_another_day_later,
}


@pytest.mark.parametrize("given_name", list(GIVENS))
def test_a_take_dying_between_any_two_calls_loses_no_ticket_locks_no_nik_and_counts_nothing_twice(
    given_name: str, fresh: Callable[[], DynamoStore]
) -> None:
    given = GIVENS[given_name]
    store = fresh()
    given.before(store)
    with DieAt().installed() as clean:
        first = take(store, ALICE, MONDAY, given.holder)
    assert (first.created, first.ticket.number) == (True, given.numbered)
    assert_booking_rules(booked(), MONDAY, CAP)
    calls = len(clean.calls)
    assert clean.calls[0].table.endswith("-holds")  # the sequence's first write

    failures = []
    for at in range(1, calls + 1):
        for after in (False, True):
            for then_name, then in THEN.items():
                store = fresh()
                given.before(store)
                with DieAt(at, after).installed() as death, pytest.raises(ProcessDied):
                    take(store, ALICE, MONDAY, given.holder)
                broken = then(store, given, death, booked())
                if broken:
                    where = "after" if after else "before"
                    failures.append(
                        f"died {where} call {at} of {calls} ({death.calls[at - 1]}), {then_name}: {broken}"
                    )
    assert failures == []


# --- cancels ----------------------------------------------------------------------------------


def cancel_again(store: DynamoStore, code: str, death: DieAt, dead: Booked) -> list[str]:
    cancelled = tickets.cancel(store, settings(), code, NOW)
    state = booked()
    broken = booking_violations(state, MONDAY, CAP).violations
    counter = state.days[(SITE, MONDAY)]
    if cancelled.state != "cancelled" or (counter.issued, counter.cancelled, counter.holders) != (1, 1, {}):
        broken.append(f"{cancelled.state}, counter {counter}")
    if state.holds or any(state.slots.values()):
        broken.append(f"left behind: holds {state.holds}, slots {state.slots}")
    return broken


def cancel_nobody_retries(store: DynamoStore, code: str, death: DieAt, dead: Booked) -> list[str]:
    """Right after the death: every rule; the place still counted for the cancelled ticket
    only if the ticket moved and its place was not given back (the repair's to finish)."""
    verdict = booking_violations(dead, MONDAY, CAP, settled=False)
    moved = dead.ticket(code)
    assert moved is not None
    released = wrote(death, "UpdateItem", "-day-counters")
    expected = [(SITE, MONDAY, 1)] if moved.state == "cancelled" and not released else []
    broken = list(verdict.violations)
    if verdict.counted_for_a_cancelled_ticket != expected:
        broken.append(f"half cancelled {verdict.counted_for_a_cancelled_ticket}, expected {expected}")
    return broken


def takes_the_day_again(store: DynamoStore, code: str, death: DieAt, dead: Booked) -> list[str]:
    """The NIK asks for Monday again: if the ticket moved to cancelled, a new ticket with a
    new number (the old one is never handed out again); if not, the same ticket."""
    moved = dead.ticket(code)
    assert moved is not None
    again = take(store, ALICE, MONDAY, OTHER_PHONE)
    state = booked()
    broken = booking_violations(state, MONDAY, CAP).violations
    counter = state.days[(SITE, MONDAY)]
    if moved.state == "cancelled":
        if (again.created, again.ticket.number, counter.issued, counter.cancelled) != (True, 2, 2, 1):
            broken.append(f"after the cancel: {again}, counter {counter}")
    elif (again.created, again.ticket.code, counter.issued, counter.cancelled) != (False, code, 1, 0):
        broken.append(f"the cancel never happened, yet: {again}, counter {counter}")
    return broken


def takes_another_day_later(store: DynamoStore, code: str, death: DieAt, dead: Booked) -> list[str]:
    moved = dead.ticket(code)
    assert moved is not None
    broken: list[str] = []
    try:
        tuesday = take(store, ALICE, TUESDAY, PHONE, LATER)
    except HoldsOtherDay as held:
        if moved.state == "cancelled" or held.service_day != MONDAY:
            broken.append(f"holds_other_day {held.service_day} after a cancelled ticket")
    except LoketError as refused:
        broken.append(f"refused {refused.code}")
    else:
        if moved.state != "cancelled" or not tuesday.created:
            broken.append(f"Tuesday {tuesday}, though Monday's ticket was {moved.state}")
    state = booked()
    broken += booking_violations(state, MONDAY, CAP).violations
    counter = state.days[(SITE, MONDAY)]
    if (counter.issued, counter.cancelled) != (1, 1 if moved.state == "cancelled" else 0):
        broken.append(f"Monday's counter {counter}")
    return broken


AFTER_A_CANCEL: dict[str, Callable[[DynamoStore, str, DieAt, Booked], list[str]]] = {
    "nobody cancels again": cancel_nobody_retries,
    "the cancel is retried": cancel_again,
    "the NIK takes the day again": takes_the_day_again,
    "the NIK takes another day, later": takes_another_day_later,
}


def test_a_cancel_dying_between_any_two_calls_gives_the_place_back_once_when_finished(
    fresh: Callable[[], DynamoStore],
) -> None:
    store = fresh()
    code = take(store, ALICE, MONDAY, PHONE).ticket.code
    with DieAt().installed() as clean:
        tickets.cancel(store, settings(), code, NOW)
    assert cancel_again(store, code, clean, booked()) == []  # a cancel of a cancelled ticket changes nothing
    calls = len(clean.calls)

    failures = []
    for at in range(1, calls + 1):
        for after in (False, True):
            for then_name, then in AFTER_A_CANCEL.items():
                store = fresh()
                code = take(store, ALICE, MONDAY, PHONE).ticket.code
                with DieAt(at, after).installed() as death, pytest.raises(ProcessDied):
                    tickets.cancel(store, settings(), code, NOW)
                broken = then(store, code, death, booked())
                if broken:
                    where = "after" if after else "before"
                    failures.append(
                        f"died {where} call {at} of {calls} ({death.calls[at - 1]}), {then_name}: {broken}"
                    )
    assert failures == []
