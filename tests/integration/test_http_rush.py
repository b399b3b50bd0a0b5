"""End to end: the 07:00 rush through the HTTP stack `make run` serves (the threaded server, the
gateway, the Chalice app) over the embedded moto server."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
import requests

from chalicelib import runtime
from local.http_server import HttpServer
from tests.support.counters import assert_numbers_are_one_to_issued, stored_counter
from tests.support.load import QUOTA, THREADS, all_at_once
from tests.support.residents import distinct_niks
from tests.support.servers import patient_clients

pytestmark = pytest.mark.usefixtures("no_ticket_proof")  # the counter's rules, without phones

SITE = "kab-blitar"
MONDAY_0800_WIB = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
RESIDENTS = 2_000


@dataclass(frozen=True)
class Reply:
    nik: str
    status: int | None  # None: no HTTP answer at all (refused, reset, timed out)
    body: Any  # the JSON answer


def ask_for_a_ticket(url: str, nik: str) -> Reply:
    """One resident: a new connection, one request, as a phone on mobile data would."""
    try:
        response = requests.post(f"{url}/v1/tickets", json={"nik": nik}, timeout=300)
    except requests.RequestException:
        return Reply(nik, None, {})
    return Reply(nik, response.status_code, response.json())


def test_two_thousand_residents_at_once_over_http_all_get_an_answer_and_exactly_the_quota(
    http_server: HttpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runtime, "now", lambda: MONDAY_0800_WIB)
    # The emulator, 64 calls deep and each take three writes, answers in seconds: past the 5 s
    # meant for DynamoDB. This is about the HTTP stack; timeouts are proven in tests/faults.
    patient_clients(monkeypatch, THREADS)
    niks = distinct_niks(RESIDENTS, seed=7)

    replies = [t.result for t in all_at_once(niks, lambda n: ask_for_a_ticket(http_server.url, n))]

    assert [r.nik for r in replies if r.status is None] == []  # zero connection errors
    # A 200 is a grant too: the store's client retries a write whose answer was lost (the
    # emulator, 64 calls deep, took longer than the 5 s read timeout), and the retry finds
    # the holder already in the counter. The resident gets the same ticket either way.
    granted = [r for r in replies if r.status in (200, 201)]
    statuses = Counter(r.status for r in replies)
    assert (len(granted), statuses[409]) == (QUOTA, RESIDENTS - QUOTA), statuses
    assert {r.body["error"]["code"] for r in replies if r.status == 409} == {"quota_exhausted"}
    numbers = sorted(r.body["ticket"]["number"] for r in granted)
    assert numbers == list(range(1, QUOTA + 1))
    # Each answer went to the resident who asked: their own masked NIK, today, the default site.
    for reply in granted:
        ticket = dict(reply.body["ticket"])
        assert ticket.pop("site_info")["code"] == SITE  # where to go, beside the ticket
        assert re.fullmatch("[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{8}", ticket.pop("code"))
        expected = {
            "site": SITE,
            "service_day": "2026-11-23",
            "nik": "*" * 12 + reply.nik[-4:],
            "state": "booked",
        }
        assert ticket == {**expected, "number": ticket["number"]}
    counter = stored_counter(SITE, MONDAY_0800_WIB.date())
    assert counter is not None and counter.issued == QUOTA
    assert_numbers_are_one_to_issued(counter)


def test_concurrent_requests_each_read_their_own_body(monkeypatch: pytest.MonkeyPatch) -> None:
    """The local server runs the app on many threads at once; Chalice keeps one
    `current_request` per app. With the store stubbed out (so only the HTTP edge runs) and
    threads switching as often as possible, every answer must still carry the asker's NIK."""
    import json
    import sys

    from app import app
    from chalicelib.core.nik import Nik
    from chalicelib.core.tickets import Holder, Ticket
    from chalicelib.services import tickets
    from local.gateway import Gateway

    def number_from_serial(
        store: object,
        settings: object,
        site: str,
        day: date,
        nik: Nik,
        holder: Holder,
        now: datetime,
        key: bytes,
    ) -> tickets.Taken:
        ticket = Ticket(
            code="AAAAAAAA",
            site=site,
            service_day=day,
            number=int(nik.last4),
            nik_last4=nik.last4,
            nik_holder_key="",
            state="booked",
            holder=holder,
            pool="public",
            booked_at=now,
        )
        return tickets.Taken(ticket, True)

    monkeypatch.setattr(tickets, "take", number_from_serial)
    monkeypatch.setattr(runtime, "now", lambda: MONDAY_0800_WIB)
    gateway = Gateway(app)

    def answered_to(nik: str) -> str:
        answer = gateway.handle(
            "POST",
            "/v1/tickets",
            {"content-type": "application/json"},
            json.dumps({"nik": nik}).encode(),
            "10.0.0.1",
        )
        return str(json.loads(answer.body)["ticket"]["nik"])

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    try:
        niks = distinct_niks(5_000, seed=11)
        answers = [t.result for t in all_at_once(niks, answered_to)]
    finally:
        sys.setswitchinterval(interval)
    assert [a for a, n in zip(answers, niks, strict=True) if a != "*" * 12 + n[-4:]] == []
