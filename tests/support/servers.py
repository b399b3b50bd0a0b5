"""The DynamoDB backends the integration tiers run on, and the local HTTP server.

- in-process moto (`mock_aws`): functional only, it takes no lock;
- the embedded moto server (`local.embedded_dynamodb`), over HTTP, linearizable;
- dynalite (npm, installed by `make install`), an independent implementation, over HTTP.

Each is started once per session on 127.0.0.1 and a free port, and stopped after. Tests
isolate their data by a table prefix of their own (`bind_store`).

Tiers import the fixtures they need from here into their conftest.
"""

from __future__ import annotations

import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from chalicelib.store.dynamo import DynamoStore
    from local.http_server import HttpServer
    from tests.support.staff_pool import StaffPool

ROOT = Path(__file__).resolve().parents[2]
DYNALITE = ROOT / "node_modules" / ".bin" / "dynalite"


@dataclass(frozen=True)
class Backend:
    """Where a store talks to: an HTTP endpoint, or in-process moto when `endpoint` is None."""

    name: str
    endpoint: str | None

    @property
    def linearizable(self) -> bool:
        return self.endpoint is not None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_listening(port: int, process: subprocess.Popen[bytes], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


@contextmanager
def running_dynalite() -> Iterator[str]:
    """dynalite on 127.0.0.1 and a free port, in memory, with tables ready at once."""
    if not DYNALITE.exists():
        pytest.fail(f"{DYNALITE} is missing: run `make install` (npm ci) first", pytrace=False)
    with tempfile.TemporaryDirectory(prefix="dynalite-") as scratch:
        log = Path(scratch) / "dynalite.log"
        for _attempt in range(3):  # a free port can be taken between probing and binding it
            port = _free_port()
            with log.open("wb") as sink:
                process = subprocess.Popen(
                    [
                        str(DYNALITE),
                        "--host",
                        "127.0.0.1",
                        "--port",
                        str(port),
                        "--createTableMs",
                        "0",
                        "--deleteTableMs",
                        "0",
                        "--updateTableMs",
                        "0",
                    ],
                    stdout=sink,
                    stderr=subprocess.STDOUT,
                    cwd=ROOT,
                )
            if _wait_until_listening(port, process, seconds=30):
                break
            process.kill()
            process.wait()
        else:
            pytest.fail(f"dynalite did not start: {log.read_text(errors='replace')[-2000:]}", pytrace=False)
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def running_embedded_moto() -> Iterator[str]:
    from local.embedded_dynamodb import EmbeddedDynamoDB

    server = EmbeddedDynamoDB().start()
    try:
        yield server.endpoint
    finally:
        server.stop()


@contextmanager
def running_http_server() -> Iterator[HttpServer]:
    """The HTTP stack `make run` serves (gateway + threaded server) on 127.0.0.1, a free port."""
    from app import app
    from local.http_server import HttpServer

    server = HttpServer(app, port=0).start()
    try:
        yield server
    finally:
        server.stop()


def bind_store(monkeypatch: pytest.MonkeyPatch, endpoint: str | None) -> DynamoStore:
    """Point the app at `endpoint` (None: whatever `mock_aws` intercepts), on tables of its own."""
    from chalicelib import runtime, settings

    if endpoint is None:
        monkeypatch.delenv("AWS_ENDPOINT_URL_DYNAMODB", raising=False)
    else:
        monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", endpoint)
    monkeypatch.setenv("LOKET_TABLE_PREFIX", f"t{uuid.uuid4().hex[:10]}")
    settings.reset()
    runtime.reset()
    store = runtime.store()
    create_tables()
    return store


def create_tables() -> None:
    """`models.create_missing_tables`, without PynamoDB's 2-second sleeps while a table is
    CREATING (dynalite shows that state for a moment even with --createTableMs 0)."""
    from chalicelib.store.models import MODELS

    for model in MODELS.values():
        model.create_table(wait=False, ignore_update_ttl_errors=True)
    deadline = time.monotonic() + 30
    for model in MODELS.values():
        while model._get_connection().describe_table().get("TableStatus") != "ACTIVE":
            if time.monotonic() > deadline:
                pytest.fail(f"table {model.Meta.table_name} never became ACTIVE")
            time.sleep(0.02)


def patient_clients(monkeypatch: pytest.MonkeyPatch, threads: int) -> None:
    """Client settings for many threads against an emulator on a shared 2-core machine.

    Under 64-way contention an emulator answers in up to seconds (moto deep-copies the
    counter item on every call), longer than the 5 s read timeout meant for DynamoDB:
    these tests are about the ticket rule, not the emulator's latency (timeouts are
    proven in tests/faults). A pool as deep as the threads avoids reconnecting per call.
    """
    from chalicelib.store.models import MODELS

    for model in MODELS.values():
        monkeypatch.setattr(model.Meta, "read_timeout_seconds", 120)
        monkeypatch.setattr(model.Meta, "max_pool_connections", threads)
        model._connection = None


# --- fixtures, imported by the tiers' conftest files ------------------------------------


@pytest.fixture(scope="session")
def dynalite_endpoint() -> Iterator[str]:
    with running_dynalite() as endpoint:
        yield endpoint


@pytest.fixture(scope="session")
def moto_server_endpoint() -> Iterator[str]:
    """A fresh embedded moto server per session (a long-lived one grows: STACK-NOTES)."""
    with running_embedded_moto() as endpoint:
        yield endpoint


@pytest.fixture
def moto_server_store(monkeypatch: pytest.MonkeyPatch, moto_server_endpoint: str) -> DynamoStore:
    return bind_store(monkeypatch, moto_server_endpoint)


@pytest.fixture
def moto_server_staff_pool(monkeypatch: pytest.MonkeyPatch, moto_server_endpoint: str) -> StaffPool:
    """`make run`'s staff user pool on the embedded moto server's cognito-idp, as the app's."""
    from tests.support.staff_pool import use_staff_pool

    return use_staff_pool(monkeypatch, moto_server_endpoint)


@pytest.fixture
def http_server(moto_server_store: DynamoStore) -> Iterator[HttpServer]:
    """The local HTTP server over the embedded moto server, on tables of this test's own."""
    with running_http_server() as server:
        yield server
