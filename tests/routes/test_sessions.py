"""Staff sign in as themselves (docs/API.md, "Sessions"): the routes and the authorizer over
moto's cognito-idp in-process, with `make run`'s pool and demo accounts.

chalice's test client answers 403 for any refusal by the authorizer, API Gateway 401: the
refusals are read through `GatewayApi` (what `make run` serves, as API Gateway answers)."""

from __future__ import annotations

import gzip
import json
import logging
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import moto
import pytest

from chalicelib.http import staff_identity
from local.staff_pool import DEMO_ACCOUNTS, create_pool
from tests.support.api_client import Answer, Api, Clock, GatewayApi, mint
from tests.support.staff_pool import StaffPool, demo_password, use_staff_pool

KEPALA = ("kepala", demo_password("kepala"))
PETUGAS = ("petugas1", demo_password("petugas1"))
OPERATOR = ("operator1", demo_password("operator1"))


@pytest.fixture
def pool(moto_store: object, monkeypatch: pytest.MonkeyPatch) -> Iterator[StaffPool]:
    yield use_staff_pool(monkeypatch, None)
    staff_identity.reset()


@pytest.fixture
def gateway(api: Api, pool: StaffPool) -> GatewayApi:
    return GatewayApi()


def sign_in(api: Api, username: str, password: str, **more: str) -> Answer:
    return api.post("/v1/sessions", {"username": username, "password": password, **more})


def session_of(api: Api, username: str, password: str) -> dict[str, Any]:
    answer = sign_in(api, username, password)
    assert answer.status == 200, answer.body
    session: dict[str, Any] = answer.body["session"]
    return session


def at_expiry_of(token: str) -> datetime:
    return datetime.fromtimestamp(jwt.decode(token, options={"verify_signature": False})["exp"], UTC)


# --- signing in -------------------------------------------------------------------------------


@pytest.mark.parametrize("account", DEMO_ACCOUNTS, ids=lambda a: a.username)
def test_each_demo_account_signs_in_and_is_known_by_its_name_and_role(
    api: Api, pool: StaffPool, account: Any
) -> None:
    session = session_of(api, account.username, account.password)

    assert set(session) == {"access_token", "refresh_token", "expires_in", "username", "role"}
    assert (session["username"], session["role"]) == (account.username, account.group)
    assert session["expires_in"] == 3600
    me = api.get("/v1/admin/me", token=session["access_token"])
    assert (me.status, me.body) == (200, {"username": account.username, "role": account.group})


def test_the_audit_log_names_the_person_who_changed_a_quota(api: Api, pool: StaffPool) -> None:
    token = session_of(api, *KEPALA)["access_token"]

    assert api.put("/v1/admin/quota/default", {"quota": 350}, token=token).status == 200

    entries = api.get("/v1/admin/audit", token=token).body["entries"]
    assert [(e["actor"], e["after"]["default_quota"]) for e in entries if e["action"] == "quota.default"] == [
        ("kepala", 350)
    ]


def test_a_wrong_password_an_unknown_person_and_a_disabled_account_get_one_and_the_same_401(
    api: Api, pool: StaffPool
) -> None:
    pool.disable("petugas2")

    answers = [
        sign_in(api, "kepala", "Kepala-Blitar-2025"),
        sign_in(api, "kepala2", "Kepala-Blitar-2026"),
        sign_in(api, "petugas2", demo_password("petugas2")),
    ]

    assert {a.status for a in answers} == {401}
    assert [a.body for a in answers] == [answers[0].body] * 3
    assert answers[0].code == "invalid_credentials" and answers[0].is_contract_error


def test_a_temporary_password_asks_for_a_new_one_which_then_signs_in(api: Api, pool: StaffPool) -> None:
    pool.add("petugas9", "Sementara-2026", "staff", permanent=False)

    first = sign_in(api, "petugas9", "Sementara-2026")
    assert (first.status, first.code) == (409, "new_password_required")
    assert first.is_contract_error

    second = sign_in(api, "petugas9", "Sementara-2026", new_password="Petugas9-Blitar-2026")
    assert second.status == 200 and second.body["session"]["role"] == "staff"
    assert sign_in(api, "petugas9", "Petugas9-Blitar-2026").status == 200
    assert sign_in(api, "petugas9", "Sementara-2026").code == "invalid_credentials"


@pytest.mark.parametrize("weak", ["Pendek-26", "semuakecil-2026", "SEMUABESAR-2026", "TanpaAngka-Blitar"])
def test_a_new_password_the_policy_refuses_is_400_password_rejected_saying_the_policy(
    api: Api, pool: StaffPool, weak: str
) -> None:
    pool.add("petugas9", "Sementara-2026", "staff", permanent=False)

    answer = sign_in(api, "petugas9", "Sementara-2026", new_password=weak)

    assert (answer.status, answer.code) == (400, "password_rejected")
    assert "minimal 10 karakter" in answer.body["error"]["message"]
    assert sign_in(api, "petugas9", "Sementara-2026").code == "new_password_required"  # unchanged


