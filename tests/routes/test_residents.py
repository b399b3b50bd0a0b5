"""The Residents table of API.md, row by row, through the app."""

from __future__ import annotations

import json
import re

import pytest

from chalicelib.store.memory import MemoryStore
from tests.support.api_client import Api, Clock
from tests.support.residents import nik

pytestmark = pytest.mark.usefixtures("no_ticket_proof")  # the counter's rules, without phones


@pytest.fixture
def app_store(memory_store: MemoryStore) -> MemoryStore:
    """The in-memory twin: these tests need the store's behaviour, not DynamoDB's."""
    return memory_store


def _record(
    api: Api, token: str, digits: str, service: str, stage: str, at: str = "2026-11-24T10:00:00+07:00"
) -> None:
    answer = api.post(
        "/v1/admin/applications",
        {"nik": digits, "service": service, "stage": stage, "updated_at": at},
        token=token,
    )
    assert answer.status == 200, answer.body


def test_health_answers_ok(api: Api) -> None:
    answer = api.get("/v1/health")
    assert (answer.status, answer.body) == (200, {"status": "ok"})


class TestStatus:
    def test_a_known_nik_gets_its_applications_with_label_and_next_step(
        self, api: Api, staff_token: str
    ) -> None:
        _record(api, staff_token, nik(9001), "ektp", "ready")
        _record(api, staff_token, nik(9001), "kk", "verifying")
        answer = api.post("/v1/status", {"nik": nik(9001)})
        assert answer.status == 200
        assert answer.body["nik"] == "************9001"
        assert [(a["service"], a["stage"]) for a in answer.body["applications"]] == [
            ("ektp", "ready"),
            ("kk", "verifying"),
        ]
        ready = answer.body["applications"][0]
        assert ready["label"] == "Siap diambil"
        assert "antrean" in ready["next_step"]
        assert ready["updated_at"] == "2026-11-24T10:00:00+07:00"

    def test_english_is_given_on_request(self, api: Api, staff_token: str) -> None:
        _record(api, staff_token, nik(9001), "ektp", "waiting_blank")
        answer = api.post("/v1/status", {"nik": nik(9001)}, headers={"Accept-Language": "en"})
        assert answer.body["applications"][0]["label"] == "Waiting for blank cards"

    def test_a_nik_without_record_is_not_found_and_says_nothing_more(
        self, api: Api, staff_token: str
    ) -> None:
        _record(api, staff_token, nik(9001), "ektp", "ready")
        unknown = api.post("/v1/status", {"nik": nik(9002)})
        other_region = api.post("/v1/status", {"nik": "3171011708850001"})
        assert unknown.status == other_region.status == 404
        assert unknown.body == other_region.body
        assert unknown.code == "not_found"

    @pytest.mark.parametrize(
        "bad", ["123", "3505121708850000", "3505123202850001", 3505121708850001, None, ["x"]]
    )
    def test_an_invalid_nik_is_400_invalid_nik(self, api: Api, bad: object) -> None:
        answer = api.post("/v1/status", {"nik": bad})
        assert (answer.status, answer.code) == (400, "invalid_nik")
        assert answer.body["error"]["message"].startswith("NIK tidak valid")

    def test_the_whole_nik_never_comes_back_even_in_an_error(self, api: Api) -> None:
        answer = api.post("/v1/status", {"nik": "3505121708850000"})
        assert "3505121708850000" not in json.dumps(answer.body)


class TestQuota:
    def test_today_at_the_default_site_is_open_with_the_standing_quota(self, api: Api) -> None:
        answer = api.get("/v1/quota")
        assert answer.status == 200
        assert answer.body.pop("site_info")["code"] == "kab-blitar"
        assert answer.body == {
            "site": "kab-blitar",
            "service_day": "2026-11-25",
            "quota": 400,
            "issued": 0,
            "remaining": 400,
            "state": "open",
        }

    def test_a_saturday_is_closed_by_the_weekly_pattern(self, api: Api) -> None:
        answer = api.get("/v1/quota?day=2026-11-28")
        assert (answer.body["quota"], answer.body["state"]) == (0, "closed")

    def test_another_site_and_day_can_be_asked_for(self, api: Api) -> None:
        answer = api.get("/v1/quota?site=kec-wlingi&day=2026-11-30")
        assert (answer.status, answer.body["site"], answer.body["service_day"]) == (
            200,
            "kec-wlingi",
            "2026-11-30",
        )

    def test_issued_and_remaining_follow_the_tickets(self, api: Api) -> None:
        for serial in (1, 2, 3):
            api.post("/v1/tickets", {"nik": nik(serial)})
        answer = api.get("/v1/quota")
        assert (answer.body["issued"], answer.body["remaining"]) == (3, 397)

    def test_an_unknown_site_is_404_unknown_site(self, api: Api) -> None:
        answer = api.get("/v1/quota?site=kab-malang")
        assert (answer.status, answer.code) == (404, "unknown_site")

    @pytest.mark.parametrize("day", ["2026-02-30", "tomorrow", "2026-11-25T00:00:00", ""])
    def test_a_malformed_day_is_400_invalid_day(self, api: Api, day: str) -> None:
        answer = api.get(f"/v1/quota?day={day}")
        assert (answer.status, answer.code) == (400, "invalid_day")

    def test_an_unknown_query_parameter_is_400_invalid_request(self, api: Api) -> None:
        answer = api.get("/v1/quota?nik=3505121708850001")
        assert (answer.status, answer.code) == (400, "invalid_request")


