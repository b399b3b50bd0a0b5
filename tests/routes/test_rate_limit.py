"""LOKET_RATE_LIMIT_PER_MINUTE: requests one client may make to one public route in a minute."""

from __future__ import annotations

import pytest

from chalicelib import settings
from chalicelib.store.memory import MemoryStore
from tests.support.api_client import Api, Clock
from tests.support.residents import nik

pytestmark = pytest.mark.usefixtures("no_ticket_proof")  # the counter's rules, without phones


@pytest.fixture
def app_store(memory_store: MemoryStore) -> MemoryStore:
    """The in-memory twin: these tests need the store's behaviour, not DynamoDB's."""
    return memory_store


@pytest.fixture
def limit_of_three(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOKET_RATE_LIMIT_PER_MINUTE", "3")
    settings.reset()


@pytest.mark.usefixtures("limit_of_three")
class TestRateLimit:
    def test_the_request_after_the_limit_gets_429_with_retry_after(self, api: Api, clock: Clock) -> None:
        clock.set(clock.instant.replace(second=15))
        statuses = [api.post("/v1/status", {"nik": nik(s)}).status for s in range(1, 5)]
        assert statuses == [404, 404, 404, 429]
        refused = api.post("/v1/status", {"nik": nik(9)})
        assert (refused.status, refused.code) == (429, "rate_limited")
        assert refused.headers["retry-after"] == "45"

    def test_each_public_route_has_its_own_allowance(self, api: Api) -> None:
        for _ in range(3):
            api.get("/v1/quota")
        assert api.get("/v1/quota").status == 429
        assert api.post("/v1/tickets", {"nik": nik(1)}).status == 201

    def test_the_allowance_comes_back_in_the_next_minute(self, api: Api, clock: Clock) -> None:
        for _ in range(4):
            api.get("/v1/quota")
        assert api.get("/v1/quota").status == 429
        clock.advance(minutes=1)
        assert api.get("/v1/quota").status == 200

    def test_a_refused_request_takes_no_ticket(self, api: Api) -> None:
        for serial in range(1, 5):
            api.post("/v1/tickets", {"nik": nik(serial)})
        assert api.get("/v1/quota").body["issued"] == 3


def test_zero_turns_the_limit_off(api: Api) -> None:
    assert all(api.get("/v1/quota").status == 200 for _ in range(40))
