"""WhatsApp tier fixtures: the environment, a stand-in Graph API, a linearizable store, the
local HTTP server. The kit they and the tests share is tests/support/whatsapp.py."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.whatsapp import config as whatsapp_config
from chalicelib.whatsapp import outbox
from tests.support.whatsapp import (
    A_MONDAY_MORNING,
    ACCESS_TOKEN,
    APP_SECRET,
    VERIFY_TOKEN,
    RecordingDispatcher,
    StandInGraph,
)


@pytest.fixture
def graph() -> Iterator[StandInGraph]:
    server = StandInGraph().start()
    yield server
    server.stop()


# --- environment ----------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def whatsapp_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Test secrets, fast local retries; every test ends with no drain thread left running."""
    monkeypatch.setenv("WHATSAPP_APP_SECRET", APP_SECRET.decode())
    monkeypatch.setenv("WHATSAPP_VERIFY_TOKEN", VERIFY_TOKEN)
    monkeypatch.setenv("WHATSAPP_ACCESS_TOKEN", ACCESS_TOKEN)
    monkeypatch.setenv("WHATSAPP_RETRY_BASE_SECONDS", "0.05")
    monkeypatch.setenv("WHATSAPP_SEND_TIMEOUT_SECONDS", "2")
    monkeypatch.delenv("WHATSAPP_REPLY_QUEUE_URL", raising=False)
    monkeypatch.delenv("WHATSAPP_GRAPH_URL", raising=False)
    whatsapp_config.reset()
    yield
    outbox.use_dispatcher(None)
    whatsapp_config.reset()


@pytest.fixture
def graph_env(monkeypatch: pytest.MonkeyPatch, graph: StandInGraph) -> StandInGraph:
    monkeypatch.setenv("WHATSAPP_GRAPH_URL", graph.url)
    whatsapp_config.reset()
    return graph


@pytest.fixture
def monday(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """The clock reads a Monday, 09:00 WIB (an open day), and keeps running from there."""
    from chalicelib import runtime

    offset = A_MONDAY_MORNING - datetime.now(UTC)
    monkeypatch.setattr(runtime, "now", lambda: datetime.now(UTC) + offset)
    return A_MONDAY_MORNING


@pytest.fixture
def recording_dispatcher() -> RecordingDispatcher:
    recorder = RecordingDispatcher()
    outbox.use_dispatcher(recorder)
    return recorder


# --- a linearizable DynamoDB over HTTP ------------------------------------------------------


@pytest.fixture
def linearizable_store(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The store on a fresh EmbeddedDynamoDB (moto server, one lock per request), over HTTP,
    with the demo residents: safe under concurrent requests, unlike in-process moto."""
    from chalicelib import runtime, settings
    from chalicelib.store.models import create_missing_tables
    from local.demo import seed
    from local.embedded_dynamodb import EmbeddedDynamoDB

    embedded = EmbeddedDynamoDB().start()
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", embedded.endpoint)
    monkeypatch.setenv("LOKET_TABLE_PREFIX", f"wa-{uuid.uuid4().hex[:8]}")
    settings.reset()
    runtime.reset()
    store = runtime.store()
    create_missing_tables()
    seed(store)
    yield store
    outbox.use_dispatcher(None)  # no drain thread may outlive the endpoint it talks to
    runtime.reset()
    embedded.stop()


@pytest.fixture
def loket_url(linearizable_store: Any) -> Iterator[str]:
    """loket's own local HTTP server (as `make run` serves it) over the linearizable store."""
    from app import app
    from local.http_server import HttpServer

    server = HttpServer(app, port=0).start()
    yield server.url
    server.stop()
