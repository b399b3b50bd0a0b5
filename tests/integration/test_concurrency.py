"""The ticket rule under concurrency, on both linearizable backends (the embedded moto server
and dynalite, over HTTP): never more than the quota, never a gap, never two tickets for one NIK.

In-process moto is not used here: it takes no lock (STACK-NOTES.md).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest

from chalicelib.core.errors import LoketError
from chalicelib.core.nik import Nik, parse_nik
from chalicelib.core.tickets import AlreadyHolds, Granted, Refused
from chalicelib.services import days
from chalicelib.settings import secret, settings
from chalicelib.store.dynamo import DynamoStore
from tests.support.counters import assert_numbers_are_one_to_issued, stored_counter
from tests.support.load import (
    FULL_RUSH_REQUESTS,
    QUOTA,
    ROUNDS,
    RUSH_REQUESTS,
    THREADS,
    Timed,
    all_at_once,
)
from tests.support.residents import distinct_niks
from tests.support.servers import bind_store, patient_clients

SITE = "kab-blitar"
MONDAY = date(2026, 11, 23)  # an open weekday: the default quota (400) is in force

Outcome = tuple[int, bool] | str  # (number, granted by this call) or an error code


@pytest.fixture(params=["moto_server", "dynalite"])
def linearizable_store(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> DynamoStore:
    patient_clients(monkeypatch, THREADS)
    return bind_store(monkeypatch, request.getfixturevalue(f"{request.param}_endpoint"))


def rush_size(request: pytest.FixtureRequest) -> int:
    """dynalite takes the issue's full 5,000 in ~30 s a round; the moto server, which
    deep-copies the counter item on every call, needs minutes, so `make test` gives it
    RUSH_REQUESTS and `make test-load` the full count (tests/support/load.py)."""
    backend = request.node.callspec.params["linearizable_store"]
    return FULL_RUSH_REQUESTS if backend == "dynalite" else RUSH_REQUESTS


def take(store: DynamoStore, nik: Nik) -> Outcome:
    """One grant at the day's counter, preparing the day where it is not (the counter's own
    rule; the whole take, hold, slot and ticket, races in test_booking_races.py)."""
    holder = nik.holder_key(secret("LOKET_NIK_HMAC_KEY"))
    try:
        for _ in range(4):
            outcome = store.take_ticket(SITE, MONDAY, holder)
            if isinstance(outcome, (Granted, AlreadyHolds)):
                return outcome.number, isinstance(outcome, Granted)
            if isinstance(outcome, Refused):
                if outcome.counter.remaining > 0:  # created or raised since the refused write:
                    continue  # as services/tickets.py, ask again
                return "closed" if outcome.counter.quota == 0 else "quota_exhausted"
            days.prepare_day(store, settings(), SITE, MONDAY)
    except LoketError as refused:
        return refused.code
    return "unavailable"


def granted_numbers(outcomes: list[Outcome]) -> list[int]:
    return sorted(o[0] for o in outcomes if isinstance(o, tuple) and o[1])


@pytest.mark.parametrize("round_", range(1, ROUNDS + 1))
def test_a_rush_gets_exactly_the_quota_numbered_one_to_quota(
    linearizable_store: DynamoStore, round_: int, request: pytest.FixtureRequest
) -> None:
    """GIVEN an open day nobody has prepared (the first wave prepares it, all at once)
    WHEN many more residents than the quota ask from 64 threads
    THEN exactly `QUOTA` are granted, numbered 1..QUOTA, everyone else hears quota_exhausted,
    and each resident's number is the one the counter holds for them."""
    niks = [parse_nik(d) for d in distinct_niks(rush_size(request), seed=round_)]

    outcomes = [t.result for t in all_at_once(niks, lambda n: take(linearizable_store, n))]

    assert granted_numbers(outcomes) == list(range(1, QUOTA + 1))
    assert Counter(o for o in outcomes if not isinstance(o, tuple)) == {"quota_exhausted": len(niks) - QUOTA}
    counter = stored_counter(SITE, MONDAY)
    assert counter is not None and counter.issued == QUOTA
    assert_numbers_are_one_to_issued(counter)
    key = secret("LOKET_NIK_HMAC_KEY")
    told = {nik.holder_key(key): o[0] for nik, o in zip(niks, outcomes, strict=True) if isinstance(o, tuple)}
    assert told == counter.holders


@pytest.mark.parametrize("round_", range(1, ROUNDS + 1))
def test_one_resident_asking_sixty_four_times_at_once_gets_one_ticket(
    linearizable_store: DynamoStore, round_: int
) -> None:
    nik = parse_nik(distinct_niks(1, seed=1000 + round_)[0])

    outcomes = [t.result for t in all_at_once([nik] * THREADS, lambda n: take(linearizable_store, n))]

    assert outcomes.count((1, True)) == 1
    assert outcomes.count((1, False)) == THREADS - 1
    counter = stored_counter(SITE, MONDAY)
    assert counter is not None and counter.issued == 1 and len(counter.holders) == 1


@dataclass(frozen=True)
class QuotaChange:
    quota: int
    started: int
    ended: int


