"""Calling the app as API Gateway would, in-process (chalice's test client runs its
LocalGateway and the built-in authorizer), and a clock the test moves. Every tier uses these."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from chalice.test import Client

# Monday 23 November 2026, 09:00 WIB: an open weekday.
MONDAY_0900_WIB = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@dataclass
class Clock:
    instant: datetime = MONDAY_0900_WIB

    def __call__(self) -> datetime:
        return self.instant

    def advance(self, **delta: float) -> None:
        self.instant += timedelta(**delta)

    def set(self, instant: datetime) -> None:
        self.instant = instant


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: Any = field(default=None)

    @property
    def code(self) -> str | None:
        if isinstance(self.body, dict) and isinstance(self.body.get("error"), dict):
            return str(self.body["error"].get("code"))
        return None

    @property
    def is_contract_error(self) -> bool:
        """`{"error": {"code": "<snake_case>", "message": "<text>"}}` and nothing else."""
        if not isinstance(self.body, dict) or set(self.body) != {"error"}:
            return False
        error = self.body["error"]
        return (
            isinstance(error, dict)
            and set(error) == {"code", "message"}
            and isinstance(error["code"], str)
            and error["code"].replace("_", "").isalpha()
            and error["code"].islower()
            and isinstance(error["message"], str)
            and bool(error["message"])
        )


NO_BODY: Any = object()


class Api:
    def __init__(self, client: Client) -> None:
        self.client = client

    def call(
        self,
        method: str,
        path: str,
        body: Any = NO_BODY,
        *,
        raw: bytes | None = None,
        token: str | None = None,
        headers: Mapping[str, str | None] | None = None,
    ) -> Answer:
        """`headers` add to or replace `Content-Type: application/json`; a None value sends
        no such header at all."""
        given = {"content-type": "application/json", **{k.lower(): v for k, v in (headers or {}).items()}}
        sent = {k: v for k, v in given.items() if v is not None}
        if token is not None:
            sent["authorization"] = f"Bearer {token}"
        payload = raw if raw is not None else (b"" if body is NO_BODY else json.dumps(body).encode())
        status, answer_headers, answer_body = self._send(method, path, sent, payload)
        try:
            parsed = json.loads(answer_body) if answer_body else None
        except ValueError:
            parsed = answer_body
        return Answer(status, {k.lower(): v for k, v in answer_headers.items()}, parsed)

    def _send(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        response = self.client.http.request(method, path, headers=headers, body=body)
        return response.status_code, response.headers, response.body

    def get(self, path: str, **kw: Any) -> Answer:
        return self.call("GET", path, **kw)

    def post(self, path: str, body: Any = NO_BODY, **kw: Any) -> Answer:
        return self.call("POST", path, body, **kw)

    def put(self, path: str, body: Any = NO_BODY, **kw: Any) -> Answer:
        return self.call("PUT", path, body, **kw)


def mint(role: str, **overrides: Any) -> str:
    """A token the app accepts for `role`; `overrides` change or add claims."""
    import time

    import jwt

    from chalicelib.settings import secret, settings

    now = int(time.time())
    claims = {
        "iss": settings().jwt_issuer,
        "aud": settings().jwt_audience,
        "sub": f"{role}-tester",
        "role": role,
        "iat": now,
        "exp": now + 600,
    }
    claims.update(overrides)
    return jwt.encode(claims, secret("LOKET_JWT_SECRET"), algorithm="HS256")


class GatewayApi(Api):
    """The same calls through `local.gateway.Gateway`: what `make run` serves, in-process,
    including what API Gateway itself answers (unknown path, refused token) in the contract's
    shape, and each client's own address."""

    def __init__(self, client_ip: str = "203.0.113.7") -> None:
        from app import app
        from local.gateway import Gateway

        self.gateway = Gateway(app)
        self.client_ip = client_ip

    def _send(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        answer = self.gateway.handle(method, path, headers, body, self.client_ip)
        return answer.status, answer.headers, answer.body
