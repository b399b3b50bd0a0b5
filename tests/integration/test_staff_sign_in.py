"""Staff sign in over real HTTP, on the embedded moto server's cognito-idp (the one `make run`
serves DynamoDB from), then work an admin route with the session: no in-process mock between
the app and Cognito."""

from __future__ import annotations

import pytest
import requests

from local.http_server import HttpServer
from tests.support.staff_pool import StaffPool, demo_password


@pytest.fixture
def pool(moto_server_staff_pool: StaffPool) -> StaffPool:
    return moto_server_staff_pool


def test_kepala_signs_in_over_http_changes_a_quota_and_the_audit_log_names_her(
    pool: StaffPool, http_server: HttpServer
) -> None:
    signed_in = requests.post(
        http_server.url + "/v1/sessions",
        json={"username": "kepala", "password": demo_password("kepala")},
        timeout=30,
    )
    assert signed_in.status_code == 200, signed_in.text
    session = signed_in.json()["session"]
    assert (session["username"], session["role"]) == ("kepala", "admin")
    bearer = {"Authorization": f"Bearer {session['access_token']}"}

    changed = requests.put(
        http_server.url + "/v1/admin/quota/default", json={"quota": 320}, headers=bearer, timeout=30
    )
    audit = requests.get(http_server.url + "/v1/admin/audit", headers=bearer, timeout=30)

    assert changed.status_code == 200, changed.text
    assert [e["actor"] for e in audit.json()["entries"] if e["action"] == "quota.default"] == ["kepala"]


def test_a_signed_out_token_is_refused_over_http(pool: StaffPool, http_server: HttpServer) -> None:
    session = requests.post(
        http_server.url + "/v1/sessions",
        json={"username": "petugas2", "password": demo_password("petugas2")},
        timeout=30,
    ).json()["session"]
    bearer = {"Authorization": f"Bearer {session['access_token']}"}
    assert requests.get(http_server.url + "/v1/admin/me", headers=bearer, timeout=30).status_code == 200

    out = requests.delete(http_server.url + "/v1/sessions", headers=bearer, timeout=30)

    assert (out.status_code, out.json()) == (200, {"signed_out": True})
    refused = requests.get(http_server.url + "/v1/admin/me", headers=bearer, timeout=30)
    assert (refused.status_code, refused.json()["error"]["code"]) == (401, "unauthorized")
