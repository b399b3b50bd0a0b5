"""Security at the edge: which routes need a token, which tokens are refused, and how often
one client may guess NIKs."""

from __future__ import annotations

import json
import time
import warnings
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import jwt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib import runtime
from tests.support.api_client import Api, Clock, GatewayApi, mint
from tests.support.residents import distinct_niks
from tests.support.servers import bind_store

ADMIN_PREFIX = "/v1/admin/"


@pytest.fixture
def gateway(api: Api) -> GatewayApi:
    """What the local server (and API Gateway) answers, refusals included, in-process."""
    return GatewayApi()


METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH")


def every_route() -> list[tuple[str, str, Any]]:
    """Every (path, method) that runs a handler; the 405 views for other methods run none."""
    from app import app

    return [
        (path, method, entry)
        for path, entries in app.routes.items()
        for method, entry in entries.items()
        if not entry.view_name.startswith("method_not_allowed")
    ]


def wrong_methods_on_admin_paths() -> list[tuple[str, str]]:
    from app import app

    return [
        (path, method)
        for path, entries in app.routes.items()
        for method, entry in entries.items()
        if path.startswith(ADMIN_PREFIX) and entry.view_name.startswith("method_not_allowed")
    ]


def admin_routes() -> list[tuple[str, str]]:
    return [(path, method) for path, method, _ in every_route() if path.startswith(ADMIN_PREFIX)]


# --- who needs a token ----------------------------------------------------------------------


def test_every_admin_route_has_the_authorizer_and_no_public_route_has_one() -> None:
    """Classified by path, so routes added later (a webhook, a web page) fall in a class."""
    from app import bearer

    routes = every_route()
    assert any(path.startswith(ADMIN_PREFIX) for path, _, _ in routes)
    for path, method, entry in routes:
        if path.startswith(ADMIN_PREFIX):
            assert entry.authorizer is not None, f"{method} {path} has no authorizer"
            assert entry.authorizer.name == bearer.name, f"{method} {path}"
        else:
            assert entry.authorizer is None, f"{method} {path} is public but has an authorizer"


def concrete(path: str) -> str:
    return path.replace("{day}", "2026-11-24")


@pytest.mark.parametrize(("path", "method"), admin_routes())
def test_every_admin_route_answers_401_without_a_token(gateway: GatewayApi, path: str, method: str) -> None:
    answer = gateway.call(method, concrete(path), {"quota": 1})
    assert (answer.status, answer.code) == (401, "unauthorized") and answer.is_contract_error


@pytest.mark.parametrize(("path", "method"), wrong_methods_on_admin_paths())
def test_a_wrong_method_on_an_admin_path_is_405_with_or_without_a_token(
    gateway: GatewayApi, path: str, method: str
) -> None:
    for token in (None, mint("admin")):
        answer = gateway.call(method, concrete(path), {"quota": 1}, token=token)
        assert (answer.status, answer.code) == (405, "method_not_allowed") and answer.is_contract_error


# --- which tokens are refused ---------------------------------------------------------------


def admin_claims() -> dict[str, Any]:
    """What a valid admin token of `make run` claims: each refusal below differs only in how it is signed."""
    now = int(time.time())
    return {
        "iss": "loket",
        "aud": "loket-local",
        "sub": "mallory",
        "role": "admin",
        "iat": now,
        "exp": now + 600,
    }


def forged() -> str:
    claims = admin_claims()
    return jwt.encode(claims, "not-the-secret-but-long-enough-for-hs256!!", algorithm="HS256")


def unsigned() -> str:
    """`alg: none`: a header and claims, and no signature at all."""

    def part(data: dict[str, Any]) -> str:
        import base64

        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    claims = admin_claims()
    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


def other_algorithm() -> str:
    """Signed with the right secret but HS512: only HS256 is accepted."""
    from chalicelib.settings import secret

    claims = admin_claims()
    with warnings.catch_warnings():  # the dev secret is short for HS512: beside the point here
        warnings.simplefilter("ignore")
        return jwt.encode(claims, secret("LOKET_JWT_SECRET"), algorithm="HS512")


