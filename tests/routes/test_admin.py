"""The Administrators-and-staff table of API.md, row by row, through the app and its authorizer."""

from __future__ import annotations

import time
from typing import ClassVar

import jwt
import pytest

from chalicelib.store.memory import MemoryStore
from tests.support.api_client import Api, Clock, mint
from tests.support.residents import nik

pytestmark = pytest.mark.usefixtures("no_ticket_proof")  # the counter's rules, without phones


@pytest.fixture
def app_store(memory_store: MemoryStore) -> MemoryStore:
    """The in-memory twin: these tests need the store's behaviour, not DynamoDB's."""
    return memory_store


TODAY, SATURDAY = "2026-11-25", "2026-11-28"


class TestAuthorizer:
    """chalice's test client runs the built-in authorizer as API Gateway would; the
    contract shape of these gateway answers is checked in test_gateway.py."""

    ROUTES: ClassVar[list[tuple[str, str, object]]] = [
        ("GET", "/v1/admin/quota", None),
        ("PUT", "/v1/admin/quota/default", {"quota": 10}),
        ("PUT", f"/v1/admin/quota/{TODAY}", {"quota": 10}),
        (
            "POST",
            "/v1/admin/applications",
            {"nik": nik(1), "service": "kk", "stage": "received", "updated_at": "2026-11-25T08:00:00+07:00"},
        ),
        ("GET", "/v1/admin/audit", None),
    ]

    @pytest.mark.parametrize(("method", "path", "body"), ROUTES)
    def test_no_token_is_401(self, api: Api, method: str, path: str, body: object) -> None:
        assert api.call(method, path, body).status == 401

    @pytest.mark.parametrize(("method", "path", "body"), ROUTES)
    def test_a_forged_token_is_refused(self, api: Api, method: str, path: str, body: object) -> None:
        now = int(time.time())
        forged = jwt.encode(
            {"iss": "loket", "aud": "loket-local", "sub": "x", "role": "admin", "iat": now, "exp": now + 60},
            b"not-the-secret-0123456789abcdef0123",
            algorithm="HS256",
        )
        answer = api.call(method, path, body, token=forged)
        assert answer.status in (401, 403) and answer.body != {"status": "ok"}
        assert answer.status != 200

    def test_an_expired_token_is_refused(self, api: Api) -> None:
        from chalicelib.http.auth import mint
        from chalicelib.settings import secret

        expired = mint("admin", "ani", secret("LOKET_JWT_SECRET"), "loket", "loket-local", ttl_seconds=-10)
        assert api.get("/v1/admin/audit", token=expired).status != 200

    @pytest.mark.parametrize(
        ("method", "path", "body"),
        [
            ("PUT", "/v1/admin/quota/default", {"quota": 10}),
            ("PUT", f"/v1/admin/quota/{TODAY}", {"quota": 10}),
            ("GET", "/v1/admin/audit", None),
        ],
    )
    def test_staff_may_not_do_what_only_admins_may(
        self, api: Api, staff_token: str, method: str, path: str, body: object
    ) -> None:
        answer = api.call(method, path, body, token=staff_token)
        assert (answer.status, answer.code) == (403, "forbidden")

    def test_staff_may_read_the_counter_and_set_stages(self, api: Api, staff_token: str) -> None:
        assert api.get("/v1/admin/quota", token=staff_token).status == 200
        answer = api.post(
            "/v1/admin/applications",
            {"nik": nik(1), "service": "kk", "stage": "received", "updated_at": "2026-11-25T08:00:00+07:00"},
            token=staff_token,
        )
        assert answer.status == 200


