"""The WhatsApp tier's kit: captured payloads, signing, a stand-in Graph API, waiting for the
outbox to drain, and threads released together."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from chalicelib.whatsapp import signature
from local.graph_stand_in import GraphStandIn

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "whatsapp"
APP_SECRET = b"test-app-secret"
VERIFY_TOKEN = "test-verify-token"
ACCESS_TOKEN = "test-access-token"
PHONE_NUMBER_ID = "106540352242922"  # the office's number in the captured payloads
WA_ID = "6285700000001"

# The demo residents of local/demo.py (fake NIKs, serials 9xxx).
NIK_READY = "3505124509909001"  # ektp ready
NIK_TWO = "3505121708859002"  # kk verifying, akta_lahir printing
NIK_REJECTED = "3505120101009003"  # ektp rejected
NIK_UNKNOWN = "3505124509909004"  # valid, no record

WIB = timezone(timedelta(hours=7))
A_MONDAY_MORNING = datetime(2026, 11, 30, 9, 0, tzinfo=WIB)


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def fixture_json(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(fixture_bytes(name))
    return loaded


def text_webhook(
    text: str, message_id: str | None = None, wa_id: str = WA_ID, sent_at: datetime | None = None
) -> bytes:
    """The captured text payload carrying `text`, serialized as Meta does (non-ASCII escaped),
    dated `sent_at` (default: the app's clock now, as Meta would date a message just sent)."""
    from chalicelib import runtime

    payload = fixture_json("text.json")
    value = payload["entry"][0]["changes"][0]["value"]
    value["contacts"][0]["wa_id"] = wa_id
    message = value["messages"][0]
    message.update({"from": wa_id, "id": message_id or f"wamid.test-{uuid.uuid4().hex}"})
    message["timestamp"] = str(int((sent_at or runtime.now()).timestamp()))
    message["text"]["body"] = text
    return json.dumps(payload).encode("utf-8")


def message_id_of(body: bytes) -> str:
    return str(json.loads(body)["entry"][0]["changes"][0]["value"]["messages"][0]["id"])


def signed(body: bytes, secret: bytes = APP_SECRET) -> dict[str, str]:
    return {"Content-Type": "application/json", "X-Hub-Signature-256": signature.sign(body, secret)}


# --- the stand-in Graph API -----------------------------------------------------------------


@dataclass(frozen=True)
class GraphCall:
    path: str
    authorization: str | None
    body: dict[str, Any]
    answered: int

    @property
    def text(self) -> str:
        return str(self.body["text"]["body"])


class StandInGraph(GraphStandIn):
    """`make run`'s stand-in Graph API (local/graph_stand_in.py), any bearer taken, that also
    records every call; `fail_next(n)` makes the next n calls fail."""

    def __init__(self) -> None:
        self.calls: list[GraphCall] = []
        self._failures: deque[tuple[int, int]] = deque()
        self._changed = threading.Condition()
        super().__init__(access_token=None)

    def fail_next(self, times: int, status: int = 500, code: int = 131000) -> None:
        with self._changed:
            self._failures.extend([(status, code)] * times)

    @property
    def sent(self) -> list[GraphCall]:
        """The calls that succeeded: the messages a resident received."""
        with self._changed:
            return [c for c in self.calls if c.answered == 200]

    def wait_for_sent(self, count: int, timeout: float = 15.0) -> list[GraphCall]:
        with self._changed:
            if not self._changed.wait_for(lambda: len(self._sent()) >= count, timeout=timeout):
                raise AssertionError(f"expected {count} sent messages, got {len(self._sent())}")
            return self._sent()

    def _sent(self) -> list[GraphCall]:
        return [c for c in self.calls if c.answered == 200]

    def _answer(self, path: str, authorization: str | None, raw: bytes) -> tuple[int, dict[str, Any]]:
        body = json.loads(raw)
        with self._changed:
            status, code = self._failures.popleft() if self._failures else (200, 0)
            self.calls.append(GraphCall(path, authorization, body, status))
            self._changed.notify_all()
            number = len(self.calls)
        if status != 200:
            return status, {"error": {"message": "stand-in failure", "type": "OAuthException", "code": code}}
        return 200, {
            "messaging_product": "whatsapp",
            "contacts": [{"input": body.get("to"), "wa_id": body.get("to")}],
            "messages": [{"id": f"wamid.out-{number}"}],
        }


class RecordingDispatcher:
    """Replaces SQS / the local drain where a test delivers by hand."""

    def __init__(self) -> None:
        self.dispatched: list[str] = []

    def dispatch(self, message_ids: Any) -> None:
        self.dispatched.extend(message_ids)


def settle(timeout: float = 15.0) -> None:
    """Wait until no reply is left to send (each one sent or given up): after this, nothing
    more can reach the Graph API, so counting what it received is final."""
    from chalicelib.store.whatsapp import WhatsAppStore

    deadline = time.monotonic() + timeout
    while WhatsAppStore().unsent():
        if time.monotonic() > deadline:
            raise AssertionError("replies still unsent")
        time.sleep(0.02)


def run_concurrently(count: int, call: Callable[[int], Any]) -> list[Any]:
    """Run `call(i)` for i in 0..count-1 on `count` threads released together."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count
    errors: list[BaseException] = []

    def worker(i: int) -> None:
        barrier.wait()
        try:
            results[i] = call(i)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a call still running after 60 s"
    if errors:
        raise errors[0]
    return results
