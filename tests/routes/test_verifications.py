"""`POST /v1/verifications` and `GET /v1/verifications/{id}` through the app: the answers'
shape, expiry on a moved clock, ids of any length. Completing one through a signed webhook:
tests/whatsapp/test_verification.py."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from urllib.parse import unquote

import pytest

from chalicelib.store.memory import MemoryStore
from tests.support.api_client import Api, Clock

CODE = "[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{10}"


@pytest.fixture
def app_store(memory_store: MemoryStore) -> MemoryStore:
    return memory_store


def _start(api: Api) -> dict[str, str]:
    answer = api.post("/v1/verifications", {})
    assert answer.status == 201, answer.body
    started: dict[str, str] = answer.body["verification"]
    return started


def test_a_new_verification_has_a_long_id_a_text_a_link_and_ten_minutes(api: Api, clock: Clock) -> None:
    started = _start(api)
    assert set(started) == {"id", "text", "whatsapp_url", "expires_at"}
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", started["id"])  # 32 URL-safe characters: 192 bits
    assert re.fullmatch(f"VERIFIKASI {CODE}", started["text"])
    office, _, text = started["whatsapp_url"].removeprefix("https://wa.me/").partition("?text=")
    assert office == "6285700000000" and unquote(text) == started["text"] and " " not in text
    expires = datetime.fromisoformat(started["expires_at"])
    assert expires == clock.instant + timedelta(minutes=10)
    assert expires.utcoffset() == timedelta(hours=7)


def test_each_verification_gets_its_own_id_and_text(api: Api) -> None:
    started = [_start(api) for _ in range(20)]
    assert len({s["id"] for s in started}) == 20 and len({s["text"] for s in started}) == 20


def test_the_office_number_is_configured(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.whatsapp import config

    monkeypatch.setenv("WHATSAPP_OFFICE_NUMBER", "6234200001111")
    config.reset()
    try:
        assert _start(api)["whatsapp_url"].startswith("https://wa.me/6234200001111?text=VERIFIKASI%20")
    finally:
        config.reset()


def test_a_new_verification_is_waiting_and_gone_after_ten_minutes(api: Api, clock: Clock) -> None:
    started = _start(api)
    clock.advance(minutes=9, seconds=59)
    assert api.get(f"/v1/verifications/{started['id']}").body == {"state": "waiting"}
    clock.advance(seconds=1)
    answer = api.get(f"/v1/verifications/{started['id']}")
    assert (answer.status, answer.code) == (404, "not_found")


@pytest.mark.parametrize("body", [{"phone": "6285700000001"}, [], None, "x"])
def test_a_start_takes_only_an_empty_object(api: Api, body: object) -> None:
    answer = api.post("/v1/verifications", body)
    assert (answer.status, answer.code) == (400, "invalid_request")


@pytest.mark.parametrize(
    "verification_id",
    [
        "A" * 32,  # well formed, unknown
        "A" * 5000,
        "A" * 31,
        "A" * 33,
        "x",
        "%00" * 11,
        "..%2F..%2Fetc",
        "ÄÖÜ" * 11,
        "9" * 4400,
    ],
)
def test_an_unknown_or_malformed_id_of_any_length_is_404(api: Api, verification_id: str) -> None:
    answer = api.get(f"/v1/verifications/{verification_id}")
    assert (answer.status, answer.code) == (404, "not_found")
    assert answer.is_contract_error


def test_an_id_differing_in_one_character_is_404(api: Api) -> None:
    started = _start(api)
    other = started["id"][:-1] + ("A" if started["id"][-1] != "A" else "B")
    assert api.get(f"/v1/verifications/{other}").status == 404


@pytest.fixture
def limit_of_two(monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib import settings

    monkeypatch.setenv("LOKET_RATE_LIMIT_PER_MINUTE", "2")
    settings.reset()


def test_starting_verifications_is_rate_limited_per_client(limit_of_two: None, api: Api) -> None:
    assert [api.post("/v1/verifications", {}).status for _ in range(3)] == [201, 201, 429]


def test_the_answers_fit_openapi(api: Api) -> None:
    from pathlib import Path

    import jsonschema
    import yaml

    spec = yaml.safe_load((Path(__file__).parents[2] / "openapi.yaml").read_text())
    paths = spec["paths"]
    started = api.post("/v1/verifications", {})
    schema = paths["/v1/verifications"]["post"]["responses"]["201"]["content"]["application/json"]["schema"]
    jsonschema.validate(started.body, schema)
    waiting = api.get(f"/v1/verifications/{started.body['verification']['id']}")
    operation = paths["/v1/verifications/{verification_id}"]["get"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    jsonschema.validate(waiting.body, schema)
