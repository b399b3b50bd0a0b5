"""The whole path as `make run` serves it: loket's local HTTP server over a linearizable
EmbeddedDynamoDB, the local drain thread sending replies to a stand-in Graph API.

GIVEN a signed webhook, WHEN it is posted, THEN Meta gets its 200 at once and the resident
gets exactly one reply, however often and however concurrently the message is delivered.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests

from chalicelib import runtime
from chalicelib.core.service_day import service_day
from chalicelib.settings import settings
from tests.support.whatsapp import (
    NIK_READY,
    NIK_TWO,
    WA_ID,
    StandInGraph,
    fixture_bytes,
    run_concurrently,
    settle,
    signed,
    text_webhook,
)

WEBHOOK = "/v1/whatsapp/webhook"


def _post(loket_url: str, body: bytes, headers: dict[str, str] | None = None) -> requests.Response:
    return requests.post(loket_url + WEBHOOK, data=body, headers=headers or signed(body), timeout=30)


def _issued_today(store: Any) -> int:
    config = settings()
    counter = store.counter(config.default_site, service_day(runtime.now(), config.tz))
    return 0 if counter is None else int(counter.issued)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"STATUS {NIK_READY}", "Siap diambil"),
        ("3505.1217.0885.9002", "Verifikasi data pusat"),
        (f"ANTRE {NIK_READY}", "Nomor antrean Anda: *1*"),
        ("KUOTA", "Sisa *400* dari 400 nomor"),
        ("apa kabar?", "*ANTRE <NIK>*"),
    ],
)
def test_each_command_gets_the_right_single_reply(
    loket_url: str, graph_env: StandInGraph, monday: Any, text: str, expected: str
) -> None:
    response = _post(loket_url, text_webhook(text))
    assert response.status_code == 200
    [reply] = graph_env.wait_for_sent(1)
    settle()
    assert len(graph_env.calls) == 1
    assert expected in reply.text
    assert reply.body["to"] == WA_ID


@pytest.mark.parametrize("name", ["status_receipt.json", "image.json", "reaction.json"])
def test_receipts_media_and_reactions_get_200_and_no_reply(
    loket_url: str, graph_env: StandInGraph, name: str
) -> None:
    body = fixture_bytes(name)
    assert _post(loket_url, body).status_code == 200
    settle()
    assert graph_env.calls == []


def test_a_badly_signed_webhook_gets_401_and_changes_nothing(loket_url: str, graph_env: StandInGraph) -> None:
    body = text_webhook(f"ANTRE {NIK_READY}")
    response = _post(loket_url, body, signed(body, b"not-the-app-secret"))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    unsigned = _post(loket_url, body, {"Content-Type": "application/json"})
    assert unsigned.status_code == 401
    settle()
    assert graph_env.calls == []


def test_the_same_message_delivered_ten_times_at_once_gets_one_reply_and_one_ticket(
    loket_url: str, graph_env: StandInGraph, monday: Any, linearizable_store: Any
) -> None:
    body = text_webhook(f"ANTRE {NIK_READY}")
    answers = run_concurrently(10, lambda i: _post(loket_url, body))
    # A twin that finds the claim still being answered may not say 200 (Meta would stop
    # delivering): 503, Retry-After past the minute after which a claim is taken over.
    twins = [a for a in answers if a.status_code != 200]
    assert len(twins) <= 9
    assert all(a.status_code == 503 and int(a.headers["Retry-After"]) > 60 for a in twins), twins
    [reply] = graph_env.wait_for_sent(1)
    settle()
    assert [_post(loket_url, body).status_code for _ in twins] == [200] * len(twins)  # Meta asks again
    settle()
    assert len(graph_env.calls) == 1
    assert "Nomor antrean Anda: *1*" in reply.text
    assert _issued_today(linearizable_store) == 1


def test_ten_residents_at_once_get_ten_replies_with_numbers_one_to_ten(
    loket_url: str, graph_env: StandInGraph, monday: Any, linearizable_store: Any
) -> None:
    niks = [f"35051245099{i:05d}" for i in range(1, 11)]  # birth date 05-09-90 (woman), serials 1..10
    statuses = run_concurrently(
        10,
        lambda i: _post(loket_url, text_webhook(f"ANTRE {niks[i]}", wa_id=f"62857000010{i:02d}")).status_code,
    )
    assert statuses == [200] * 10
    replies = graph_env.wait_for_sent(10)
    settle()
    assert len(graph_env.calls) == 10
    numbers = sorted(int(r.text.split("*")[1]) for r in replies)
    assert numbers == list(range(1, 11))
    assert _issued_today(linearizable_store) == 10


def test_a_graph_api_failing_twice_still_gets_exactly_one_reply_out(
    loket_url: str, graph_env: StandInGraph, monday: Any
) -> None:
    graph_env.fail_next(2, status=503, code=131016)
    response = _post(loket_url, text_webhook(f"STATUS {NIK_TWO}"))
    assert response.status_code == 200  # Meta is answered before Graph is even tried
    [reply] = graph_env.wait_for_sent(1)
    settle()
    assert [c.answered for c in graph_env.calls] == [503, 503, 200]
    assert "Akta Kelahiran" in reply.text


def test_meta_verification_through_the_local_server(loket_url: str) -> None:
    from tests.support.whatsapp import VERIFY_TOKEN

    params = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "8236519"}
    response = requests.get(loket_url + WEBHOOK, params=params, timeout=10)
    assert response.status_code == 200
    assert response.text == "8236519"
    assert response.headers["Content-Type"].startswith("text/plain")
    params["hub.verify_token"] = "guess"
    assert requests.get(loket_url + WEBHOOK, params=params, timeout=10).status_code == 403


def test_a_resident_books_tomorrow_cancels_and_books_another_day_through_the_local_server(
    loket_url: str, graph_env: StandInGraph, monday: Any, linearizable_store: Any
) -> None:
    import re

    def says(text: str) -> str:
        before = len(graph_env.sent)
        assert _post(loket_url, text_webhook(text)).status_code == 200
        sent = graph_env.wait_for_sent(before + 1)
        return sent[before].text

    booked = says(f"ANTRE {NIK_READY} besok")
    assert booked.startswith("Nomor antrean Anda: *1*\nHari: Selasa, 1 Desember 2026\n")
    found = re.search(r"Kode: \*([A-Z2-9]{8})\*", booked)
    assert found is not None
    code = found.group(1)
    assert "sudah punya nomor antrean untuk *Selasa, 1 Desember 2026*" in says(f"ANTRE {NIK_READY} 3/12")
    assert says(f"BATAL {code}").startswith(
        "Nomor antrean *1* untuk Selasa, 1 Desember 2026 sudah dibatalkan."
    )
    assert says(f"ANTRE {NIK_READY} 3/12").startswith(
        "Nomor antrean Anda: *1*\nHari: Kamis, 3 Desember 2026\n"
    )
    settle()
    assert len(graph_env.calls) == 4
    ticket = linearizable_store.ticket(code)
    assert ticket is not None and ticket.state == "cancelled"
