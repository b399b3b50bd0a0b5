"""Staff accounts (a Cognito user pool in AWS): the pool's groups, a person's role, the policy
a password must meet. Declared once; infra/template/cognito.py and local/staff_pool.py read it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

StaffRole = Literal["admin", "staff", "operator"]
# Strongest first: a person's role is the first of these groups they are in. The pool's
# group precedence (lower wins) is the position here.
GROUPS: tuple[StaffRole, ...] = ("admin", "staff", "operator")

MIN_PASSWORD_LENGTH = 10
# The pool's password policy, in Cognito's spelling (the error `password_rejected` words it).
PASSWORD_POLICY = {
    "MinimumLength": MIN_PASSWORD_LENGTH,
    "RequireUppercase": True,
    "RequireLowercase": True,
    "RequireNumbers": True,
    "RequireSymbols": False,
    "TemporaryPasswordValidityDays": 7,
}
# The flows the office page uses: no SRP (the page would need its big-number maths).
AUTH_FLOWS = ("ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH")
ACCESS_TOKEN_HOURS = 1
REFRESH_TOKEN_HOURS = 12  # a working day, then sign in again
MAX_USERNAME = 128
MAX_PASSWORD = 256


def role_of_groups(groups: Iterable[object]) -> StaffRole | None:
    """The strongest of a person's groups, or None when they are in none of ours."""
    held = {group for group in groups if isinstance(group, str)}
    return next((group for group in GROUPS if group in held), None)
