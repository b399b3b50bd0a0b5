from __future__ import annotations

import time

import jwt
import pytest

from chalicelib.core.errors import Forbidden, Unauthorized
from chalicelib.http.auth import Principal, mint, require_role, verify

SECRET = b"test-secret-0123456789abcdef0123456789"
AUDIENCE = "loket-prod"
TWELVE_HOURS = 12 * 3600


def _token(secret: bytes = SECRET, algorithm: str = "HS256", **overrides: object) -> str:
    now = int(time.time())
    claims = {"iss": "loket", "aud": AUDIENCE, "sub": "ani", "role": "admin", "iat": now, "exp": now + 60}
    claims.update(overrides)
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode(claims, secret, algorithm=algorithm)


def _verify(header: str | None) -> Principal:
    return verify(header, SECRET, "loket", AUDIENCE)


def test_a_minted_token_verifies_with_its_role() -> None:
    principal = _verify(f"Bearer {mint('staff', 'budi', SECRET, 'loket', AUDIENCE)}")
    assert (principal.subject, principal.role) == ("budi", "staff")


def test_a_minted_token_lives_twelve_hours_and_names_its_audience() -> None:
    claims = jwt.decode(
        mint("admin", "ani", SECRET, "loket", AUDIENCE), SECRET, algorithms=["HS256"], audience=AUDIENCE
    )
    assert claims["exp"] - claims["iat"] == TWELVE_HOURS
    assert claims["aud"] == AUDIENCE


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Bearer not-a-jwt",
        f"Bearer {_token(iat=int(time.time()) - 600, exp=int(time.time()) - 60)}",  # expired
        f"Bearer {_token(iss='someone-else')}",  # wrong issuer
        f"Bearer {_token(role='superuser')}",  # unknown role
        f"Bearer {_token(role=None)}",  # no role claim
        f"Bearer {_token(exp=None)}",  # no expiry
        f"Bearer {_token(iat=None)}",  # no issue time
        f"Bearer {_token(b'wrong-secret-0123456789abcdef0123')}",
        f"Bearer {_token(algorithm='HS512')}",
    ],
)
def test_a_bad_token_is_unauthorized(header: str | None) -> None:
    with pytest.raises(Unauthorized):
        _verify(header)


def test_an_alg_none_token_is_unauthorized() -> None:
    now = int(time.time())
    unsigned = jwt.encode(
        {"iss": "loket", "aud": AUDIENCE, "sub": "x", "role": "admin", "iat": now, "exp": now + 60},
        None,  # type: ignore[arg-type]
        algorithm="none",
    )
    with pytest.raises(Unauthorized):
        _verify(f"Bearer {unsigned}")


# --- lifetime and clocks ---------------------------------------------------------------------


def test_a_token_expiring_in_the_year_9999_is_unauthorized() -> None:
    with pytest.raises(Unauthorized):
        _verify(f"Bearer {_token(exp=253402300799)}")  # 9999-12-31T23:59:59Z


def test_a_token_living_longer_than_twelve_hours_is_unauthorized() -> None:
    now = int(time.time())
    _verify(f"Bearer {_token(iat=now, exp=now + TWELVE_HOURS)}")  # the lifetime itself passes
    with pytest.raises(Unauthorized):
        _verify(f"Bearer {_token(iat=now, exp=now + TWELVE_HOURS + 1)}")


def test_an_expiry_given_as_a_string_is_unauthorized() -> None:
    with pytest.raises(Unauthorized):
        _verify(f"Bearer {_token(exp=str(int(time.time()) + 60))}")


def test_an_issue_time_given_as_a_string_is_unauthorized() -> None:
    with pytest.raises(Unauthorized):
        _verify(f"Bearer {_token(iat=str(int(time.time())))}")


@pytest.mark.parametrize("value", [True, [1], {"t": 1}])
def test_an_expiry_that_is_not_a_number_is_unauthorized(value: object) -> None:
    with pytest.raises(Unauthorized):
        _verify(f"Bearer {_token(exp=value)}")


def test_a_token_issued_two_seconds_ahead_by_a_fast_laptop_clock_is_accepted() -> None:
    now = int(time.time())
    assert _verify(f"Bearer {_token(iat=now + 2, exp=now + 3600)}").role == "admin"


def test_a_token_issued_a_minute_ahead_is_unauthorized() -> None:
    now = int(time.time())
    with pytest.raises(Unauthorized):
        _verify(f"Bearer {_token(iat=now + 60, exp=now + 3600)}")


def test_a_token_expired_five_seconds_ago_passes_within_the_clock_leeway() -> None:
    now = int(time.time())
    assert _verify(f"Bearer {_token(iat=now - 600, exp=now - 5)}").role == "admin"


# --- audience --------------------------------------------------------------------------------


def test_a_token_of_another_stage_is_unauthorized_even_under_the_same_secret() -> None:
    with pytest.raises(Unauthorized):
        _verify(f"Bearer {mint('admin', 'ani', SECRET, 'loket', 'loket-dev')}")


def test_a_token_without_an_audience_is_unauthorized() -> None:
    with pytest.raises(Unauthorized):
        _verify(f"Bearer {_token(aud=None)}")


def test_a_token_naming_several_audiences_is_unauthorized() -> None:
    with pytest.raises(Unauthorized):
        _verify(f"Bearer {_token(aud=[AUDIENCE, 'loket-dev'])}")


# --- scheme ----------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER", "bEaReR"])
def test_the_bearer_scheme_is_accepted_in_any_case(scheme: str) -> None:
    assert _verify(f"{scheme} {_token()}").role == "admin"


def test_a_role_outside_the_allowed_ones_is_forbidden() -> None:
    require_role("admin", ("admin",))
    with pytest.raises(Forbidden):
        require_role("staff", ("admin",))


# --- roles and their lifetimes ---------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "staff", "operator", "resident"])
def test_every_role_verifies_with_a_token_of_its_own_lifetime(role: str) -> None:
    token = mint(role, "subject", SECRET, "loket", AUDIENCE)  # type: ignore[arg-type]
    assert _verify(f"Bearer {token}").role == role
    claims = jwt.decode(token, SECRET, algorithms=["HS256"], audience=AUDIENCE)
    assert claims["exp"] - claims["iat"] == (30 * 60 if role == "resident" else TWELVE_HOURS)


@pytest.mark.parametrize("role", ["admin", "staff", "operator"])
def test_an_office_role_lives_up_to_twelve_hours(role: str) -> None:
    now = int(time.time())
    assert _verify(f"Bearer {_token(role=role, iat=now, exp=now + TWELVE_HOURS)}").role == role
    with pytest.raises(Unauthorized):
        _verify(f"Bearer {_token(role=role, iat=now, exp=now + TWELVE_HOURS + 1)}")


def test_a_resident_token_living_longer_than_thirty_minutes_is_unauthorized() -> None:
    now = int(time.time())
    assert _verify(f"Bearer {_token(role='resident', iat=now, exp=now + 1800)}").role == "resident"
    with pytest.raises(Unauthorized):
        _verify(f"Bearer {_token(role='resident', iat=now, exp=now + 1801)}")
    with pytest.raises(Unauthorized):
        _verify(f"Bearer {_token(role='resident', iat=now, exp=now + TWELVE_HOURS)}")