BAD_TOKENS: dict[str, Callable[[], str]] = {
    "forged": lambda: f"Bearer {forged()}",
    "expired": lambda: f"Bearer {mint('admin', exp=int(time.time()) - 60, iat=int(time.time()) - 700)}",
    "wrong issuer": lambda: f"Bearer {mint('admin', iss='someone-else')}",
    "alg none": lambda: f"Bearer {unsigned()}",
    "other algorithm": lambda: f"Bearer {other_algorithm()}",
    "unknown role": lambda: f"Bearer {mint('superuser')}",
    "no subject": lambda: f"Bearer {mint('admin', sub='')}",
    "not a jwt": lambda: "Bearer hello.world.again",
    "another scheme": lambda: f"Basic {mint('admin')}",
    "scheme alone": lambda: "Bearer ",
}


@pytest.mark.parametrize("kind", list(BAD_TOKENS))
def test_a_bad_token_is_refused_on_every_admin_route(gateway: GatewayApi, kind: str) -> None:
    header = BAD_TOKENS[kind]()
    for path, method in admin_routes():
        answer = gateway.call(method, concrete(path), {"quota": 1}, headers={"Authorization": header})
        assert (answer.status, answer.code) == (401, "unauthorized"), (kind, method, path, answer)
        assert answer.is_contract_error


def test_a_staff_token_may_not_change_quotas_but_may_read_them(api: Api) -> None:
    staff = mint("staff")
    assert api.call("PUT", "/v1/admin/quota/default", {"quota": 1}, token=staff).code == "forbidden"
    assert api.call("PUT", "/v1/admin/quota/2026-11-24", {"quota": 1}, token=staff).code == "forbidden"
    assert api.call("GET", "/v1/admin/audit", token=staff).code == "forbidden"
    assert api.call("GET", "/v1/admin/quota", token=staff).status == 200


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.text(max_size=300))
def test_no_string_in_the_authorization_header_opens_an_admin_route(gateway: GatewayApi, header: str) -> None:
    answer = gateway.call("GET", "/v1/admin/audit", headers={"Authorization": header})
    assert (answer.status, answer.code) == (401, "unauthorized")


# --- guessing NIKs --------------------------------------------------------------------------

LIMIT = 30


@pytest.fixture
def limited(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    """The rate limit on, and a clock at the start of a one-minute window."""
    from moto import mock_aws

    monkeypatch.setenv("LOKET_RATE_LIMIT_PER_MINUTE", str(LIMIT))
    clock = Clock(datetime(2026, 11, 23, 2, 0, 0, tzinfo=UTC))  # 09:00:00 WIB
    monkeypatch.setattr(runtime, "now", clock)
    with mock_aws():
        bind_store(monkeypatch, None)
        yield clock


def test_a_hundred_guessed_niks_in_a_minute_from_one_client_meet_429_after_the_limit(limited: Clock) -> None:
    guesser, neighbour = GatewayApi("203.0.113.9"), GatewayApi("198.51.100.4")
    answers = []
    for nik in distinct_niks(100, seed=5):
        answers.append(guesser.call("POST", "/v1/status", {"nik": nik}))
        limited.advance(seconds=0.5)  # 100 lookups in 50 seconds

    assert [a.status for a in answers] == [404] * LIMIT + [429] * (100 - LIMIT)
    assert len({json.dumps(a.body) for a in answers[:LIMIT]}) == 1  # every miss looks the same
    for answer in answers[LIMIT:]:
        assert answer.code == "rate_limited" and answer.is_contract_error
        assert 0 < int(answer.headers["retry-after"]) <= 60
    assert neighbour.call("POST", "/v1/status", {"nik": distinct_niks(1, seed=6)[0]}).status == 404

    limited.advance(seconds=int(answers[-1].headers["retry-after"]))
    assert guesser.call("POST", "/v1/status", {"nik": distinct_niks(1, seed=7)[0]}).status == 404
