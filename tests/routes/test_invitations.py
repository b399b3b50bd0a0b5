"""Tickets for a chosen day, held by a verified phone (API.md, "Changes / 2026-12-01"), through
the app's routes. The rules under concurrency and crashes: tests/integration/test_booking_races.py,
tests/faults/; the four items alone: tests/integration/test_store_contract.py."""

from __future__ import annotations

import re

import pytest

from chalicelib import runtime
from tests.support.api_client import Answer, Api, Clock, mint
from tests.support.residents import nik

TODAY, THURSDAY, FRIDAY, SATURDAY, MONDAY = (
    "2026-11-25",
    "2026-11-26",
    "2026-11-27",
    "2026-11-28",
    "2026-11-30",
)
LAST_DAY, BEYOND = "2026-12-09", "2026-12-10"  # today + 14, + 15
CODE = re.compile("[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{8}")


def resident(phone: str = "phone-a") -> str:
    return mint("resident", sub=phone)


def take(api: Api, serial: int, day: str | None = None, phone: str = "phone-a") -> Answer:
    body = {"nik": nik(serial)} | ({"service_day": day} if day else {})
    return api.post("/v1/tickets", body, token=resident(phone))


class TestProof:
    def test_without_a_resident_token_a_ticket_is_401_verification_required(self, api: Api) -> None:
        assert (api.post("/v1/tickets", {"nik": nik(1)}).status, "verification_required") == (
            401,
            api.post("/v1/tickets", {"nik": nik(1)}).code,
        )
        for token in (mint("staff"), mint("admin"), mint("operator"), "not-a-jwt"):
            answer = api.post("/v1/tickets", {"nik": nik(1)}, token=token)
            assert (answer.status, answer.code) == (401, "verification_required"), token
        assert api.get("/v1/quota").body["issued"] == 0

    def test_a_resident_token_takes_a_ticket_with_its_code(self, api: Api) -> None:
        answer = take(api, 1, MONDAY)
        assert answer.status == 201
        ticket = answer.body["ticket"]
        assert (ticket["service_day"], ticket["number"], ticket["state"]) == (MONDAY, 1, "booked")
        assert CODE.fullmatch(ticket["code"]) and ticket["nik"] == "************0001"

    def test_the_code_goes_only_to_the_phone_holding_the_ticket(self, api: Api) -> None:
        first = take(api, 1, MONDAY, phone="phone-a").body["ticket"]
        again = take(api, 1, MONDAY, phone="phone-a")
        other = take(api, 1, MONDAY, phone="phone-b")
        assert (again.status, again.body["ticket"]) == (200, first)
        assert other.status == 200 and "code" not in other.body["ticket"]
        assert {k: v for k, v in first.items() if k != "code"} == other.body["ticket"]


class TestDays:
    @pytest.mark.parametrize(
        ("day", "code"),
        [
            ("2026-11-24", "invalid_day"),
            (BEYOND, "invalid_day"),
            (SATURDAY, "invalid_day"),
            ("25-11-2026", "invalid_day"),
        ],
    )
    def test_a_day_past_beyond_the_window_or_not_open_is_400_invalid_day(
        self, api: Api, day: str, code: str
    ) -> None:
        answer = take(api, 1, day)
        assert (answer.status, answer.code) == (400, code)

    def test_the_last_day_of_the_window_can_be_taken(self, api: Api) -> None:
        assert take(api, 1, LAST_DAY).status == 201

    def test_today_closed_is_409_closed(self, api: Api) -> None:
        assert api.put(f"/v1/admin/quota/{TODAY}", {"quota": 0}, token=mint("admin")).status == 200
        assert (take(api, 1).status, take(api, 1).code) == (409, "closed")

    def test_the_window_lists_fifteen_days_with_the_room_left_for_residents(self, api: Api) -> None:
        assert (
            api.put(
                f"/v1/admin/quota/{THURSDAY}", {"quota": 5, "held_for_door": 2}, token=mint("admin")
            ).status
            == 200
        )
        take(api, 1, THURSDAY)
        days = api.get("/v1/days").body["days"]
        assert [d["service_day"] for d in days][:2] == [TODAY, THURSDAY] and len(days) == 15
        by_day = {d["service_day"]: d for d in days}
        assert by_day[THURSDAY] == {"service_day": THURSDAY, "state": "open", "quota": 5, "remaining": 2}
        assert (by_day[SATURDAY]["state"], by_day[MONDAY]["remaining"]) == ("closed", 400)

    def test_a_full_day_names_the_next_day_with_room(self, api: Api) -> None:
        admin = mint("admin")
        api.put(f"/v1/admin/quota/{THURSDAY}", {"quota": 1}, token=admin)
        api.put(f"/v1/admin/quota/{FRIDAY}", {"quota": 0}, token=admin)
        assert take(api, 1, THURSDAY).status == 201
        full = take(api, 2, THURSDAY, phone="phone-b")
        assert (full.status, full.code) == (409, "quota_exhausted")
        assert full.body["error"]["next_day_with_room"] == MONDAY  # Friday closed, the weekend too


