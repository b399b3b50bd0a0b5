"""Staff who sign in as themselves: every call to the Cognito user pool is here (sign in,
refresh, sign out, and the authorizer's check of an access token).

botocore is imported at the first call, never on a public route's cold start. Cognito checks
each token itself (`GetUser`): loket ships no crypto library, and a token's claims are read
unverified only to refuse early what is not our pool's, our client's, an access token, or
alive. Nothing Cognito says is logged or passed on but its error code: its messages may echo
the token (moto's GlobalSignOut does), and no token or password is ever logged.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import jwt

from chalicelib.core.errors import (
    Forbidden,
    InvalidCredentials,
    LoketError,
    NewPasswordRequired,
    PasswordRejected,
    Unauthorized,
    Unavailable,
)
from chalicelib.core.staff import MAX_USERNAME, StaffRole, role_of_groups
from chalicelib.logs import log

if TYPE_CHECKING:
    from chalicelib.settings import StaffPool

# How long this instance takes an access token Cognito accepted without asking again. A
# person disabled (or signed out elsewhere) is refused by this instance at most this long
# after; API Gateway's cache of the authorizer's verdict (app.py, AUTHORIZER_TTL_SECONDS) is
# the other bound, and the two add up to 5 minutes at most.
VERDICT_SECONDS = 60
_MAX_VERDICTS = 512  # a desk polls with one token; an office has tens of people


@dataclass(frozen=True)
class StaffMember:
    username: str
    role: StaffRole | None  # None: in none of the pool's groups (403 on every route)


@dataclass(frozen=True)
class Session:
    access_token: str
    refresh_token: str
    expires_in: int
    member: StaffMember


def sign_in(pool: StaffPool, username: str, password: str, new_password: str | None = None) -> Session:
    """A session for a person of the pool; a temporary password (an admin created the account)
    is replaced by `new_password` in the same call, or `NewPasswordRequired` when none is given."""
    with _refusals(InvalidCredentials):
        answer = _client(pool.region, pool.endpoint).initiate_auth(
            ClientId=pool.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": password},
        )
    challenge = answer.get("ChallengeName")
    if challenge == "NEW_PASSWORD_REQUIRED":
        if new_password is None:
            raise NewPasswordRequired()
        named = (answer.get("ChallengeParameters") or {}).get("USERNAME") or username
        with _refusals(InvalidCredentials):
            answer = _client(pool.region, pool.endpoint).respond_to_auth_challenge(
                ClientId=pool.client_id,
                ChallengeName="NEW_PASSWORD_REQUIRED",
                Session=answer.get("Session", ""),
                ChallengeResponses={"USERNAME": named, "NEW_PASSWORD": new_password},
            )
        challenge = answer.get("ChallengeName")
    if challenge or "AuthenticationResult" not in answer:
        log("sign_in_challenge_not_supported", challenge=str(challenge))  # MFA: not set up on the pool
        raise Unavailable()
    result = answer["AuthenticationResult"]
    return _session(result["AccessToken"], result["RefreshToken"], int(result["ExpiresIn"]))


def refresh(pool: StaffPool, refresh_token: str, now: datetime) -> Session:
    """A new access token for a refresh token still alive (the same refresh token goes on).

    The new access token is checked with Cognito at once: moto refreshes a disabled person's
    tokens (Cognito in AWS does not), and the check keeps both answering alike."""
    with _refusals(InvalidCredentials):
        answer = _client(pool.region, pool.endpoint).initiate_auth(
            ClientId=pool.client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": refresh_token},
        )
    result = answer.get("AuthenticationResult") or {}
    if "AccessToken" not in result:
        raise InvalidCredentials()
    try:
        check_access_token(pool, result["AccessToken"], now)
    except Unauthorized:
        raise InvalidCredentials() from None
    return _session(result["AccessToken"], refresh_token, int(result["ExpiresIn"]))


def sign_out(pool: StaffPool, access_token: str, now: datetime) -> None:
    """Cognito's GlobalSignOut: the person's refresh tokens and access tokens die."""
    _accepted_claims(pool, access_token, now)
    with _refusals(Unauthorized):
        _client(pool.region, pool.endpoint).global_sign_out(AccessToken=access_token)
    with _verdicts_lock:
        _verdicts.pop(_digest(access_token), None)


def check_access_token(pool: StaffPool, token: str, now: datetime) -> StaffMember:
    """The person an access token of the pool's app client stands for, or `Unauthorized`.

    Its claims must name our pool, our app client and an access token, not expired; then
    Cognito's GetUser must accept it: that checks the signature, a sign-out, a disabled
    person. An accepted token is taken again without asking for `VERDICT_SECONDS`."""
    claims = _accepted_claims(pool, token, now)
    digest, instant = _digest(token), now.timestamp()
    with _verdicts_lock:
        cached = _verdicts.get(digest)
        if cached is not None and instant - cached[1] < VERDICT_SECONDS:
            return cached[0]
    with _refusals(Unauthorized):
        _client(pool.region, pool.endpoint).get_user(AccessToken=token)
    member = StaffMember(claims["username"], role_of_groups(_groups(claims)))
    with _verdicts_lock:
        _verdicts[digest] = (member, instant)
        _verdicts.move_to_end(digest)
        while len(_verdicts) > _MAX_VERDICTS:
            _verdicts.popitem(last=False)
    return member


_verdicts: OrderedDict[bytes, tuple[StaffMember, float]] = OrderedDict()
_verdicts_lock = threading.Lock()


def reset() -> None:
    """Forget every accepted token and the clients (tests move between endpoints)."""
    with _verdicts_lock:
        _verdicts.clear()
    _client.cache_clear()


def _session(access_token: str, refresh_token: str, expires_in: int) -> Session:
    """A session from what Cognito just answered (so its claims are Cognito's own); `Forbidden`
    for a person in none of the pool's groups."""
    claims = _claims(access_token)
    username = claims.get("username") if claims else None
    if not isinstance(username, str) or not username:
        raise Unavailable()
    member = StaffMember(username, role_of_groups(_groups(claims or {})))
    if member.role is None:
        raise Forbidden()
    return Session(access_token, refresh_token, expires_in, member)


def _accepted_claims(pool: StaffPool, token: str, now: datetime) -> dict[str, Any]:
    claims = _claims(token)
    if (
        claims is None
        or claims.get("iss") != pool.issuer
        or claims.get("client_id") != pool.client_id
        or claims.get("token_use") != "access"
        or not isinstance(claims.get("username"), str)
        or not 0 < len(claims["username"]) <= MAX_USERNAME
    ):
        raise Unauthorized()
    expires_at = claims.get("exp")
    if isinstance(expires_at, bool) or not isinstance(expires_at, int) or expires_at <= now.timestamp():
        raise Unauthorized()
    return claims


def _claims(token: str) -> dict[str, Any] | None:
    """A token's claims, unverified (Cognito verifies it), if it is an RS256 JWT at all."""
    try:
        if jwt.get_unverified_header(token).get("alg") != "RS256":
            return None
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return None
    return claims if isinstance(claims, dict) else None


def _groups(claims: dict[str, Any]) -> list[object]:
    groups = claims.get("cognito:groups")
    return list(groups) if isinstance(groups, list) else []


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


# Cognito's answers that mean "not this person, password or token", whatever the call.
_REFUSED = {
    "NotAuthorizedException",
    "UserNotFoundException",
    "UserNotConfirmedException",
    "PasswordResetRequiredException",
    "CodeMismatchException",
    "ExpiredCodeException",
}


@contextmanager
def _refusals(refused: type[LoketError]) -> Iterator[None]:
    """Cognito's errors as ours: `refused` for a refusal, `PasswordRejected` for a new password
    the policy refuses, `Unavailable` for anything else (throttled, unreachable, misconfigured)."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except ClientError as error:
        code = str(error.response.get("Error", {}).get("Code", ""))
        if code == "InvalidPasswordException":
            raise PasswordRejected() from None
        if code in _REFUSED:
            log("staff_identity_refused", cognito=code)
            raise refused() from None
        log("staff_identity_unavailable", cognito=code)
        raise Unavailable() from None
    except BotoCoreError as error:
        log("staff_identity_unavailable", error=type(error).__name__)
        raise Unavailable() from None


@lru_cache(maxsize=4)
def _client(region: str, endpoint: str | None) -> Any:
    """Cognito's client for `region` (at `endpoint`: moto, locally). The calls made here need
    no credentials and no IAM grant: Cognito authenticates them by the token or password."""
    import botocore.session
    from botocore.config import Config

    session = botocore.session.get_session()
    config = Config(connect_timeout=2, read_timeout=5, retries={"max_attempts": 2, "mode": "standard"})
    return session.create_client("cognito-idp", region_name=region, endpoint_url=endpoint, config=config)
