"""What the gateway answers by itself (unknown path, missing or refused token) has the
contract's error shape: through local/gateway.py here, through GatewayResponses in AWS."""

from __future__ import annotations

import time

import jwt
import pytest

from tests.support.api_client import Clock, GatewayApi


@pytest.fixture
def gateway(moto_store: object, clock: Clock) -> GatewayApi:
    return GatewayApi()


def _token(secret: bytes, algorithm: str = "HS256", **claims: object) -> str:
    now = int(time.time())
    payload = {
        "iss": "loket",
        "aud": "loket-local",
        "sub": "ani",
        "role": "admin",
        "iat": now,
        "exp": now + 60,
    }
    payload.update(claims)
    return jwt.encode(payload, secret if algorithm != "none" else None, algorithm=algorithm)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "path", ["/v2/status", "/v1/statuses", "/v1/admin", "/v1/health/extra", "/index.html"]
)
def test_an_unknown_path_is_404_not_found(gateway: GatewayApi, path: str) -> None:
    answer = gateway.call("GET", path)
    assert (answer.status, answer.code) == (404, "not_found")


def test_a_missing_token_is_401_unauthorized(gateway: GatewayApi) -> None:
    answer = gateway.call("GET", "/v1/admin/audit")
    assert (answer.status, answer.code) == (401, "unauthorized")


@pytest.mark.parametrize(
    "make_token",
    [
        lambda secret: _token(b"forged-secret-0123456789abcdef012345"),
        lambda secret: _token(secret, iat=int(time.time()) - 120, exp=int(time.time()) - 60),
        lambda secret: _token(secret, iss="elsewhere"),
        lambda secret: _token(secret, algorithm="none"),
        lambda secret: _token(secret, algorithm="HS384"),
        lambda secret: "garbage",
    ],
    ids=["forged", "expired", "wrong-issuer", "alg-none", "other-algorithm", "garbage"],
)
def test_a_refused_token_is_401_unauthorized(gateway: GatewayApi, make_token) -> None:  # type: ignore[no-untyped-def]
    from chalicelib.settings import secret

    answer = gateway.call("GET", "/v1/admin/audit", token=make_token(secret("LOKET_JWT_SECRET")))
    assert (answer.status, answer.code) == (401, "unauthorized")


def test_a_valid_token_with_the_wrong_role_is_403_forbidden(gateway: GatewayApi, staff_token: str) -> None:
    answer = gateway.call("GET", "/v1/admin/audit", token=staff_token)
    assert (answer.status, answer.code) == (403, "forbidden")


def test_a_valid_admin_token_passes(gateway: GatewayApi, admin_token: str) -> None:
    assert gateway.call("GET", "/v1/admin/audit", token=admin_token).status == 200


def test_a_wrong_method_is_405(gateway: GatewayApi) -> None:
    answer = gateway.call("PUT", "/v1/health")
    assert (answer.status, answer.code) == (405, "method_not_allowed")


def test_english_gateway_messages_on_request(gateway: GatewayApi) -> None:
    answer = gateway.get("/v1/nowhere", headers={"Accept-Language": "en"})
    assert answer.body["error"]["message"] == "No record found."


@pytest.mark.parametrize("scheme", ["bearer", "BEARER"])
def test_the_bearer_scheme_passes_the_gateway_in_any_case(
    gateway: GatewayApi, admin_token: str, scheme: str
) -> None:
    answer = gateway.call("GET", "/v1/admin/audit", headers={"Authorization": f"{scheme} {admin_token}"})
    assert answer.status == 200


def test_a_token_of_another_stage_is_401_unauthorized(gateway: GatewayApi) -> None:
    from chalicelib.settings import secret

    answer = gateway.call("GET", "/v1/admin/audit", token=_token(secret("LOKET_JWT_SECRET"), aud="loket-dev"))
    assert (answer.status, answer.code) == (401, "unauthorized")


def test_the_token_make_token_prints_is_accepted_by_the_local_server(
    gateway: GatewayApi, capsys: pytest.CaptureFixture[str]
) -> None:
    from local.__main__ import _token as make_token

    make_token("admin", "operator")
    [printed] = capsys.readouterr().out.splitlines()
    assert gateway.call("GET", "/v1/admin/audit", token=printed).status == 200
