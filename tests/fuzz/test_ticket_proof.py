"""With `LOKET_TICKET_PROOF=phone` (the default) a ticket is taken from a verified phone: the
script attack of issue 10 (invented NIKs from many addresses, `text/plain` bodies any web page
can make a browser send) gets no ticket, whatever the Authorization header says; one verified
phone gets at most LOKET_TICKETS_PER_PHONE. Checked on the answers and on the tables
themselves (no hold, no ticket, the counters untouched)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib import runtime
from tests.support.api_client import MONDAY_0900_WIB, Answer, Clock, GatewayApi, mint
from tests.support.residents import distinct_niks

TODAY = date(2026, 11, 23)  # MONDAY_0900_WIB's day
LIMIT = 30  # LOKET_RATE_LIMIT_PER_MINUTE's default: on, as in production
ADDRESSES = [f"198.51.100.{n}" for n in range(1, 15)]  # 14 client addresses
OPEN_DAYS = [TODAY + timedelta(days=n) for n in range(15) if (TODAY + timedelta(days=n)).weekday() < 5]


@pytest.fixture
def attacked(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    """The default proof (phone) and rate limit, a fixed clock, empty tables on in-process moto."""
    from moto import mock_aws

    from chalicelib import settings as loket_settings
    from tests.support.servers import bind_store

    monkeypatch.delenv("LOKET_TICKET_PROOF", raising=False)
    monkeypatch.setenv("LOKET_RATE_LIMIT_PER_MINUTE", str(LIMIT))
    loket_settings.reset()
    assert loket_settings.settings().ticket_proof == "phone"
    clock = Clock(MONDAY_0900_WIB)
    monkeypatch.setattr(runtime, "now", clock)
    with mock_aws():
        bind_store(monkeypatch, None)
        yield clock


def stored(kind: str) -> list[object]:
    from chalicelib.store.models import MODELS

    return list(MODELS[kind].scan())


def issued_per_day() -> dict[date, int]:
    """What the day counters hold, read from the table (days nobody took are not there)."""
    from chalicelib.store.models import DayCounterRecord

    return {date.fromisoformat(r.service_day): int(r.issued) for r in DayCounterRecord.scan()}


def assert_no_ticket_anywhere() -> None:
    assert stored("holds") == [] and stored("slots") == [] and stored("tickets") == []
    assert all(issued == 0 for issued in issued_per_day().values())


# --- the script attack ----------------------------------------------------------------------


def test_four_hundred_invented_niks_from_14_addresses_without_a_phone_get_no_ticket(attacked: Clock) -> None:
    clients = [GatewayApi(address) for address in ADDRESSES]
    answers: list[Answer] = []
    for n, nik in enumerate(distinct_niks(400, seed=10)):
        client = clients[n % len(clients)]
        day = OPEN_DAYS[n % len(OPEN_DAYS)].isoformat()
        body = {"nik": nik, "service_day": day}
        if n % 2 == 0:  # what any web page can make its visitors' browsers send, no preflight
            kind = ("text/plain", "text/plain;charset=UTF-8", "text/plain; application/json")[n % 3]
            answers.append(client.call("POST", "/v1/tickets", body, headers={"content-type": kind}))
        else:  # a script's own JSON, without a resident token
            answers.append(client.call("POST", "/v1/tickets", body))
        attacked.advance(seconds=0.14)  # 400 in 56 seconds

    seen = Counter((a.status, a.code) for a in answers)
    assert seen == {(415, "unsupported_media_type"): 200, (401, "verification_required"): 200}, seen
    assert all(a.is_contract_error for a in answers)
    assert_no_ticket_anywhere()
    days = clients[0].call("GET", "/v1/days")
    assert days.status == 200 and all(d["remaining"] == d["quota"] for d in days.body["days"])


def test_one_verified_phone_with_400_niks_gets_at_most_its_tickets_per_phone(attacked: Clock) -> None:
    from chalicelib.settings import settings as loket_settings

    cap = loket_settings().tickets_per_phone
    token = mint(
        "resident", sub="phone-hash-of-the-script", iat=int(time.time()), exp=int(time.time()) + 1800
    )
    clients = [GatewayApi(address) for address in ADDRESSES]
    answers: list[Answer] = []
    for n, nik in enumerate(distinct_niks(400, seed=11)):
        day = OPEN_DAYS[n % len(OPEN_DAYS)].isoformat()
        answers.append(
            clients[n % len(clients)].call(
                "POST", "/v1/tickets", {"nik": nik, "service_day": day}, token=token
            )
        )
        attacked.advance(seconds=0.14)

    seen = Counter((a.status, a.code) for a in answers)
    assert seen == {(201, None): cap, (409, "phone_limit"): 400 - cap}, seen
    assert [a.status for a in answers[:cap]] == [201] * cap  # the first ones, then none
    assert all(a.is_contract_error for a in answers[cap:])
    assert sum(issued_per_day().values()) == cap
    assert len(stored("tickets")) == cap and len(stored("holds")) == cap


# --- the Authorization header on the residents' route ---------------------------------------


def now_s() -> int:
    return int(time.time())


def forged_resident() -> str:
    import jwt

    claims = {
        "iss": "loket",
        "aud": "loket-local",
        "sub": "p",
        "role": "resident",
        "iat": now_s(),
        "exp": now_s() + 600,
    }
    return jwt.encode(claims, "not-the-secret-but-long-enough-for-hs256!!", algorithm="HS256")


NOT_A_PHONE: dict[str, Callable[[], str | None]] = {
    "none": lambda: None,
    "empty": lambda: "",
    "garbage": lambda: "\x00\xff garbage \u202e",
    "bearer garbage": lambda: "Bearer not.a.jwt",
    "scheme alone": lambda: "Bearer ",
    "basic": lambda: f"Basic {mint('resident', sub='p')}",
    "staff token": lambda: f"Bearer {mint('staff')}",
    "operator token": lambda: f"Bearer {mint('operator')}",
    "admin token": lambda: f"Bearer {mint('admin')}",
    "expired resident token": lambda: (
        f"Bearer {mint('resident', sub='p', iat=now_s() - 3600, exp=now_s() - 1800)}"
    ),
    "resident token living too long": lambda: f"Bearer {mint('resident', sub='p', exp=now_s() + 7200)}",
    "resident token of another stage": lambda: f"Bearer {mint('resident', sub='p', aud='loket-prod')}",
    "resident token without a subject": lambda: f"Bearer {mint('resident', sub='')}",
    "a forged resident token": lambda: f"Bearer {forged_resident()}",
    "100,000 characters": lambda: "Bearer " + "A" * 100_000,
}


@pytest.mark.parametrize("kind", list(NOT_A_PHONE))
def test_a_take_without_a_resident_token_is_401_verification_required(attacked: Clock, kind: str) -> None:
    header = NOT_A_PHONE[kind]()
    headers = {} if header is None else {"Authorization": header}
    answer = GatewayApi().call("POST", "/v1/tickets", {"nik": distinct_niks(1, seed=12)[0]}, headers=headers)
    assert (answer.status, answer.code) == (401, "verification_required"), answer
    assert answer.is_contract_error
    assert_no_ticket_anywhere()


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.text(max_size=300))
def test_no_string_in_the_authorization_header_takes_a_ticket(attacked: Clock, header: str) -> None:
    attacked.advance(seconds=2.5)  # one client, under its limit: the token is what is judged
    answer = GatewayApi().call(
        "POST", "/v1/tickets", {"nik": distinct_niks(1, seed=13)[0]}, headers={"Authorization": header}
    )
    assert (answer.status, answer.code) == (401, "verification_required") and answer.is_contract_error


def test_a_resident_token_does_not_open_the_operators_route(attacked: Clock) -> None:
    answer = GatewayApi().call(
        "POST", "/v1/admin/tickets", {"nik": distinct_niks(1, seed=14)[0]}, token=mint("resident", sub="p")
    )
    assert (answer.status, answer.code) == (403, "forbidden") and answer.is_contract_error
    assert_no_ticket_anywhere()
