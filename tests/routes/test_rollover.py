"""The day rollover at 00:00 WIB: prepares the new day at every site; twice, late or never
changes nothing for the count. On the store's in-memory twin: these tests need the store's
behaviour (its conditional writes), not DynamoDB's."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import partial
from typing import Any, cast

import pytest
from chalice.test import Client

from chalicelib import runtime, settings
from chalicelib.services import days
from chalicelib.store.memory import MemoryStore
from chalicelib.store.ports import AuditedDays
from tests.support.api_client import Api, Clock
from tests.support.residents import nik

pytestmark = pytest.mark.usefixtures("no_ticket_proof")  # the counter's rules, without phones

MIDNIGHT_WIB = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)  # Thursday 26 November begins
SITE = "kab-blitar"


@pytest.fixture
def app_store(memory_store: MemoryStore) -> MemoryStore:
    return memory_store


def _rollover(client: Client, at: str = "2026-11-25T17:00:00Z") -> dict[str, object]:
    event = client.events.generate_cw_event(
        source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
    )
    event["time"] = at
    response = client.lambda_.invoke("rollover", event)
    assert isinstance(response.payload, dict)
    return response.payload


def test_the_rollover_prepares_the_new_day_at_every_site(api: Api, clock: Clock) -> None:
    clock.set(MIDNIGHT_WIB)
    result = _rollover(api.client)
    assert result == {"service_day": "2026-11-26", "sites": ["kab-blitar", "kec-wlingi"], "no_shows": 0}
    for site in ("kab-blitar", "kec-wlingi"):
        counter = runtime.store().counter(site, datetime(2026, 11, 26).date())
        assert counter is not None and (counter.quota, counter.issued) == (400, 0)


def test_running_it_twice_or_late_changes_nothing(api: Api, clock: Clock) -> None:
    clock.set(MIDNIGHT_WIB)
    _rollover(api.client)
    numbers = [api.post("/v1/tickets", {"nik": nik(s)}).body["ticket"]["number"] for s in (1, 2)]
    clock.advance(hours=3)
    assert _rollover(api.client)["service_day"] == "2026-11-26"
    _rollover(api.client)
    assert api.post("/v1/tickets", {"nik": nik(3)}).body["ticket"]["number"] == 3
    assert numbers == [1, 2]
    assert api.get("/v1/quota").body["issued"] == 3


def test_an_event_delivered_before_the_clock_reaches_midnight_still_prepares_the_new_day(
    api: Api, clock: Clock
) -> None:
    clock.set(datetime(2026, 11, 25, 16, 59, 59, tzinfo=UTC))
    assert _rollover(api.client)["service_day"] == "2026-11-26"


def test_a_day_the_rollover_never_prepared_still_gets_the_right_quota(
    api: Api, clock: Clock, admin_token: str
) -> None:
    api.put("/v1/admin/quota/default", {"quota": 3}, token=admin_token)
    clock.set(MIDNIGHT_WIB)  # no rollover runs
    granted = [api.post("/v1/tickets", {"nik": nik(s)}).status for s in range(1, 6)]
    assert granted == [201, 201, 201, 409, 409]
    assert api.get("/v1/quota").body["quota"] == 3


def test_a_default_changed_after_the_rollover_prepared_the_day_is_in_force(
    api: Api, clock: Clock, admin_token: str
) -> None:
    clock.set(MIDNIGHT_WIB)
    _rollover(api.client)
    api.put("/v1/admin/quota/default", {"quota": 1}, token=admin_token)
    _rollover(api.client)  # a late, repeated run must not restore the old default
    assert [api.post("/v1/tickets", {"nik": nik(s)}).status for s in (1, 2)] == [201, 409]


class _Interleaved:
    """A store that runs `other` (the whole of another party's work) just before its call
    number `at`, counting every store call of the party that uses it."""

    def __init__(self, store: AuditedDays, at: int, other: Callable[[], object]) -> None:
        self._store, self._at, self._other = store, at, other
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._store, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(name)
            if len(self.calls) == self._at:
                self._other()
            return method(*args, **kwargs)

        return call


WEDNESDAY, THURSDAY = date(2026, 11, 25), date(2026, 11, 26)


def _rollover_of_thursday(store: AuditedDays) -> object:
    return days.rollover(store, settings.settings(), THURSDAY)


def _admin_sets_100_on_wednesday(store: AuditedDays) -> object:
    return days.set_default_quota(store, settings.settings(), SITE, 100, WEDNESDAY, "admin-ani")


def _thursday_against_the_standing_default(store: AuditedDays) -> str | None:
    standing = store.site_config(SITE, settings.settings().default_quota).default_quota
    counter = store.counter(SITE, THURSDAY)
    quota = None if counter is None else counter.quota
    return None if quota == standing == 100 else f"standing default: {standing} | D+1 counter quota: {quota}"


def test_a_default_set_between_the_rollovers_read_and_its_write_is_in_force_on_the_new_day() -> None:
    """The admin sets the default at midnight, after the rollover read the site config
    (version 0, quota 400) and before it writes Thursday: the admin re-applies Wednesday and
    the days already prepared, and Thursday is not one of them yet."""
    store = MemoryStore()
    rollover_store = _Interleaved(store, 2, lambda: _admin_sets_100_on_wednesday(store))

    _rollover_of_thursday(cast(AuditedDays, rollover_store))

    assert rollover_store.calls[:2] == ["site_config", "refresh_from_site_config"]
    verdict = _thursday_against_the_standing_default(store)
    assert verdict is None, verdict


def test_the_new_day_carries_the_standing_default_however_the_two_interleave() -> None:
    """Every point at which one of the two can run whole between two store calls of the
    other (or after its last): the admin inside the rollover, the rollover inside the admin."""
    orders = {
        "the admin's change": (_rollover_of_thursday, _admin_sets_100_on_wednesday),
        "the rollover": (_admin_sets_100_on_wednesday, _rollover_of_thursday),
    }
    wrong: list[str] = []
    for inner_name, (outer, inner) in orders.items():
        alone = _Interleaved(MemoryStore(), 0, lambda: None)
        outer(cast(AuditedDays, alone))
        points = len(alone.calls) + 1
        for at in range(1, points + 1):
            store = MemoryStore()
            nested = _Interleaved(store, at, partial(inner, store))
            outer(cast(AuditedDays, nested))
            if at == points:
                inner(store)
            verdict = _thursday_against_the_standing_default(store)
            if verdict is not None:
                wrong.append(f"{inner_name} run before call {at} of {points - 1}: {verdict}")
    assert wrong == [], "\n".join(wrong)