class TestAdminQuota:
    def test_the_counter_comes_with_the_standing_default(self, api: Api, admin_token: str) -> None:
        api.post("/v1/tickets", {"nik": nik(1)})
        answer = api.get("/v1/admin/quota", token=admin_token)
        assert answer.body.pop("site_info")["code"] == "kab-blitar"
        assert answer.body == {
            "site": "kab-blitar",
            "service_day": TODAY,
            "quota": 400,
            "issued": 1,
            "remaining": 399,
            "state": "open",
            "default_quota": 400,
        }

    def test_a_new_default_is_in_force_at_once_today_and_on_later_days(
        self, api: Api, admin_token: str
    ) -> None:
        api.post("/v1/tickets", {"nik": nik(1)})  # today's counter exists already
        answer = api.put("/v1/admin/quota/default", {"quota": 250}, token=admin_token)
        assert (answer.status, answer.body) == (200, {"site": "kab-blitar", "default_quota": 250})
        assert api.get("/v1/quota").body["quota"] == 250
        assert api.get("/v1/quota?day=2026-11-26").body["quota"] == 250
        assert api.get(f"/v1/quota?day={SATURDAY}").body["quota"] == 0  # the pattern still closes Saturdays

    def test_a_new_default_leaves_days_with_their_own_quota_alone(self, api: Api, admin_token: str) -> None:
        api.put("/v1/admin/quota/2026-11-26", {"quota": 40}, token=admin_token)
        api.put("/v1/admin/quota/default", {"quota": 250}, token=admin_token)
        assert api.get("/v1/quota?day=2026-11-26").body["quota"] == 40

    def test_a_default_for_another_site_touches_only_that_site(self, api: Api, admin_token: str) -> None:
        api.put("/v1/admin/quota/default", {"quota": 20, "site": "kec-wlingi"}, token=admin_token)
        assert api.get("/v1/quota?site=kec-wlingi").body["quota"] == 20
        assert api.get("/v1/quota").body["quota"] == 400

    def test_lowering_todays_quota_below_the_issued_revokes_none_and_the_day_is_full(
        self, api: Api, admin_token: str
    ) -> None:
        for serial in (1, 2, 3):
            api.post("/v1/tickets", {"nik": nik(serial)})
        answer = api.put(f"/v1/admin/quota/{TODAY}", {"quota": 2}, token=admin_token)
        assert (answer.status, answer.body["issued"], answer.body["state"]) == (200, 3, "full")
        assert api.post("/v1/tickets", {"nik": nik(4)}).code == "quota_exhausted"
        assert api.post("/v1/tickets", {"nik": nik(3)}).body["ticket"]["number"] == 3

    def test_raising_todays_quota_reopens_it_at_once(self, api: Api, admin_token: str) -> None:
        api.put(f"/v1/admin/quota/{TODAY}", {"quota": 1}, token=admin_token)
        api.post("/v1/tickets", {"nik": nik(1)})
        assert api.post("/v1/tickets", {"nik": nik(2)}).status == 409
        api.put(f"/v1/admin/quota/{TODAY}", {"quota": 2}, token=admin_token)
        answer = api.post("/v1/tickets", {"nik": nik(2)})
        assert (answer.status, answer.body["ticket"]["number"]) == (201, 2)

    def test_zero_closes_a_day(self, api: Api, admin_token: str) -> None:
        answer = api.put(f"/v1/admin/quota/{TODAY}", {"quota": 0}, token=admin_token)
        assert answer.body["state"] == "closed"
        assert api.post("/v1/tickets", {"nik": nik(1)}).code == "closed"

    def test_a_saturday_service_opens_a_closed_day(self, api: Api, admin_token: str, clock: Clock) -> None:
        answer = api.put(f"/v1/admin/quota/{SATURDAY}", {"quota": 50}, token=admin_token)
        assert (answer.status, answer.body["state"], answer.body["quota"]) == (200, "open", 50)
        clock.advance(days=3)
        ticket = api.post("/v1/tickets", {"nik": nik(1)})
        assert (ticket.status, ticket.body["ticket"]["service_day"]) == (201, SATURDAY)

    def test_a_day_in_the_past_cannot_be_changed(self, api: Api, admin_token: str) -> None:
        answer = api.put("/v1/admin/quota/2026-11-24", {"quota": 10}, token=admin_token)
        assert (answer.status, answer.code) == (400, "invalid_day")

    @pytest.mark.parametrize("day", ["2026-02-30", "25-11-2026", "soon"])
    def test_a_malformed_day_is_invalid_day(self, api: Api, admin_token: str, day: str) -> None:
        assert api.put(f"/v1/admin/quota/{day}", {"quota": 10}, token=admin_token).code == "invalid_day"

    @pytest.mark.parametrize("quota", [-1, 10001, 1.5, "400", None, True])
    @pytest.mark.parametrize("path", ["/v1/admin/quota/default", f"/v1/admin/quota/{TODAY}"])
    def test_a_quota_outside_0_to_10000_is_invalid_quota(
        self, api: Api, admin_token: str, path: str, quota: object
    ) -> None:
        answer = api.put(path, {"quota": quota}, token=admin_token)
        assert (answer.status, answer.code) == (400, "invalid_quota")

    def test_an_unknown_site_is_404(self, api: Api, admin_token: str) -> None:
        answer = api.put("/v1/admin/quota/default", {"quota": 1, "site": "kab-malang"}, token=admin_token)
        assert (answer.status, answer.code) == (404, "unknown_site")


