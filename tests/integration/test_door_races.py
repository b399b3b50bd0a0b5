"""The door under concurrency, on both linearizable backends (the embedded moto server and
dynalite, over HTTP): nine desks calling at once never call a ticket twice, never skip one,
and call in number order; check-ins racing the calls change none of that.

The oracle is the calls' own timing, not the code's: a call answered number n read the
queue at some instant inside its request and found n the lowest waiting number, so every
lower number m that was surely waiting by then (its check-in had ended before the call began)
had already been claimed by a call that began before this one ended. In-process moto is not
used here: it takes no lock (STACK-NOTES.md).
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pytest

from chalicelib.core.errors import QueueEmpty
from chalicelib.core.tickets import Holder, Ticket
from chalicelib.services import queue
from chalicelib.settings import settings
from chalicelib.store.dynamo import DynamoStore
from tests.support.load import DOOR_ROUNDS, all_at_once
from tests.support.servers import bind_store, patient_clients

SITE = "kab-blitar"
MONDAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 09:00 WIB, Monday
# Each call reads the day's tickets by number (the index), so a round costs the square of the
# tickets: `make test` calls 150 (about 20 s a test on the moto server, 400 takes minutes),
# `make test-load` the 400, five rounds (tests/support/load.py).
TICKETS = int(os.environ.get("LOKET_DOOR_TICKETS", "150"))
DESKS = 9
DOORS = 3  # staff checking residents in while the desks call
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


@pytest.fixture(params=["moto_server", "dynalite"])
def linearizable_store(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> DynamoStore:
    patient_clients(monkeypatch, DESKS + DOORS)
    return bind_store(monkeypatch, request.getfixturevalue(f"{request.param}_endpoint"))


def code_of(number: int) -> str:
    digits = []
    for _ in range(8):
        number, digit = divmod(number, len(ALPHABET))
        digits.append(ALPHABET[digit])
    return "".join(digits)


def booked_day(store: DynamoStore) -> dict[int, str]:
    """Tickets 1..TICKETS of today, booked, as a take stores them (the take's own races are
    test_concurrency.py's): number -> code."""
    codes = {number: code_of(number) for number in range(1, TICKETS + 1)}

    def put(number: int) -> bool:
        ticket = Ticket(
            code=codes[number],
            site=SITE,
            service_day=MONDAY,
            number=number,
            nik_last4=f"{number:04d}",
            nik_holder_key=f"holder{number:06d}",
            state="booked",
            holder=Holder("phone", f"phone-{number}"),
            pool="public",
            booked_at=NOW,
        )
        return store.put_ticket(ticket)[1]

    assert all(t.result for t in all_at_once(list(codes), put, threads=DESKS))
    return codes


def check_in(store: DynamoStore, code: str) -> int:
    return queue.check_in(store, settings(), SITE, NOW, code=code).number


@dataclass(frozen=True)
class Answered:
    desk: int
    number: int
    started: int
    ended: int


@dataclass
class Desks:
    """Nine desks, each its own thread, calling until `stop` says so."""

    store: DynamoStore
    calls: list[Answered] = field(default_factory=list)
    empty_answers: int = 0
    errors: list[BaseException] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self, stop: Callable[[bool], bool], before_each: Callable[[], None] = lambda: None) -> None:
        """`stop(last_was_empty)` is asked before each call, under no lock of ours."""
        barrier = threading.Barrier(DESKS)

        def desk(number: int) -> None:
            barrier.wait(timeout=60)
            empty = False
            try:
                while not stop(empty):
                    before_each()
                    started = time.monotonic_ns()
                    try:
                        call = queue.call_next(self.store, settings(), SITE, number, NOW)
                    except QueueEmpty:
                        empty = True
                        with self.lock:
                            self.empty_answers += 1
                        continue
                    empty = False
                    with self.lock:
                        self.calls.append(Answered(number, call.ticket.number, started, time.monotonic_ns()))
            except BaseException as error:  # shown by the test, not lost in a thread
                with self.lock:
                    self.errors.append(error)

        threads = [threading.Thread(target=desk, args=(d,)) for d in range(1, DESKS + 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=600)
        assert not any(thread.is_alive() for thread in threads)
        assert self.errors == []


def skipped_over(calls: list[Answered], waiting_since: dict[int, int]) -> list[tuple[int, int]]:
    """(m, n) pairs where n was called although lower m surely waited and nobody had begun
    calling m before n's call ended. `waiting_since[m]`: when m's check-in ended."""
    by_number = {c.number: c for c in calls}
    found = []
    for n, call in by_number.items():
        for m in range(1, n):
            lower = by_number[m]
            if waiting_since[m] < call.started and not lower.started < call.ended:
                found.append((m, n))
    return found


def the_queue_agrees_with_the_tickets(store: DynamoStore, calls: list[Answered]) -> None:
    tickets = {t.number: t for t in store.tickets_of_day(SITE, MONDAY)}
    assert {n: t.state for n, t in tickets.items()} == dict.fromkeys(range(1, TICKETS + 1), "called")
    assert {c.number: c.desk for c in calls} == {n: t.desk for n, t in tickets.items()}
    board = store.queue(SITE, MONDAY)
    assert board is not None and board.waiting == frozenset()
    last_of_each_desk = {c.desk: c.number for c in sorted(calls, key=lambda c: c.ended)}
    assert board.now_serving == last_of_each_desk
    with pytest.raises(QueueEmpty):
        queue.call_next(store, settings(), SITE, 1, NOW)


@pytest.mark.parametrize("round_", range(1, DOOR_ROUNDS + 1))
def test_nine_desks_calling_at_once_call_every_checked_in_ticket_once_in_number_order(
    linearizable_store: DynamoStore, round_: int
) -> None:
    """GIVEN 400 tickets of today (`make test`: 150), checked in in a shuffled order
    WHEN nine desks call as many times in all, at once, each from its own thread
    THEN every ticket is called exactly once, each desk's numbers rise, no call skipped a
    lower waiting number, and the board shows each desk's last number with nobody waiting."""
    store = linearizable_store
    codes = booked_day(store)
    arrivals = list(codes.values())
    random.Random(round_).shuffle(arrivals)
    for code in arrivals:
        check_in(store, code)
    waiting_since = dict.fromkeys(codes, 0)  # all checked in before the first call

    budget = TICKETS
    taking = threading.Lock()

    def stop(_: bool) -> bool:
        nonlocal budget
        with taking:
            budget -= 1
            return budget < 0

    desks = Desks(store)
    desks.run(stop)

    assert desks.empty_answers == 0
    numbers = [c.number for c in desks.calls]
    assert sorted(numbers) == list(range(1, TICKETS + 1))  # none skipped, none twice
    for desk in range(1, DESKS + 1):
        own = [c.number for c in sorted(desks.calls, key=lambda c: c.started) if c.desk == desk]
        assert own == sorted(own), desk
    assert skipped_over(desks.calls, waiting_since) == []
    the_queue_agrees_with_the_tickets(store, desks.calls)


@pytest.mark.parametrize("round_", range(1, DOOR_ROUNDS + 1))
def test_check_ins_racing_the_desks_calls_leave_no_ticket_uncalled_or_called_twice(
    linearizable_store: DynamoStore, round_: int
) -> None:
    """GIVEN 400 tickets of today (`make test`: 150), none checked in
    WHEN three doors check them in, in a shuffled order, while nine desks call at once
    THEN once the doors are done and the desks hear queue_empty, every ticket was called
    exactly once, and no call passed over a lower number already waiting when it began."""
    store = linearizable_store
    codes = booked_day(store)
    arrivals = list(codes.items())
    random.Random(1000 + round_).shuffle(arrivals)
    waiting_since: dict[int, int] = {}
    arrived = threading.Condition()
    doors_done = threading.Event()

    def door(item: tuple[int, str]) -> None:
        number, code = item
        assert check_in(store, code) == number
        with arrived:
            waiting_since[number] = time.monotonic_ns()
            arrived.notify_all()

    door_errors: list[BaseException] = []

    def doors() -> None:
        try:
            all_at_once(arrivals, door, threads=DOORS)
        except BaseException as error:  # shown by the test, not lost in a thread
            door_errors.append(error)
        finally:
            doors_done.set()
            with arrived:
                arrived.notify_all()

    desks = Desks(store)
    seen_before_call: dict[int, bool] = {}

    def before_each() -> None:
        seen_before_call[threading.get_ident()] = doors_done.is_set()
        with arrived:
            if not doors_done.is_set() and len(waiting_since) <= len(desks.calls):
                arrived.wait(timeout=1)  # nobody new waits: the desk looks again shortly

    def stop(last_was_empty: bool) -> bool:
        """A desk stops at the first queue_empty of a call begun after every door had
        finished; until then an empty queue means waiting for the next resident."""
        return last_was_empty and seen_before_call.get(threading.get_ident(), False)

    door_thread = threading.Thread(target=doors)
    door_thread.start()
    desks.run(stop, before_each)
    door_thread.join(timeout=600)
    assert not door_thread.is_alive()

    assert door_errors == [] and sorted(waiting_since) == list(range(1, TICKETS + 1))
    numbers = [c.number for c in desks.calls]
    assert sorted(numbers) == list(range(1, TICKETS + 1))  # none skipped, none twice
    assert skipped_over(desks.calls, waiting_since) == []
    the_queue_agrees_with_the_tickets(store, desks.calls)
