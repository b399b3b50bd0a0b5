"""Route tests: the Chalice app through `chalice.test.Client` (its LocalGateway and authorizer)
over in-process moto, with a clock the test can move (it starts on a Wednesday morning)."""

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
def api(moto_store: object, clock: Clock) -> Iterator[Api]:
    from app import app

    with Client(app, stage_name="local") as client:  # no stage: no SSM parameter names
        yield Api(client)


@pytest.fixture
def admin_token() -> str:
    return mint("admin")


@pytest.fixture
def staff_token() -> str:
    return mint("staff")
