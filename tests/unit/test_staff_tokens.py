"""What the authorizer refuses of a Cognito token before it asks Cognito: each claim check on
its own (on moto, a genuine token failing only one of them cannot be had: another pool's token
also has another client, an id token no `client_id`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from chalicelib.core.errors import Unauthorized
from chalicelib.http import staff_identity
from chalicelib.settings import StaffPool

POOL = StaffPool("ap-southeast-3_Kantor1", "kantorclient1", "ap-southeast-3")
NOW = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
# Any RSA key: the signature is Cognito's to check, never loket's.
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _token(header: dict[str, Any] | None = None, **claims: Any) -> str:
    payload = {
        "iss": POOL.issuer,
        "client_id": POOL.client_id,
        "token_use": "access",
        "username": "kepala",
        "cognito:groups": ["admin"],
        "exp": int(NOW.timestamp()) + 600,
    }
    payload.update(claims)
    payload = {k: v for k, v in payload.items() if v is not None}
    return jwt.encode(payload, KEY, algorithm="RS256", headers=header)  # type: ignore[arg-type]


@pytest.fixture
def cognito_asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records each GetUser; Cognito accepts every token it is asked about."""
    asked: list[str] = []

    class Cognito:
        def get_user(self, AccessToken: str) -> dict[str, Any]:
            asked.append(AccessToken)
            return {"Username": "kepala"}

    staff_identity.reset()
    monkeypatch.setattr(staff_identity, "_client", lambda region, endpoint: Cognito())
    return asked


def test_a_token_passing_every_check_is_asked_about_and_taken(cognito_asked: list[str]) -> None:
    member = staff_identity.check_access_token(POOL, _token(), NOW)
    assert (member.username, member.role, len(cognito_asked)) == ("kepala", "admin", 1)


@pytest.mark.parametrize(
    "claims",
    [
        {"iss": "https://cognito-idp.ap-southeast-3.amazonaws.com/ap-southeast-3_Lain"},
        {"iss": None},
        {"client_id": "anotherclient"},
        {"client_id": None},
        {"token_use": "id"},
        {"token_use": None},
        {"exp": int(NOW.timestamp())},
        {"exp": str(int(NOW.timestamp()) + 600)},
        {"exp": True},
        {"exp": None},
        {"username": None},
        {"username": ""},
        {"username": "k" * 129},
    ],
    ids=lambda c: ",".join(f"{k}={str(v)[:12]}" for k, v in c.items()),
)
def test_a_token_failing_one_claim_check_is_refused_without_asking_cognito(
    cognito_asked: list[str], claims: dict[str, Any]
) -> None:
    with pytest.raises(Unauthorized):
        staff_identity.check_access_token(POOL, _token(**claims), NOW)
    assert cognito_asked == []


@pytest.mark.parametrize(
    "token", ["", "not-a-jwt", jwt.encode({"username": "kepala"}, "s" * 32, algorithm="HS256")]
)
def test_what_is_no_rs256_jwt_is_refused_without_asking_cognito(cognito_asked: list[str], token: str) -> None:
    with pytest.raises(Unauthorized):
        staff_identity.check_access_token(POOL, token, NOW)
    assert cognito_asked == []
