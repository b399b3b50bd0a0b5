"""Fixtures shared by every tier: a clean environment, a store on in-process moto, the in-memory twin."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

import pytest

from tests.support.tiers import markers_for

if TYPE_CHECKING:
    from chalicelib.store.memory import MemoryStore
    from tests.support.api_client import Clock

# Nothing in the test suite may reach AWS: fake credentials, a region, no account endpoints.
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "ap-southeast-3",
        "AWS_REGION": "ap-southeast-3",
        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
    }
)
for _name in ("AWS_ENDPOINT_URL_DYNAMODB", "AWS_PROFILE", "AWS_SESSION_TOKEN"):
    os.environ.pop(_name, None)

TESTS = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by them
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Each test gets its tier's markers (`slow`, `integration`, ...: tests/support/tiers.py)."""
    for item in items:
        path = Path(item.path).resolve()
        if path.is_relative_to(TESTS):
            for name in markers_for(PurePosixPath(path.relative_to(TESTS).as_posix())):
                item.add_marker(name)


@pytest.fixture(autouse=True)
def fresh_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts from default settings with the rate limit off, unless it sets its own."""
    from chalicelib import runtime, settings

    monkeypatch.setenv("LOKET_RATE_LIMIT_PER_MINUTE", "0")
    monkeypatch.setenv("LOKET_SITES", "kab-blitar,kec-wlingi")
    settings.reset()
    runtime.reset()
    yield
    settings.reset()
    runtime.reset()


@pytest.fixture
def no_ticket_proof(monkeypatch: pytest.MonkeyPatch) -> None:
    """`LOKET_TICKET_PROOF=none`: anyone takes a ticket for a NIK, as before phones (the
    counter's own rules, tested without tokens). Modules opt in with
    `pytestmark = pytest.mark.usefixtures("no_ticket_proof")`; the default stays `phone`."""
    from chalicelib import settings

    monkeypatch.setenv("LOKET_TICKET_PROOF", "none")
    settings.reset()


@pytest.fixture
def start_instant() -> datetime:
    """Where a test's clock starts; a tier's conftest may start it elsewhere."""
    from tests.support.api_client import MONDAY_0900_WIB

    return MONDAY_0900_WIB


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch, start_instant: datetime) -> Clock:
    """The app's clock (`chalicelib.runtime.now`), held still until the test moves it."""
    from chalicelib import runtime
    from tests.support.api_client import Clock

    clock = Clock(start_instant)
    monkeypatch.setattr(runtime, "now", clock)
    return clock


@pytest.fixture(scope="module")
def _moto_for_module() -> Iterator[None]:
    """In-process moto for one test module: creating the tables costs ~1 s, so a module
    shares them and each test starts from empty tables instead. Module scope, not session:
    moto's patch of botocore would otherwise hijack the HTTP tiers that run after."""
    from moto import mock_aws

    with mock_aws():
        yield


@pytest.fixture
def memory_store(monkeypatch: pytest.MonkeyPatch) -> MemoryStore:
    """The in-memory twin (kept honest by the store contract suite) as the app's store: for
    tests that need the store's behaviour, not DynamoDB's (no faults, no concurrency)."""
    from chalicelib import runtime
    from chalicelib.store.memory import MemoryStore

    twin = MemoryStore()
    monkeypatch.setattr(runtime, "store", lambda: twin)
    return twin


@pytest.fixture
def moto_store(_moto_for_module: None) -> object:
    """A DynamoStore on in-process moto with empty tables (functional only: moto is not
    safe under concurrency)."""
    from chalicelib import runtime
    from chalicelib.store.models import MODELS, create_missing_tables

    store = runtime.store()
    create_missing_tables()
    for model in MODELS.values():
        with model.batch_write() as batch:
            for item in model.scan():
                batch.delete(item)
    return store
