"""A take or a cancel dies between two of its writes and nobody asks again: the repair (every
5 minutes in AWS) finishes it, so that no place stays counted without its ticket, and no
cancelled place stays out of the day.

For every call N of a clean run the process dies just before and just after call N; then
the clock moves past the 2-minute window after which a claim is a dead take, the repair runs
(twice: a second run changes nothing), and the day is checked against the tables themselves:
every holder entry in the counter names a ticket that is not cancelled, the numbers are
unique and within 1..issued, and the tickets not cancelled are exactly what the counter
counts. In-process moto: single-threaded, so functional is enough.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta

import pytest

from chalicelib import runtime
from chalicelib.events import repair
from chalicelib.settings import settings
from chalicelib.store.dynamo import DynamoStore
from chalicelib.store.models import TicketRecord
from tests.support.api_client import Api, Clock, mint
from tests.support.counters import stored_counter
from tests.support.faults import DieAt, ProcessDied
from tests.support.servers import bind_store

SITE = "kab-blitar"
ALICE, BUDI = "3505124509909101", "3505121708859102"
PHONE = "phone-of-alice"


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], DynamoStore]]:
    from moto import mock_aws

    with mock_aws():
        yield lambda: bind_store(monkeypatch, None)


def take(api: Api, nik: str, day: date) -> int:
    token = mint("resident", sub=PHONE)
    return api.call("POST", "/v1/tickets", {"nik": nik, "service_day": day.isoformat()}, token=token).status


def the_day_adds_up(day: date) -> list[str]:
    """What is wrong with the day, read from the tables (empty: nothing)."""
    counter = stored_counter(SITE, day)
    if counter is None:
        return []
    tickets = [t for t in TicketRecord.scan(consistent_read=True) if t.service_day == day.isoformat()]
    live = {int(t.number): t for t in tickets if t.state != "cancelled"}
    problems = []
    numbers = [int(t.number) for t in tickets]
    if len(numbers) != len(set(numbers)) or not all(1 <= n <= counter.issued for n in numbers):
        problems.append(f"numbers {sorted(numbers)} of issued {counter.issued}")
    if sorted(counter.holders.values()) != sorted(live):
        problems.append(f"counted {sorted(counter.holders.values())}, tickets not cancelled {sorted(live)}")
    return problems


@pytest.mark.parametrize("after", [False, True], ids=["before", "after"])
def test_a_take_that_died_at_any_call_is_finished_or_left_uncounted_by_the_repair(
    api: Api, clock: Clock, fresh: Callable[[], DynamoStore], after: bool
) -> None:
    day = runtime.now().date() + timedelta(days=3)
    fresh()
    with DieAt().installed() as clean:
        assert take(api, ALICE, day) == 201
    failures = []
    for at in range(1, len(clean.calls) + 1):
        fresh()
        start = clock()
        with DieAt(at, after).installed(), pytest.raises(ProcessDied):
            take(api, ALICE, day)
        clock.advance(minutes=3)
        repair.handle({})
        repair.handle({})
        problems = the_day_adds_up(day)
        if problems:
            failures.append(f"died {'after' if after else 'before'} call {at}: {problems}")
        clock.set(start)
    assert failures == []


@pytest.mark.parametrize("after", [False, True], ids=["before", "after"])
def test_a_cancel_that_died_at_any_call_gives_its_place_back_through_the_repair(
    api: Api, clock: Clock, fresh: Callable[[], DynamoStore], after: bool
) -> None:
    day = runtime.now().date() + timedelta(days=3)

    def booked() -> str:
        token = mint("resident", sub=PHONE)
        answer = api.call("POST", "/v1/tickets", {"nik": BUDI, "service_day": day.isoformat()}, token=token)
        assert answer.status == 201
        return str(answer.body["ticket"]["code"])

    fresh()
    code = booked()
    with DieAt().installed() as clean:
        assert api.call("DELETE", f"/v1/tickets/{code}").status == 200
    failures = []
    for at in range(1, len(clean.calls) + 1):
        fresh()
        code = booked()
        with DieAt(at, after).installed(), pytest.raises(ProcessDied):
            api.call("DELETE", f"/v1/tickets/{code}")
        repair.handle({})
        problems = the_day_adds_up(day)
        counter = stored_counter(SITE, day)
        state = api.call("GET", f"/v1/tickets/{code}").body["ticket"]["state"]
        if state == "cancelled" and counter is not None and counter.holders:
            problems.append("cancelled, and its place still counted")
        if problems:
            failures.append(f"died {'after' if after else 'before'} call {at}: {problems}")
    assert failures == []


def test_the_repair_leaves_a_take_in_flight_alone(
    api: Api, clock: Clock, fresh: Callable[[], DynamoStore]
) -> None:
    """Within the 2 minutes a take may take, its counted place without a ticket is not touched."""
    day = runtime.now().date() + timedelta(days=3)
    fresh()
    with DieAt().installed() as clean:
        take(api, ALICE, day)
    ticket_put = next(i for i, c in enumerate(clean.calls, 1) if c.table.endswith("-tickets"))
    fresh()
    with DieAt(ticket_put - 1, after=True).installed(), pytest.raises(ProcessDied):  # the counter's
        take(api, ALICE, day)
    assert repair.handle({})["takes_finished"] == 0
    clock.advance(minutes=3)
    assert repair.handle({})["takes_finished"] == 1
    assert take(api, ALICE, day) == 200  # the resident finds the ticket the repair finished
    assert settings().ticket_proof == "phone"


@pytest.mark.parametrize("after", [False, True], ids=["before", "after"])
def test_a_check_in_that_died_at_any_call_and_was_never_retried_is_put_in_the_queue_by_the_repair(
    api: Api, clock: Clock, fresh: Callable[[], DynamoStore], after: bool
) -> None:
    """The gap a check-in leaves when it dies between the ticket's write and the queue's: a
    checked-in resident no desk would ever call. The repair puts the number in `waiting`."""
    today = runtime.now().date()
    staff = mint("staff")

    def booked() -> str:
        token = mint("resident", sub=PHONE)
        answer = api.call("POST", "/v1/tickets", {"nik": BUDI, "service_day": today.isoformat()}, token=token)
        assert answer.status == 201
        return str(answer.body["ticket"]["code"])

    fresh()
    code = booked()
    with DieAt().installed() as clean:
        assert api.call("POST", "/v1/admin/checkins", {"code": code}, token=staff).status == 200
    failures = []
    for at in range(1, len(clean.calls) + 1):
        store = fresh()
        start = clock()
        code = booked()
        with DieAt(at, after).installed(), pytest.raises(ProcessDied):
            api.call("POST", "/v1/admin/checkins", {"code": code}, token=staff)
        clock.advance(minutes=3)
        repair.handle({})
        repair.handle({})
        state = api.call("GET", f"/v1/tickets/{code}").body["ticket"]["state"]
        board = store.queue(SITE, today)
        waiting = set() if board is None else set(board.waiting)
        if waiting != ({1} if state == "checked_in" else set()):
            failures.append(f"died {'after' if after else 'before'} call {at}: {state}, waiting {waiting}")
        elif state == "checked_in":
            answer = api.call("POST", "/v1/admin/calls", {"desk": 1}, token=staff)
            if answer.status != 200 or answer.body["call"]["ticket"]["code"] != code:
                failures.append(f"died {'after' if after else 'before'} call {at}: the desk got {answer}")
        clock.set(start)
    assert failures == []


def test_the_repair_leaves_a_check_in_in_flight_alone(
    api: Api, clock: Clock, fresh: Callable[[], DynamoStore]
) -> None:
    store = fresh()
    today = runtime.now().date()
    token = mint("resident", sub=PHONE)
    answer = api.call("POST", "/v1/tickets", {"nik": BUDI, "service_day": today.isoformat()}, token=token)
    code = answer.body["ticket"]["code"]
    with DieAt(2, after=True).installed(), pytest.raises(ProcessDied):  # the ticket's write
        api.call("POST", "/v1/admin/checkins", {"code": code}, token=mint("staff"))
    assert repair.handle({})["check_ins_finished"] == 0  # within the 2 minutes a check-in may take
    assert store.queue(SITE, today) is None
    clock.advance(minutes=3)
    assert repair.handle({})["check_ins_finished"] == 1
    assert repair.handle({})["check_ins_finished"] == 0
