"""Route tests: the Chalice app through `chalice.test.Client` (its LocalGateway and authorizer)
over in-process moto, or the store's in-memory twin where a module needs the store's behaviour
and not DynamoDB's (it overrides `app_store`), with a clock the test can move (it starts on a
Wednesday morning)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from chalice.test import Client

from tests.support.api_client import Api, Clock, mint

# Wednesday 25 November 2026, 09:00 WIB.
WEDNESDAY_MORNING = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


@pytest.fixture
def start_instant() -> datetime:
    return WEDNESDAY_MORNING


@pytest.fixture
def app_store(moto_store: object) -> object:
    """The store behind the routes."""
    return moto_store


@pytest.fixture
def api(app_store: object, clock: Clock) -> Iterator[Api]:
    from app import app
    from chalicelib.settings import settings

    # Read now, from the test's environment: the Client runs each request in the stage's
    # environment from .chalice/config.json (its sites, its rate limit).
    settings()

    with Client(app, stage_name="local") as client:  # no stage: no SSM parameter names
        yield Api(client)


@pytest.fixture
def admin_token() -> str:
    return mint("admin")


@pytest.fixture
def staff_token() -> str:
    return mint("staff")
