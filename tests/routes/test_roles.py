"""The roles `operator` and `resident`: the authorizer takes their tokens, and every admin
route refuses them (403) as the contract's role columns say; `make token` mints both."""

from __future__ import annotations

import time

import jwt
import pytest

from chalicelib.store.memory import MemoryStore
from tests.support.api_client import Api, GatewayApi, mint
from tests.support.residents import nik

# Each admin route and what its body would be; the roles that may call it (API.md).
ADMIN_ROUTES: dict[tuple[str, str], tuple[str, object, tuple[str, ...]]] = {
    ("GET", "/v1/admin/quota"): ("/v1/admin/quota", None, ("staff", "admin")),
    ("PUT", "/v1/admin/quota/default"): ("/v1/admin/quota/default", {"quota": 10}, ("admin",)),
    ("PUT", "/v1/admin/quota/{day}"): ("/v1/admin/quota/2026-11-26", {"quota": 10}, ("admin",)),
    ("POST", "/v1/admin/applications"): (
        "/v1/admin/applications",
        {"nik": nik(1), "service": "kk", "stage": "received", "updated_at": "2026-11-25T08:00:00+07:00"},
        ("staff", "admin"),
    ),
    ("GET", "/v1/admin/audit"): ("/v1/admin/audit", None, ("admin",)),
    ("POST", "/v1/admin/tickets"): ("/v1/admin/tickets", {"nik": nik(1)}, ("operator", "staff", "admin")),
    ("POST", "/v1/admin/checkins"): ("/v1/admin/checkins", {"code": "AAAAAAAA"}, ("staff", "admin")),
    ("POST", "/v1/admin/calls"): ("/v1/admin/calls", {"desk": 1}, ("staff", "admin")),
    ("PUT", "/v1/admin/tickets/{code}"): (
        "/v1/admin/tickets/AAAAAAAA",
        {"state": "served"},
        ("staff", "admin"),
    ),
    ("GET", "/v1/admin/report"): ("/v1/admin/report", None, ("admin",)),
    ("GET", "/v1/admin/advice"): ("/v1/admin/advice", None, ("admin",)),
    ("GET", "/v1/admin/me"): ("/v1/admin/me", None, ("operator", "staff", "admin")),
}


@pytest.fixture
def app_store(memory_store: MemoryStore) -> MemoryStore:
    return memory_store


def test_every_admin_route_is_listed_here() -> None:
    from app import app

    served = {
        (method, path)
        for path, entries in app.routes.items()
        for method, entry in entries.items()
        if path.startswith("/v1/admin/") and not entry.view_name.startswith("method_not_allowed")
    }
    assert served == set(ADMIN_ROUTES)


@pytest.mark.parametrize("role", ["operator", "resident"])
@pytest.mark.parametrize("route", sorted(ADMIN_ROUTES))
def test_an_operator_or_a_resident_is_refused_403_by_every_admin_route(
    api: Api, role: str, route: tuple[str, str]
) -> None:
    path, body, allowed = ADMIN_ROUTES[route]
    if role in allowed:
        return  # an operator takes tickets on residents' behalf: test_the_roles_a_route_names_still_pass
    answer = api.call(route[0], path, body, token=mint(role))
    assert (answer.status, answer.code) == (403, "forbidden")
    assert answer.is_contract_error


@pytest.mark.parametrize("route", sorted(ADMIN_ROUTES))
def test_the_roles_a_route_names_still_pass(api: Api, route: tuple[str, str]) -> None:
    path, body, allowed = ADMIN_ROUTES[route]
    for role in allowed:
        # Past the role check: 201 the first of the roles takes the ticket, 200 the others find
        # it taken; 404 and 409: no ticket has that code, nobody waits (but never 401 or 403).
        assert api.call(route[0], path, body, token=mint(role)).status in (200, 201, 404, 409), role


def test_a_resident_token_for_more_than_thirty_minutes_is_refused_at_the_gateway(api: Api) -> None:
    gateway = GatewayApi()  # chalice's test client says 403 for any refusal; API Gateway 401
    answer = gateway.get("/v1/admin/audit", token=mint("resident", exp=int(time.time()) + 1801))
    assert (answer.status, answer.code) == (401, "unauthorized")
    assert gateway.get("/v1/admin/audit", token=mint("resident")).code == "forbidden"


def test_make_token_mints_a_resident_token_whose_subject_is_the_phone_s_keyed_hash(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import hashlib
    import hmac

    from chalicelib.settings import HashPurpose, hash_key, secret, settings
    from local.__main__ import _token

    _token("resident", "ignored", "6285700000001")
    token = capsys.readouterr().out.strip()
    claims = jwt.decode(
        token, secret("LOKET_JWT_SECRET"), algorithms=["HS256"], audience=settings().jwt_audience
    )
    expected = hmac.new(hash_key(HashPurpose.PHONE), b"6285700000001", hashlib.sha256).hexdigest()
    assert (claims["role"], claims["sub"]) == ("resident", expected)
    assert claims["exp"] - claims["iat"] == 30 * 60
    assert "6285700000001" not in token  # nor in any claim


@pytest.mark.parametrize(
    ("role", "phone"), [("resident", None), ("admin", "6285700000001"), ("resident", "0857")]
)
def test_make_token_refuses_a_resident_without_a_phone_and_a_phone_for_another_role(
    role: str, phone: str | None
) -> None:
    from local.__main__ import _token

    with pytest.raises(SystemExit) as refused:
        _token(role, "someone", phone)
    assert refused.value.code != 0


def test_make_token_mints_an_operator_token_for_twelve_hours(capsys: pytest.CaptureFixture[str]) -> None:
    from chalicelib.settings import secret, settings
    from local.__main__ import _token

    _token("operator", "desa-sumberjo", None)
    claims = jwt.decode(
        capsys.readouterr().out.strip(),
        secret("LOKET_JWT_SECRET"),
        algorithms=["HS256"],
        audience=settings().jwt_audience,
    )
    assert (claims["role"], claims["sub"], claims["exp"] - claims["iat"]) == (
        "operator",
        "desa-sumberjo",
        12 * 3600,
    )
