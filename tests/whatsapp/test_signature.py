"""X-Hub-Signature-256: only the exact HMAC of the raw body, keyed with the app secret, passes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from chalice.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.whatsapp import signature
from tests.support.whatsapp import APP_SECRET, RecordingDispatcher, fixture_bytes, signed

WEBHOOK = "/v1/whatsapp/webhook"
BODY = fixture_bytes("status_receipt.json")  # a receipt: a signed one is answered 200 without a store


@pytest.fixture
def client() -> Iterator[Client]:
    from app import app

    with Client(app, stage_name="local") as test_client:
        yield test_client


def _post(client: Client, body: bytes, headers: dict[str, str]) -> Any:
    return client.http.post(WEBHOOK, headers=headers, body=body)


def test_the_signature_meta_sends_is_accepted() -> None:
    header = signature.sign(BODY, APP_SECRET)
    assert header.startswith("sha256=")
    assert len(header) == 7 + 64
    assert signature.is_valid(BODY, header, APP_SECRET)


def test_a_signature_made_with_another_secret_is_refused() -> None:
    assert not signature.is_valid(BODY, signature.sign(BODY, b"another-secret"), APP_SECRET)


@pytest.mark.parametrize(
    "header",
    [None, "", "sha256=", "sha1=" + "0" * 40, signature.sign(BODY, APP_SECRET).upper(), "sha256=ü" * 3],
)
def test_a_missing_or_malformed_signature_is_refused(header: str | None) -> None:
    assert not signature.is_valid(BODY, header, APP_SECRET)


@given(index=st.integers(min_value=0), replacement=st.integers(min_value=0, max_value=255))
def test_any_one_byte_change_to_the_body_is_refused(index: int, replacement: int) -> None:
    position = index % len(BODY)
    if BODY[position] == replacement:
        replacement = (replacement + 1) % 256
    changed = BODY[:position] + bytes([replacement]) + BODY[position + 1 :]
    assert not signature.is_valid(changed, signature.sign(BODY, APP_SECRET), APP_SECRET)


@given(index=st.integers(min_value=0), replacement=st.integers(min_value=0, max_value=255))
def test_any_one_byte_change_to_the_signature_is_refused(index: int, replacement: int) -> None:
    header = signature.sign(BODY, APP_SECRET).encode("ascii")
    position = index % len(header)
    if header[position] == replacement:
        replacement = (replacement + 1) % 256
    changed = (header[:position] + bytes([replacement]) + header[position + 1 :]).decode("latin-1")
    assert not signature.is_valid(BODY, changed, APP_SECRET)


# --- through the route -----------------------------------------------------------------------


def test_an_unsigned_webhook_gets_401_in_the_contract_shape(client: Client) -> None:
    response = _post(client, BODY, {"Content-Type": "application/json"})
    assert response.status_code == 401
    assert response.json_body["error"]["code"] == "unauthorized"
    assert response.json_body["error"]["message"]


def test_a_signed_webhook_is_answered_200(client: Client) -> None:
    response = _post(client, BODY, signed(BODY))
    assert response.status_code == 200


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(index=st.integers(min_value=0), replacement=st.integers(min_value=0, max_value=255))
def test_the_route_refuses_a_body_changed_by_one_byte_after_signing(
    client: Client, index: int, replacement: int
) -> None:
    position = index % len(BODY)
    if BODY[position] == replacement:
        replacement = (replacement + 1) % 256
    changed = BODY[:position] + bytes([replacement]) + BODY[position + 1 :]
    assert _post(client, changed, signed(BODY)).status_code == 401


def test_the_signature_is_checked_over_the_raw_bytes_not_over_reserialized_json(
    client: Client, moto_store: object, recording_dispatcher: RecordingDispatcher
) -> None:
    """Meta signs its own serialization, non-ASCII escaped as \\uXXXX: the fixture's bytes.
    The same JSON serialized any other way is a different body, and is refused."""
    raw = fixture_bytes("text_emoji.json")
    assert b"\\ud83d\\ude4f" in raw
    reserialized = json.dumps(json.loads(raw), ensure_ascii=False).encode("utf-8")
    assert json.loads(reserialized) == json.loads(raw)
    assert _post(client, reserialized, signed(raw)).status_code == 401
    assert _post(client, reserialized, signed(reserialized)).status_code == 200
    assert _post(client, raw, signed(raw)).status_code == 200