QUOTAS_DURING_THE_RUSH = [75, 60, 130, 45, 100, 150]
RESIDENTS_DURING_THE_CHANGES = 500


@pytest.mark.parametrize("round_", range(1, ROUNDS + 1))
def test_quota_changes_during_a_rush_never_grant_beyond_the_quota_in_force(
    linearizable_store: DynamoStore, round_: int
) -> None:
    """GIVEN a day with quota 50 and a rush of residents
    WHEN an administrator raises and lowers the day's quota while requests are in flight
    THEN the numbers are 1..issued with no gap, each within a quota that was in force while
    it was being granted; once the last quota (150) is in force, newcomers fill it exactly."""
    config = settings()
    first = 50
    days.set_day_quota(linearizable_store, config, SITE, MONDAY, first, MONDAY, "admin-test")
    changes = [QuotaChange(first, 0, 0)]
    count = RESIDENTS_DURING_THE_CHANGES
    everyone = [parse_nik(d) for d in distinct_niks(count + QUOTAS_DURING_THE_RUSH[-1], seed=2000 + round_)]
    niks, newcomers = everyone[:count], everyone[count:]
    done = 0
    progress = threading.Condition()
    # Refusals are fast: unheld, the rush outruns the administrator and the changes land after
    # it (seen here: the last four on the moto server). So resident 50k + THREADS onwards
    # waits until change k has begun, and every change races requests in flight.
    change_begun = [threading.Event() for _ in QUOTAS_DURING_THE_RUSH]
    served_from: dict[int, int] = {}  # resident -> when its request left the gate

    def resident(item: tuple[int, Nik]) -> Outcome:
        nonlocal done
        i, nik = item
        for step, begun in enumerate(change_begun, start=1):
            if i >= 50 * step + THREADS:
                begun.wait()
        served_from[i] = time.monotonic_ns()
        outcome = take(linearizable_store, nik)
        with progress:
            done += 1
            progress.notify_all()
        return outcome

    def answered(count: int) -> Callable[[], bool]:
        return lambda: done >= count

    reached: list[bool] = []

    def administrator() -> None:
        try:
            for step, quota in enumerate(QUOTAS_DURING_THE_RUSH, start=1):
                with progress:  # change the quota as the rush passes 50, 100, ... 300 answers
                    reached.append(progress.wait_for(answered(50 * step), timeout=300))
                if not reached[-1]:
                    return
                started = time.monotonic_ns()
                change_begun[step - 1].set()
                days.set_day_quota(linearizable_store, config, SITE, MONDAY, quota, MONDAY, "admin-test")
                changes.append(QuotaChange(quota, started, time.monotonic_ns()))
        finally:
            for begun in change_begun:  # so that a failed change holds no resident forever
                begun.set()

    admin = threading.Thread(target=administrator)
    admin.start()
    timed = all_at_once(list(enumerate(niks)), resident)
    admin.join(timeout=300)

    assert not admin.is_alive()
    assert reached == [True] * len(QUOTAS_DURING_THE_RUSH)
    assert [c.quota for c in changes] == [first, *QUOTAS_DURING_THE_RUSH]
    answers = [Timed(a.result, served_from[i], a.ended) for i, a in enumerate(timed)]
    for change in changes[1:]:
        raced = [a for a in answers if a.started < change.ended and change.started < a.ended]
        assert raced, (change, "no request was in flight while it was made")
    counter = stored_counter(SITE, MONDAY)
    assert_numbers_are_one_to_issued(counter)
    assert counter is not None
    assert granted_numbers([a.result for a in answers]) == list(range(1, counter.issued + 1))
    assert {a.result for a in answers if not isinstance(a.result, tuple)} == {"quota_exhausted"}
    for answer in answers:
        if isinstance(answer.result, tuple):
            number = answer.result[0]
            assert number <= highest_quota_in_force(changes, answer), (number, answer, changes)

    # Once the last quota is surely in force, newcomers fill it exactly, and no further.
    last = changes[-1]
    sweep = [t.result for t in all_at_once(newcomers, lambda n: take(linearizable_store, n))]
    filled = stored_counter(SITE, MONDAY)
    assert filled is not None and filled.issued == last.quota
    assert_numbers_are_one_to_issued(filled)
    assert granted_numbers(sweep) == list(range(counter.issued + 1, last.quota + 1))


def highest_quota_in_force(changes: list[QuotaChange], answer: Timed[Outcome]) -> int:
    """The highest quota that can have been in force at some instant while `answer` was
    being served. Change i takes effect somewhere in [started_i, ended_i] and stays until
    change i+1 takes effect, so it may have been in force during the request unless it
    started after the request ended, or was surely replaced before the request started."""
    possible = []
    for i, change in enumerate(changes):
        replaced_by = changes[i + 1].ended if i + 1 < len(changes) else None
        started_too_late = change.started > answer.ended
        replaced_too_early = replaced_by is not None and replaced_by < answer.started
        if not started_too_late and not replaced_too_early:
            possible.append(change.quota)
    return max(possible)
