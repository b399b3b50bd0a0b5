"""The booking rules under concurrency (ADR 0010), on both linearizable backends (the embedded
moto server and dynalite, over HTTP): `tickets.take` and `tickets.cancel` on a DynamoStore from
many threads at once, each race ROUNDS times.

The oracle is the tables as stored, scanned with the raw client (tests/support/booking_invariants.py):
per day never more tickets not cancelled than the quota, numbers unique within 1..issued and
never reused, the counter's counts agreeing with the tickets, one upcoming ticket per NIK,
at most the cap per phone; and what each caller was told agrees with what is stored.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib.core.errors import HoldsOtherDay, LoketError, QuotaExhausted
from chalicelib.core.nik import Nik, parse_nik
from chalicelib.core.tickets import Holder
from chalicelib.services import days, tickets
from chalicelib.settings import HashPurpose, hash_key, settings
from chalicelib.store.dynamo import DynamoStore
from tests.support.booking_invariants import Booked, assert_booking_rules, booked
from tests.support.load import BOOKING_RESIDENTS, ROUNDS, THREADS, all_at_once
from tests.support.residents import distinct_niks
from tests.support.servers import bind_store, patient_clients

SITE = "kab-blitar"
MONDAY = date(2026, 11, 23)
TUESDAY, WEDNESDAY = MONDAY + timedelta(days=1), MONDAY + timedelta(days=2)
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 09:00 WIB
CAP = 4  # LOKET_TICKETS_PER_PHONE's default


@dataclass(frozen=True)
class Got:
    code: str
    service_day: date
    number: int
    created: bool


@dataclass(frozen=True)
class Refusal:
    code: str
    service_day: date | None = None  # holds_other_day: the day held; quota_exhausted: the next with room


Outcome = Got | Refusal


@pytest.fixture(params=["moto_server", "dynalite"])
def linearizable_store(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> DynamoStore:
    """Days open only where a test gives them a quota: no untouched day has room."""
    monkeypatch.setenv("LOKET_DEFAULT_QUOTA", "0")
    patient_clients(monkeypatch, THREADS)
    return bind_store(monkeypatch, request.getfixturevalue(f"{request.param}_endpoint"))


def phone(n: int) -> Holder:
    """A verified phone, by its keyed hash (what a resident token's subject carries)."""
    return Holder("phone", hashlib.sha256(f"phone-{n}".encode()).hexdigest())


def take(store: DynamoStore, nik: Nik, day: date, holder: Holder) -> Outcome:
    try:
        taken = tickets.take(store, settings(), SITE, day, nik, holder, NOW, hash_key(HashPurpose.NIK))
    except HoldsOtherDay as held:
        return Refusal(held.code, held.service_day)
    except QuotaExhausted as full:
        return Refusal(full.code, full.next_day_with_room)
    except LoketError as refused:
        return Refusal(refused.code)
    t = taken.ticket
    return Got(t.code, t.service_day, t.number, taken.created)


def cancel(store: DynamoStore, code: str) -> Outcome:
    try:
        t = tickets.cancel(store, settings(), code, NOW)
    except LoketError as refused:
        return Refusal(refused.code)
    return Got(t.code, t.service_day, t.number, created=False)


def holder_key(nik: Nik) -> str:
    return nik.holder_key(hash_key(HashPurpose.NIK))


def open_days(store: DynamoStore, quotas: dict[date, int], held_for_door: int = 0) -> None:
    for day, quota in quotas.items():
        days.set_day_quota(store, settings(), SITE, day, quota, MONDAY, "admin-test", held_for_door)


def assert_told_as_stored(state: Booked, told: dict[Nik, Got]) -> None:
    """Whoever was told of a ticket holds it, as stored, with that number and day."""
    for nik, got in told.items():
        stored = state.ticket(got.code)
        assert stored is not None, got
        assert (stored.service_day, stored.number, stored.nik_holder_key) == (
            got.service_day,
            got.number,
            holder_key(nik),
        )


# --- 2,000 residents on 500 phones, 400 places over 3 days ---------------------------------

RESIDENTS = BOOKING_RESIDENTS  # the 2,000 in `make test-load` (tests/support/load.py)
PHONES = RESIDENTS // CAP  # 4 residents a phone: 500 for 2,000
PLACES = RESIDENTS // 5  # 400 for 2,000
QUOTAS = {MONDAY: PLACES - 2 * (PLACES // 3), TUESDAY: PLACES // 3, WEDNESDAY: PLACES // 3}
WANTED = [MONDAY] * 5 + [TUESDAY] * 3 + [WEDNESDAY] * 2  # most want the soonest day


@pytest.mark.parametrize("round_", range(1, ROUNDS + 1))
def test_two_thousand_residents_on_five_hundred_phones_get_exactly_the_quota_of_each_of_three_days(
    linearizable_store: DynamoStore, round_: int
) -> None:
    """GIVEN three open days with 400 places between them (RESIDENTS / 5), every other day closed
    WHEN 2,000 residents sharing 500 phones (4 each, the cap) each ask for the day they want,
    and, told it is full, for the next day with room
    THEN each day grants exactly its quota, numbered 1..quota, no NIK holds two tickets, no
    phone more than its cap, and everyone else hears quota_exhausted."""
    store = linearizable_store
    open_days(store, QUOTAS)
    rng = random.Random(round_)
    niks = [parse_nik(d) for d in distinct_niks(RESIDENTS, seed=round_)]
    residents = [(nik, rng.choice(WANTED), phone(i // CAP)) for i, nik in enumerate(niks)]

    def resident(ask: tuple[Nik, date, Holder]) -> list[Outcome]:
        nik, day, holder = ask
        answers = [take(store, nik, day, holder)]
        while (last := answers[-1]) == Refusal("quota_exhausted", last.service_day) and last.service_day:
            answers.append(take(store, nik, last.service_day, holder))
        return answers

    answers = [t.result for t in all_at_once(residents, resident)]

    finals = [a[-1] for a in answers]
    granted = [o for o in finals if isinstance(o, Got)]
    assert all(o.created for o in granted)
    assert Counter(o.service_day for o in granted) == QUOTAS
    for day, quota in QUOTAS.items():
        assert sorted(o.number for o in granted if o.service_day == day) == list(range(1, quota + 1))
    refusals = [o for a in answers for o in a if isinstance(o, Refusal)]
    assert {o.code for o in refusals} == {"quota_exhausted"}
    assert sum(len(a) for a in answers) == RESIDENTS + sum(1 for o in refusals if o.service_day)
    state = booked()
    assert_booking_rules(state, MONDAY, CAP)
    assert len(state.tickets) == sum(QUOTAS.values())
    assert_told_as_stored(
        state, {nik: o for (nik, _, _), o in zip(residents, finals, strict=True) if isinstance(o, Got)}
    )
    for day, quota in QUOTAS.items():
        counter = state.days[(SITE, day)]
        assert (counter.issued, counter.cancelled, len(counter.holders)) == (quota, 0, quota)


# --- one NIK, two days, two phones ----------------------------------------------------------

ASKS_PER_PHONE = 16


@pytest.mark.parametrize("round_", range(1, ROUNDS + 1))
def test_one_nik_asking_for_two_days_from_two_phones_at_once_gets_one_ticket_and_the_other_day_is_refused(
    linearizable_store: DynamoStore, round_: int
) -> None:
    """GIVEN Monday and Tuesday open
    WHEN one NIK asks for Monday from one phone and for Tuesday from another, 16 times each,
    all at once
    THEN one ticket exists; every ask for its day is answered with it, every ask for the other
    day with holds_other_day naming its day, or, while the winning take was still between
    its hold and its ticket, unavailable (an ask for the same day too: one process runs a
    hold's steps at a time); asked again, those converge.

    Why unavailable and not holds_other_day for a take in flight: it can still be refused
    (the day full, the phone at its cap) and undo its hold; answering holds_other_day then
    would send the resident to cancel a ticket that never existed. 503 says "ask again"."""
    store = linearizable_store
    open_days(store, {MONDAY: 10, TUESDAY: 10})
    nik = parse_nik(distinct_niks(1, seed=3000 + round_)[0])
    asks = [(MONDAY, phone(1)), (TUESDAY, phone(2))] * ASKS_PER_PHONE

    answers = [t.result for t in all_at_once(asks, lambda a: take(store, nik, *a), threads=len(asks))]

    got = [a for a in answers if isinstance(a, Got)]
    [ticket] = {(g.code, g.service_day, g.number) for g in got}
    code, won, number = ticket
    assert number == 1 and sum(g.created for g in got) == 1
    lost = TUESDAY if won == MONDAY else MONDAY
    for (day, _), answer in zip(asks, answers, strict=True):
        if day == won:
            assert isinstance(answer, Got) or answer == Refusal("unavailable"), answer
        else:
            assert answer in (Refusal("holds_other_day", won), Refusal("unavailable")), answer
    winner, loser = (phone(1), phone(2)) if won == MONDAY else (phone(2), phone(1))
    assert take(store, nik, lost, loser) == Refusal("holds_other_day", won)
    assert take(store, nik, won, winner) == Got(code, won, 1, created=False)
    state = booked()
    assert_booking_rules(state, MONDAY, CAP)
    assert [(t.code, t.service_day) for t in state.tickets] == [(code, won)]
    assert state.slots.get(f"phone#{winner.key}") is not None
    assert set(state.slots[f"phone#{winner.key}"]) == {code}
    assert not state.slots.get(f"phone#{loser.key}")  # the loser's slot, if it took one, undone
    assert lost not in {d for _, d in state.days if state.days[(SITE, d)].issued}


# --- cancels racing takes on a full day -----------------------------------------------------

FULL_DAY = 40
CANCELS = 20  # half of them take the day again at once, after cancelling
NEWCOMERS = 60


@pytest.mark.parametrize("round_", range(1, ROUNDS + 1))
def test_cancels_racing_takes_on_a_full_day_give_each_place_back_once_and_never_reuse_a_number(
    linearizable_store: DynamoStore, round_: int
) -> None:
    """GIVEN a day full with 40 tickets
    WHEN 20 holders cancel (each tapping twice at once) and half of them take the day again
    right after, racing 60 newcomers
    THEN the tickets not cancelled never exceed 40, every number is unique, the cancelled
    numbers are never handed out again, the counter's issued and cancelled agree with the
    tickets, and once the race is over newcomers fill the 20 places given back exactly."""
    store = linearizable_store
    open_days(store, {MONDAY: FULL_DAY})
    everyone = [parse_nik(d) for d in distinct_niks(FULL_DAY + NEWCOMERS + CANCELS, seed=4000 + round_)]
    holders, newcomers, late = everyone[:FULL_DAY], everyone[FULL_DAY:-CANCELS], everyone[-CANCELS:]
    first = all_at_once(list(enumerate(holders)), lambda h: take(store, h[1], MONDAY, phone(h[0])))
    tickets_of = {nik: t.result for nik, t in zip(holders, first, strict=True)}
    assert sorted(g.number for g in tickets_of.values() if isinstance(g, Got)) == list(range(1, FULL_DAY + 1))
    cancellers = random.Random(round_).sample(holders, CANCELS)
    retakers = set(cancellers[: CANCELS // 2])

    def act(item: tuple[str, Nik, int]) -> list[Outcome]:
        what, nik, n = item
        if what == "take":
            return [take(store, nik, MONDAY, phone(1000 + n))]
        ticket = tickets_of[nik]
        assert isinstance(ticket, Got)
        answers = [cancel(store, ticket.code)]
        if what == "cancel, then take again":
            answers.append(take(store, nik, MONDAY, phone(holders.index(nik))))
        return answers

    work = [("take", nik, n) for n, nik in enumerate(newcomers)]
    for nik in cancellers:
        work.append(("cancel, then take again" if nik in retakers else "cancel", nik, 0))
        work.append(("cancel", nik, 0))  # the second tap
    random.Random(round_).shuffle(work)

    answers = [t.result for t in all_at_once(work, act)]

    cancelled_codes = {tickets_of[nik].code for nik in cancellers}  # type: ignore[union-attr]
    for (what, nik, _), answer in zip(work, answers, strict=True):
        if what != "take":
            assert answer[0] == Got(tickets_of[nik].code, MONDAY, tickets_of[nik].number, False)  # type: ignore[union-attr]
    taken = [a[-1] for (what, _, _), a in zip(work, answers, strict=True) if what != "cancel"]
    assert {a.code for a in taken if isinstance(a, Refusal)} <= {"quota_exhausted"}
    granted = [a for a in taken if isinstance(a, Got)]
    assert all(a.created and a.number > FULL_DAY for a in granted)
    state = booked()
    assert_booking_rules(state, MONDAY, CAP)
    counter = state.days[(SITE, MONDAY)]
    assert (counter.issued, counter.cancelled) == (FULL_DAY + len(granted), CANCELS)
    assert {t.code for t in state.tickets if t.state == "cancelled"} == cancelled_codes

    sweep = [
        t.result
        for t in all_at_once(list(enumerate(late)), lambda s: take(store, s[1], MONDAY, phone(2000 + s[0])))
    ]

    swept = [a for a in sweep if isinstance(a, Got)]
    assert len(granted) + len(swept) == CANCELS  # each place given back was taken once
    assert {a.code for a in sweep if isinstance(a, Refusal)} <= {"quota_exhausted"}
    state = booked()
    assert_booking_rules(state, MONDAY, CAP)
    assert sum(1 for t in state.tickets if t.state != "cancelled") == FULL_DAY
    assert sorted(t.number for t in state.tickets) == list(range(1, FULL_DAY + CANCELS + 1))


# --- one phone at its cap -------------------------------------------------------------------

ONE_PHONE_THREADS = 8


@pytest.mark.parametrize("round_", range(1, ROUNDS + 1))
def test_one_phone_asking_for_eight_niks_from_eight_threads_gets_exactly_its_cap(
    linearizable_store: DynamoStore, round_: int
) -> None:
    """GIVEN three open days and a phone holding nothing
    WHEN it asks for 8 different NIKs from 8 threads at once, over the three days
    THEN exactly its cap (4) are granted and the others hear phone_limit; once one of them is
    cancelled, 8 more asks at once get exactly one."""
    store = linearizable_store
    open_days(store, {MONDAY: 20, TUESDAY: 20, WEDNESDAY: 20})
    niks = [parse_nik(d) for d in distinct_niks(2 * ONE_PHONE_THREADS, seed=5000 + round_)]
    family = phone(round_)
    spread = [MONDAY, TUESDAY, WEDNESDAY]

    def ask(item: tuple[int, Nik]) -> Outcome:
        return take(store, item[1], spread[item[0] % 3], family)

    first = [t.result for t in all_at_once(list(enumerate(niks[:8])), ask, threads=ONE_PHONE_THREADS)]

    granted = [a for a in first if isinstance(a, Got)]
    assert len(granted) == CAP and all(a.created for a in granted)
    assert [a for a in first if isinstance(a, Refusal)] == [Refusal("phone_limit")] * (8 - CAP)
    state = booked()
    assert_booking_rules(state, MONDAY, CAP)
    assert set(state.slots[f"phone#{family.key}"]) == {a.code for a in granted}

    assert cancel(store, granted[0].code) == Got(
        granted[0].code, granted[0].service_day, granted[0].number, False
    )
    again = [t.result for t in all_at_once(list(enumerate(niks[8:])), ask, threads=ONE_PHONE_THREADS)]

    assert sum(1 for a in again if isinstance(a, Got)) == 1
    assert [a for a in again if isinstance(a, Refusal)] == [Refusal("phone_limit")] * 7
    state = booked()
    assert_booking_rules(state, MONDAY, CAP)
    upcoming = {t.code for t in state.tickets if t.state == "booked"}
    assert set(state.slots[f"phone#{family.key}"]) == upcoming and len(upcoming) == CAP
