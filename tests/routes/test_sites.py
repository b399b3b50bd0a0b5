"""Sites people can find: each answer that names a site says where it is and when it opens,
and `GET /v1/sites` lists them all. The expected texts are written out here, from the
office's published hours, not derived from the code's defaults."""

from __future__ import annotations

import pytest

from chalicelib import settings
from chalicelib.store.memory import MemoryStore
from tests.support.api_client import Api
from tests.support.residents import nik

pytestmark = pytest.mark.usefixtures("no_ticket_proof")  # the counter's rules, without phones

KABUPATEN_OFFICE = {
    "code": "kab-blitar",
    "name": "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Blitar",
    "address": "Kanigoro, Kabupaten Blitar, Jawa Timur",
    "hours": "Senin-Kamis 08.00-15.00, Jumat 08.00-11.00",
}
IN_ENGLISH = {"Accept-Language": "en"}


@pytest.fixture
def app_store(memory_store: MemoryStore) -> MemoryStore:
    """The in-memory twin: these tests need the store's behaviour, not DynamoDB's."""
    return memory_store


def test_the_quota_says_where_the_default_site_is_and_when_it_opens(api: Api) -> None:
    answer = api.get("/v1/quota")
    assert answer.status == 200
    assert answer.body["site"] == "kab-blitar"
    assert answer.body["site_info"] == KABUPATEN_OFFICE


def test_the_hours_are_worded_in_the_language_asked_for(api: Api) -> None:
    answer = api.get("/v1/quota", headers=IN_ENGLISH)
    assert answer.body["site_info"]["hours"] == "Monday-Thursday 08:00-15:00, Friday 08:00-11:00"
    assert answer.body["site_info"]["name"] == KABUPATEN_OFFICE["name"]


def test_a_ticket_names_the_site_it_is_for(api: Api) -> None:
    answer = api.post("/v1/tickets", {"nik": nik(1), "site": "kec-wlingi"})
    assert answer.status == 201
    assert answer.body["ticket"]["site"] == "kec-wlingi"
    assert answer.body["ticket"]["site_info"]["name"] == "Kantor Kecamatan Wlingi"
    assert answer.body["ticket"]["site_info"]["address"] == "Wlingi, Kabupaten Blitar, Jawa Timur"


def test_staff_see_the_site_beside_the_counter(api: Api, staff_token: str) -> None:
    answer = api.get("/v1/admin/quota?site=kec-wlingi", token=staff_token)
    assert answer.status == 200
    assert answer.body["site_info"]["name"] == "Kantor Kecamatan Wlingi"


def test_the_sites_are_listed_in_their_configured_order_with_the_default_named(api: Api) -> None:
    answer = api.get("/v1/sites")
    assert answer.status == 200
    assert answer.body["default_site"] == "kab-blitar"
    assert [s["code"] for s in answer.body["sites"]] == ["kab-blitar", "kec-wlingi"]
    assert answer.body["sites"][0] == KABUPATEN_OFFICE


def test_one_site_is_answered_by_its_code(api: Api) -> None:
    answer = api.get("/v1/sites/kab-blitar")
    assert (answer.status, answer.body) == (200, {"site": KABUPATEN_OFFICE})


@pytest.mark.parametrize("code", ["nowhere", "KAB-BLITAR", "kab-blitar%20", "%00"])
def test_an_unknown_site_is_404_unknown_site(api: Api, code: str) -> None:
    answer = api.get(f"/v1/sites/{code}")
    assert (answer.status, answer.code) == (404, "unknown_site")


def test_the_site_list_takes_no_query(api: Api) -> None:
    answer = api.get("/v1/sites?site=kab-blitar")
    assert (answer.status, answer.code) == (400, "invalid_request")


@pytest.fixture
def limit_of_three(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOKET_RATE_LIMIT_PER_MINUTE", "3")
    settings.reset()


@pytest.mark.usefixtures("limit_of_three")
def test_the_site_lookups_are_rate_limited_like_the_other_lookups(api: Api) -> None:
    statuses = [api.get("/v1/sites").status for _ in range(3)] + [api.get("/v1/sites/kab-blitar").status]
    assert statuses == [200, 200, 200, 429]
    assert api.get("/v1/quota").status == 200


@pytest.fixture
def described_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOKET_SITES", "kab-blitar,kec-srengat,kec-sanankulon")
    monkeypatch.setenv("LOKET_SITE_KEC_SRENGAT_NAME", "Tempat Layanan Adminduk Srengat")
    monkeypatch.setenv("LOKET_SITE_KEC_SRENGAT_ADDRESS", "Jl. Raya Srengat No. 1, Srengat")
    monkeypatch.setenv("LOKET_SITE_KEC_SRENGAT_HOURS", "mon-fri 07:30-14:00, sat 08:00-11:00")
    settings.reset()


@pytest.mark.usefixtures("described_elsewhere")
def test_a_deployment_describes_its_own_sites_and_an_undescribed_one_reads_as_its_code(api: Api) -> None:
    listed = {s["code"]: s for s in api.get("/v1/sites").body["sites"]}
    assert listed["kec-srengat"] == {
        "code": "kec-srengat",
        "name": "Tempat Layanan Adminduk Srengat",
        "address": "Jl. Raya Srengat No. 1, Srengat",
        "hours": "Senin-Jumat 07.30-14.00, Sabtu 08.00-11.00",
    }
    assert listed["kec-sanankulon"] == {
        "code": "kec-sanankulon",
        "name": "Kec Sanankulon",
        "address": None,
        "hours": None,
    }