class TestApplications:
    BODY: ClassVar[dict[str, str]] = {
        "nik": nik(7),
        "service": "ektp",
        "stage": "printing",
        "updated_at": "2026-11-25T08:00:00+07:00",
    }

    def test_a_stage_is_set_and_shows_in_the_status(self, api: Api, staff_token: str) -> None:
        answer = api.post("/v1/admin/applications", self.BODY, token=staff_token)
        assert (answer.status, answer.body["applied"], answer.body["nik"]) == (200, True, "************0007")
        assert api.post("/v1/status", {"nik": nik(7)}).body["applications"][0]["stage"] == "printing"

    def test_an_update_older_than_the_stored_one_changes_nothing(self, api: Api, staff_token: str) -> None:
        api.post("/v1/admin/applications", self.BODY, token=staff_token)
        older = {**self.BODY, "stage": "received", "updated_at": "2026-11-25T00:59:00Z"}  # 07:59 WIB
        answer = api.post("/v1/admin/applications", older, token=staff_token)
        assert (answer.status, answer.body["applied"]) == (200, False)
        assert api.post("/v1/status", {"nik": nik(7)}).body["applications"][0]["stage"] == "printing"

    def test_an_update_not_applied_answers_with_the_stage_that_is_stored(
        self, api: Api, staff_token: str
    ) -> None:
        api.post("/v1/admin/applications", self.BODY, token=staff_token)
        older = {**self.BODY, "stage": "received", "updated_at": "2026-11-25T00:59:00Z"}
        answer = api.post("/v1/admin/applications", older, token=staff_token)
        assert answer.body["applied"] is False
        stored = answer.body["application"]
        assert (stored["stage"], stored["updated_at"]) == ("printing", "2026-11-25T08:00:00+07:00")
        assert stored == api.post("/v1/status", {"nik": nik(7)}).body["applications"][0]

    def test_the_same_update_sent_twice_is_audited_once(
        self, api: Api, staff_token: str, admin_token: str
    ) -> None:
        first = api.post("/v1/admin/applications", self.BODY, token=staff_token)
        second = api.post("/v1/admin/applications", self.BODY, token=staff_token)
        other = api.post("/v1/admin/applications", self.BODY, token=mint("staff", sub="staff-other"))
        assert [a.body["applied"] for a in (first, second, other)] == [True, False, False]
        entries = api.get("/v1/admin/audit", token=admin_token).body["entries"]
        assert [(e["action"], e["actor"]) for e in entries] == [("application.stage", "staff-tester")]

    def test_a_newer_update_moves_the_stage_on(self, api: Api, staff_token: str) -> None:
        api.post("/v1/admin/applications", self.BODY, token=staff_token)
        newer = {**self.BODY, "stage": "ready", "updated_at": "2026-11-25T01:30:00Z"}
        assert api.post("/v1/admin/applications", newer, token=staff_token).body["applied"] is True
        assert api.post("/v1/status", {"nik": nik(7)}).body["applications"][0]["stage"] == "ready"

    @pytest.mark.parametrize(
        "change",
        [
            {"service": "passport"},
            {"stage": "lost"},
            {"updated_at": "2026-11-25T08:00:00"},  # no offset
            {"updated_at": "yesterday"},
            {"updated_at": "2026-12-25T08:00:00+07:00"},  # a month ahead
            {"stage": None},
        ],
    )
    def test_a_malformed_update_is_invalid_request(
        self, api: Api, staff_token: str, change: dict[str, object]
    ) -> None:
        answer = api.post("/v1/admin/applications", {**self.BODY, **change}, token=staff_token)
        assert (answer.status, answer.code) == (400, "invalid_request")

    @pytest.mark.parametrize(
        "updated_at", ["0001-01-01T00:00:00+14:00", "1999-12-31T23:59:59Z", "2000-01-01T06:59:59+07:00"]
    )
    def test_an_update_dated_before_2000_is_invalid_request_and_stores_nothing(
        self, api: Api, staff_token: str, updated_at: str
    ) -> None:
        body = {**self.BODY, "updated_at": updated_at}
        answer = api.post("/v1/admin/applications", body, token=staff_token)
        assert (answer.status, answer.code) == (400, "invalid_request")
        assert api.post("/v1/status", {"nik": nik(7)}).status == 404

    def test_an_update_dated_at_the_first_instant_of_2000_is_taken(self, api: Api, staff_token: str) -> None:
        body = {**self.BODY, "updated_at": "2000-01-01T07:00:00+07:00"}
        assert api.post("/v1/admin/applications", body, token=staff_token).status == 200

    def test_an_invalid_nik_is_invalid_nik(self, api: Api, staff_token: str) -> None:
        answer = api.post("/v1/admin/applications", {**self.BODY, "nik": "12345"}, token=staff_token)
        assert (answer.status, answer.code) == (400, "invalid_nik")

    def test_a_missing_field_is_invalid_request(self, api: Api, staff_token: str) -> None:
        body = {k: v for k, v in self.BODY.items() if k != "stage"}
        assert api.post("/v1/admin/applications", body, token=staff_token).code == "invalid_request"


