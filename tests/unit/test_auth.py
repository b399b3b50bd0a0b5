from __future__ import annotations

import time

import jwt
import pytest

from chalicelib.core.errors import Forbidden, Unauthorized
from chalicelib.http.auth import mint, require_role, verify

SECRET = b"test-secret-0123456789abcdef0123456789"


def _token(**overrides: object) -> str:
    now = int(time.time())
    claims = {"iss": "loket", "sub": "ani", "role": "admin", "iat": now, "exp": now + 60, **overrides}
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode(claims, SECRET, algorithm="HS256")


def test_a_minted_token_verifies_with_its_role() -> None:
    principal = verify(f"Bearer {mint('staff', 'budi', SECRET, 'loket')}", SECRET, "loket")
    assert (principal.subject, principal.role) == ("budi", "staff")


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Basic dXNlcjpwYXNz",
        "Bearer not-a-jwt",
        f"Bearer {_token(exp=int(time.time()) - 5)}",  # expired
        f"Bearer {_token(iss='someone-else')}",  # wrong issuer
        f"Bearer {_token(role='superuser')}",  # unknown role
        f"Bearer {_token(role=None)}",  # no role claim
        f"Bearer {_token(exp=None)}",  # no expiry
        f"Bearer {jwt.encode({'iss': 'loket', 'sub': 'x', 'role': 'admin', 'iat': 1, 'exp': 2**31}, b'wrong-secret-0123456789abcdef0123', algorithm='HS256')}",
        f"Bearer {jwt.encode({'iss': 'loket', 'sub': 'x', 'role': 'admin', 'iat': 1, 'exp': 2**31}, SECRET, algorithm='HS512')}",
    ],
)
def test_a_bad_token_is_unauthorized(header: str | None) -> None:
    with pytest.raises(Unauthorized):
        verify(header, SECRET, "loket")


def test_an_alg_none_token_is_unauthorized() -> None:
    unsigned = jwt.encode(
        {"iss": "loket", "sub": "x", "role": "admin", "iat": 1, "exp": 2**31},
        None,  # type: ignore[arg-type]
        algorithm="none",
    )
    with pytest.raises(Unauthorized):
        verify(f"Bearer {unsigned}", SECRET, "loket")


def test_a_role_outside_the_allowed_ones_is_forbidden() -> None:
    require_role("admin", ("admin",))
    with pytest.raises(Forbidden):
        require_role("staff", ("admin",))
