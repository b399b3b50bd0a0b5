"""Staff accounts: a person's role from their pool groups, and the pool's settings."""

from __future__ import annotations

import pytest

from chalicelib import settings as settings_module
from chalicelib.core.staff import role_of_groups
from chalicelib.settings import SettingsError, settings

POOL = "ap-southeast-3_AbCdEf123"


@pytest.mark.parametrize(
    ("groups", "role"),
    [
        (["admin"], "admin"),
        (["staff", "admin"], "admin"),
        (["operator", "staff"], "staff"),
        (["operator"], "operator"),
        (["operator", "kepala-dinas"], "operator"),
        ([], None),
        (["Admin", "staf"], None),
        ([["admin"]], None),
    ],
)
def test_a_person_s_role_is_the_strongest_of_their_groups(groups: list[object], role: str | None) -> None:
    assert role_of_groups(groups) == role


def test_without_the_pool_s_settings_only_hs256_tokens_are_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LOKET_COGNITO_USER_POOL_ID", raising=False)
    monkeypatch.delenv("LOKET_COGNITO_CLIENT_ID", raising=False)
    settings_module.reset()
    assert settings().staff_pool is None


def test_the_pool_s_issuer_is_cognito_s_for_its_region_and_id(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOKET_COGNITO_USER_POOL_ID", POOL)
    monkeypatch.setenv("LOKET_COGNITO_CLIENT_ID", "4k2l0abc")
    monkeypatch.setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", "http://127.0.0.1:8001")
    settings_module.reset()
    pool = settings().staff_pool
    assert pool is not None
    assert pool.issuer == f"https://cognito-idp.ap-southeast-3.amazonaws.com/{POOL}"
    assert (pool.client_id, pool.endpoint) == ("4k2l0abc", "http://127.0.0.1:8001")


@pytest.mark.parametrize(
    ("pool_id", "client_id", "named"),
    [
        (POOL, "", "LOKET_COGNITO_USER_POOL_ID and LOKET_COGNITO_CLIENT_ID"),
        ("", "4k2l0abc", "LOKET_COGNITO_USER_POOL_ID and LOKET_COGNITO_CLIENT_ID"),
        ("eu-west-1_AbCdEf123", "4k2l0abc", "LOKET_COGNITO_USER_POOL_ID"),  # not the region's
        ("my-pool", "4k2l0abc", "LOKET_COGNITO_USER_POOL_ID"),
        (POOL, "client id", "LOKET_COGNITO_CLIENT_ID"),
    ],
)
def test_a_half_or_malformed_pool_setting_fails_loudly_with_its_name(
    monkeypatch: pytest.MonkeyPatch, pool_id: str, client_id: str, named: str
) -> None:
    monkeypatch.setenv("LOKET_COGNITO_USER_POOL_ID", pool_id)
    monkeypatch.setenv("LOKET_COGNITO_CLIENT_ID", client_id)
    settings_module.reset()
    with pytest.raises(SettingsError, match=named):
        settings()
