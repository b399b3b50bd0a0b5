"""A phone verified through a signed webhook, as Meta sends it: the page starts a
verification, the resident sends its text from WhatsApp, the page collects a resident token.
In-process (chalice's test client over in-process moto, a clock the test moves), over real
HTTP (`make run`'s server over the linearizable embedded DynamoDB, its drain sending replies
to a stand-in Graph API), and with the process killed between any two DynamoDB calls."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import jwt
import pytest
import requests
from chalice.test import Client

from chalicelib.store.dynamo import DynamoStore
from chalicelib.store.whatsapp import WhatsAppStore
from chalicelib.whatsapp import outbox
from chalicelib.whatsapp.config import whatsapp_settings
from tests.support.api_client import Api, Clock
from tests.support.faults import DieAt, ProcessDied
from tests.support.whatsapp import WA_ID, RecordingDispatcher, StandInGraph, settle, signed, text_webhook

WEBHOOK = "/v1/whatsapp/webhook"
OTHER_PHONE = "6285700000002"
VERIFIED = "sudah terverifikasi"
REFUSED = "tidak dikenal, sudah dipakai, atau sudah kedaluwarsa"
LIMITED = "terlalu sering"


def _phone_subject(phone: str) -> str:
    """The keyed hash a resident token names, worked out here from the purpose's definition."""
    from chalicelib.settings import secret

    purpose_key = hmac.new(secret("LOKET_NIK_HMAC_KEY"), b"loket-hash-key:phone", hashlib.sha256).digest()
    return hmac.new(purpose_key, phone.encode(), hashlib.sha256).hexdigest()


def _claims(token: str) -> dict[str, Any]:
    from chalicelib.settings import secret, settings

    claims: dict[str, Any] = jwt.decode(
        token, secret("LOKET_JWT_SECRET"), algorithms=["HS256"], audience=settings().jwt_audience
    )
    return claims


@dataclass
class Office:
    client: Client
    graph: StandInGraph

    @property
    def api(self) -> Api:
        return Api(self.client)

    def start(self) -> dict[str, str]:
        answer = self.api.post("/v1/verifications", {})
        assert answer.status == 201, answer.body
        started: dict[str, str] = answer.body["verification"]
        return started

    def poll(self, started: dict[str, str]) -> Any:
        return self.api.get(f"/v1/verifications/{started['id']}")

    def send(self, text: str, wa_id: str = WA_ID, message_id: str | None = None) -> str:
        """Meta delivers `text` from `wa_id`; the reply the resident receives."""
        body = text_webhook(text, message_id=message_id, wa_id=wa_id)
        assert self.post(body).status_code == 200
        return self.reply()

    def post(self, body: bytes) -> Any:
        return self.client.http.post(WEBHOOK, headers=signed(body), body=body)

    def reply(self) -> str:
        before = len(self.graph.sent)
        config = whatsapp_settings()
        outbox.deliver_due(WhatsAppStore(), outbox.graph_api(config), config)
        sent = self.graph.sent[before:]
        assert len(sent) == 1, f"{len(sent)} replies"
        return sent[0].text


@pytest.fixture
def office(
    clock: Clock, moto_store: DynamoStore, graph_env: StandInGraph, recording_dispatcher: RecordingDispatcher
) -> Iterator[Office]:
    from app import app

    with Client(app, stage_name="local") as client:
        yield Office(client, graph_env)


def test_a_phone_verified_by_its_text_gets_the_page_a_resident_token_for_that_phone(office: Office) -> None:
    started = office.start()
    assert office.poll(started).body == {"state": "waiting"}

    reply = office.send(started["text"])

    assert VERIFIED in reply and "kembali ke halaman" in reply
    answer = office.poll(started)
    assert answer.status == 200
    assert set(answer.body) == {"state", "phone", "token"}
    assert (answer.body["state"], answer.body["phone"]) == ("verified", "*********0001")
    claims = _claims(answer.body["token"])
    assert (claims["role"], claims["sub"]) == ("resident", _phone_subject(WA_ID))
    assert claims["exp"] - claims["iat"] == 30 * 60
    # The authorizer takes it (403 from the route, not 401 from the gateway).
    assert office.api.get("/v1/admin/audit", token=answer.body["token"]).code == "forbidden"


