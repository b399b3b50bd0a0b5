"""What the gateway answers by itself (unknown path, missing or refused token) has the
contract's error shape: through local/gateway.py here, through GatewayResponses in AWS."""

from __future__ import annotations

import json
import time

import jwt
import pytest

from local.gateway import Gateway, GatewayAnswer
from tests.routes.conftest import Clock


@pytest.fixture
def gateway(moto_store: object, clock: Clock) -> Gateway:
    from app import app

    return Gateway(app)


def _call(
    gateway: Gateway, method: str, path: str, token: str | None = None, body: bytes = b""
) -> GatewayAnswer:
    headers = {"content-type": "application/json"}
    if token is not None:
        headers["authorization"] = f"Bearer {token}"
    return gateway.handle(method, path, headers, body, "203.0.113.7")


def _code(answer: GatewayAnswer) -> str:
    return str(json.loads(answer.body)["error"]["code"])


def _token(secret: bytes, algorithm: str = "HS256", **claims: object) -> str:
    now = int(time.time())
    payload = {"iss": "loket", "sub": "ani", "role": "admin", "iat": now, "exp": now + 60, **claims}
    return jwt.encode(payload, secret if algorithm != "none" else None, algorithm=algorithm)  # type: ignore[arg-type]


@pytest.mark.parametrize("path", ["/", "/v2/status", "/v1/statuses", "/v1/admin", "/v1/health/extra"])
def test_an_unknown_path_is_404_not_found(gateway: Gateway, path: str) -> None:
    answer = _call(gateway, "GET", path)
    if path == "/" and answer.status == 200:  # the web page, when served
        return
    assert (answer.status, _code(answer)) == (404, "not_found")


def test_a_missing_token_is_401_unauthorized(gateway: Gateway) -> None:
    answer = _call(gateway, "GET", "/v1/admin/audit")
    assert (answer.status, _code(answer)) == (401, "unauthorized")


@pytest.mark.parametrize(
    "make_token",
    [
        lambda secret: _token(b"forged-secret-0123456789abcdef012345"),
        lambda secret: _token(secret, exp=int(time.time()) - 1),
        lambda secret: _token(secret, iss="elsewhere"),
        lambda secret: _token(secret, algorithm="none"),
        lambda secret: _token(secret, algorithm="HS384"),
        lambda secret: "garbage",
    ],
    ids=["forged", "expired", "wrong-issuer", "alg-none", "other-algorithm", "garbage"],
)
def test_a_refused_token_is_401_unauthorized(gateway: Gateway, make_token) -> None:  # type: ignore[no-untyped-def]
    from chalicelib.settings import secret

    answer = _call(gateway, "GET", "/v1/admin/audit", token=make_token(secret("LOKET_JWT_SECRET")))
    assert (answer.status, _code(answer)) == (401, "unauthorized")


def test_a_valid_token_with_the_wrong_role_is_403_forbidden(gateway: Gateway, staff_token: str) -> None:
    answer = _call(gateway, "GET", "/v1/admin/audit", token=staff_token)
    assert (answer.status, _code(answer)) == (403, "forbidden")


def test_a_valid_admin_token_passes(gateway: Gateway, admin_token: str) -> None:
    assert _call(gateway, "GET", "/v1/admin/audit", token=admin_token).status == 200


def test_a_wrong_method_is_405(gateway: Gateway) -> None:
    answer = _call(gateway, "PUT", "/v1/health")
    assert (answer.status, _code(answer)) == (405, "method_not_allowed")


def test_english_gateway_messages_on_request(gateway: Gateway) -> None:
    answer = gateway.handle("GET", "/v1/nowhere", {"accept-language": "en"}, b"", "203.0.113.7")
    assert json.loads(answer.body)["error"]["message"] == "No record found."
