"""A stand-in of Meta's Graph API for `make run`: where loket's replies go when no
WHATSAPP_GRAPH_URL is configured, so a laptop needs no Meta account and no network.

- `POST /<version>/<phone_number_id>/messages` with `Authorization: Bearer <token>`: answered
  as Graph answers a text send (`messaging_product`, `contacts`, `messages[0].id`), and the
  text kept for its recipient `to` (in memory, bounded: the last `KEEP_PER_RECIPIENT` texts
  of the last `KEEP_RECIPIENTS` recipients).
- `POST /_loket/replies` with `{"to": <wa_id>, "after": <n>, "wait": <seconds>}`: the stand-in's
  own API, for `make chat`: the texts sent to `to` numbered above `after`, waiting up to
  `wait` seconds (at most `MAX_WAIT_SECONDS`) for one to arrive. The wa_id travels in the
  body, not the query: a phone number is never in a URL.

It listens on 127.0.0.1 only and logs nothing (a request line would carry no phone, but a
stand-in has nothing worth logging).
"""

from __future__ import annotations

import hmac
import json
import re
import threading
from collections import OrderedDict, deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from local.background import BackgroundServer

VERSION = "v23.0"
REPLIES_PATH = "/_loket/replies"
KEEP_PER_RECIPIENT = 100
KEEP_RECIPIENTS = 1000
MAX_WAIT_SECONDS = 30.0
_MAX_BODY_BYTES = 64 * 1024
_MESSAGES_PATH = re.compile(r"/v[0-9]+\.[0-9]+/[^/]+/messages")


@dataclass(frozen=True)
class Reply:
    number: int  # 1, 2, ... per recipient, never reused
    message_id: str
    text: str


def graph_error(message: str, code: int, error_type: str = "OAuthException") -> dict[str, Any]:
    """Graph's error shape."""
    return {"error": {"message": message, "type": error_type, "code": code}}


class GraphStandIn(BackgroundServer):
    """The stand-in on 127.0.0.1 (`port` 0: a free one). `access_token` None takes any bearer."""

    def __init__(self, access_token: str | None, port: int = 0) -> None:
        self._access_token = access_token
        self._replies: OrderedDict[str, deque[Reply]] = OrderedDict()
        self._numbers: dict[str, int] = {}
        self._sends = 0
        self._arrived = threading.Condition()
        self._closing = False
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = self.headers.get("Content-Length") or "0"
                # Its digits counted before int() reads them: int() refuses more than 4,300.
                if (
                    not (length.isascii() and length.isdigit())
                    or len(length) > 9
                    or int(length) > _MAX_BODY_BYTES
                ):
                    self._send(413, graph_error("body too large", 100))
                    return
                raw = self.rfile.read(int(length))
                if self.path == REPLIES_PATH:
                    self._send(*stand_in._read_replies(raw))
                else:
                    self._send(*stand_in._answer(self.path, self.headers.get("Authorization"), raw))

            def _send(self, status: int, answer: dict[str, Any]) -> None:
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        server.daemon_threads = True
        super().__init__(server, name="stand-in-graph")

    @property
    def url(self) -> str:
        """What WHATSAPP_GRAPH_URL would be (Graph's base URL with its version)."""
        return f"{self.base_url}/{VERSION}"

    def replies(self, to: str, after: int = 0, wait: float = 0.0) -> list[Reply]:
        """The texts sent to `to` numbered above `after`, waiting up to `wait` s for one."""
        with self._arrived:
            self._arrived.wait_for(
                lambda: self._closing or bool(self._after(to, after)), timeout=min(wait, MAX_WAIT_SECONDS)
            )
            return self._after(to, after)

    def stop(self) -> None:
        with self._arrived:
            self._closing = True
            self._arrived.notify_all()
        super().stop()

    def _after(self, to: str, after: int) -> list[Reply]:
        return [reply for reply in self._replies.get(to, ()) if reply.number > after]

    def _keep(self, to: str, text: str) -> str:
        with self._arrived:
            self._sends += 1
            message_id = f"wamid.stand-in-{self._sends}"
            number = self._numbers.get(to, 0) + 1
            kept = self._replies.pop(to, None) or deque(maxlen=KEEP_PER_RECIPIENT)
            kept.append(Reply(number, message_id, text))
            self._replies[to] = kept  # the most recent recipient last
            self._numbers[to] = number
            while len(self._replies) > KEEP_RECIPIENTS:
                forgotten, _ = self._replies.popitem(last=False)
                del self._numbers[forgotten]
            self._arrived.notify_all()
        return message_id

    def _answer(self, path: str, authorization: str | None, raw: bytes) -> tuple[int, dict[str, Any]]:
        """Graph's answer to a send (tests' subclass records calls and injects failures)."""
        if not _MESSAGES_PATH.fullmatch(path):
            return 400, graph_error(f"Unknown path components: {path}", 2500)
        if self._access_token is not None and not hmac.compare_digest(
            (authorization or "").encode(), f"Bearer {self._access_token}".encode()
        ):
            return 401, graph_error("Invalid OAuth access token - Cannot parse access token", 190)
        body = _json_object(raw)
        text = body.get("text") if body else None
        to = body.get("to") if body else None
        if not (
            isinstance(to, str)
            and body is not None
            and body.get("messaging_product") == "whatsapp"
            and body.get("type") == "text"
            and isinstance(text, dict)
            and isinstance(text.get("body"), str)
        ):
            return 400, graph_error("(#100) Invalid parameter", 100)
        message_id = self._keep(to, text["body"])
        return 200, {
            "messaging_product": "whatsapp",
            "contacts": [{"input": to, "wa_id": to}],
            "messages": [{"id": message_id}],
        }

    def _read_replies(self, raw: bytes) -> tuple[int, dict[str, Any]]:
        query = _json_object(raw)
        to = query.get("to") if query else None
        after = query.get("after", 0) if query else None
        wait = query.get("wait", 0) if query else None
        if not (
            isinstance(to, str)
            and isinstance(after, int)
            and after >= 0
            and isinstance(wait, int | float)
            and wait >= 0
        ):
            return 400, graph_error('expected {"to": "<wa_id>", "after": <n>, "wait": <seconds>}', 100)
        found = self.replies(to, after, float(wait))
        with self._arrived:
            latest = self._numbers.get(to, 0)
        return 200, {
            "replies": [{"number": r.number, "id": r.message_id, "text": r.text} for r in found],
            "latest": latest,
        }


def _json_object(raw: bytes) -> dict[str, Any] | None:
    try:
        loaded = json.loads(raw)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return loaded if isinstance(loaded, dict) else None
