"""The AWS shape: the webhook puts each queued reply's message id on SQS, and the worker
Lambda (`whatsapp_replies`) sends it. In-process moto stands in for SQS and DynamoDB."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from chalice.test import Client

from chalicelib.events.whatsapp_replies import ReplyNotSentYet
from chalicelib.store.dynamo import DynamoStore
from chalicelib.whatsapp import config as whatsapp_config
from chalicelib.whatsapp import outbox
from tests.support.whatsapp import NIK_READY, StandInGraph, message_id_of, signed, text_webhook


@pytest.fixture
def queue_url(moto_store: DynamoStore, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    import botocore.session

    sqs = botocore.session.get_session().create_client("sqs", region_name="ap-southeast-3")
    url = str(sqs.create_queue(QueueName=f"loket-whatsapp-replies-{uuid.uuid4().hex[:8]}")["QueueUrl"])
    monkeypatch.setenv("WHATSAPP_REPLY_QUEUE_URL", url)
    whatsapp_config.reset()
    outbox.use_dispatcher(None)  # choose from the settings: SQS
    yield url
    outbox._sqs_client.cache_clear()  # its client belongs to this module's moto


@pytest.fixture
def client(monday: Any) -> Iterator[Client]:
    from app import app

    with Client(app, stage_name="local") as test_client:
        yield test_client


def _queued_bodies(url: str) -> list[str]:
    sqs = outbox._sqs_client("ap-southeast-3")
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    return [m["Body"] for m in messages]


def _run_worker(client: Client, message_id: str) -> Any:
    event = client.events.generate_sqs_event([message_id], queue_name="loket-whatsapp-replies")
    return client.lambda_.invoke("whatsapp_replies", event)


def test_the_webhook_queues_the_message_id_and_the_worker_sends_the_reply_once(
    client: Client, queue_url: str, graph_env: StandInGraph, moto_store: DynamoStore
) -> None:
    from local.demo import seed

    seed(moto_store)
    body = text_webhook(f"STATUS {NIK_READY}")
    assert client.http.post("/v1/whatsapp/webhook", headers=signed(body), body=body).status_code == 200
    assert graph_env.calls == []  # the webhook itself never calls Graph
    assert _queued_bodies(queue_url) == [message_id_of(body)]
    _run_worker(client, message_id_of(body))
    _run_worker(client, message_id_of(body))  # SQS delivers at least once
    assert len(graph_env.calls) == 1
    assert "Siap diambil" in graph_env.sent[0].text


def test_the_worker_raises_until_the_reply_is_sent_so_sqs_offers_it_again(
    client: Client, queue_url: str, graph_env: StandInGraph
) -> None:
    body = text_webhook("kuota")
    client.http.post("/v1/whatsapp/webhook", headers=signed(body), body=body)
    graph_env.fail_next(1)
    with pytest.raises(ReplyNotSentYet):
        _run_worker(client, message_id_of(body))
    _run_worker(client, message_id_of(body))
    assert [c.answered for c in graph_env.calls] == [500, 200]
