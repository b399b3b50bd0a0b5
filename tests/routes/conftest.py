"""Route tests: the Chalice app through `chalice.test.Client` (its LocalGateway and authorizer)
over in-process moto, with a clock the test can move."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from chalice.test import Client

from chalicelib import runtime

# Wednesday 25 November 2026, 09:00 WIB.
WEDNESDAY_MORNING = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


@dataclass
class Clock:
    instant: datetime = WEDNESDAY_MORNING

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
        return (self.body or {}).get("error", {}).get("code") if isinstance(self.body, dict) else None


class Api:
    """A thin, typed wrapper over chalice's test client that speaks JSON."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        raw: bytes | None = None,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        sent = {"Content-Type": "application/json", **(headers or {})}
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        payload = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
        response = self.client.http.request(method, path, headers=sent, body=payload)
        try:
            parsed = json.loads(response.body) if response.body else None
        except ValueError:
            parsed = response.body
        return Answer(response.status_code, {k.lower(): v for k, v in response.headers.items()}, parsed)

    def get(self, path: str, **kw: Any) -> Answer:
        return self.call("GET", path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> Answer:
        return self.call("POST", path, body, **kw)

    def put(self, path: str, body: Any = None, **kw: Any) -> Answer:
        return self.call("PUT", path, body, **kw)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(runtime, "now", clock)
    return clock


@pytest.fixture
def api(moto_store: object, clock: Clock) -> Iterator[Api]:
    from app import app

    with Client(app, stage_name="local") as client:
        yield Api(client)


@pytest.fixture
def admin_token() -> str:
    return _mint("admin")


@pytest.fixture
def staff_token() -> str:
    return _mint("staff")


def _mint(role: str) -> str:
    from chalicelib.http.auth import mint
    from chalicelib.settings import secret, settings

    return mint(role, f"{role}-tester", secret("LOKET_JWT_SECRET"), settings().jwt_issuer)  # type: ignore[arg-type]


def nik(serial: int, day: int = 17) -> str:
    """A valid NIK in Kabupaten Blitar with the given serial (1..9999)."""
    return f"350512{day:02d}0885{serial:04d}"
