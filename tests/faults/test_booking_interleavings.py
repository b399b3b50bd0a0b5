"""Interleavings of two or three takes of one NIK forced step by step (ADR 0010): each take runs
in its own thread, and a proxy in front of the store holds a thread at a chosen call until
another has reached its own. The calls never overlap, so in-process moto is enough; the
oracle is the tables as stored (tests/support/booking_invariants.py).

The interleaving: a resident taps twice on a full day (twin takes under one hold, the
sequence's design); the first is refused at the counter and undoes its slot and hold, while
the second, which resumed that hold, reaches the counter just after a place was given back.

Both broke the sequence as first built: the refused tap's undo deleted the hold and the slot
the granted twin relied on, so Alice's ticket was guarded by neither (she then took Tuesday
too), and a third tap in between put a second ticket with the same number, over the quota.
Now only one process runs a hold's steps at a time: a take that meets a hold without its
ticket, claimed under 2 minutes ago, is told to ask again (503), and a dead one is taken over
by one conditional write before anyone runs it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from chalicelib.core.errors import HoldsOtherDay, LoketError, QuotaExhausted, Unavailable
from chalicelib.core.nik import Nik, parse_nik
from chalicelib.core.tickets import Holder, Refused
from chalicelib.services import days, tickets
from chalicelib.settings import HashPurpose, hash_key, settings
from chalicelib.store.dynamo import DynamoStore
from tests.support.booking_invariants import booked, booking_violations
from tests.support.servers import bind_store

SITE = "kab-blitar"
MONDAY = date(2026, 11, 23)
TUESDAY = MONDAY + timedelta(days=1)
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 09:00 WIB
ALICE, BUDI = parse_nik("3505124509909101"), parse_nik("3505121708859102")
PHONE = Holder("phone", "a1" * 32)
WAIT = 30  # seconds: a step that never comes fails the test, it is not waited out


def take(store: Any, nik: Nik, day: date) -> tickets.Taken:
    return tickets.take(store, settings(), SITE, day, nik, PHONE, NOW, hash_key(HashPurpose.NIK))


class Proxy:
    """The store, with `before` and `after` hooks per (thread name, method)."""

    def __init__(self, store: DynamoStore) -> None:
        self.store = store
        self.before: dict[tuple[str, str], Callable[[], None]] = {}
        self.after: dict[tuple[str, str], Callable[[Any], None]] = {}

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.store, name)
        if not callable(method):
            return method

        def hooked(*args: Any, **kwargs: Any) -> Any:
            me = threading.current_thread().name
            if (hook := self.before.get((me, name))) is not None:
                hook()
            result = method(*args, **kwargs)
            if (after := self.after.get((me, name))) is not None:
                after(result)
            return result

        return hooked


class Step:
    """A point one thread reaches and another waits for, failing if it never comes."""

    def __init__(self, name: str) -> None:
        self.name, self.event = name, threading.Event()

    def reached(self) -> None:
        self.event.set()

    def wait(self) -> None:
        assert self.event.wait(WAIT), f"never reached: {self.name}"


def run(
    name: str, call: Callable[[], Any], outcome: dict[str, Any], done: Step | None = None
) -> threading.Thread:
    def body() -> None:
        try:
            outcome[name] = call()
        except (LoketError, AssertionError) as raised:
            outcome[name] = raised
        finally:
            if done is not None:
                done.reached()

    thread = threading.Thread(target=body, name=name)
    thread.start()
    return thread


@pytest.fixture
def full_monday(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[DynamoStore, str]]:
    """Monday with one place, held by Budi (his ticket's code given), Tuesday open."""
    from moto import mock_aws

    monkeypatch.setenv("LOKET_DEFAULT_QUOTA", "0")
    with mock_aws():
        store = bind_store(monkeypatch, None)
        days.set_day_quota(store, settings(), SITE, MONDAY, 1, MONDAY, "admin-test")
        days.set_day_quota(store, settings(), SITE, TUESDAY, 5, MONDAY, "admin-test")
        budi = tickets.take(
            store, settings(), SITE, MONDAY, BUDI, Holder("phone", "c3" * 32), NOW, hash_key(HashPurpose.NIK)
        )
        yield store, budi.ticket.code


def test_a_second_tap_while_the_first_is_refused_is_told_to_ask_again_and_the_ticket_stays_guarded(
    full_monday: tuple[DynamoStore, str],
) -> None:
    """GIVEN Monday full, Alice tapping twice
    WHEN the second tap comes while the first, refused at the counter, has not undone yet
    THEN the second is told to ask again and touches nothing; asked again after Budi gave his
    place back, it gets it, guarded by her hold and her phone's slot (Tuesday: holds_other_day)."""
    store, budi_code = full_monday
    proxy = Proxy(store)
    a_refused, b_done = Step("A refused"), Step("B done")

    def a_refused_then_waits(result: Any) -> None:
        assert isinstance(result, Refused), result
        a_refused.reached()
        b_done.wait()

    proxy.after[("A", "take_ticket")] = a_refused_then_waits
    outcome: dict[str, Any] = {}
    a = run("A", lambda: take(proxy, ALICE, MONDAY), outcome)
    a_refused.wait()
    run("B", lambda: take(proxy, ALICE, MONDAY), outcome, b_done).join(WAIT)
    a.join(WAIT)
    assert not a.is_alive()

    assert isinstance(outcome["B"], Unavailable)
    assert isinstance(outcome["A"], QuotaExhausted)
    tickets.cancel(store, settings(), budi_code, NOW)
    again = take(store, ALICE, MONDAY)
    assert again.created and again.ticket.service_day == MONDAY
    assert booking_violations(booked(), MONDAY, 4).violations == []
    with pytest.raises(HoldsOtherDay):
        take(store, ALICE, TUESDAY)


def test_a_tap_between_a_grant_and_its_ticket_never_shares_its_number(
    full_monday: tuple[DynamoStore, str],
) -> None:
    """GIVEN Monday with Budi's place given back, Alice tapping
    WHEN another tap of hers runs whole between her take's grant and its ticket
    THEN it is told to ask again; asked again, it gets her one ticket: no number twice."""
    store, budi_code = full_monday
    tickets.cancel(store, settings(), budi_code, NOW)
    proxy = Proxy(store)
    second: dict[str, Any] = {}
    proxy.before[("A", "put_ticket")] = lambda: run("C", lambda: take(store, ALICE, MONDAY), second).join(
        WAIT
    )
    outcome: dict[str, Any] = {}
    run("A", lambda: take(proxy, ALICE, MONDAY), outcome).join(WAIT)

    assert isinstance(second["C"], Unavailable)
    taken = outcome["A"]
    assert isinstance(taken, tickets.Taken) and taken.created
    again = take(store, ALICE, MONDAY)
    assert (again.created, again.ticket.code, again.ticket.number) == (False, taken.ticket.code, 2)
    state = booked()
    assert booking_violations(state, MONDAY, 4).violations == []
    alice = [t for t in state.tickets if t.nik_holder_key == ALICE.holder_key(hash_key(HashPurpose.NIK))]
    assert [t.number for t in alice] == [2]
