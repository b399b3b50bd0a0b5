"""Hostile input: the app through chalice's test client (fast) and through the local HTTP
server (schemathesis), with a fixed clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from chalice.test import Client

from chalicelib.store.dynamo import DynamoStore
from tests.support.api_client import Api, Clock
from tests.support.servers import (  # noqa: F401  (fixtures)
    http_server,
    moto_server_endpoint,
    moto_server_staff_pool,
    moto_server_store,
)


@pytest.fixture
def local_store(monkeypatch: pytest.MonkeyPatch) -> Iterator[DynamoStore]:
    """A store on in-process moto: functional only, fine for one thread."""
    from moto import mock_aws

    from tests.support.servers import bind_store

    with mock_aws():
        yield bind_store(monkeypatch, None)


@pytest.fixture
def api(local_store: DynamoStore, clock: Clock) -> Iterator[Api]:
    from app import app

    with Client(app, stage_name="local") as client:  # no stage: no SSM parameter names
        yield Api(client)