def test_a_person_in_no_group_is_refused_403_at_sign_in_and_with_a_token_of_theirs(
    api: Api, pool: StaffPool
) -> None:
    pool.add("tamu", "Tamu-Blitar-2026")

    assert (
        sign_in(api, "tamu", "Tamu-Blitar-2026").status,
        sign_in(api, "tamu", "Tamu-Blitar-2026").code,
    ) == (
        403,
        "forbidden",
    )
    token = pool.tokens("tamu", "Tamu-Blitar-2026")["AccessToken"]
    assert (api.get("/v1/admin/me", token=token).code, api.get("/v1/admin/quota", token=token).code) == (
        "forbidden",
        "forbidden",
    )


def test_a_person_in_the_staff_and_admin_groups_is_an_admin(api: Api, pool: StaffPool) -> None:
    pool.add("sekretaris", "Sekretaris-Blitar-2026", "staff", "admin")

    session = session_of(api, "sekretaris", "Sekretaris-Blitar-2026")

    assert session["role"] == "admin"
    assert api.get("/v1/admin/audit", token=session["access_token"]).status == 200


def test_an_operator_is_refused_403_on_a_staff_route_and_staff_on_an_admin_route(
    api: Api, pool: StaffPool
) -> None:
    operator = session_of(api, *OPERATOR)["access_token"]
    staff = session_of(api, *PETUGAS)["access_token"]

    assert api.post("/v1/admin/calls", {"desk": 1}, token=operator).code == "forbidden"
    assert api.get("/v1/admin/audit", token=staff).code == "forbidden"
    assert api.get("/v1/admin/quota", token=staff).status == 200


@pytest.mark.parametrize(
    "body",
    [
        {"username": "kepala"},
        {"password": "x"},
        {"username": "", "password": "x"},
        {"username": "k" * 129, "password": "x"},
        {"username": "kepala", "password": "p" * 257},
        {"username": 7, "password": "x"},
        {"username": "kepala", "password": None},
        {"username": "kepala", "password": "x", "new_password": ""},
        {"username": "kepala", "password": "x", "otp": "1"},
    ],
)
def test_a_body_of_the_wrong_shape_is_400_invalid_request(api: Api, pool: StaffPool, body: object) -> None:
    answer = api.post("/v1/sessions", body)
    assert (answer.status, answer.code) == (400, "invalid_request")


def test_without_a_configured_pool_signing_in_and_refreshing_are_503_and_signing_out_401(
    api: Api, moto_store: object
) -> None:
    assert api.post("/v1/sessions", {"username": "kepala", "password": "x"}).code == "unavailable"
    assert api.post("/v1/sessions/refresh", {"refresh_token": "x"}).code == "unavailable"
    assert GatewayApi().call("DELETE", "/v1/sessions", token="x.y.z").code == "unauthorized"