def test_the_page_s_token_names_the_subject_make_token_prints_for_that_phone(
    office: Office, capsys: pytest.CaptureFixture[str]
) -> None:
    from local.__main__ import _token

    started = office.start()
    office.send(started["text"])
    _token("resident", "ignored", WA_ID)
    printed = capsys.readouterr().out.strip()
    assert _claims(office.poll(started).body["token"])["sub"] == _claims(printed)["sub"]


def test_a_text_verifies_once_and_any_later_message_with_it_is_told_it_is_used(office: Office) -> None:
    started = office.start()
    assert VERIFIED in office.send(started["text"])
    assert REFUSED in office.send(started["text"])  # the same phone, a new message
    assert REFUSED in office.send(started["text"], wa_id=OTHER_PHONE)
    answer = office.poll(started)
    assert answer.body["phone"] == "*********0001"
    assert _claims(answer.body["token"])["sub"] == _phone_subject(WA_ID)


def test_a_redelivered_verifying_message_gets_no_second_reply(office: Office) -> None:
    started = office.start()
    body = text_webhook(started["text"])
    assert office.post(body).status_code == 200
    assert VERIFIED in office.reply()
    assert office.post(body).status_code == 200
    config = whatsapp_settings()
    outbox.deliver_due(WhatsAppStore(), outbox.graph_api(config), config)
    assert len(office.graph.sent) == 1


def test_a_text_sent_ten_minutes_after_it_was_shown_is_refused_and_the_page_gets_404(
    office: Office, clock: Clock
) -> None:
    started = office.start()
    clock.advance(minutes=10)
    assert REFUSED in office.send(started["text"])
    assert office.poll(started).code == "not_found"


def test_a_text_sent_just_before_ten_minutes_verifies_and_the_page_has_ten_more_to_collect(
    office: Office, clock: Clock
) -> None:
    started = office.start()
    clock.advance(minutes=9, seconds=59)
    assert VERIFIED in office.send(started["text"])
    clock.advance(minutes=9, seconds=59)
    assert office.poll(started).body["state"] == "verified"
    clock.advance(seconds=1)
    assert office.poll(started).code == "not_found"


@pytest.mark.parametrize(
    "text", ["VERIFIKASI", "verifikasi hello", "VERIFIKASI K7Q2M94XK7Q2", "VERIFIKASI K7Q2M94XAB"]
)
def test_a_malformed_or_unknown_code_is_refused_alike(office: Office, text: str) -> None:
    assert REFUSED in office.send(text)


def test_the_code_is_read_in_any_case(office: Office) -> None:
    started = office.start()
    assert VERIFIED in office.send(started["text"].lower())


