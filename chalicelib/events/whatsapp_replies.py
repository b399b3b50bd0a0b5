"""The reply worker: each SQS message the webhook queued names a WhatsApp message whose reply
is queued in the store; send it (`chalicelib.whatsapp.outbox`)."""

from __future__ import annotations

from typing import cast

from chalice.app import SQSEvent

from chalicelib import runtime
from chalicelib.store.whatsapp import WhatsAppStore
from chalicelib.whatsapp import outbox
from chalicelib.whatsapp.config import whatsapp_settings


class ReplyNotSentYet(Exception):
    """Raised by the worker so that SQS offers the message again after its visibility timeout."""


def handle(event: object) -> None:
    """The worker: each SQS record's body is a message id whose reply is queued in the store.
    Chalice hands over an `SQSEvent`; batch size 1, so a raise concerns one message only."""
    config = whatsapp_settings()
    runtime.store()  # binds the models
    store, graph = WhatsAppStore(), outbox.graph_api(config)
    for record in cast(SQSEvent, event):
        outcome = outbox.deliver(store, graph, config, record.body, runtime.now())
        if outcome is outbox.Delivery.RETRY_LATER:
            raise ReplyNotSentYet(record.body)
