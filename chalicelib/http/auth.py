"""Bearer tokens: HS256 JWTs with an issuer, an audience (the stage), a bounded lifetime and a role.

PyJWT is imported here only, and this module only inside the authorizer (`edge.authorize`),
the admin handlers' role check (`handlers._require`) and `make token` (local/), so public
routes do not pay for it at cold start.
"""

from __future__ import annotations

import math
import time
import uuid
from dataclasses import dataclass
from typing import Literal

import jwt

from chalicelib.core.errors import Forbidden, Unauthorized

# admin: quotas, the audit log; staff: application stages; operator: a village officer who
# takes tickets on a resident's behalf; resident: a phone verified through WhatsApp (its
# subject is the phone's keyed hash). Each admin route names the roles it takes.
Role = Literal["admin", "staff", "operator", "resident"]
ROLES: tuple[Role, ...] = ("admin", "staff", "operator", "resident")
_ALGORITHM = "HS256"
LIFETIME_SECONDS = 12 * 3600  # a working day: the longest any token lives
LIFETIMES: dict[Role, int] = {
    "admin": LIFETIME_SECONDS,
    "staff": LIFETIME_SECONDS,
    "operator": LIFETIME_SECONDS,
    "resident": 30 * 60,  # enough to choose a day and take a ticket; a lost phone's token dies soon
}
MAX_SUBJECT = 128  # a phone's keyed hash is 64 characters; a staff member's username fewer
# A staff laptop's clock may run a little ahead or behind the Lambda's.
LEEWAY_SECONDS = 30


@dataclass(frozen=True)
class Principal:
    subject: str
    role: Role


def verify(authorization: str | None, secret: bytes, issuer: str, audience: str) -> Principal:
    """The principal in a `Bearer <jwt>` header (the scheme in any case, RFC 7235), or `Unauthorized`.

    Only HS256 is accepted: `alg: none` and every other algorithm are refused. `aud` must be
    exactly `audience` (the stage's), so a token of one stage is refused by another even
    where both share a secret; `iat` and `exp` must be numbers at most its role's lifetime
    apart (`LIFETIMES`), so no token outlives it, whatever its signer wrote.
    """
    token = bearer_token(authorization)
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[_ALGORITHM],
            issuer=issuer,
            audience=audience,
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "iat", "iss", "aud", "sub", "role"], "strict_aud": True},
        )
    except jwt.PyJWTError:
        raise Unauthorized() from None
    issued_at, expires_at = claims["iat"], claims["exp"]
    if not _is_number(issued_at) or not _is_number(expires_at):
        raise Unauthorized()
    role, subject = claims.get("role"), claims.get("sub")
    # A subject becomes part of stored keys (a phone's slots): bounded, or DynamoDB refuses it.
    if role not in ROLES or not isinstance(subject, str) or not 0 < len(subject) <= MAX_SUBJECT:
        raise Unauthorized()
    if not 0 < expires_at - issued_at <= LIFETIMES[role]:
        raise Unauthorized()
    return Principal(subject=subject, role=role)


def bearer_token(authorization: str | None) -> str:
    """The token of a `Bearer <token>` header (the scheme in any case, RFC 7235), or `Unauthorized`."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized()
    return token


def is_rs256(token: str) -> bool:
    """True for a JWT whose (unverified) header says RS256: a Cognito token, never one of ours."""
    try:
        return jwt.get_unverified_header(token).get("alg") == "RS256"
    except jwt.PyJWTError:
        return False


def _is_number(value: object) -> bool:
    """A JSON number (PyJWT would take the string "9999999999" for an `exp`)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def require_role(role: object, allowed: tuple[Role, ...]) -> None:
    if role not in allowed:
        raise Forbidden()


def mint(
    role: Role,
    subject: str,
    secret: bytes,
    issuer: str,
    audience: str,
    ttl_seconds: int | None = None,
) -> str:
    """A token for `role` living `ttl_seconds` (default: the role's whole lifetime)."""
    now = int(time.time())
    claims = {
        "iss": issuer,
        "aud": audience,
        "sub": subject,
        "role": role,
        "iat": now,
        "exp": now + (LIFETIMES[role] if ttl_seconds is None else ttl_seconds),
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, secret, algorithm=_ALGORITHM)
