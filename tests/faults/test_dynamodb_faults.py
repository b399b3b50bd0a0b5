"""Throttling and lost answers at the DynamoDB client, on a real HTTP transport (the embedded
moto server): the resident gets their ticket or a clear retryable error (503 with
Retry-After), and nothing is counted twice."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from datetime import date

import pytest

from chalicelib.store.models import DayCounterRecord
from tests.support.api_client import Answer, Api, mint
from tests.support.counters import assert_numbers_are_one_to_issued, snapshot, stored_counter
from tests.support.faults import LoseResponses, Throttle, Unreachable

pytestmark = pytest.mark.usefixtures("no_ticket_proof")  # the counter's rules, without phones

SITE = "kab-blitar"
TODAY = date(2026, 11, 23)
ALICE, BUDI = "3505124509909101", "3505121708859102"
THROTTLES = ["ThrottlingException", "ProvisionedThroughputExceededException"]


def attempts() -> int:
    """How many times the SDK sends one call before giving up (PynamoDB's retries + 1)."""
    return 1 + int(DayCounterRecord.Meta.max_retry_attempts)


def assert_retryable(answer: Answer) -> None:
    assert answer.status == 503, answer
    assert answer.code == "unavailable" and answer.is_contract_error
    assert int(answer.headers["retry-after"]) > 0


def take(api: Api, nik: str) -> Answer:
    return api.call("POST", "/v1/tickets", {"nik": nik})


@pytest.mark.parametrize("code", THROTTLES)
def test_a_throttled_ticket_write_answers_503_with_retry_after_and_counts_nothing(
    api_over_http: Api, code: str
) -> None:
    assert take(api_over_http, ALICE).status == 201
    before = snapshot()

    with Throttle(code).installed() as throttle:
        assert_retryable(take(api_over_http, BUDI))

    assert throttle.answered == attempts()  # the SDK retried, as DynamoDB asks, then gave up
    after = snapshot()
    # Nothing counted, no ticket: only Budi's hold, the take's first write, waits for the retry.
    assert {k: v for k, v in after.items() if k != "holds"} == {
        k: v for k, v in before.items() if k != "holds"
    }
    [budi_hold] = [json.loads(h) for h in after["holds"] if h not in before["holds"]]
    retried = take(api_over_http, BUDI)
    assert (retried.status, retried.body["ticket"]["number"]) == (201, 2)
    assert retried.body["ticket"]["code"] == budi_hold["code"]["S"]  # resumed under its hold


@pytest.mark.parametrize("code", THROTTLES)
def test_a_short_throttle_is_absorbed_by_the_sdk_retry(api_over_http: Api, code: str) -> None:
    with Throttle(code, times=attempts() - 1).installed():
        answer = take(api_over_http, ALICE)
    assert (answer.status, answer.body["ticket"]["number"]) == (201, 1)


ADMIN_WRITES: dict[str, Callable[[Api], Answer]] = {
    "default quota": lambda api: api.call(
        "PUT", "/v1/admin/quota/default", {"quota": 250}, token=mint("admin")
    ),
    "day quota": lambda api: api.call("PUT", "/v1/admin/quota/2026-11-24", {"quota": 0}, token=mint("admin")),
    "application stage": lambda api: api.call(
        "POST",
        "/v1/admin/applications",
        {"nik": ALICE, "service": "ektp", "stage": "ready", "updated_at": "2026-11-23T08:00:00+07:00"},
        token=mint("staff"),
    ),
}


@pytest.mark.parametrize("write", list(ADMIN_WRITES))
@pytest.mark.parametrize("code", THROTTLES)
def test_a_throttled_admin_write_answers_503_and_changes_nothing(
    api_over_http: Api, code: str, write: str
) -> None:
    assert take(api_over_http, ALICE).status == 201  # today is prepared and holds a ticket
    before = snapshot()

    with Throttle(code, operations=("UpdateItem", "PutItem"), table_suffix="").installed():
        assert_retryable(ADMIN_WRITES[write](api_over_http))

    assert snapshot() == before
    assert ADMIN_WRITES[write](api_over_http).status == 200


def test_a_ticket_write_whose_answer_was_lost_is_retried_and_counted_once(api_over_http: Api) -> None:
    """The write commits, its answer is lost (read timeout), the SDK sends it again: the
    retried write fails its holder condition and returns the number already granted, and
    the take goes on to put the ticket: created once, by this request (201)."""
    assert take(api_over_http, ALICE).status == 201

    with LoseResponses(times=1).installed() as lose:
        answer = take(api_over_http, BUDI)

    assert (lose.lost, lose.sent) == (1, 2)
    assert (answer.status, answer.body["ticket"]["number"]) == (201, 2)
    counter = stored_counter(SITE, TODAY)
    assert counter is not None and counter.issued == 2
    assert_numbers_are_one_to_issued(counter)


def test_when_every_answer_is_lost_the_resident_hears_503_and_asking_again_gets_the_ticket(
    api_over_http: Api,
) -> None:
    assert take(api_over_http, ALICE).status == 201

    with LoseResponses(times=attempts()).installed() as lose:
        assert_retryable(take(api_over_http, BUDI))
    assert lose.lost == attempts()

    # The place was counted but no ticket written: asking again finishes that take (201).
    again = take(api_over_http, BUDI)
    assert (again.status, again.body["ticket"]["number"]) == (201, 2)
    assert take(api_over_http, BUDI).status == 200
    counter = stored_counter(SITE, TODAY)
    assert counter is not None and counter.issued == 2
    assert_numbers_are_one_to_issued(counter)


def test_an_unreachable_dynamodb_answers_503_on_every_route_that_needs_it(api_over_http: Api) -> None:
    with Unreachable().installed():
        assert_retryable(take(api_over_http, ALICE))
        assert_retryable(api_over_http.call("POST", "/v1/status", {"nik": ALICE}))
        assert_retryable(api_over_http.call("GET", "/v1/quota"))
    assert take(api_over_http, ALICE).status == 201


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.events: list[dict[str, object]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.events.append({**json.loads(record.getMessage()), "level": record.levelname})


@pytest.fixture
def loket_log() -> Iterator[_Lines]:
    lines = _Lines()
    logging.getLogger("loket").addHandler(lines)
    try:
        yield lines
    finally:
        logging.getLogger("loket").removeHandler(lines)


@pytest.fixture
def limit_of_three(monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib import settings

    monkeypatch.setenv("LOKET_RATE_LIMIT_PER_MINUTE", "3")
    settings.reset()


@pytest.mark.usefixtures("limit_of_three")
@pytest.mark.parametrize("code", THROTTLES)
def test_a_throttled_rate_limit_table_lets_lookups_through_and_logs_it_but_not_tickets(
    api_over_http: Api, code: str, loket_log: _Lines
) -> None:
    with Throttle(code, table_suffix="-rate-limits").installed() as throttle:
        status = api_over_http.call("POST", "/v1/status", {"nik": ALICE})
        quota = api_over_http.call("GET", "/v1/quota")
        ticket = take(api_over_http, ALICE)

    assert throttle.answered == 3 * attempts()  # each route asked for its count, and was refused
    assert (status.status, status.code) == (404, "not_found")
    assert (quota.status, quota.body["issued"]) == (200, 0)
    assert_retryable(ticket)  # a ticket is never taken uncounted: see docs/DESIGN.md, "Privacy"
    assert stored_counter(SITE, TODAY) is None
    skipped = [e for e in loket_log.events if e["event"] == "rate_limit_unavailable"]
    assert [(e["route"], e["level"]) for e in skipped] == [("status", "WARNING"), ("quota", "WARNING")]
    assert all(ALICE not in json.dumps(e) for e in loket_log.events)
