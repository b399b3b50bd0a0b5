"""The staff's user pool on moto's cognito-idp (in-process under `mock_aws`, or the embedded
moto server over HTTP), made the app's: `make run`'s pool and demo accounts
(local/staff_pool.py), and a direct line to Cognito for what a test needs to arrange."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from local.staff_pool import DEMO_ACCOUNTS, CreatedPool, add_account, create_demo_pool


@dataclass
class StaffPool:
    cognito: Any  # a boto3 cognito-idp client on the same moto
    user_pool_id: str
    client_id: str

    def add(self, username: str, password: str, *groups: str, permanent: bool = True) -> None:
        add_account(self.cognito, self.user_pool_id, username, password, *groups, permanent=permanent)

    def disable(self, username: str) -> None:
        self.cognito.admin_disable_user(UserPoolId=self.user_pool_id, Username=username)

    def tokens(self, username: str, password: str, client_id: str | None = None) -> dict[str, Any]:
        """Cognito's AuthenticationResult for a person, straight from the pool (not through loket)."""
        answer = self.cognito.initiate_auth(
            ClientId=client_id or self.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": password},
        )
        result: dict[str, Any] = answer["AuthenticationResult"]
        return result


def demo_password(username: str) -> str:
    return next(a.password for a in DEMO_ACCOUNTS if a.username == username)


def use_staff_pool(monkeypatch: pytest.MonkeyPatch, endpoint: str | None) -> StaffPool:
    """A fresh demo pool at `endpoint` (None: whatever `mock_aws` intercepts), as the app's."""
    import boto3

    from chalicelib import settings
    from chalicelib.http import staff_identity

    region = settings.settings().region
    cognito = boto3.client("cognito-idp", region_name=region, endpoint_url=endpoint)
    created: CreatedPool = create_demo_pool(cognito)
    monkeypatch.setenv("LOKET_COGNITO_USER_POOL_ID", created.user_pool_id)
    monkeypatch.setenv("LOKET_COGNITO_CLIENT_ID", created.client_id)
    if endpoint is None:
        monkeypatch.delenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", raising=False)
    else:
        monkeypatch.setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", endpoint)
    settings.reset()
    settings.settings()  # read now, outside the test client's stage environment
    staff_identity.reset()
    return StaffPool(cognito, created.user_pool_id, created.client_id)
