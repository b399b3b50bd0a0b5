"""The day at the door (API.md, "Changes / 2026-12-01"): check-in by code or NIK, desks calling
numbers, served and no-shows, now serving, a ticket's place and wait, and the day's report.
Concurrency (nine desks at once): tests/integration/test_door_races.py."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest

from chalicelib.events import rollover
from tests.support.api_client import Answer, Api, Clock, mint
from tests.support.residents import nik

TODAY, THURSDAY = "2026-11-25", "2026-11-26"


@pytest.fixture
def staff() -> str:
    return mint("staff")


def book(api: Api, serial: int, day: str = TODAY) -> str:
    answer = api.post(
        "/v1/tickets", {"nik": nik(serial), "service_day": day}, token=mint("resident", sub=f"p{serial}")
    )
    assert answer.status == 201, answer
    return str(answer.body["ticket"]["code"])


def check_in(api: Api, staff: str, **by: str) -> Answer:
    return api.post("/v1/admin/checkins", by, token=staff)


def call(api: Api, staff: str, desk: int) -> Answer:
    return api.post("/v1/admin/calls", {"desk": desk}, token=staff)


def mark(api: Api, staff: str, code: str, state: str) -> Answer:
    return api.put(f"/v1/admin/tickets/{code}", {"state": state}, token=staff)


class TestCheckIn:
    def test_by_code_or_by_nik_a_ticket_of_today_is_checked_in_and_again_is_the_same(
        self, api: Api, staff: str
    ) -> None:
        first, second = book(api, 1), book(api, 2)
        by_code = check_in(api, staff, code=first.lower())
        assert (by_code.status, by_code.body["ticket"]["state"]) == (200, "checked_in")
        assert check_in(api, staff, code=first).body == by_code.body
        by_nik = check_in(api, staff, nik=nik(2))
        assert (by_nik.body["ticket"]["code"], by_nik.body["ticket"]["state"]) == (second, "checked_in")
        assert api.get("/v1/queue").body["waiting"] == 2

    def test_a_ticket_of_another_day_is_409_wrong_day_with_its_day_and_counted_once(
        self, api: Api, staff: str
    ) -> None:
        book(api, 1, THURSDAY)
        for _ in range(2):
            refused = check_in(api, staff, nik=nik(1))
            assert (refused.status, refused.code, refused.body["error"]["service_day"]) == (
                409,
                "wrong_day",
                THURSDAY,
            )
        report = api.get(f"/v1/admin/report?from={TODAY}&to={TODAY}", token=mint("admin")).body["days"]
        assert report[0]["wrong_day"] == 1

    def test_no_ticket_is_404_and_a_body_must_name_one_way(self, api: Api, staff: str) -> None:
        assert check_in(api, staff, code="AAAAAAAA").status == 404
        assert check_in(api, staff, nik=nik(9)).status == 404
        assert check_in(api, staff).code == "invalid_request"
        assert api.post("/v1/admin/checkins", {"code": "AAAAAAAA", "nik": nik(1)}, token=staff).status == 400
        assert api.post("/v1/admin/checkins", {"code": "AAAAAAAA"}, token=mint("operator")).status == 403


class TestCalls:
    def test_desks_get_the_lowest_checked_in_numbers_in_order_and_then_queue_empty(
        self, api: Api, staff: str
    ) -> None:
        codes = [book(api, s) for s in (1, 2, 3, 4)]
        for code in (codes[2], codes[0], codes[3]):  # residents arrive out of order; 2 never comes
            check_in(api, staff, code=code)
        calls = [call(api, staff, desk).body["call"] for desk in (1, 2, 1)]
        assert [(c["desk"], c["number"]) for c in calls] == [(1, 1), (2, 3), (1, 4)]
        assert call(api, staff, 2).code == "queue_empty"
        board = api.get("/v1/queue")
        assert board.body["now_serving"] == [{"desk": 1, "number": 4}, {"desk": 2, "number": 3}]
        assert board.body["waiting"] == 0
        assert board.headers["cache-control"] == "public, max-age=5"

    @pytest.mark.parametrize("desk", [0, 100, -1, True, "1", 1.5, None])
    def test_a_desk_is_a_whole_number_from_1_to_99(self, api: Api, staff: str, desk: object) -> None:
        assert api.post("/v1/admin/calls", {"desk": desk}, token=staff).code == "invalid_request"

    def test_served_no_show_and_a_recall(self, api: Api, staff: str) -> None:
        first, second = book(api, 1), book(api, 2)
        check_in(api, staff, code=first)
        check_in(api, staff, code=second)
        call(api, staff, 1)
        call(api, staff, 2)
        assert mark(api, staff, first, "served").body["ticket"]["state"] == "served"
        assert mark(api, staff, first, "served").status == 200  # again: the same
        assert mark(api, staff, second, "no_show").body["ticket"]["state"] == "no_show"
        recalled = mark(api, staff, second, "called")
        assert recalled.body["ticket"]["state"] == "called"
        assert mark(api, staff, first, "no_show").code == "invalid_request"  # served stays served
        assert mark(api, staff, first, "booked").code == "invalid_request"
        assert api.get("/v1/queue").body["served"] == 1


class TestWhereIStand:
    def test_ahead_counts_the_checked_in_before_me_and_the_wait_follows_the_formula(
        self, api: Api, staff: str, clock: Clock
    ) -> None:
        codes = [book(api, s) for s in range(1, 7)]
        for code in codes:
            check_in(api, staff, code=code)
        # Two desks serve: 1 takes 4 minutes, 2 takes 10 (minutes per resident from 6.0:
        # 0.3 x 4 + 0.7 x 6 = 5.4, then 0.3 x 10 + 0.7 x 5.4 = 6.78).
        call(api, staff, 1)
        call(api, staff, 2)
        clock.advance(minutes=4)
        mark(api, staff, codes[0], "served")
        clock.advance(minutes=6)
        mark(api, staff, codes[1], "served")
        board = api.get("/v1/queue").body
        assert board["minutes_per_resident"] == 6.78
        mine = api.get(f"/v1/tickets/{codes[5]}").body
        assert mine["ahead"] == 3  # numbers 3, 4 and 5 wait before number 6
        now = clock()
        expected = now + timedelta(minutes=11)  # ceil(3 x 6.78 / 2 desks) = ceil(10.17)
        assert datetime.fromisoformat(mine["estimated_call_at"]) == expected.replace(second=0, microsecond=0)

    def test_a_ticket_of_a_later_day_has_nobody_ahead_and_no_estimate(self, api: Api) -> None:
        later = api.get(f"/v1/tickets/{book(api, 1, THURSDAY)}").body
        assert (later["ahead"], "estimated_call_at" in later) == (0, False)


class TestReport:
    def test_the_day_s_figures_come_from_its_tickets_in_json_and_csv(
        self, api: Api, staff: str, clock: Clock
    ) -> None:
        codes = [book(api, s) for s in range(1, 6)]
        api.call("DELETE", f"/v1/tickets/{codes[4]}")
        for code in codes[:3]:
            check_in(api, staff, code=code)
        clock.advance(minutes=10)
        call(api, staff, 1)
        clock.advance(minutes=5)
        mark(api, staff, codes[0], "served")
        call(api, staff, 1)
        mark(api, staff, codes[1], "no_show")
        admin = mint("admin")
        [day] = api.get(f"/v1/admin/report?from={TODAY}&to={TODAY}", token=admin).body["days"]
        assert day == {
            "service_day": TODAY,
            "quota": 400,
            "issued": 5,
            "cancelled": 1,
            "checked_in": 3,
            "served": 1,
            "no_show": 1,
            "wrong_day": 0,
            "median_wait_minutes": 12.5,  # 10 and 15 minutes from check-in to call
            "median_service_minutes": 5.0,
        }
        as_csv = api.call(
            "GET", f"/v1/admin/report?from={TODAY}&to={TODAY}", token=admin, headers={"Accept": "text/csv"}
        )
        assert as_csv.headers["content-type"].startswith("text/csv")
        [row] = list(csv.DictReader(io.StringIO(as_csv.body.decode())))
        assert row["issued"] == "5" and row["median_wait_minutes"] == "12.5"

    def test_more_than_92_days_or_an_upside_down_range_is_400(self, api: Api) -> None:
        admin = mint("admin")
        assert api.get("/v1/admin/report?from=2026-01-01&to=2026-12-31", token=admin).status == 400
        assert api.get(f"/v1/admin/report?from={THURSDAY}&to={TODAY}", token=admin).status == 400
        assert api.get("/v1/admin/report", token=mint("staff")).status == 403


def test_the_rollover_makes_the_booked_tickets_of_the_day_that_ended_no_shows(
    api: Api, clock: Clock, staff: str
) -> None:
    stayed_home, came = book(api, 1), book(api, 2)
    check_in(api, staff, code=came)
    clock.advance(days=1)
    assert rollover.handle({})["no_shows"] == 1
    assert rollover.handle({})["no_shows"] == 0  # twice: nothing more
    assert api.get(f"/v1/tickets/{stayed_home}").body["ticket"]["state"] == "no_show"
    assert api.get(f"/v1/tickets/{came}").body["ticket"]["state"] == "checked_in"


@pytest.fixture
def limit_of_three(monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib import settings

    monkeypatch.setenv("LOKET_RATE_LIMIT_PER_MINUTE", "3")
    settings.reset()


@pytest.mark.usefixtures("limit_of_three")
def test_the_queue_is_not_limited_per_client_since_many_wait_behind_one_address(api: Api) -> None:
    assert [api.get("/v1/queue").status for _ in range(10)] == [200] * 10
    assert [api.get("/v1/days").status for _ in range(4)][-1] == 429  # the lookups still are


def test_a_no_show_marked_before_its_call_leaves_the_queue_and_no_desk_shows_it(api: Api, staff: str) -> None:
    first, second = book(api, 1), book(api, 2)
    check_in(api, staff, code=first)
    check_in(api, staff, code=second)
    assert mark(api, staff, first, "no_show").body["ticket"]["state"] == "no_show"
    assert api.get("/v1/queue").body["waiting"] == 1
    called = call(api, staff, 3).body["call"]
    assert called["number"] == 2
    assert api.get("/v1/queue").body["now_serving"] == [{"desk": 3, "number": 2}]


def test_a_no_show_never_called_is_recalled_at_the_desk_named(api: Api, staff: str) -> None:
    code = book(api, 1)
    check_in(api, staff, code=code)
    mark(api, staff, code, "no_show")
    assert mark(api, staff, code, "called").code == "invalid_request"  # which desk?
    recalled = api.put(f"/v1/admin/tickets/{code}", {"state": "called", "desk": 4}, token=staff)
    assert (recalled.status, recalled.body["ticket"]["state"]) == (200, "called")
    assert api.get("/v1/queue").body["now_serving"] == [{"desk": 4, "number": 1}]