def test_an_unreachable_cognito_is_503_and_its_tokens_get_no_one_in(
    gateway: GatewayApi, pool: StaffPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib import settings

    token = pool.tokens(*PETUGAS)["AccessToken"]
    monkeypatch.setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", "http://127.0.0.1:9")  # discard port
    settings.reset()
    staff_identity.reset()

    answer = sign_in(gateway, *KEPALA)

    assert (answer.status, answer.code) == (503, "unavailable")
    assert gateway.get("/v1/admin/me", token=token).status == 401


def test_signing_in_and_refreshing_are_limited_per_client_address(
    pool: StaffPool, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib import settings

    monkeypatch.setenv("LOKET_RATE_LIMIT_PER_MINUTE", "3")
    settings.reset()
    office, other = GatewayApi(client_ip="198.51.100.10"), GatewayApi(client_ip="198.51.100.11")

    tries = [sign_in(office, "kepala", "salah-salah").status for _ in range(4)]
    refreshes = [office.post("/v1/sessions/refresh", {"refresh_token": "x"}).status for _ in range(4)]

    assert tries == [401, 401, 401, 429] and refreshes == [401, 401, 401, 429]
    assert sign_in(office, *KEPALA).code == "rate_limited"
    assert sign_in(other, *KEPALA).status == 200


# --- tokens the authorizer refuses ------------------------------------------------------------


def test_a_token_of_another_pool_on_the_same_cognito_is_refused(gateway: GatewayApi, pool: StaffPool) -> None:
    other = create_pool(pool.cognito, name="another-office")
    pool.cognito.admin_create_user(
        UserPoolId=other.user_pool_id, Username="kepala", TemporaryPassword="Kepala-Blitar-2026"
    )
    pool.cognito.admin_set_user_password(
        UserPoolId=other.user_pool_id, Username="kepala", Password="Kepala-Blitar-2026", Permanent=True
    )
    pool.cognito.admin_add_user_to_group(UserPoolId=other.user_pool_id, Username="kepala", GroupName="admin")
    foreign = StaffPool(pool.cognito, other.user_pool_id, other.client_id).tokens(*KEPALA)["AccessToken"]
    pool.cognito.get_user(AccessToken=foreign)  # Cognito takes it: only its issuer tells

    assert gateway.get("/v1/admin/me", token=foreign).status == 401


def test_a_token_of_another_app_client_of_the_pool_is_refused(gateway: GatewayApi, pool: StaffPool) -> None:
    client_id = pool.cognito.create_user_pool_client(
        UserPoolId=pool.user_pool_id, ClientName="another", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    token = pool.tokens(*KEPALA, client_id=client_id)["AccessToken"]

    assert gateway.get("/v1/admin/me", token=token).status == 401


def test_an_id_token_is_refused_where_its_access_token_is_taken(gateway: GatewayApi, pool: StaffPool) -> None:
    tokens = pool.tokens(*KEPALA)

    assert gateway.get("/v1/admin/me", token=tokens["IdToken"]).status == 401
    assert gateway.get("/v1/admin/me", token=tokens["AccessToken"]).status == 200


def test_an_expired_access_token_is_refused(gateway: GatewayApi, pool: StaffPool, clock: Clock) -> None:
    token = pool.tokens(*KEPALA)["AccessToken"]
    clock.set(at_expiry_of(token) - timedelta(seconds=1))
    assert gateway.get("/v1/admin/me", token=token).status == 200

    clock.set(at_expiry_of(token))

    assert gateway.get("/v1/admin/me", token=token).status == 401


def _moto_private_key() -> dict[str, Any]:
    resources = Path(moto.__file__).parent / "cognitoidp" / "resources"
    key: dict[str, Any] = json.loads(gzip.decompress((resources / "jwks-private.json.gz").read_bytes()))
    return key


def test_a_token_signed_with_moto_s_own_key_for_a_made_up_person_is_refused_by_get_user(
    gateway: GatewayApi, pool: StaffPool
) -> None:
    """moto signs every pool's tokens with one key shipped inside moto: a signature proves
    nothing locally. The forgery's signature checks out against the pool's JWKS; GetUser is
    what refuses it."""
    from jwt.algorithms import RSAAlgorithm

    private = RSAAlgorithm.from_jwk(json.dumps(_moto_private_key()))
    now = int(time.time())
    forged = jwt.encode(
        {
            "iss": f"https://cognito-idp.ap-southeast-3.amazonaws.com/{pool.user_pool_id}",
            "client_id": pool.client_id,
            "token_use": "access",
            "username": "penyusup",
            "cognito:groups": ["admin"],
            "iat": now,
            "exp": now + 3600,
        },
        private,  # type: ignore[arg-type]
        algorithm="RS256",
        headers={"kid": "dummy"},
    )
    public = RSAAlgorithm.from_jwk(json.dumps(_public_jwk()))
    assert jwt.decode(forged, public, algorithms=["RS256"])["username"] == "penyusup"  # type: ignore[arg-type]

    answer = gateway.get("/v1/admin/me", token=forged)

    assert (answer.status, answer.code) == (401, "unauthorized")


def _public_jwk() -> dict[str, Any]:
    resources = Path(moto.__file__).parent / "cognitoidp" / "resources"
    keys = json.loads(gzip.decompress((resources / "jwks-public.json.gz").read_bytes()))["keys"]
    key: dict[str, Any] = next(k for k in keys if k["kid"] == "dummy")
    return key


def test_a_signed_out_session_s_access_and_refresh_tokens_are_refused(
    gateway: GatewayApi, pool: StaffPool
) -> None:
    session = session_of(gateway, *PETUGAS)
    token = session["access_token"]
    assert gateway.get("/v1/admin/me", token=token).status == 200

    out = gateway.call("DELETE", "/v1/sessions", token=token)

    assert (out.status, out.body) == (200, {"signed_out": True})
    assert gateway.get("/v1/admin/me", token=token).status == 401
    refreshed = gateway.post("/v1/sessions/refresh", {"refresh_token": session["refresh_token"]})
    assert (refreshed.status, refreshed.code) == (401, "invalid_credentials")
    assert gateway.call("DELETE", "/v1/sessions", token=token).code == "unauthorized"


def test_signing_out_takes_only_a_cognito_access_token(gateway: GatewayApi, pool: StaffPool) -> None:
    assert gateway.call("DELETE", "/v1/sessions").code == "unauthorized"
    assert gateway.call("DELETE", "/v1/sessions", token=mint("admin")).code == "unauthorized"
    assert (
        gateway.call("DELETE", "/v1/sessions", token=pool.tokens(*KEPALA)["IdToken"]).code == "unauthorized"
    )


def test_a_disabled_person_is_refused_once_the_instance_s_memory_of_their_token_ends(
    gateway: GatewayApi, pool: StaffPool, clock: Clock
) -> None:
    """The bound: `VERDICT_SECONDS` here (API Gateway's own cache adds its TTL in AWS)."""
    token = pool.tokens(*PETUGAS)["AccessToken"]
    assert gateway.get("/v1/admin/me", token=token).status == 200
    pool.disable("petugas1")

    clock.advance(seconds=staff_identity.VERDICT_SECONDS - 1)
    assert gateway.get("/v1/admin/me", token=token).status == 200  # still remembered: the bound
    clock.advance(seconds=1)

    assert gateway.get("/v1/admin/me", token=token).status == 401


def test_the_instance_and_the_gateway_together_remember_a_verdict_at_most_five_minutes() -> None:
    from app import AUTHORIZER_TTL_SECONDS, app

    assert AUTHORIZER_TTL_SECONDS + staff_identity.VERDICT_SECONDS <= 300
    [authorizer] = app.builtin_auth_handlers
    assert authorizer.ttl_seconds == AUTHORIZER_TTL_SECONDS


# --- refreshing -------------------------------------------------------------------------------


def test_a_refresh_gives_a_new_access_token_that_works(api: Api, pool: StaffPool) -> None:
    session = session_of(api, *KEPALA)

    answer = api.post("/v1/sessions/refresh", {"refresh_token": session["refresh_token"]})

    assert answer.status == 200
    renewed = answer.body["session"]
    assert renewed["access_token"] != session["access_token"]
    assert {k: renewed[k] for k in ("refresh_token", "username", "role", "expires_in")} == {
        "refresh_token": session["refresh_token"],
        "username": "kepala",
        "role": "admin",
        "expires_in": 3600,
    }
    assert api.get("/v1/admin/me", token=renewed["access_token"]).body == {
        "username": "kepala",
        "role": "admin",
    }


def test_an_unknown_refresh_token_or_a_disabled_person_s_is_401(api: Api, pool: StaffPool) -> None:
    session = session_of(api, *PETUGAS)
    pool.disable("petugas1")

    for refresh_token in ("not-a-refresh-token", session["refresh_token"]):
        answer = api.post("/v1/sessions/refresh", {"refresh_token": refresh_token})
        assert (answer.status, answer.code) == (401, "invalid_credentials")


# --- the two kinds of token side by side -------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "staff", "operator"])
def test_an_hs256_token_is_still_taken_and_me_names_its_subject(api: Api, pool: StaffPool, role: str) -> None:
    answer = api.get("/v1/admin/me", token=mint(role, sub="skrip-malam"))
    assert (answer.status, answer.body) == (200, {"username": "skrip-malam", "role": role})


def test_a_resident_token_is_refused_403_by_me(api: Api) -> None:
    assert api.get("/v1/admin/me", token=mint("resident")).code == "forbidden"


def test_no_log_line_holds_a_password_or_a_token(gateway: GatewayApi, pool: StaffPool) -> None:
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    keep = Keep(level=logging.INFO)
    loket, root = logging.getLogger("loket"), logging.getLogger()
    loket.addHandler(keep)
    root.addHandler(keep)
    try:
        pool.add("petugas9", "Sementara-2026", "staff", permanent=False)
        assert sign_in(gateway, "petugas9", "Sementara-2026").status == 409
        assert sign_in(gateway, "petugas9", "Sementara-2026", new_password="Lemah").status == 400
        changed = sign_in(gateway, "petugas9", "Sementara-2026", new_password="Petugas9-Blitar-2026")
        session = changed.body["session"]
        sign_in(gateway, "kepala", "Salah-Blitar-2026")
        gateway.get("/v1/admin/me", token=session["access_token"])
        gateway.call("DELETE", "/v1/sessions", token=session["access_token"])
        gateway.call("DELETE", "/v1/sessions", token=session["access_token"])  # moto echoes it here
        gateway.post("/v1/sessions/refresh", {"refresh_token": session["refresh_token"]})
    finally:
        loket.removeHandler(keep)
        root.removeHandler(keep)

    secrets = ["Sementara-2026", "Lemah", "Petugas9-Blitar-2026", "Salah-Blitar-2026"]
    secrets += [session["access_token"], session["refresh_token"], session["access_token"].split(".")[1]]
    assert lines
    assert not [line for line in lines for secret in secrets if secret in line]
