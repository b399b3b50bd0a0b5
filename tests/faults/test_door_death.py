"""The process dies between any two DynamoDB calls of a check-in, a call or a served, then the
request is made again (the door scans again, the desk presses again). For every call N of a
clean run, it dies once just before call N and once just after call N was answered.

After the rerun, read from the tables: the queue's `waiting` is exactly the checked-in
tickets' numbers, every desk on the board shows a ticket that desk called, `served` is exactly
the served tickets; and then the desks call until queue_empty: every checked-in ticket is
called exactly once (a ticket checked in and never called would be a lost call).
In-process moto: single-threaded, so functional is enough.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest

from chalicelib import runtime
from chalicelib.core.errors import QueueEmpty
from chalicelib.core.tickets import Holder, Ticket
from chalicelib.services import queue
from chalicelib.settings import settings
from chalicelib.store.dynamo import DynamoStore
from chalicelib.store.memory import MemoryStore
from tests.support.api_client import Answer, Api, mint
from tests.support.faults import DieAt, ProcessDied
from tests.support.servers import bind_store

pytestmark = pytest.mark.usefixtures("no_ticket_proof")

SITE = "kab-blitar"
MONDAY = date(2026, 11, 23)  # the clock's today
ALICE, BUDI, CITRA = "3505124509909101", "3505121708859102", "3505120101009103"
STAFF = mint("staff")


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], DynamoStore]]:
    from moto import mock_aws

    with mock_aws():
        yield lambda: bind_store(monkeypatch, None)


def book(api: Api, nik: str) -> str:
    answer = api.post("/v1/tickets", {"nik": nik})
    assert answer.status == 201, answer
    return str(answer.body["ticket"]["code"])


def check_in(api: Api, code: str) -> Answer:
    return api.post("/v1/admin/checkins", {"code": code}, token=STAFF)


def call(api: Api, desk: int) -> Answer:
    return api.post("/v1/admin/calls", {"desk": desk}, token=STAFF)


def what_is_wrong(store: DynamoStore) -> list[str]:
    """The queue item against the tickets, then the desks calling until the queue is empty."""
    tickets = {t.number: t for t in store.tickets_of_day(SITE, MONDAY)}
    board = store.queue(SITE, MONDAY)
    problems = []
    waiting = {n for n, t in tickets.items() if t.state == "checked_in"}
    if board is None:
        return [] if not waiting else [f"no queue, {sorted(waiting)} checked in"]
    if board.waiting != waiting:
        problems.append(f"waiting {sorted(board.waiting)}, checked in {sorted(waiting)}")
    for desk, number in board.now_serving.items():
        shown = tickets.get(number)
        if shown is None or shown.desk != desk or shown.state not in ("called", "served", "no_show"):
            problems.append(f"desk {desk} shows {number}: {shown}")
    served = {n for n, t in tickets.items() if t.state == "served"}
    if board.served != served:
        problems.append(f"served {sorted(board.served)}, tickets served {sorted(served)}")
    called_before = {n for n, t in tickets.items() if t.called_at is not None}
    drained = []
    while True:
        try:
            drained.append(queue.call_next(store, settings(), SITE, 9, runtime.now()).ticket.number)
        except QueueEmpty:
            break
    if len(drained) != len(set(drained)) or set(drained) & called_before:
        problems.append(f"called twice: drained {drained} after {sorted(called_before)}")
    after = {t.number: t.state for t in store.tickets_of_day(SITE, MONDAY)}
    checked_in_ever = {n for n, t in tickets.items() if t.checked_in_at is not None}
    never_called = {n for n in checked_in_ever if after[n] == "checked_in"}
    if never_called:
        problems.append(f"checked in and never called: {sorted(never_called)}")
    return problems


@dataclass(frozen=True)
class Scenario:
    given: Callable[[Api], dict[str, str]]  # -> codes by NIK
    request: Callable[[Api, dict[str, str]], Answer]
    expect: Callable[[Answer], bool]


def three_booked_one_checked_in(api: Api) -> dict[str, str]:
    codes = {nik: book(api, nik) for nik in (ALICE, BUDI, CITRA)}
    assert check_in(api, codes[CITRA]).status == 200
    return codes


def three_checked_in_one_called(api: Api) -> dict[str, str]:
    codes = {nik: book(api, nik) for nik in (ALICE, BUDI, CITRA)}
    for nik in (CITRA, ALICE, BUDI):
        assert check_in(api, codes[nik]).status == 200
    assert call(api, 1).body["call"]["number"] == 1
    return codes


def state_is(state: str) -> Callable[[Answer], bool]:
    return lambda answer: answer.status == 200 and answer.body["ticket"]["state"] == state


SCENARIOS: dict[str, Scenario] = {
    "a check-in by code": Scenario(
        three_booked_one_checked_in, lambda api, codes: check_in(api, codes[BUDI]), state_is("checked_in")
    ),
    "a check-in by NIK": Scenario(
        three_booked_one_checked_in,
        lambda api, codes: api.post("/v1/admin/checkins", {"nik": ALICE}, token=STAFF),
        state_is("checked_in"),
    ),
    "a desk's call": Scenario(
        three_checked_in_one_called,
        lambda api, codes: call(api, 2),
        lambda answer: answer.status == 200 and answer.body["call"]["desk"] == 2,
    ),
    "a served": Scenario(
        three_checked_in_one_called,
        lambda api, codes: api.put(f"/v1/admin/tickets/{codes[ALICE]}", {"state": "served"}, token=STAFF),
        state_is("served"),
    ),
    "a waiting resident marked a no-show": Scenario(
        three_checked_in_one_called,
        lambda api, codes: api.put(f"/v1/admin/tickets/{codes[BUDI]}", {"state": "no_show"}, token=STAFF),
        state_is("no_show"),
    ),
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_dying_between_any_two_calls_at_the_door_then_asking_again_loses_no_call(
    name: str, api: Api, fresh: Callable[[], DynamoStore]
) -> None:
    scenario = SCENARIOS[name]
    store = fresh()
    codes = scenario.given(api)
    with DieAt().installed() as clean:
        answer = scenario.request(api, codes)
    assert scenario.expect(answer), answer
    assert what_is_wrong(store) == []  # a run nobody killed passes the same checks
    calls = len(clean.calls)

    failures = []
    for at in range(1, calls + 1):
        for after in (False, True):
            store = fresh()
            codes = scenario.given(api)
            with DieAt(at, after).installed() as death, pytest.raises(ProcessDied):
                scenario.request(api, codes)
            rerun = scenario.request(api, codes)
            problems = [] if scenario.expect(rerun) else [f"the rerun answered {rerun}"]
            problems += what_is_wrong(store)
            if problems:
                where = "after" if after else "before"
                failures.append(f"died {where} call {at} of {calls} ({death.calls[at - 1]}): {problems}")
    assert failures == []


class IndexBehind(MemoryStore):
    """The twin, with the by-number index a step behind the table, as DynamoDB's may be: a
    ticket found by its number shows the state it had before its last change."""

    def __init__(self) -> None:
        super().__init__()
        self.before: dict[str, Ticket] = {}

    def change_ticket_state(self, code: str, *args: Any, **kwargs: Any) -> tuple[Ticket | None, bool]:
        was = self.ticket(code)
        moved, won = super().change_ticket_state(code, *args, **kwargs)
        if won and was is not None:
            self.before[code] = was
        return moved, won

    def ticket_with_number(self, site: str, day: date, number: int) -> Ticket | None:
        found = super().ticket_with_number(site, day, number)
        return None if found is None else self.before.get(found.code, found)


def test_a_call_that_finds_the_index_behind_a_check_in_calls_that_ticket_and_drops_none() -> None:
    store, config = IndexBehind(), settings()
    now = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    for number in (1, 2):
        store.put_ticket(
            Ticket(
                f"CODE000{number}",
                SITE,
                MONDAY,
                number,
                "0001",
                f"holder-{number}",
                "booked",
                Holder("phone", "p"),
                "public",
                now,
            )
        )
        queue.check_in(store, config, SITE, now, code=f"CODE000{number}")

    called = [queue.call_next(store, config, SITE, desk, now).ticket.number for desk in (1, 2)]

    assert called == [1, 2]
    with pytest.raises(QueueEmpty):
        queue.call_next(store, config, SITE, 1, now)