class TestTickets:
    def test_the_first_ticket_of_the_day_is_number_one_and_201(self, api: Api) -> None:
        answer = api.post("/v1/tickets", {"nik": nik(1)})
        assert answer.status == 201
        assert answer.body["ticket"].pop("site_info")["code"] == "kab-blitar"
        code = answer.body["ticket"].pop("code")
        assert re.fullmatch("[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{8}", code)
        assert answer.body == {
            "ticket": {
                "site": "kab-blitar",
                "service_day": "2026-11-25",
                "number": 1,
                "nik": "************0001",
                "state": "booked",
            }
        }

    def test_a_retried_request_gets_the_same_ticket_with_200(self, api: Api) -> None:
        first = api.post("/v1/tickets", {"nik": nik(1)})
        api.post("/v1/tickets", {"nik": nik(2)})
        again = api.post("/v1/tickets", {"nik": nik(1)})
        # Without a phone to hold it, the code (it cancels the ticket) went to the first asker only.
        first.body["ticket"].pop("code")
        assert (again.status, again.body) == (200, first.body)
        assert api.get("/v1/quota").body["issued"] == 2

    def test_numbers_run_from_one_without_gap_or_repeat(self, api: Api) -> None:
        numbers = [api.post("/v1/tickets", {"nik": nik(s)}).body["ticket"]["number"] for s in range(1, 21)]
        assert numbers == list(range(1, 21))

    def test_each_site_counts_on_its_own_and_one_nik_may_hold_one_at_each(self, api: Api) -> None:
        a = api.post("/v1/tickets", {"nik": nik(1)})
        b = api.post("/v1/tickets", {"nik": nik(1), "site": "kec-wlingi"})
        assert (a.status, b.status) == (201, 201)
        assert a.body["ticket"]["number"] == b.body["ticket"]["number"] == 1
        assert b.body["ticket"]["site"] == "kec-wlingi"

    def test_when_the_quota_is_used_up_the_next_resident_gets_409_quota_exhausted(
        self, api: Api, admin_token: str
    ) -> None:
        api.put("/v1/admin/quota/2026-11-25", {"quota": 2}, token=admin_token)
        assert [api.post("/v1/tickets", {"nik": nik(s)}).status for s in (1, 2)] == [201, 201]
        refused = api.post("/v1/tickets", {"nik": nik(3)})
        assert (refused.status, refused.code) == (409, "quota_exhausted")
        holder = api.post("/v1/tickets", {"nik": nik(2)})
        assert (holder.status, holder.body["ticket"]["number"]) == (200, 2)

    def test_on_a_closed_day_the_answer_is_409_closed(self, api: Api, clock: Clock) -> None:
        clock.advance(days=3)  # Saturday
        answer = api.post("/v1/tickets", {"nik": nik(1)})
        assert (answer.status, answer.code) == (409, "closed")

    def test_the_count_starts_afresh_at_midnight_wib_without_any_rollover(
        self, api: Api, clock: Clock
    ) -> None:
        clock.set(clock.instant.replace(hour=16, minute=59, second=59, microsecond=999000))
        before = api.post("/v1/tickets", {"nik": nik(1)})
        clock.advance(milliseconds=1)
        after = api.post("/v1/tickets", {"nik": nik(1)})
        assert (before.body["ticket"]["service_day"], after.body["ticket"]["service_day"]) == (
            "2026-11-25",
            "2026-11-26",
        )
        assert after.status == 201 and after.body["ticket"]["number"] == 1

    def test_an_unknown_site_is_404_unknown_site(self, api: Api) -> None:
        answer = api.post("/v1/tickets", {"nik": nik(1), "site": "kab-malang"})
        assert (answer.status, answer.code) == (404, "unknown_site")

    def test_an_invalid_nik_takes_no_ticket(self, api: Api) -> None:
        answer = api.post("/v1/tickets", {"nik": "3505121708850000"})
        assert (answer.status, answer.code) == (400, "invalid_nik")
        assert api.get("/v1/quota").body["issued"] == 0


class TestMalformedBodies:
    @pytest.mark.parametrize("path", ["/v1/status", "/v1/tickets"])
    @pytest.mark.parametrize("raw", [b"{", b"nik=3505121708850001", b"\xff\xfe", b"", b'{"nik": "1"'])
    def test_unparseable_json_is_400_invalid_json(self, api: Api, path: str, raw: bytes) -> None:
        answer = api.post(path, raw=raw)
        assert (answer.status, answer.code) == (400, "invalid_json")

    @pytest.mark.parametrize("path", ["/v1/status", "/v1/tickets"])
    @pytest.mark.parametrize("body", [[], "nik", 1, None, {}, {"nik": nik(1), "extra": 1}, {"NIK": nik(1)}])
    def test_a_body_of_the_wrong_shape_is_400_invalid_request(
        self, api: Api, path: str, body: object
    ) -> None:
        answer = api.post(path, raw=json.dumps(body).encode())
        assert (answer.status, answer.code) == (400, "invalid_request")

    def test_a_body_over_64_kib_is_413(self, api: Api) -> None:
        answer = api.post("/v1/status", raw=json.dumps({"nik": "1" * (65 * 1024)}).encode())
        assert (answer.status, answer.code) == (413, "payload_too_large")

    def test_a_form_content_type_is_415_even_around_json(self, api: Api) -> None:
        answer = api.post(
            "/v1/tickets", {"nik": nik(1)}, headers={"Content-Type": "application/x-www-form-urlencoded"}
        )
        assert (answer.status, answer.code) == (415, "unsupported_media_type")

    @pytest.mark.parametrize(
        ("method", "path"), [("DELETE", "/v1/status"), ("GET", "/v1/tickets"), ("POST", "/v1/quota")]
    )
    def test_a_wrong_method_is_405_in_the_contract_shape(self, api: Api, method: str, path: str) -> None:
        answer = api.call(method, path)
        assert (answer.status, answer.code) == (405, "method_not_allowed")
