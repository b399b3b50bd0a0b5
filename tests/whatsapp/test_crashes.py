"""A message lost, a reply sent twice, a replay: the webhook and the worker killed between
any two DynamoDB calls, DynamoDB refusing to record a send, a signed payload sent again after
its id was forgotten. Faults are injected at botocore (tests/support/faults.py); the app
runs under chalice's test client on in-process moto, with a clock the test moves.

The oracle is what a resident and Meta see: Meta stops delivering at its first 200, so a 200
must never come while the message's reply is neither queued nor settled; and the stand-in
Graph API counts the replies a resident received.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from chalice.test import Client

from chalicelib import runtime
from chalicelib.core.service_day import service_day
from chalicelib.settings import settings
from chalicelib.store.dynamo import DynamoStore
from chalicelib.store.whatsapp import WhatsAppStore
from chalicelib.store.whatsapp_ports import ReplyState
from chalicelib.whatsapp import config as whatsapp_config
from chalicelib.whatsapp import outbox
from chalicelib.whatsapp.config import whatsapp_settings
from tests.support.api_client import Clock
from tests.support.faults import DieAt, ProcessDied, Throttle
from tests.support.whatsapp import (
    NIK_READY,
    RecordingDispatcher,
    StandInGraph,
    message_id_of,
    signed,
    text_webhook,
)

WEBHOOK = "/v1/whatsapp/webhook"
SITE = "kab-blitar"
# Where a reply stands once Meta may be told 200: queued (pending, sending) or settled.
ANSWERED = {ReplyState.PENDING, ReplyState.SENDING, ReplyState.SENT, ReplyState.DONE}


@pytest.fixture
def client(clock: Clock) -> Iterator[Client]:
    from app import app

    with Client(app, stage_name="local") as test_client:
        yield test_client


@pytest.fixture
def office(
    client: Client,
    moto_store: DynamoStore,
    graph_env: StandInGraph,
    recording_dispatcher: RecordingDispatcher,
) -> Office:
    return Office(client, moto_store, graph_env)


@pytest.fixture
def office_over_http(
    client: Client,
    linearizable_store: DynamoStore,
    graph_env: StandInGraph,
    recording_dispatcher: RecordingDispatcher,
) -> Office:
    """For a throttle: a hook answering in botocore's place keeps the request from an HTTP
    endpoint, while in-process moto, itself a hook, would still commit it."""
    return Office(client, linearizable_store, graph_env)


@dataclass
class Office:
    client: Client
    store: DynamoStore
    graph: StandInGraph

    def post(self, body: bytes) -> Any:
        return self.client.http.post(WEBHOOK, headers=signed(body), body=body)

    def deliver(self) -> None:
        """What the worker does with every reply that is due."""
        config = whatsapp_settings()
        outbox.deliver_due(WhatsAppStore(), outbox.graph_api(config), config)

    def state(self, message_id: str) -> ReplyState | None:
        view = WhatsAppStore().view(message_id)
        return None if view is None else view.state

    def issued_today(self) -> int:
        counter = self.store.counter(SITE, service_day(runtime.now(), settings().tz))
        return 0 if counter is None else int(counter.issued)


def _empty_tables() -> None:
    from chalicelib.store.models import MODELS

    for model in MODELS.values():
        with model.batch_write() as batch:
            for item in model.scan():
                batch.delete(item)


def _retry_after(answer: Any) -> int:
    return int(answer.headers["Retry-After"])


# --- a claimant that died -------------------------------------------------------------------


def test_a_claimant_that_died_after_its_claim_gets_503_at_20_s_and_its_reply_after_the_stale_window(
    office: Office, clock: Clock
) -> None:
    body = text_webhook(f"ANTRE {NIK_READY}")
    message_id = message_id_of(body)
    with DieAt(1, after=True).installed() as death, pytest.raises(ProcessDied):
        office.post(body)  # the Lambda times out right after its claim was written
    assert death.committed[0].operation == "PutItem"
    assert death.committed[0].table.endswith("-whatsapp-messages")
    assert office.state(message_id) is ReplyState.RECEIVED

    clock.advance(seconds=20)
    retry = office.post(body)  # Meta's retry, within the minute before a claim is stale
    assert retry.status_code == 503, "a 200 here ends Meta's retries with no reply queued"
    assert retry.json_body["error"]["code"] == "unavailable"
    assert _retry_after(retry) > 40  # the claim, 20 s old, is taken over only past 60 s
    assert office.state(message_id) is ReplyState.RECEIVED
    office.deliver()
    assert office.graph.calls == []

    clock.advance(seconds=_retry_after(retry))
    assert office.post(body).status_code == 200
    assert office.state(message_id) is ReplyState.PENDING
    office.deliver()
    [reply] = office.graph.sent
    assert "Nomor antrean Anda: *1*" in reply.text
    assert office.issued_today() == 1


def test_dying_between_any_two_calls_of_the_webhook_never_ends_meta_s_retries_before_the_reply_is_queued(
    office: Office, clock: Clock
) -> None:
    def meta_delivers(body: bytes, death: DieAt) -> list[int]:
        """A delivery the process dies in, then Meta's retries (at +20 s, then as Retry-After
        says) until a 200; at that 200 the reply must already be queued or settled."""
        with death.installed(), pytest.raises(ProcessDied):
            office.post(body)
        statuses = [0]
        clock.advance(seconds=20)
        for _ in range(6):
            answer = office.post(body)
            statuses.append(answer.status_code)
            if answer.status_code == 200:
                state = office.state(message_id_of(body))
                assert state in ANSWERED, f"200 with the reply {state}: Meta stops, nobody answers"
                return statuses
            assert answer.status_code == 503, answer.json_body
            clock.advance(seconds=_retry_after(answer))
        raise AssertionError(f"never answered: {statuses}")

    with DieAt().installed() as clean_run:
        assert office.post(text_webhook(f"ANTRE {NIK_READY}")).status_code == 200
    calls = len(clean_run.calls)
    assert calls >= 3  # claim, the ticket, queue the reply

    failures = []
    for at in range(1, calls + 1):
        for after in (False, True):
            _empty_tables()
            sent_before = len(office.graph.sent)
            body = text_webhook(f"ANTRE {NIK_READY}")
            try:
                meta_delivers(body, DieAt(at, after))
                office.deliver()
                replies = office.graph.sent[sent_before:]
                assert len(replies) == 1, f"{len(replies)} replies"
                assert "*1*" in replies[0].text  # a ticket taken before the death is the same ticket
                assert office.issued_today() == 1
            except AssertionError as broken:
                where = "after" if after else "before"
                failures.append(f"died {where} call {at} of {calls} ({clean_run.calls[at - 1]}): {broken}")
    assert failures == []


# --- a send recorded, or not ---------------------------------------------------------------


@dataclass
class ThrottleTheRecordOfSent(Throttle):
    """DynamoDB refusing (throttled) the write that records a reply `sent`, and only it."""

    code: str = "ThrottlingException"
    table_suffix: str = "-whatsapp-messages"

    def __call__(self, request: AWSPreparedRequest, **kwargs: Any) -> AWSResponse | None:
        body = request.body if isinstance(request.body, bytes) else str(request.body or "").encode()
        values = json.loads(body or b"{}").get("ExpressionAttributeValues", {})
        if {"S": ReplyState.SENT.value} not in values.values():
            return None
        return super().__call__(request, **kwargs)


@pytest.fixture
def no_record_pauses(monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker's pauses between attempts to record an outcome, cut to nothing (its
    attempts and botocore's own retries stay)."""
    monkeypatch.setattr(outbox, "_RECORD_PAUSES_SECONDS", (0.0, 0.0), raising=False)


