"""What `make chat` sends is what the webhook takes from Meta: signed under the app secret
`make run` uses (its development default when neither sets one), dated now, from the phone
typed as; signed under another secret it is refused, as a forged delivery is."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from chalice.test import Client

from chalicelib.store.whatsapp import WhatsAppStore
from chalicelib.whatsapp import config as whatsapp_config
from chalicelib.whatsapp import outbox
from chalicelib.whatsapp.config import whatsapp_secret
from local import chat
from tests.support.api_client import Clock
from tests.support.whatsapp import RecordingDispatcher, message_id_of

PHONE = "6285700000042"
WEBHOOK = "/v1/whatsapp/webhook"


@pytest.fixture
def client(moto_store: object, monkeypatch: pytest.MonkeyPatch) -> Iterator[Client]:
    from app import app

    for name in ("WHATSAPP_APP_SECRET", "WHATSAPP_APP_SECRET_PARAMETER", "WHATSAPP_GRAPH_URL"):
        monkeypatch.delenv(name, raising=False)
    whatsapp_config.reset()
    with Client(app, stage_name="local") as test_client:
        yield test_client
    whatsapp_config.reset()


@pytest.fixture
def dispatcher() -> Iterator[RecordingDispatcher]:
    recorder = RecordingDispatcher()
    outbox.use_dispatcher(recorder)
    yield recorder
    outbox.use_dispatcher(None)


def test_the_webhook_takes_what_make_chat_sends_and_queues_one_reply_to_that_phone(
    client: Client, dispatcher: RecordingDispatcher, clock: Clock
) -> None:
    body, headers = chat.signed_webhook(
        PHONE, "KUOTA", clock().timestamp(), whatsapp_secret("WHATSAPP_APP_SECRET")
    )

    response = client.http.post(WEBHOOK, headers=headers, body=body)

    assert response.status_code == 200
    assert dispatcher.dispatched == [message_id_of(body)]
    lease = WhatsAppStore().lease(message_id_of(body), clock(), timedelta(seconds=30))
    assert lease is not None
    assert (lease.to_wa_id, lease.phone_number_id) == (PHONE, chat.LOCAL_PHONE_NUMBER_ID)
    assert "Sisa *400* dari 400 nomor" in lease.reply


def test_each_line_is_a_message_of_its_own_and_non_ascii_text_is_signed_as_meta_serializes_it(
    client: Client, dispatcher: RecordingDispatcher, clock: Clock
) -> None:
    secret = whatsapp_secret("WHATSAPP_APP_SECRET")
    first, first_headers = chat.signed_webhook(PHONE, "KUOTA", clock().timestamp(), secret)
    second, second_headers = chat.signed_webhook(PHONE, "kuota ✓ é", clock().timestamp(), secret)

    assert b"\\u2713" in second  # escaped, as Meta does: the signature covers these bytes
    assert client.http.post(WEBHOOK, headers=first_headers, body=first).status_code == 200
    assert client.http.post(WEBHOOK, headers=second_headers, body=second).status_code == 200
    assert dispatcher.dispatched == [message_id_of(first), message_id_of(second)]


def test_signed_under_another_secret_than_the_server_s_it_is_refused_with_401(
    client: Client, dispatcher: RecordingDispatcher, clock: Clock
) -> None:
    body, headers = chat.signed_webhook(PHONE, "KUOTA", clock().timestamp(), b"not-make-run-s-secret")

    response = client.http.post(WEBHOOK, headers=headers, body=body)

    assert response.status_code == 401
    assert dispatcher.dispatched == []
