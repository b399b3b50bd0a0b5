"""What every benchmark needs: a clean, offline environment, and small helpers."""

from __future__ import annotations

import json
import os
import statistics
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

OFFLINE_ENV = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_DEFAULT_REGION": "ap-southeast-3",
    "AWS_REGION": "ap-southeast-3",
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
    "LOKET_SITES": "kab-blitar",
}


def offline(**extra: str) -> None:
    """Fake credentials and no real endpoint: nothing here may reach AWS."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_DYNAMODB"):
        os.environ.pop(name, None)
    os.environ.update({**OFFLINE_ENV, **extra})


def quiet_logs() -> None:
    """The app still formats each log line; it just goes nowhere (a terminal would be the cost)."""
    import logging

    for handler in logging.getLogger("loket").handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(open(os.devnull, "w"))  # noqa: SIM115  (for the life of the process)


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def report(name: str, figure: str, goal: str) -> None:
    print(f"bench {name}: {figure} (goal {goal})", flush=True)


class CannedBody:
    def __init__(self, content: bytes) -> None:
        self._content = content

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._content


def canned_response(request: Any, answer: dict[str, Any]) -> Any:
    from botocore.awsrequest import AWSResponse

    headers = {"x-amzn-RequestId": "bench", "Content-Type": "application/x-amz-json-1.0"}
    return AWSResponse(request.url, 200, headers, CannedBody(json.dumps(answer).encode()))


def operation_of(request: Any) -> str:
    target = request.headers.get("X-Amz-Target", b"")
    return (target.decode() if isinstance(target, bytes) else str(target)).rsplit(".", 1)[-1]


@contextmanager
def counting_calls(clients: list[Any]) -> Iterator[list[str]]:
    """Every DynamoDB call the given botocore clients make, by operation name."""
    calls: list[str] = []

    def count(model: Any, **_: Any) -> None:
        calls.append(model.name)

    emitters = {id(c.meta.events): c.meta.events for c in clients}.values()
    for emitter in emitters:
        emitter.register("before-call.dynamodb", count, unique_id="bench-count")
    try:
        yield calls
    finally:
        for emitter in emitters:
            emitter.unregister("before-call.dynamodb", count, unique_id="bench-count")


def pynamodb_clients() -> list[Any]:
    from chalicelib.store.models import MODELS

    return [model._get_connection().connection.client for model in MODELS.values()]
