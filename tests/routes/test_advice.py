"""Capacity advice (`GET /v1/admin/advice`): the quota to set for a day from the no-shows of
its weekday over the last 8 such days that ended, with the inputs shown. The history is
written into the store as the day's tickets stood once their days ended; the expected quota
is computed here with exact fractions (math.comb), not by the code under test."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from typing import TYPE_CHECKING, cast

import pytest

from chalicelib.core.tickets import Holder, Ticket, TicketState
from tests.support.api_client import Api, mint

if TYPE_CHECKING:
    from chalicelib.store.ports import Door

SITE = "kab-blitar"
TODAY = date(2026, 11, 25)  # a Wednesday (the routes' clock)
NEXT_WEDNESDAY = "2026-12-02"
LAST_WEDNESDAYS = [TODAY - timedelta(weeks=w) for w in range(1, 9)]  # 2026-11-18 .. 2026-09-30


@pytest.fixture(autouse=True)
def small_office(monkeypatch: pytest.MonkeyPatch) -> None:
    """An office that serves 20 residents a day, so a history of ~100 tickets says enough."""
    monkeypatch.setenv("LOKET_DAILY_CAPACITY", "20")


@pytest.fixture
def store(app_store: object) -> Door:
    return cast("Door", app_store)


def seed_day(store: Door, day: date, states: dict[TicketState, int], first: int = 1) -> None:
    """`day`'s counter and tickets, in the states given (numbers from `first`)."""
    store.set_day_quota(SITE, day, 400)
    number = first
    for state, count in states.items():
        for _ in range(count):
            store.put_ticket(
                Ticket(
                    code=f"{day:%m%d}{number:04d}".translate(str.maketrans("01", "AB")),
                    site=SITE,
                    service_day=day,
                    number=number,
                    nik_last4=f"{number:04d}",
                    nik_holder_key=f"h{day:%m%d}{number}",
                    state=state,
                    holder=Holder("staff", "desk"),
                    pool="public",
                    booked_at=datetime(2026, 9, 1, tzinfo=UTC),
                )
            )
            number += 1


def exact_advice(capacity: int, no_show: Fraction) -> tuple[int, Fraction]:
    """The largest quota q with P(Binomial(q, 1 - no_show) > capacity) < 1/20, and that risk."""

    def risk(quota: int) -> Fraction:
        show = 1 - no_show
        return sum(
            (math.comb(quota, k) * show**k * no_show ** (quota - k) for k in range(capacity + 1, quota + 1)),
            Fraction(0),
        )

    quota = capacity
    while risk(quota + 1) < Fraction(1, 20):
        quota += 1
    return quota, risk(quota)


def test_the_advice_comes_from_the_weekday_s_no_shows_and_shows_its_inputs(api: Api, store: Door) -> None:
    # Four Wednesdays: 27 tickets kept each (cancelled ones do not count), 9 + 6 + 8 + 4 = 27
    # no-shows of 108: a rate of 1/4.
    for day, no_shows in zip(LAST_WEDNESDAYS[:4], (9, 6, 8, 4), strict=True):
        seed_day(store, day, {"served": 27 - no_shows, "no_show": no_shows, "cancelled": 3})
    # Not that weekday, not in the 8 weeks, or not ended: none of these count.
    seed_day(store, TODAY - timedelta(days=1), {"no_show": 50})
    seed_day(store, TODAY - timedelta(weeks=9), {"no_show": 50})
    seed_day(store, TODAY, {"booked": 30})

    answer = api.get(f"/v1/admin/advice?site={SITE}&day={NEXT_WEDNESDAY}", token=mint("admin"))

    quota, risk = exact_advice(20, Fraction(1, 4))
    assert answer.status == 200, answer
    body = answer.body
    assert body["risk"] == pytest.approx(float(risk), abs=1e-6)
    assert 0 < body["risk"] < 0.05
    assert {k: v for k, v in body.items() if k != "risk"} == {
        "site": SITE,
        "service_day": NEXT_WEDNESDAY,
        "weekday": "wednesday",
        "quota": quota,
        "enough_history": True,
        "capacity": 20,
        "max_risk": 0.05,
        "history": {
            "from": "2026-09-30",
            "to": "2026-11-18",
            "days": 4,
            "tickets": 108,
            "no_shows": 27,
            "no_show_rate": 0.25,
            "minimum_days": 4,
            "minimum_tickets": 100,
        },
    }
    assert quota > 20  # a quarter stay home: more tickets than places, safely


@pytest.mark.parametrize(
    ("days", "kept"),
    [(3, 40), (5, 19)],
    ids=["three days of 40 tickets", "five days of 19 tickets (95 in all)"],
)
def test_with_too_little_history_it_says_so_and_advises_the_capacity(
    api: Api, store: Door, days: int, kept: int
) -> None:
    for day in LAST_WEDNESDAYS[:days]:
        seed_day(store, day, {"served": kept // 2, "no_show": kept - kept // 2})
    body = api.get(f"/v1/admin/advice?day={NEXT_WEDNESDAY}", token=mint("admin")).body
    assert (body["enough_history"], body["quota"], body["risk"]) == (False, 20, 0.0)
    assert (body["history"]["days"], body["history"]["tickets"]) == (days, days * kept)


def test_a_day_without_any_history_has_no_rate_and_today_is_the_default(api: Api) -> None:
    body = api.get("/v1/admin/advice", token=mint("admin")).body
    assert (body["service_day"], body["quota"], body["enough_history"]) == (TODAY.isoformat(), 20, False)
    assert body["history"]["no_show_rate"] is None


def test_only_an_administrator_may_ask(api: Api) -> None:
    for role in ("staff", "operator", "resident"):
        answer = api.get("/v1/admin/advice", token=mint(role))
        assert (answer.status, answer.code) == (403, "forbidden"), role
    assert api.get("/v1/admin/advice").status == 401


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ("day=2026-13-01", 400, "invalid_day"),
        ("day=next-week", 400, "invalid_day"),
        ("day=0001-01-01", 400, "invalid_day"),  # its 8 weeks of history would fall off the calendar
        ("day=" + "9" * 5000, 400, "invalid_day"),
        ("days=2026-12-02", 400, "invalid_request"),
        ("site=nowhere", 404, "unknown_site"),
    ],
)
def test_bad_input_is_a_4xx_in_the_contract_s_shape(api: Api, query: str, status: int, code: str) -> None:
    answer = api.get(f"/v1/admin/advice?{query}", token=mint("admin"))
    assert (answer.status, answer.code) == (status, code)
    assert answer.is_contract_error
