"""Staff accounts (a Cognito user pool in AWS): the pool's groups, a person's role, the policy
a password must meet. Declared once; infra/template/cognito.py and local/staff_pool.py read it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

StaffRole = Literal["admin", "staff", "operator"]
# Strongest first: a person's role is the first of these groups they are in. The pool's
# group precedence (lower wins) is the position here.
GROUPS: tuple[StaffRole, ...] = ("admin", "staff", "operator")

MIN_PASSWORD_LENGTH = 10  # upper case, lower case and a digit as well; symbols not required
MAX_USERNAME = 128
MAX_PASSWORD = 256


def role_of_groups(groups: Iterable[object]) -> StaffRole | None:
    """The strongest of a person's groups, or None when they are in none of ours."""
    held = {group for group in groups if isinstance(group, str)}
    return next((group for group in GROUPS if group in held), None)
