"""The staff's user pool on moto's cognito-idp, as infra/template/cognito.py declares it in AWS:
its password policy, its groups, its app client, and `make run`'s demo accounts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.core.staff import AUTH_FLOWS, GROUPS, PASSWORD_POLICY, StaffRole

POOL_NAME = "loket-staff"
CLIENT_NAME = "loket-kantor"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    group: StaffRole


DEMO_ACCOUNTS = (
    DemoAccount("kepala", "Kepala-Blitar-2026", "admin"),
    DemoAccount("petugas1", "Petugas1-Blitar-2026", "staff"),
    DemoAccount("petugas2", "Petugas2-Blitar-2026", "staff"),
    DemoAccount("operator1", "Operator1-Blitar-2026", "operator"),
)


@dataclass(frozen=True)
class CreatedPool:
    user_pool_id: str
    client_id: str


def create_pool(cognito: Any, name: str = POOL_NAME) -> CreatedPool:
    """A user pool with the policy, the three groups (precedence: admin strongest) and the app
    client (no secret: a browser page signs in), on `cognito` (a boto3 cognito-idp client)."""
    pool_id = cognito.create_user_pool(
        PoolName=name,
        Policies={"PasswordPolicy": PASSWORD_POLICY},
        AdminCreateUserConfig={"AllowAdminCreateUserOnly": True},
    )["UserPool"]["Id"]
    for precedence, group in enumerate(GROUPS):
        cognito.create_group(UserPoolId=pool_id, GroupName=group, Precedence=precedence)
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName=CLIENT_NAME,
        GenerateSecret=False,
        ExplicitAuthFlows=list(AUTH_FLOWS),
        PreventUserExistenceErrors="ENABLED",
        EnableTokenRevocation=True,
    )["UserPoolClient"]["ClientId"]
    return CreatedPool(pool_id, client_id)


def add_account(
    cognito: Any, pool_id: str, username: str, password: str, *groups: str, permanent: bool = True
) -> None:
    """A person as an admin creates one; `permanent=False` leaves the password temporary
    (the first sign-in must set their own)."""
    cognito.admin_create_user(
        UserPoolId=pool_id, Username=username, TemporaryPassword=password, MessageAction="SUPPRESS"
    )
    if permanent:
        cognito.admin_set_user_password(
            UserPoolId=pool_id, Username=username, Password=password, Permanent=True
        )
    for group in groups:
        cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=username, GroupName=group)


def create_demo_pool(cognito: Any) -> CreatedPool:
    """`make run`'s pool: the demo accounts with permanent passwords."""
    created = create_pool(cognito)
    for account in DEMO_ACCOUNTS:
        add_account(cognito, created.user_pool_id, account.username, account.password, account.group)
    return created


def banner_lines() -> list[str]:
    return [f"  {a.username:<10} {a.password:<22} {a.group}" for a in DEMO_ACCOUNTS]