def _queued(office: Office, text: str = "kuota") -> str:
    body = text_webhook(text)
    assert office.post(body).status_code == 200
    return message_id_of(body)


def _worker(message_id: str) -> outbox.Delivery:
    """One run of the reply worker for one SQS message (as `events.whatsapp_replies` runs it)."""
    config = whatsapp_settings()
    return outbox.deliver(WhatsAppStore(), outbox.graph_api(config), config, message_id, runtime.now())


def test_a_send_whose_record_is_refused_is_logged_sent_unrecorded_and_never_sent_again(
    office_over_http: Office, clock: Clock, no_record_pauses: None, caplog: pytest.LogCaptureFixture
) -> None:
    message_id = _queued(office_over_http)
    with ThrottleTheRecordOfSent().installed() as throttle, caplog.at_level(logging.INFO, "loket"):
        outcome = _worker(message_id)  # Graph accepts; recording `sent` is refused every time
    assert outcome is outbox.Delivery.SENT  # no raise: SQS would offer the message again
    assert throttle.answered >= 3  # it was retried
    events = [json.loads(r.getMessage())["event"] for r in caplog.records if r.name == "loket"]
    assert "whatsapp_reply_sent" in events
    assert "whatsapp_reply_sent_unrecorded" in events
    assert len(office_over_http.graph.sent) == 1

    clock.advance(seconds=90)  # SQS offers it again anyway (at least once), the lease has run out
    assert _worker(message_id) is outbox.Delivery.MAYBE_SENT
    assert _worker(message_id) is outbox.Delivery.NOTHING_TO_DO
    office_over_http.deliver()  # the local drain, or a redelivery from Meta dispatching it again
    assert len(office_over_http.graph.calls) == 1
    assert office_over_http.state(message_id) is ReplyState.MAYBE_SENT


def test_a_throttled_record_of_a_send_is_retried_until_it_is_recorded_sent(
    office_over_http: Office, no_record_pauses: None
) -> None:
    message_id = _queued(office_over_http)
    with ThrottleTheRecordOfSent(times=3).installed() as throttle:  # every botocore attempt of one write
        assert _worker(message_id) is outbox.Delivery.SENT
    assert throttle.answered == 3
    assert office_over_http.state(message_id) is ReplyState.SENT
    assert len(office_over_http.graph.calls) == 1