class TestAudit:
    def test_every_admin_change_is_audited_newest_first_with_before_and_after(
        self, api: Api, admin_token: str, staff_token: str
    ) -> None:
        api.put("/v1/admin/quota/default", {"quota": 300}, token=admin_token)
        api.put(f"/v1/admin/quota/{TODAY}", {"quota": 0}, token=admin_token)
        api.post("/v1/admin/applications", TestApplications.BODY, token=staff_token)
        entries = api.get("/v1/admin/audit", token=admin_token).body["entries"]
        assert [e["action"] for e in entries] == ["application.stage", "quota.day", "quota.default"]
        assert [e["actor"] for e in entries] == ["staff-tester", "admin-tester", "admin-tester"]
        assert entries[2]["before"]["default_quota"] == 400 and entries[2]["after"]["default_quota"] == 300
        assert entries[1]["before"]["quota"] == 300 and entries[1]["after"]["quota"] == 0
        assert entries[0]["after"]["nik"] == "************0007"
        assert all(e["at"].endswith("+00:00") for e in entries)

    def test_the_limit_caps_the_entries(self, api: Api, admin_token: str) -> None:
        for quota in (1, 2, 3):
            api.put("/v1/admin/quota/default", {"quota": quota}, token=admin_token)
        entries = api.get("/v1/admin/audit?limit=2", token=admin_token).body["entries"]
        assert [e["after"]["default_quota"] for e in entries] == [3, 2]

    @pytest.mark.parametrize("limit", ["0", "-1", "1001", "ten", "1.5", "٣"])
    def test_a_bad_limit_is_invalid_request(self, api: Api, admin_token: str, limit: str) -> None:
        answer = api.get(f"/v1/admin/audit?limit={limit}", token=admin_token)
        assert (answer.status, answer.code) == (400, "invalid_request")
