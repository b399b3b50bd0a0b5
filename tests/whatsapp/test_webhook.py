"""The webhook through the Chalice app: verification, commands, redeliveries, rate limit.

Store: in-process moto (no concurrency here). Replies are queued by the webhook and then
delivered by hand (`deliver_now`) to the stand-in Graph API, as the worker would.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from chalice.test import Client

from chalicelib.core.errors import Unavailable
from chalicelib.store.dynamo import DynamoStore
from chalicelib.store.whatsapp import WhatsAppStore
from chalicelib.store.whatsapp_ports import ReplyState
from chalicelib.whatsapp import outbox
from chalicelib.whatsapp.config import whatsapp_settings
from tests.support.whatsapp import (
    A_MONDAY_MORNING,
    ACCESS_TOKEN,
    NIK_READY,
    NIK_REJECTED,
    NIK_TWO,
    NIK_UNKNOWN,
    PHONE_NUMBER_ID,
    VERIFY_TOKEN,
    WA_ID,
    RecordingDispatcher,
    StandInGraph,
    fixture_bytes,
    message_id_of,
    signed,
    text_webhook,
)

WEBHOOK = "/v1/whatsapp/webhook"


@pytest.fixture
def client() -> Iterator[Client]:
    from app import app

    with Client(app, stage_name="local") as test_client:
        yield test_client


@pytest.fixture
def at_monday_0900(monkeypatch: pytest.MonkeyPatch) -> datetime:
    from chalicelib import runtime

    monkeypatch.setattr(runtime, "now", lambda: A_MONDAY_MORNING)
    return A_MONDAY_MORNING


@pytest.fixture
def resident(
    client: Client,
    moto_store: DynamoStore,
    graph_env: StandInGraph,
    recording_dispatcher: RecordingDispatcher,
    at_monday_0900: datetime,
) -> Resident:
    from local.demo import seed

    seed(moto_store)
    return Resident(client, graph_env, recording_dispatcher)


class Resident:
    """Sends signed webhooks as one resident would, and reads what came back."""

    def __init__(self, client: Client, graph: StandInGraph, dispatcher: RecordingDispatcher) -> None:
        self.client, self.graph, self.dispatcher = client, graph, dispatcher

    def post(self, body: bytes) -> Any:
        return self.client.http.post(WEBHOOK, headers=signed(body), body=body)

    def says(self, text: str, message_id: str | None = None, wa_id: str = WA_ID) -> str:
        """Send `text`; the one reply it gets (delivered by hand as the worker would)."""
        before = len(self.graph.sent)
        response = self.post(text_webhook(text, message_id, wa_id))
        assert response.status_code == 200
        deliver_now()
        sent = self.graph.sent[before:]
        assert len(sent) == 1, f"expected one reply, got {len(sent)}"
        return sent[0].text


def deliver_now() -> None:
    config = whatsapp_settings()
    outbox.deliver_due(WhatsAppStore(), outbox.graph_api(config), config)


# --- the verification handshake -------------------------------------------------------------


def test_meta_verification_echoes_the_challenge_as_plain_text(client: Client) -> None:
    query = f"hub.mode=subscribe&hub.verify_token={VERIFY_TOKEN}&hub.challenge=1158201444"
    response = client.http.get(f"{WEBHOOK}?{query}")
    assert response.status_code == 200
    assert response.body == b"1158201444"
    assert response.headers["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize(
    "query",
    [
        "hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1",
        f"hub.mode=unsubscribe&hub.verify_token={VERIFY_TOKEN}&hub.challenge=1",
        f"hub.mode=subscribe&hub.challenge=1&x={VERIFY_TOKEN}",
        "",
    ],
)
def test_verification_with_a_wrong_token_or_mode_is_403(client: Client, query: str) -> None:
    response = client.http.get(f"{WEBHOOK}?{query}" if query else WEBHOOK)
    assert response.status_code == 403
    assert response.json_body["error"]["code"] == "forbidden"


def test_other_methods_on_the_webhook_are_405(client: Client) -> None:
    assert client.http.put(WEBHOOK, body=b"{}").status_code == 405


# --- what is ignored ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["status_receipt.json", "image.json", "reaction.json"])
def test_receipts_media_and_reactions_get_200_and_no_reply(resident: Resident, name: str) -> None:
    body = fixture_bytes(name)
    assert resident.post(body).status_code == 200
    deliver_now()
    assert resident.graph.calls == []
    assert resident.dispatcher.dispatched == []


def test_a_signed_body_that_is_not_json_gets_200_and_no_reply(resident: Resident) -> None:
    assert resident.post(b"not json {").status_code == 200
    assert resident.dispatcher.dispatched == []


# --- the commands ---------------------------------------------------------------------------


def test_status_tells_the_stage_the_next_step_and_what_to_bring(resident: Resident) -> None:
    reply = resident.says(f"STATUS {NIK_READY}")
    assert "NIK akhiran *9001*" in reply
    assert "KTP elektronik" in reply
    assert "Siap diambil" in reply
    assert "Bawa KTP/KK asli" in reply
    [call] = resident.graph.sent
    assert call.path == f"/v23.0/{PHONE_NUMBER_ID}/messages"
    assert call.authorization == f"Bearer {ACCESS_TOKEN}"
    expected = {"messaging_product": "whatsapp", "to": WA_ID, "type": "text", "text": {"body": reply}}
    assert call.body == expected


def test_a_bare_nik_with_dots_gets_every_application(resident: Resident) -> None:
    reply = resident.says("3505.1217.0885.9002")
    assert "Kartu Keluarga" in reply
    assert "Verifikasi data pusat" in reply
    assert "Akta Kelahiran" in reply
    assert "Sedang dicetak" in reply


def test_the_emoji_message_from_the_captured_payload_is_answered(
    resident: Resident, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib import runtime

    body = fixture_bytes("text_emoji.json")
    sent_at = int(json.loads(body)["entry"][0]["changes"][0]["value"]["messages"][0]["timestamp"])
    monkeypatch.setattr(runtime, "now", lambda: datetime.fromtimestamp(sent_at + 60, UTC))  # as captured
    assert resident.post(body).status_code == 200
    deliver_now()
    [call] = resident.graph.sent
    assert "NIK akhiran *9002*" in call.text
    assert call.body["to"] == "6285700000002"


def test_status_of_a_rejected_application_says_what_to_bring(resident: Resident) -> None:
    reply = resident.says(f"status {NIK_REJECTED}")
    assert "Perlu perbaikan data" in reply
    assert "KK asli" in reply


def test_status_of_a_nik_without_record_says_so_and_nothing_more(resident: Resident) -> None:
    reply = resident.says(f"STATUS {NIK_UNKNOWN}")
    assert reply.startswith("Belum ada data")
    assert "*9004*" in reply


def test_status_of_a_record_stored_at_datetimes_limit_is_answered_not_an_outage(
    resident: Resident, moto_store: DynamoStore
) -> None:
    """Stored before the import and the route refused instants before 2000: its date in WIB
    lies before year 1, which datetime cannot hold."""
    from chalicelib.core.applications import Application, Service, Stage
    from chalicelib.core.nik import parse_nik
    from chalicelib.settings import HashPurpose, hash_key

    stored = Application(Service.KK, Stage.READY, datetime.fromisoformat("0001-01-01T00:00:00+14:00"))
    nik = parse_nik(NIK_UNKNOWN)
    moto_store.record_application(nik.keyed_hash(hash_key(HashPurpose.NIK)), nik.last4, stored)
    reply = resident.says(f"STATUS {NIK_UNKNOWN}")
    assert "Kartu Keluarga" in reply and "(diperbarui 1 Jan 1)" in reply


def test_antre_gives_a_ticket_number_and_the_day(resident: Resident) -> None:
    reply = resident.says(f"ANTRE {NIK_READY}")
    assert "Nomor antrean Anda: *1*" in reply
    assert "Senin, 30 November 2026" in reply
    assert "Tempat: Dinas Kependudukan dan Pencatatan Sipil Kabupaten Blitar" in reply
    assert "Jam layanan: Senin-Kamis 08.00-15.00, Jumat 08.00-11.00" in reply
    assert "KTP-el atau KK asli" in reply


def test_antre_again_gives_the_same_number_not_a_new_one(resident: Resident) -> None:
    resident.says(f"ANTRE {NIK_READY}")
    resident.says(f"ANTRE {NIK_TWO}")
    again = resident.says(f"antre {NIK_READY}")
    assert "sudah punya nomor antrean hari ini: *1*" in again


def test_kuota_tells_how_many_numbers_are_left_today(resident: Resident) -> None:
    resident.says(f"ANTRE {NIK_READY}")
    reply = resident.says("kuota")
    assert "Sisa *399* dari 400 nomor" in reply
    assert "Senin, 30 November 2026" in reply


def test_anything_else_gets_the_short_help(resident: Resident) -> None:
    reply = resident.says("Halo kak 🙏")
    assert "*STATUS <NIK>*" in reply
    assert "*ANTRE <NIK>*" in reply
    assert "*KUOTA*" in reply


def test_a_command_with_an_invalid_nik_says_how_to_type_it(resident: Resident) -> None:
    reply = resident.says("ANTRE 3505 1245")
    assert reply.startswith("NIK tidak valid")
    assert "ANTRE 3505xxxxxxxxxxxx" in reply


def test_no_reply_ever_holds_a_whole_nik(resident: Resident) -> None:
    for text in [f"STATUS {NIK_READY}", NIK_TWO, f"ANTRE {NIK_REJECTED}", f"STATUS {NIK_UNKNOWN}", "kuota"]:
        resident.says(text)
    for call in resident.graph.sent:
        for nik in (NIK_READY, NIK_TWO, NIK_REJECTED, NIK_UNKNOWN):
            assert nik not in call.text


# --- exactly once ---------------------------------------------------------------------------


def test_a_redelivered_message_gets_no_second_reply_and_no_second_ticket(
    resident: Resident, moto_store: DynamoStore
) -> None:
    body = text_webhook(f"ANTRE {NIK_READY}")
    for _ in range(3):
        assert resident.post(body).status_code == 200
        deliver_now()
    assert len(resident.graph.sent) == 1
    counter = moto_store.counter("kab-blitar", A_MONDAY_MORNING.date())
    assert counter is not None
    assert counter.issued == 1


def test_a_redelivery_while_the_reply_waits_dispatches_it_again(resident: Resident) -> None:
    """If telling the worker failed the first time, Meta's retry is what tells it again."""
    body = text_webhook("kuota")
    resident.post(body)
    resident.post(body)
    assert resident.dispatcher.dispatched == [message_id_of(body)] * 2
    deliver_now()
    assert len(resident.graph.sent) == 1


