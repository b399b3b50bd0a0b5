"""Bodies of POST and PUT must be `application/json`: anything a page on another origin can
make a visitor's browser send without a CORS preflight (text/plain, a form, multipart) is
415 `unsupported_media_type`, on every route that reads a body, before the body is read.
The WhatsApp webhook is the exception: its signature over the raw body is its gate."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from chalicelib.store.memory import MemoryStore
from tests.support.api_client import Api, GatewayApi, mint
from tests.support.residents import nik

pytestmark = pytest.mark.usefixtures("no_ticket_proof")  # the counter's rules, without phones

WEBHOOK = "/v1/whatsapp/webhook"

# A body each route takes, the status it then answers, and the path to call (for a template).
ACCEPTED: dict[tuple[str, str], tuple[str, dict[str, Any], int]] = {
    ("POST", "/v1/status"): ("/v1/status", {"nik": "3505124509909001"}, 404),
    ("POST", "/v1/tickets"): ("/v1/tickets", {"nik": nik(1)}, 201),
    ("PUT", "/v1/admin/quota/default"): ("/v1/admin/quota/default", {"quota": 10}, 200),
    ("PUT", "/v1/admin/quota/{day}"): ("/v1/admin/quota/2026-11-26", {"quota": 10}, 200),
    ("POST", "/v1/admin/applications"): (
        "/v1/admin/applications",
        {"nik": nik(1), "service": "kk", "stage": "received", "updated_at": "2026-11-25T08:00:00+07:00"},
        200,
    ),
    ("POST", "/v1/verifications"): ("/v1/verifications", {}, 201),
    ("POST", "/v1/admin/tickets"): ("/v1/admin/tickets", {"nik": nik(2)}, 201),
    ("POST", "/v1/admin/checkins"): ("/v1/admin/checkins", {"code": "AAAAAAAA"}, 404),
    ("POST", "/v1/admin/calls"): ("/v1/admin/calls", {"desk": 1}, 409),
    ("PUT", "/v1/admin/tickets/{code}"): ("/v1/admin/tickets/AAAAAAAA", {"state": "served"}, 404),
    # No user pool configured here: past the body, sign-in answers 503.
    ("POST", "/v1/sessions"): ("/v1/sessions", {"username": "kepala", "password": "x"}, 503),
    ("POST", "/v1/sessions/refresh"): ("/v1/sessions/refresh", {"refresh_token": "x"}, 503),
}

REFUSED_TYPES: list[str | None] = [
    None,
    "text/plain",
    "text/plain; charset=utf-8",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=----loket",
    "text/plain; application/json",  # a browser sends this without a preflight: its type is text/plain
    "application/json-seq",
    "application/jsonp",
    "application/json, text/plain",
    "*/*",
    "",
]
JSON_TYPES = [
    "application/json",
    "Application/JSON; charset=utf-8",
    "APPLICATION/JSON",
    " application/json ; charset=UTF-8",
]


@pytest.fixture
def app_store(memory_store: MemoryStore) -> MemoryStore:
    return memory_store


def _body_routes() -> set[tuple[str, str]]:
    from app import app

    return {
        (method, path)
        for path, entries in app.routes.items()
        for method, entry in entries.items()
        if method in ("POST", "PUT")
        and not entry.view_name.startswith("method_not_allowed")
        and path != WEBHOOK
    }


def _routes() -> list[tuple[str, str]]:
    return sorted(ACCEPTED)


def test_every_route_taking_a_body_is_covered_here() -> None:
    assert _body_routes() == set(ACCEPTED)


def _send(api: Api, route: tuple[str, str], content_type: str | None) -> Any:
    path, body, _ = ACCEPTED[route]
    method = route[0]
    token = mint("admin") if path.startswith("/v1/admin/") else None
    return api.call(method, path, body, token=token, headers={"Content-Type": content_type})


@pytest.mark.parametrize("route", _routes())
@pytest.mark.parametrize("content_type", REFUSED_TYPES)
def test_a_body_not_labelled_json_is_415_in_the_contract_shape(
    api: Api, route: tuple[str, str], content_type: str | None
) -> None:
    answer = _send(api, route, content_type)
    assert (answer.status, answer.code) == (415, "unsupported_media_type")
    assert answer.is_contract_error


@pytest.mark.parametrize("route", _routes())
@pytest.mark.parametrize("content_type", JSON_TYPES)
def test_json_in_any_case_and_with_a_charset_is_taken(
    api: Api, route: tuple[str, str], content_type: str
) -> None:
    answer = _send(api, route, content_type)
    assert answer.status == ACCEPTED[route][2], answer.body


def test_a_refused_body_leaves_nothing_behind(api: Api, memory_store: MemoryStore) -> None:
    answer = api.post("/v1/tickets", {"nik": nik(1)}, headers={"Content-Type": "text/plain"})
    assert answer.status == 415
    assert memory_store.counter_days_from("kab-blitar", date(2026, 1, 1)) == []


def test_an_empty_post_without_a_content_type_is_415_and_with_json_it_is_invalid_json(api: Api) -> None:
    assert api.call("POST", "/v1/tickets", raw=b"", headers={"Content-Type": None}).code == (
        "unsupported_media_type"
    )
    assert api.call("POST", "/v1/tickets", raw=b"").code == "invalid_json"


def test_the_local_gateway_refuses_a_form_body_as_the_lambda_does(api: Api) -> None:
    gateway = GatewayApi()
    answer = gateway.post(
        "/v1/tickets",
        raw=b"nik=3505121708850001",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert (answer.status, answer.code) == (415, "unsupported_media_type")


def test_the_whatsapp_webhook_still_takes_a_signed_body_whatever_its_label(api: Api) -> None:
    from chalicelib.whatsapp import signature
    from chalicelib.whatsapp.config import whatsapp_secret

    body = b'{"object": "whatsapp_business_account", "entry": []}'
    signed = signature.sign(body, whatsapp_secret("WHATSAPP_APP_SECRET"))
    for content_type in ("text/plain", None):
        answer = api.call(
            "POST", WEBHOOK, raw=body, headers={"Content-Type": content_type, "X-Hub-Signature-256": signed}
        )
        assert answer.status == 200, answer.body


def test_openapi_names_the_415_on_every_route_taking_a_body_and_not_on_the_webhook() -> None:
    import yaml

    spec = yaml.safe_load((Path(__file__).parents[2] / "openapi.yaml").read_text())
    for method, path in _body_routes():
        assert "415" in spec["paths"][path][method.lower()]["responses"], (method, path)
    assert "415" not in spec["paths"][WEBHOOK]["post"]["responses"]
