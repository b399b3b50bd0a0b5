"""Sending replies: retries without duplicates, leases, giving up. On the linearizable
EmbeddedDynamoDB over HTTP, since several threads write the same item here."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from chalicelib import runtime
from chalicelib.store.whatsapp import WhatsAppStore
from chalicelib.store.whatsapp_ports import ReplyState
from chalicelib.whatsapp import config as whatsapp_config
from chalicelib.whatsapp import inbox, outbox
from chalicelib.whatsapp.config import whatsapp_settings
from chalicelib.whatsapp.payloads import InboundText
from tests.support.whatsapp import (
    PHONE_NUMBER_ID,
    WA_ID,
    RecordingDispatcher,
    StandInGraph,
    run_concurrently,
    settle,
)


def _queue_reply(dispatcher: Any, message_id: str = "wamid.outbox-1", text: str = "kuota") -> str:
    message = InboundText(message_id, WA_ID, PHONE_NUMBER_ID, text, runtime.now())
    queued = inbox.receive(runtime.store(), WhatsAppStore(), [message], dispatcher)
    assert queued == [message_id]
    return message_id


def _deliver(message_id: str, at_offset: timedelta = timedelta(0)) -> outbox.Delivery:
    config = whatsapp_settings()
    graph = outbox.graph_api(config)
    return outbox.deliver(WhatsAppStore(), graph, config, message_id, runtime.now() + at_offset)


def _state(message_id: str) -> tuple[ReplyState, int]:
    view = WhatsAppStore().view(message_id)
    assert view is not None
    return view.state, view.attempts


def test_a_reply_that_failed_twice_then_succeeded_is_sent_exactly_once(
    linearizable_store: Any, graph_env: StandInGraph
) -> None:
    graph_env.fail_next(2)
    message_id = _queue_reply(outbox.dispatcher())  # the local drain thread, as in `make run`
    graph_env.wait_for_sent(1)
    settle()
    assert [c.answered for c in graph_env.calls] == [500, 500, 200]
    assert len(graph_env.sent) == 1
    assert _state(message_id) == (ReplyState.SENT, 3)


def test_a_permanent_graph_error_is_not_retried(linearizable_store: Any, graph_env: StandInGraph) -> None:
    graph_env.fail_next(1, status=400, code=131026)  # message undeliverable
    message_id = _queue_reply(RecordingDispatcher())
    assert _deliver(message_id) is outbox.Delivery.GAVE_UP
    assert _deliver(message_id) is outbox.Delivery.NOTHING_TO_DO
    assert len(graph_env.calls) == 1
    assert _state(message_id) == (ReplyState.FAILED, 1)


def test_a_reply_is_given_up_after_the_last_attempt(
    linearizable_store: Any, graph_env: StandInGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WHATSAPP_MAX_ATTEMPTS", "3")
    whatsapp_config.reset()
    graph_env.fail_next(10)
    message_id = _queue_reply(outbox.dispatcher())
    settle()
    assert len(graph_env.calls) == 3
    assert graph_env.sent == []
    assert _state(message_id) == (ReplyState.FAILED, 3)


def test_ten_workers_delivering_one_reply_send_it_once(
    linearizable_store: Any, graph_env: StandInGraph
) -> None:
    message_id = _queue_reply(RecordingDispatcher())
    outcomes = run_concurrently(10, lambda i: _deliver(message_id))
    assert outcomes.count(outbox.Delivery.SENT) == 1
    assert outcomes.count(outbox.Delivery.NOTHING_TO_DO) == 9
    assert len(graph_env.calls) == 1


def test_a_reply_whose_sender_vanished_mid_send_is_maybe_sent_and_not_sent_again(
    linearizable_store: Any, graph_env: StandInGraph
) -> None:
    from chalicelib.store.models import WhatsAppMessageRecord

    message_id = _queue_reply(RecordingDispatcher())
    lease_seconds = whatsapp_settings().lease_seconds
    vanished = WhatsAppStore().lease(message_id, runtime.now(), timedelta(seconds=lease_seconds))
    assert vanished is not None  # a worker took it, then died: before or after Graph sent it
    assert _deliver(message_id) is outbox.Delivery.NOTHING_TO_DO  # its lease still holds
    assert _deliver(message_id, timedelta(seconds=lease_seconds + 1)) is outbox.Delivery.MAYBE_SENT
    assert _deliver(message_id, timedelta(seconds=lease_seconds + 2)) is outbox.Delivery.NOTHING_TO_DO
    assert graph_env.calls == []
    assert _state(message_id) == (ReplyState.MAYBE_SENT, 1)
    record = WhatsAppMessageRecord.get(message_id, consistent_read=True)
    assert record.to_wa_id is None
    assert record.reply is None


def test_an_unreachable_graph_api_is_retried_later(
    linearizable_store: Any, monkeypatch: pytest.MonkeyPatch, graph: StandInGraph
) -> None:
    url = graph.url
    graph.stop()  # nothing listens on its port any more
    monkeypatch.setenv("WHATSAPP_GRAPH_URL", url)
    whatsapp_config.reset()
    message_id = _queue_reply(RecordingDispatcher())
    assert _deliver(message_id) is outbox.Delivery.RETRY_LATER
    view = WhatsAppStore().view(message_id)
    assert view is not None
    assert view.state is ReplyState.PENDING
    assert view.last_error is not None
    assert view.last_error.startswith("connect")


def test_a_sent_reply_keeps_neither_the_wa_id_nor_the_text(
    linearizable_store: Any, graph_env: StandInGraph
) -> None:
    from chalicelib.store.models import WhatsAppMessageRecord

    message_id = _queue_reply(RecordingDispatcher())
    assert _deliver(message_id) is outbox.Delivery.SENT
    record = WhatsAppMessageRecord.get(message_id, consistent_read=True)
    assert record.to_wa_id is None
    assert record.reply is None
    assert record.expires_at is not None