def test_a_store_outage_while_answering_is_503_and_the_retry_is_answered(
    resident: Resident, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = text_webhook(f"STATUS {NIK_READY}")
    original = DynamoStore.applications_of
    monkeypatch.setattr(DynamoStore, "applications_of", _raise_unavailable)
    response = resident.post(body)
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert WhatsAppStore().view(message_id_of(body)) is None  # the claim was released
    monkeypatch.setattr(DynamoStore, "applications_of", original)
    assert resident.post(body).status_code == 200
    deliver_now()
    [call] = resident.graph.sent
    assert "Siap diambil" in call.text


def _raise_unavailable(*args: object) -> None:
    raise Unavailable("test: dynamodb throttled")


# --- rate limit -----------------------------------------------------------------------------


def test_a_resident_over_the_limit_is_told_once_to_wait_then_not_answered(
    resident: Resident, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib import settings

    monkeypatch.setenv("LOKET_RATE_LIMIT_PER_MINUTE", "2")
    settings.reset()
    assert settings.settings().rate_limit_per_minute == 2  # cached now: the test client's
    # stage variables (config.json says 30) are patched in only during each request
    assert "*KUOTA*" in resident.says("halo")
    assert "*KUOTA*" in resident.says("halo lagi")
    assert "terlalu banyak" in resident.says("halo lagi lagi")
    body = text_webhook("halo sekali lagi")
    assert resident.post(body).status_code == 200
    deliver_now()
    assert len(resident.graph.sent) == 3
    view = WhatsAppStore().view(message_id_of(body))
    assert view is not None
    assert view.state is ReplyState.DONE
    assert "*KUOTA*" in resident.says("halo", wa_id="6285799999999")  # another resident is not limited
