"""`GET /v1/admin/report` for one day also gives `hours`: that day's tickets booked, checked in
and called in each hour of the office's clock (WIB), from each ticket's own instants; the
office page draws it as a chart. The expected counts are the moves this test made, hour by hour."""

from __future__ import annotations

import pytest

from tests.support.api_client import Api, Clock, mint
from tests.support.residents import nik

TODAY, YESTERDAY, THURSDAY = "2026-11-25", "2026-11-24", "2026-11-26"


@pytest.fixture
def staff() -> str:
    return mint("staff")


def book(api: Api, serial: int, day: str = TODAY) -> str:
    answer = api.post(
        "/v1/tickets", {"nik": nik(serial), "service_day": day}, token=mint("resident", sub=f"p{serial}")
    )
    assert answer.status == 201, answer
    return str(answer.body["ticket"]["code"])


def test_a_one_day_report_counts_the_tickets_booked_checked_in_and_called_in_each_hour_of_wib(
    api: Api, clock: Clock, staff: str
) -> None:
    # The clock starts at 09:00 WIB.
    early = [book(api, s) for s in (1, 2, 3)]
    for code in early[:2]:
        assert api.post("/v1/admin/checkins", {"code": code}, token=staff).status == 200
    clock.advance(minutes=75)  # 10:15
    late = book(api, 4)
    book(api, 5, THURSDAY)  # a ticket of another day is in none of today's hours
    assert api.post("/v1/admin/checkins", {"code": late}, token=staff).status == 200
    assert api.post("/v1/admin/calls", {"desk": 1}, token=staff).status == 200
    clock.advance(hours=3)  # 13:15
    assert api.post("/v1/admin/checkins", {"code": early[2]}, token=staff).status == 200
    assert api.post("/v1/admin/calls", {"desk": 2}, token=staff).status == 200

    answer = api.get(f"/v1/admin/report?from={TODAY}&to={TODAY}", token=mint("admin"))

    assert answer.status == 200, answer
    hours = answer.body["hours"]
    assert [h["hour"] for h in hours] == list(range(24))
    busy = {
        h["hour"]: (h["booked"], h["checked_in"], h["called"])
        for h in hours
        if any(h[k] for k in h if k != "hour")
    }
    assert busy == {9: (3, 2, 0), 10: (1, 1, 1), 13: (0, 1, 1)}
    assert answer.body["days"][0]["issued"] == 4


def test_a_ticket_booked_on_an_earlier_day_is_in_none_of_its_day_s_hours(api: Api, clock: Clock) -> None:
    clock.advance(days=-1)
    book(api, 1, TODAY)
    clock.advance(days=1)

    answer = api.get("/v1/admin/report", token=mint("admin"))

    assert answer.body["days"][0]["issued"] == 1
    assert sum(h["booked"] for h in answer.body["hours"]) == 0


def test_a_report_of_several_days_has_no_hours(api: Api) -> None:
    answer = api.get(f"/v1/admin/report?from={YESTERDAY}&to={TODAY}", token=mint("admin"))

    assert answer.status == 200
    assert "hours" not in answer.body
