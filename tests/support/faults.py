"""Faults injected where loket meets DynamoDB: botocore event hooks on the clients of
PynamoDB's connections (one per table).

- `Unreachable`: no connection at all.
- `Throttle`: DynamoDB answers 400 ThrottlingException / ProvisionedThroughputExceededException
  (every attempt botocore makes, or only the first few); the request never reaches the table.
- `LoseResponses`: the request reaches the table and commits, then the response is lost
  (a read timeout); botocore retries as it would.
- `DieAt`: the process dies just before the Nth DynamoDB call is sent, or just after its
  answer arrived (a write has committed); nothing after it runs (a `BaseException`, which
  no handler catches).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.exceptions import EndpointConnectionError, ReadTimeoutError


def clients() -> list[Any]:
    """The botocore client of every table's connection (bind the store first)."""
    from chalicelib.store.models import MODELS

    return [model._get_connection().connection.client for model in MODELS.values()]


@contextmanager
def hooked(event: str, handler: Any, first: bool = False) -> Iterator[None]:
    # Clients may share one event emitter: a unique id registers the handler once on each.
    unique_id = f"loket-fault-{event}-{id(handler)}"
    emitters = [client.meta.events for client in clients()]
    for emitter in emitters:
        register = emitter.register_first if first else emitter.register
        register(event, handler, unique_id=unique_id)
    try:
        yield
    finally:
        for emitter in emitters:
            emitter.unregister(event, handler, unique_id=unique_id)


def _operation(request: AWSPreparedRequest) -> str:
    target = request.headers.get("X-Amz-Target", b"")
    text = target.decode() if isinstance(target, bytes) else str(target)
    return text.rsplit(".", 1)[-1]


def _table(request: AWSPreparedRequest) -> str:
    body = request.body
    raw = body if isinstance(body, bytes) else (body or "").encode()
    try:
        return str(json.loads(raw).get("TableName", ""))
    except ValueError:
        return ""


class _Body:
    def __init__(self, content: bytes) -> None:
        self._content = content

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._content


@dataclass
class Throttle:
    """Answer `code` (HTTP 400) to each matching call, `times` times (None: always)."""

    code: str
    operations: tuple[str, ...] = ("UpdateItem",)
    table_suffix: str = "-day-counters"
    times: int | None = None
    answered: int = 0

    def __call__(self, request: AWSPreparedRequest, **_: Any) -> AWSResponse | None:
        if _operation(request) not in self.operations or not _table(request).endswith(self.table_suffix):
            return None
        if self.times is not None and self.answered >= self.times:
            return None
        self.answered += 1
        body = json.dumps({"__type": f"com.amazonaws.dynamodb.v20120810#{self.code}", "message": "slow down"})
        headers = {"x-amzn-RequestId": "fault", "Content-Type": "application/x-amz-json-1.0"}
        return AWSResponse(request.url, 400, headers, _Body(body.encode()))

    @contextmanager
    def installed(self) -> Iterator[Throttle]:
        with hooked("before-send.dynamodb", self, first=True):
            yield self


@dataclass
class LoseResponses:
    """Send each matching call for real (it commits), then lose its response `times` times."""

    operation: str = "UpdateItem"
    table_suffix: str = "-day-counters"
    times: int = 1
    sent: int = 0
    lost: int = 0

    def __call__(self, request: AWSPreparedRequest, **_: Any) -> AWSResponse | None:
        if _operation(request) != self.operation or not _table(request).endswith(self.table_suffix):
            return None
        self.sent += 1
        if self.lost >= self.times:
            return None  # botocore sends it itself this time
        response = self._session.send(request)
        response.content  # noqa: B018  (read it all: the write has committed)
        self.lost += 1
        raise ReadTimeoutError(endpoint_url=request.url)

    @contextmanager
    def installed(self) -> Iterator[LoseResponses]:
        from chalicelib.store.models import DayCounterRecord

        client = DayCounterRecord._get_connection().connection.client
        self._session = client._endpoint.http_session
        with hooked("before-send.dynamodb", self, first=True):
            yield self


class Unreachable:
    """No connection to DynamoDB at all, on every attempt."""

    def __call__(self, request: AWSPreparedRequest, **_: Any) -> None:
        raise EndpointConnectionError(endpoint_url=request.url)

    @contextmanager
    def installed(self) -> Iterator[Unreachable]:
        with hooked("before-send.dynamodb", self, first=True):
            yield self


class ProcessDied(BaseException):
    """The Lambda instance is gone: no handler, no `except Exception`, gets to run."""


@dataclass(frozen=True)
class Call:
    operation: str
    table: str


@dataclass
class DieAt:
    """Die just before call number `at` (1-based) is made, or just after it was answered."""

    at: int | None = None  # None: never die, only record the calls
    after: bool = False
    calls: list[Call] = field(default_factory=list)
    # The stage import writes from a pool of threads: a call's number is taken under a lock
    # and kept by the thread making it, so another thread's call landing between this one's
    # before and after hooks cannot move it (and skip the death).
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    _number: threading.local = field(default_factory=threading.local, repr=False, compare=False)

    @property
    def committed(self) -> list[Call]:
        """The calls that reached DynamoDB before the process died."""
        if self.at is None:
            return self.calls
        return self.calls[: self.at if self.after else self.at - 1]

    def _before(self, model: Any, params: dict[str, Any], **_: Any) -> None:
        body = params.get("body") or b"{}"
        table = json.loads(body if isinstance(body, (bytes, str)) else b"{}").get("TableName", "")
        with self._lock:
            self.calls.append(Call(model.name, str(table)))
            self._number.value = len(self.calls)
        if not self.after and self._number.value == self.at:
            raise ProcessDied(f"before call {self.at}")

    def _after(self, model: Any, **_: Any) -> None:
        if self.after and getattr(self._number, "value", None) == self.at:
            raise ProcessDied(f"after call {self.at}")

    @contextmanager
    def installed(self) -> Iterator[DieAt]:
        with hooked("before-call.dynamodb", self._before), hooked("after-call.dynamodb", self._after):
            yield self