def test_dying_between_any_two_calls_of_the_worker_never_sends_a_reply_twice(
    office: Office, clock: Clock
) -> None:
    message_id = _queued(office)
    with DieAt().installed() as clean_run:
        assert _worker(message_id) is outbox.Delivery.SENT
    calls = len(clean_run.calls)
    assert [c.operation for c in clean_run.calls] == ["UpdateItem", "UpdateItem"]  # lease, record

    for at in range(1, calls + 1):
        for after in (False, True):
            _empty_tables()
            sent_before = len(office.graph.sent)
            message_id = _queued(office)
            with DieAt(at, after).installed() as death, pytest.raises(ProcessDied):
                _worker(message_id)
            clock.advance(seconds=90)  # SQS offers the message again after its visibility timeout
            _worker(message_id)
            _worker(message_id)
            office.deliver()
            sent = len(office.graph.sent) - sent_before
            where = f"died {'after' if after else 'before'} call {at}"
            assert sent <= 1, where
            if not death.committed:  # nothing was leased: the next offer sends it
                assert sent == 1, where
            assert office.state(message_id) not in {ReplyState.PENDING, ReplyState.SENDING}, where


# --- a replay after the id was forgotten ---------------------------------------------------


def _forget_expired_ids() -> None:
    """What DynamoDB's TTL does (moto never does it): delete the items past `expires_at`."""
    from chalicelib.store.models import WhatsAppMessageRecord

    for record in WhatsAppMessageRecord.scan():
        if record.expires_at <= runtime.now():
            record.delete()


def test_a_signed_message_replayed_after_its_id_was_forgotten_gets_no_second_reply(
    office: Office, clock: Clock
) -> None:
    body = text_webhook("kuota")
    assert office.post(body).status_code == 200
    office.deliver()
    assert len(office.graph.sent) == 1
    clock.advance(days=7, minutes=10)
    _forget_expired_ids()
    assert office.state(message_id_of(body)) is None  # forgotten: only its date can refuse it now
    assert office.post(body).status_code == 200  # Meta, or whoever captured it, is answered 200
    office.deliver()
    assert len(office.graph.calls) == 1


@pytest.mark.parametrize(
    ("dated", "answered"),
    [
        (timedelta(days=-3, seconds=1), True),  # within the 3 days ids are remembered
        (timedelta(days=-3), False),
        (timedelta(days=-30), False),
        (timedelta(minutes=2), True),  # Meta's clock a little ahead of ours
        (timedelta(days=1), False),
    ],
)
def test_a_message_is_answered_only_while_its_id_is_sure_to_be_remembered(
    office: Office, monkeypatch: pytest.MonkeyPatch, dated: timedelta, answered: bool
) -> None:
    from chalicelib.store.models import WhatsAppMessageRecord

    monkeypatch.setenv("WHATSAPP_KEEP_DAYS", "3")
    whatsapp_config.reset()
    sent_at = runtime.now() + dated
    body = text_webhook("kuota", sent_at=sent_at)
    assert office.post(body).status_code == 200
    office.deliver()
    assert len(office.graph.sent) == (1 if answered else 0)
    if answered:  # and its id outlives the window in which the same message would be answered
        record = WhatsAppMessageRecord.get(message_id_of(body), consistent_read=True)
        assert record.expires_at >= sent_at + timedelta(days=3)


def test_a_message_without_a_date_gets_no_reply(office: Office) -> None:
    payload = json.loads(text_webhook("kuota"))
    del payload["entry"][0]["changes"][0]["value"]["messages"][0]["timestamp"]
    body = json.dumps(payload).encode()
    assert office.post(body).status_code == 200
    office.deliver()
    assert office.graph.calls == []
    assert office.state(message_id_of(body)) is None


# --- refused before DynamoDB ---------------------------------------------------------------


def _with_a_wrong_secret(body: bytes) -> dict[str, str]:
    return signed(body, b"not-the-app-secret")


@pytest.mark.parametrize(
    "headers_for",
    [
        lambda body: {"Content-Type": "application/json"},
        lambda body: {"Content-Type": "application/json", "X-Hub-Signature-256": ""},
        lambda body: {"Content-Type": "application/json", "X-Hub-Signature-256": "sha256=" + "0" * 64},
        lambda body: signed(body + b" "),
        _with_a_wrong_secret,
    ],
    ids=["no signature", "empty", "well formed but wrong", "of another body", "with another secret"],
)
def test_an_unsigned_or_badly_signed_webhook_is_refused_before_any_dynamodb_call(
    office: Office, headers_for: Callable[[bytes], dict[str, str]]
) -> None:
    body = text_webhook(f"ANTRE {NIK_READY}")
    with DieAt().installed() as counted:
        refused = office.client.http.post(WEBHOOK, headers=headers_for(body), body=body)
    assert refused.status_code == 401
    assert refused.json_body["error"]["code"] == "unauthorized"
    assert counted.calls == []
    with DieAt().installed() as control:  # the same body, signed: the counter does count
        assert office.post(body).status_code == 200
    assert control.calls != []
