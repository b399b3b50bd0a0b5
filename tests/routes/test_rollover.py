"""The day rollover at 00:00 WIB: prepares the new day at every site; twice, late or never
changes nothing for the count."""

from __future__ import annotations

from datetime import UTC, datetime

from chalice.test import Client

from chalicelib import runtime
from tests.routes.conftest import Api, Clock, nik

MIDNIGHT_WIB = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)  # Thursday 26 November begins


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
    assert result == {"service_day": "2026-11-26", "sites": ["kab-blitar", "kec-wlingi"]}
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
