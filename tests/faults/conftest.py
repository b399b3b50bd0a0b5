"""Faults at the DynamoDB client: the app through chalice's test client, with a fixed clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from chalice.test import Client

from chalicelib.store.dynamo import DynamoStore
from tests.support.api_client import Api, Clock
from tests.support.servers import moto_server_endpoint, moto_server_store  # noqa: F401  (fixtures)


@pytest.fixture
def api(clock: Clock) -> Iterator[Api]:
    from app import app

    with Client(app, stage_name="local") as client:  # no stage: no SSM parameter names
        yield Api(client)


@pytest.fixture
def api_over_http(moto_server_store: DynamoStore, api: Api) -> Api:  # noqa: F811
    """The app over the embedded moto server: faults on a real HTTP transport."""
    return api
