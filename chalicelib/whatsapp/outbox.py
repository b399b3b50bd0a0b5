"""Sending queued replies: one code path, `deliver`, driven two ways.

- In AWS the webhook puts each queued message id on an SQS queue; the worker Lambda
  (`events.whatsapp_replies`) calls `deliver` for it. A failed send raises, so SQS offers the
  message again after its visibility timeout (and to a dead-letter queue in the end).
- Locally (`make run`, tests) there is no SQS: a background thread in the server process
  (`LocalDrain`) wakes when a reply is queued, and at each reply's due time, and calls
  `deliver` for every reply that is due, with doubling backoff between attempts.

The outbox item in DynamoDB is the truth in both: `deliver` takes a lease on it before
sending and records the outcome under that lease (retried), so a reply is never sent by two
workers at once, and one that failed twice then succeeded was sent exactly once. A lease
that ran out with no outcome is `maybe_sent` and is not sent again: its worker may have sent
it before dying, or sent it and could not record it (`sent_unrecorded`; the worker does not
raise, so SQS does not offer it again, and if SQS does anyway, the expired lease stops it).
The one duplicate that cannot be ruled out: Graph accepted a send but the answer was lost
(read timeout), so the retry sends it again; the `maybe_sent` flag logs it.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any, Protocol

from chalicelib import runtime
from chalicelib.core.errors import Unavailable
from chalicelib.logs import log
from chalicelib.settings import SettingsError
from chalicelib.store.whatsapp import WhatsAppStore
from chalicelib.store.whatsapp_ports import WhatsAppMessages
from chalicelib.whatsapp.config import WhatsAppSettings, whatsapp_secret, whatsapp_settings
from chalicelib.whatsapp.graph import GraphApi, GraphError

_MAX_BACKOFF_SECONDS = 300.0
_IDLE_RECHECK_SECONDS = 30.0  # the local drain's safety net when nothing is known to be due
# Pauses between the attempts to record a send's outcome (each attempt is botocore's three).
_RECORD_PAUSES_SECONDS = (0.2, 1.0)


class Delivery(StrEnum):
    SENT = "sent"
    NOTHING_TO_DO = "nothing_to_do"  # already sent or given up, or another worker holds it
    RETRY_LATER = "retry_later"
    GAVE_UP = "gave_up"
    MAYBE_SENT = "maybe_sent"  # a lease ran out with no outcome: not sent again


def graph_api(config: WhatsAppSettings) -> GraphApi:
    token = whatsapp_secret("WHATSAPP_ACCESS_TOKEN").decode()
    return GraphApi(config.graph_url, token, config.send_timeout_seconds)


def backoff(attempts: int, config: WhatsAppSettings) -> timedelta:
    return timedelta(seconds=min(config.retry_base_seconds * 2 ** (attempts - 1), _MAX_BACKOFF_SECONDS))


def deliver(
    store: WhatsAppMessages, graph: GraphApi, config: WhatsAppSettings, message_id: str, now: datetime
) -> Delivery:
    """Send the reply queued for `message_id`, if it still needs sending, at most once per lease."""
    lease = store.lease(message_id, now, timedelta(seconds=config.lease_seconds))
    if lease is None:
        if store.expire_lease(message_id, now):
            log("whatsapp_reply_maybe_sent", logging.WARNING, message_id=message_id)
            return Delivery.MAYBE_SENT
        return Delivery.NOTHING_TO_DO
    try:
        graph_id = graph.send_text(lease.phone_number_id, lease.to_wa_id, lease.reply)
    except GraphError as error:
        reason = error.reason
        fields: dict[str, Any] = {"message_id": message_id, "attempt": lease.attempts, "reason": reason}
        if error.maybe_sent:
            fields["maybe_sent"] = True
        if error.retryable and lease.attempts < config.max_attempts:
            due = runtime.now() + backoff(lease.attempts, config)
            _record(lambda: store.retry_later(lease, due, reason), "retry_later", fields)
            log("whatsapp_reply_retry", logging.WARNING, **fields)
            return Delivery.RETRY_LATER
        _record(lambda: store.give_up(lease, reason), "failed", fields)
        log("whatsapp_reply_failed", logging.ERROR, **fields)
        return Delivery.GAVE_UP
    log("whatsapp_reply_sent", message_id=message_id, attempt=lease.attempts)
    fields = {"message_id": message_id, "attempt": lease.attempts}
    if _record(lambda: store.mark_sent(lease, graph_id, runtime.now()), "sent", fields) is False:
        # Not expected: only this lease's holder moves the item on from `sending` (a lease
        # that ran out became `maybe_sent`, which our token still records over).
        log("whatsapp_reply_lease_lost", logging.WARNING, message_id=message_id)
    return Delivery.SENT


def _record(write: Callable[[], bool], outcome: str, fields: dict[str, Any]) -> bool | None:
    """Record an outcome under our lease, retried while DynamoDB refuses; None when every
    attempt was refused (logged `<outcome>_unrecorded`). Never raises for it: raising would
    have SQS offer the message again, and the lease left behind already says `maybe_sent`."""
    for pause in (*_RECORD_PAUSES_SECONDS, None):
        try:
            return write()
        except Unavailable:
            if pause is None:
                log(f"whatsapp_reply_{outcome}_unrecorded", logging.ERROR, **fields)
                return None
            time.sleep(pause)
    return None


def deliver_due(store: WhatsAppMessages, graph: GraphApi, config: WhatsAppSettings) -> datetime | None:
    """Deliver every reply that is due; returns when the next one falls due (None: none left)."""
    now = runtime.now()
    for item in store.unsent():
        if item.due_at <= now:
            deliver(store, graph, config, item.message_id, runtime.now())
    return min((item.due_at for item in store.unsent()), default=None)


# --- what wakes the sender ------------------------------------------------------------------


class Dispatcher(Protocol):
    def dispatch(self, message_ids: Sequence[str]) -> None:
        """Make sure the replies of `message_ids` will be delivered (they are queued in the store)."""


class SqsDispatcher:
    """AWS: one SQS message per reply, its body the message id; the worker Lambda delivers it."""

    def __init__(self, queue_url: str, region: str) -> None:
        self._queue_url = queue_url
        self._region = region

    @property
    def _client(self) -> Any:
        return _sqs_client(self._region)

    def dispatch(self, message_ids: Sequence[str]) -> None:
        for start in range(0, len(message_ids), 10):  # SendMessageBatch takes 10 at most
            batch = message_ids[start : start + 10]
            entries = [{"Id": str(i), "MessageBody": mid} for i, mid in enumerate(batch)]
            try:
                result = self._client.send_message_batch(QueueUrl=self._queue_url, Entries=entries)
            except Exception as error:  # botocore's ClientError or a connection failure
                raise Unavailable(f"sqs {type(error).__name__}") from None
            if result.get("Failed"):
                raise Unavailable("sqs refused some messages")


@lru_cache(maxsize=4)
def _sqs_client(region: str) -> Any:
    import botocore.session  # already loaded with PynamoDB; boto3 would add ~200 ms

    return botocore.session.get_session().create_client("sqs", region_name=region)


class LocalDrain:
    """A daemon thread delivering due replies in this process: the local stand-in for SQS."""

    def __init__(self, run_once: Callable[[], datetime | None]) -> None:
        self._run_once = run_once
        self._wake = threading.Event()
        self._stopping = False
        self._thread = threading.Thread(target=self._loop, name="whatsapp-replies", daemon=True)

    def start(self) -> LocalDrain:
        self._thread.start()
        return self

    def dispatch(self, message_ids: Sequence[str]) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        self._thread.join(timeout=30)

    def _loop(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                next_due = self._run_once()
            except Exception as error:  # DynamoDB unreachable, a bug: log, and try again later
                log("whatsapp_drain_error", logging.ERROR, error=type(error).__name__)
                next_due = None
            wait = _IDLE_RECHECK_SECONDS
            if next_due is not None:
                wait = min(max((next_due - runtime.now()).total_seconds(), 0.0), _IDLE_RECHECK_SECONDS)
            self._wake.wait(timeout=wait)


_lock = threading.Lock()
_dispatcher: Dispatcher | None = None


def dispatcher() -> Dispatcher:
    """SQS when WHATSAPP_REPLY_QUEUE_URL is set (AWS), else a local drain started on first use."""
    global _dispatcher
    with _lock:
        if _dispatcher is None:
            config = whatsapp_settings()
            if config.reply_queue_url:
                from chalicelib.settings import settings

                _dispatcher = SqsDispatcher(config.reply_queue_url, settings().region)
            elif "AWS_LAMBDA_FUNCTION_NAME" in os.environ:  # a thread would freeze with the Lambda
                raise SettingsError("WHATSAPP_REPLY_QUEUE_URL must be set in Lambda (the reply queue's URL)")
            else:
                _dispatcher = LocalDrain(_deliver_due_now).start()
        return _dispatcher


def use_dispatcher(replacement: Dispatcher | None) -> None:
    """Swap the dispatcher (tests); None goes back to choosing from the settings. A local
    drain being replaced is stopped."""
    global _dispatcher
    with _lock:
        previous, _dispatcher = _dispatcher, replacement
    if isinstance(previous, LocalDrain):
        previous.stop()


def _deliver_due_now() -> datetime | None:
    config = whatsapp_settings()
    runtime.store()  # binds the models
    return deliver_due(WhatsAppStore(), graph_api(config), config)