class TestRules:
    def test_one_upcoming_ticket_per_nik_the_other_day_is_named(self, api: Api) -> None:
        assert take(api, 1, THURSDAY).status == 201
        other = take(api, 1, MONDAY, phone="phone-b")
        assert (other.status, other.code) == (409, "holds_other_day")
        assert other.body["error"]["service_day"] == THURSDAY

    def test_a_phone_holds_at_most_four_upcoming_tickets(self, api: Api) -> None:
        assert [take(api, s, MONDAY).status for s in range(1, 5)] == [201] * 4
        refused = take(api, 5, MONDAY)
        assert (refused.status, refused.code) == (409, "phone_limit")
        assert take(api, 5, MONDAY, phone="phone-b").status == 201  # the NIK was not held by the refusal

    def test_a_cancel_gives_the_place_back_and_the_phone_its_slot_and_never_the_number(
        self, api: Api
    ) -> None:
        api.put(f"/v1/admin/quota/{MONDAY}", {"quota": 4}, token=mint("admin"))
        codes = [take(api, s, MONDAY).body["ticket"]["code"] for s in range(1, 5)]
        cancelled = api.call("DELETE", f"/v1/tickets/{codes[0]}")
        assert (cancelled.status, cancelled.body["ticket"]["state"]) == (200, "cancelled")
        assert api.call("DELETE", f"/v1/tickets/{codes[0]}").body == cancelled.body  # again: the same
        again = take(api, 5, MONDAY)
        assert (again.status, again.body["ticket"]["number"]) == (201, 5)
        quota = api.get(f"/v1/quota?day={MONDAY}").body
        assert (quota["issued"], quota["cancelled"], quota["remaining"], quota["state"]) == (5, 1, 0, "full")
        rebooked = take(api, 1, MONDAY, phone="phone-b")  # the cancelled NIK may take again
        assert (rebooked.status, rebooked.code) == (409, "quota_exhausted")

    def test_a_ticket_is_found_by_its_code_in_any_case_and_a_wrong_code_is_404(self, api: Api) -> None:
        code = take(api, 1, MONDAY).body["ticket"]["code"]
        found = api.get(f"/v1/tickets/{code.lower()}")
        assert (found.status, found.body["ticket"]["code"], found.body["ahead"]) == (200, code, 0)
        for wrong in ("AAAAAAAA", "short", "0" * 8, "A" * 5000, "%E2%82%AC" * 8):
            assert api.get(f"/v1/tickets/{wrong}").status == 404, wrong
            assert api.call("DELETE", f"/v1/tickets/{wrong}").status == 404, wrong

    def test_a_ticket_not_booked_or_of_a_past_day_is_not_cancellable(self, api: Api, clock: Clock) -> None:
        code = take(api, 1, THURSDAY).body["ticket"]["code"]
        clock.advance(days=2)  # Friday: Thursday is over
        answer = api.call("DELETE", f"/v1/tickets/{code}")
        assert (answer.status, answer.code) == (409, "not_cancellable")
        checked_in = take(api, 2, runtime.now().date().isoformat()).body["ticket"]["code"]
        runtime.store().change_ticket_state(checked_in, ("booked",), "checked_in", runtime.now())
        assert api.call("DELETE", f"/v1/tickets/{checked_in}").code == "not_cancellable"


class TestAtTheDoor:
    def test_an_operator_takes_from_the_door_first_then_the_public_part(self, api: Api) -> None:
        api.put(f"/v1/admin/quota/{MONDAY}", {"quota": 3, "held_for_door": 1}, token=mint("admin"))
        operator = mint("operator")
        door = api.post("/v1/admin/tickets", {"nik": nik(1), "service_day": MONDAY}, token=operator)
        public = api.post("/v1/admin/tickets", {"nik": nik(2), "service_day": MONDAY}, token=operator)
        assert (door.status, public.status) == (201, 201)
        assert take(api, 3, MONDAY).status == 201  # one public place left for residents
        assert take(api, 4, MONDAY, phone="phone-b").code == "quota_exhausted"
        assert api.get(f"/v1/quota?day={MONDAY}").body["held_for_door"] == 1

    def test_the_door_s_part_is_never_given_to_residents(self, api: Api) -> None:
        api.put(f"/v1/admin/quota/{MONDAY}", {"quota": 2, "held_for_door": 2}, token=mint("admin"))
        assert take(api, 1, MONDAY).code == "quota_exhausted"
        staff = mint("staff")
        assert (
            api.post("/v1/admin/tickets", {"nik": nik(1), "service_day": MONDAY}, token=staff).status == 201
        )

    def test_an_operator_takes_at_most_the_day_s_cap(self, api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
        from chalicelib import settings

        monkeypatch.setenv("LOKET_TICKETS_PER_OPERATOR", "2")
        settings.reset()
        operator = mint("operator")
        answers = [api.post("/v1/admin/tickets", {"nik": nik(s)}, token=operator) for s in (1, 2, 3)]
        assert [a.status for a in answers] == [201, 201, 409] and answers[2].code == "phone_limit"

    @pytest.mark.parametrize("held", [-1, 11, True, 1.5, "2", None])
    def test_a_door_part_outside_zero_to_the_quota_is_400(self, api: Api, held: object) -> None:
        answer = api.put(
            f"/v1/admin/quota/{MONDAY}", {"quota": 10, "held_for_door": held}, token=mint("admin")
        )
        assert (answer.status, answer.code) == (400, "invalid_quota")


def test_a_resident_token_with_an_overlong_subject_is_refused_not_stored(api: Api) -> None:
    """Even one signed with the secret: its subject would become part of a key DynamoDB refuses."""
    answer = api.post("/v1/tickets", {"nik": nik(1)}, token=mint("resident", sub="p" * 75_000))
    assert (answer.status, answer.code) == (401, "verification_required")
    assert take(api, 1, MONDAY, phone="p" * 128).status == 201
