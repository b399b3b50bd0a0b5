"""Bearer tokens: HS256 JWTs with an issuer, an expiry and a role.

PyJWT is imported here only, and this module only by the authorizer and `make token`,
so public routes do not pay for it at cold start.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Literal

import jwt

from chalicelib.core.errors import Forbidden, Unauthorized

Role = Literal["admin", "staff"]
ROLES: tuple[Role, ...] = ("admin", "staff")
_ALGORITHM = "HS256"


@dataclass(frozen=True)
class Principal:
    subject: str
    role: Role


def verify(authorization: str | None, secret: bytes, issuer: str) -> Principal:
    """The principal in a `Bearer <jwt>` header, or `Unauthorized`.

    Only HS256 is accepted: `alg: none` and every other algorithm are refused.
    """
    if not authorization or not authorization.startswith("Bearer "):
        raise Unauthorized()
    token = authorization[len("Bearer ") :].strip()
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[_ALGORITHM],
            issuer=issuer,
            options={"require": ["exp", "iat", "iss", "sub", "role"]},
        )
    except jwt.PyJWTError:
        raise Unauthorized() from None
    role, subject = claims.get("role"), claims.get("sub")
    if role not in ROLES or not isinstance(subject, str) or not subject:
        raise Unauthorized()
    return Principal(subject=subject, role=role)


def require_role(role: object, allowed: tuple[Role, ...]) -> None:
    if role not in allowed:
        raise Forbidden()


def mint(role: Role, subject: str, secret: bytes, issuer: str, ttl_seconds: int = 12 * 3600) -> str:
    now = int(time.time())
    claims = {
        "iss": issuer,
        "sub": subject,
        "role": role,
        "iat": now,
        "exp": now + ttl_seconds,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, secret, algorithm=_ALGORITHM)