def test_one_phone_verifies_at_most_the_hourly_limit_of_sessions(
    office: Office, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.whatsapp import config

    monkeypatch.setenv("WHATSAPP_VERIFICATIONS_PER_HOUR", "2")
    config.reset()
    clock.set(clock.instant.replace(minute=0, second=0))
    sessions = [office.start() for _ in range(3)]
    assert VERIFIED in office.send(sessions[0]["text"])
    assert VERIFIED in office.send(sessions[1]["text"])
    refused = office.send(sessions[2]["text"])
    assert LIMITED in refused and VERIFIED not in refused
    assert office.poll(sessions[2]).body == {"state": "waiting"}
    assert VERIFIED in office.send(sessions[2]["text"], wa_id=OTHER_PHONE)  # another phone is not limited

    clock.advance(hours=1)
    later = office.start()
    assert VERIFIED in office.send(later["text"])


def test_no_log_line_of_loket_holds_the_phone(office: Office, caplog: pytest.LogCaptureFixture) -> None:
    """(botocore's DEBUG lines show the reply's recipient while it waits to be sent, as the
    contract allows: that is the outbox's, not the verification's.)"""
    with caplog.at_level("DEBUG", logger="loket"):
        started = office.start()
        office.send(started["text"])
        office.poll(started)
    lines = [r.getMessage() for r in caplog.records if r.name == "loket"]
    assert any("whatsapp_verification" in line for line in lines)
    assert not [line for line in lines if WA_ID[-8:] in line]


def test_nothing_stored_holds_the_phone_in_clear(office: Office) -> None:
    from chalicelib.store.models import MODELS

    started = office.start()
    office.send(started["text"])
    settle()
    for kind, model in MODELS.items():
        for item in model.scan():
            assert WA_ID not in str(item.attribute_values), kind


# --- a process that dies --------------------------------------------------------------------


def test_dying_between_any_two_calls_of_the_verifying_webhook_verifies_once_and_loses_nothing(
    office: Office, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Meta delivers again after a death (its claim stale past a minute); at the end the
    resident has exactly one reply, `verified`, the page a token for that phone, and the
    text is used for everyone else."""
    from chalicelib.whatsapp import config as whatsapp_config

    monkeypatch.setenv("WHATSAPP_VERIFICATIONS_PER_HOUR", "1000")  # counted, never reached here
    whatsapp_config.reset()
    body = text_webhook(office.start()["text"])
    with DieAt().installed() as clean_run:
        assert office.post(body).status_code == 200
    office.reply()
    calls = len(clean_run.calls)
    assert calls >= 4  # claim, two counts, the verification, queue the reply

    failures = []
    for at in range(1, calls + 1):
        for after in (False, True):
            started = office.start()
            body = text_webhook(started["text"])
            sent_before = len(office.graph.sent)
            try:
                with DieAt(at, after).installed(), pytest.raises(ProcessDied):
                    office.post(body)
                for _ in range(4):
                    clock.advance(seconds=61)
                    if office.post(body).status_code == 200:
                        break
                config = whatsapp_settings()
                outbox.deliver_due(WhatsAppStore(), outbox.graph_api(config), config)
                replies = [c.text for c in office.graph.sent[sent_before:]]
                assert len(replies) == 1 and VERIFIED in replies[0], replies
                answer = office.poll(started)
                assert answer.body["state"] == "verified", answer.body
                assert _claims(answer.body["token"])["sub"] == _phone_subject(WA_ID)
                assert REFUSED in office.send(started["text"], wa_id=OTHER_PHONE)
            except AssertionError as broken:
                where = "after" if after else "before"
                failures.append(f"died {where} call {at} of {calls} ({clean_run.calls[at - 1]}): {broken}")
    assert failures == []


# --- over real HTTP -------------------------------------------------------------------------


def test_verifying_over_http_as_make_run_serves_it(
    loket_url: str, graph_env: StandInGraph, monday: Any
) -> None:
    started = requests.post(f"{loket_url}/v1/verifications", json={}, timeout=30)
    assert started.status_code == 201
    verification = started.json()["verification"]
    body = text_webhook(verification["text"])
    assert requests.post(loket_url + WEBHOOK, data=body, headers=signed(body), timeout=30).status_code == 200
    [reply] = graph_env.wait_for_sent(1)
    assert VERIFIED in reply.text and reply.body["to"] == WA_ID
    answer = requests.get(f"{loket_url}/v1/verifications/{verification['id']}", timeout=30).json()
    assert (answer["state"], answer["phone"]) == ("verified", "*********0001")
    assert _claims(answer["token"])["sub"] == _phone_subject(WA_ID)
    refused = requests.post(
        f"{loket_url}/v1/verifications", data=b"{}", headers={"Content-Type": "text/plain"}, timeout=30
    )
    assert (refused.status_code, refused.json()["error"]["code"]) == (415, "unsupported_media_type")
    assert requests.get(f"{loket_url}/v1/verifications/{'A' * 5000}", timeout=30).status_code == 404
