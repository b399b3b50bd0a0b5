"""`make chat PHONE=6285700000001`: type as that phone, read loket's replies.

Each line typed goes to the webhook of the running `make run` as Meta delivers a text message
(a fresh wamid, the phone as `wa_id` and `from`, `timestamp` now), signed with
`X-Hub-Signature-256` under WHATSAPP_APP_SECRET (its development default unless set). The
replies are read from `make run`'s stand-in Graph API (local/graph_stand_in.py), where the
reply drain sends them. Standard library only, so it runs wherever `make run` does.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any

from chalicelib.core.phone import InvalidPhone, parse_phone
from chalicelib.whatsapp import signature
from chalicelib.whatsapp.config import office_number, whatsapp_secret
from local import state
from local.graph_stand_in import REPLIES_PATH

DEFAULT_PHONE = "6285700000001"
# The office number's id at Meta in these payloads (any id will do: the stand-in takes them all).
LOCAL_PHONE_NUMBER_ID = "100000000000001"
WEBHOOK_PATH = "/v1/whatsapp/webhook"
DEFAULT_WAIT_SECONDS = 10.0
_PROBE_TIMEOUT_SECONDS = 3.0


class ChatError(Exception):
    """Why the chat cannot go on: printed as is, and the chat exits with status 1."""


def not_running(detail: str) -> ChatError:
    return ChatError(
        f"make run is not running ({detail}).\n"
        "Start it in another terminal with `make run`, wait for its banner, then run `make chat` again."
    )


def text_webhook(phone: str, text: str, sent_at: float, message_id: str | None = None) -> bytes:
    """Meta's delivery of one text message from `phone`, serialized as Meta does (non-ASCII
    escaped as \\uXXXX): the bytes the signature covers."""
    payload = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "100000000000000",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": office_number(),
                                "phone_number_id": LOCAL_PHONE_NUMBER_ID,
                            },
                            "contacts": [{"profile": {"name": "make chat"}, "wa_id": phone}],
                            "messages": [
                                {
                                    "from": phone,
                                    "id": message_id or f"wamid.chat-{uuid.uuid4().hex}",
                                    "timestamp": str(int(sent_at)),
                                    "text": {"body": text},
                                    "type": "text",
                                }
                            ],
                        },
                    }
                ],
            }
        ],
    }
    return json.dumps(payload).encode("utf-8")


def signed_webhook(phone: str, text: str, sent_at: float, app_secret: bytes) -> tuple[bytes, dict[str, str]]:
    """The body and headers of Meta's delivery of `text`, signed as Meta signs it."""
    body = text_webhook(phone, text, sent_at)
    return body, {"Content-Type": "application/json", "X-Hub-Signature-256": signature.sign(body, app_secret)}


def _call(
    url: str, timeout: float, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    """GET (no body) or POST `url`: (status, JSON answer or None); `OSError` when nothing answers."""
    if not url.startswith("http://"):  # the state file names local servers only
        raise ChatError(f"not a local http:// URL: {url!r} (in {state.state_path()})")
    method = "GET" if body is None else "POST"
    request = urllib.request.Request(url, data=body, headers=headers or {}, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http:// only)
            status, data = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, data = error.code, error.read()
    try:
        return status, json.loads(data)
    except ValueError:
        return status, None


@dataclass
class Chat:
    run: state.LocalRun
    phone: str
    app_secret: bytes
    wait_seconds: float = DEFAULT_WAIT_SECONDS
    seen: int = 0  # the number of the last reply shown

    def probe(self) -> None:
        """Fail fast, naming what does not answer, before anything is typed."""
        try:
            _call(self.run.loket_url + "/v1/quota", _PROBE_TIMEOUT_SECONDS)  # any answer will do
        except OSError:
            raise not_running(f"nothing answers at {self.run.loket_url}") from None
        if self.run.graph_url is not None:
            self.seen = self._replies(wait=0)[1]

    def send(self, text: str) -> None:
        body, headers = signed_webhook(self.phone, text, time.time(), self.app_secret)
        try:
            status, _ = _call(self.run.loket_url + WEBHOOK_PATH, 30, body, headers)
        except OSError:
            raise not_running(f"loket stopped answering at {self.run.loket_url}") from None
        if status == 401:
            raise ChatError(
                "loket refused the signature (401): make chat signs with WHATSAPP_APP_SECRET, "
                "which must be the same as make run's (unset in both: the development default)."
            )
        if status != 200:
            print(f"(loket answered {status}: Meta would deliver this message again later)", flush=True)

    def replies(self, wait: float) -> list[str]:
        """The replies not shown yet, waiting up to `wait` seconds for the first."""
        if self.run.graph_url is None:
            return []
        found, _ = self._replies(wait)
        return found

    def _replies(self, wait: float) -> tuple[list[str], int]:
        query = json.dumps({"to": self.phone, "after": self.seen, "wait": wait}).encode()
        url = _stand_in_root(self.run.graph_url or "") + REPLIES_PATH
        try:
            status, answer = _call(url, wait + 10, query, {"Content-Type": "application/json"})
        except OSError:
            raise not_running(f"the stand-in Graph API stopped answering at {self.run.graph_url}") from None
        if status != 200 or not isinstance(answer, dict):
            raise ChatError(f"the stand-in Graph API answered {status}: {answer}")
        texts = [str(reply["text"]) for reply in answer["replies"]]
        if answer["replies"]:
            self.seen = int(answer["replies"][-1]["number"])
        return texts, int(answer["latest"])


def _stand_in_root(graph_url: str) -> str:
    """http://127.0.0.1:PORT from http://127.0.0.1:PORT/v23.0."""
    return graph_url.rstrip("/").rsplit("/", 1)[0]


def _show(text: str) -> None:
    lines = text.splitlines() or [""]
    print("\n".join(["loket> " + lines[0], *("       " + line for line in lines[1:])]), flush=True)


def _wait_seconds() -> float:
    raw = os.environ.get("LOKET_CHAT_WAIT_SECONDS", "").strip()
    try:
        value = float(raw) if raw else DEFAULT_WAIT_SECONDS
    except ValueError:
        raise ChatError(f"LOKET_CHAT_WAIT_SECONDS must be a number of seconds, got {raw!r}") from None
    return min(max(value, 0.1), 120.0)


def connect(phone: str) -> Chat:
    """The chat as `phone` with the running `make run`, or `ChatError` saying why not."""
    try:
        parse_phone(phone)
    except InvalidPhone as invalid:
        raise ChatError(f"PHONE: {invalid}") from None
    run = state.read()
    if run is None:
        raise not_running(f"no {state.state_path().name} at {state.state_path().parent}")
    chat = Chat(run, phone, whatsapp_secret("WHATSAPP_APP_SECRET"), _wait_seconds())
    chat.probe()
    return chat


def talk(chat: Chat) -> None:
    """Read lines until end of input (Ctrl-D) or Ctrl-C; send each, show its replies."""
    interactive = sys.stdin.isatty()
    if interactive:
        with contextlib.suppress(ImportError):  # not on every platform
            import readline  # noqa: F401  (line editing and history for input())
    masked = parse_phone(chat.phone).masked
    print(f"Chatting with loket at {chat.run.loket_url} as {masked}. Ctrl-D ends.", flush=True)
    if chat.run.graph_url is None:
        print("(make run sends replies to WHATSAPP_GRAPH_URL, not its stand-in: none are shown here)")
    while True:
        try:
            line = input("you> " if interactive else "")
        except (EOFError, KeyboardInterrupt):
            print()
            return
        text = line.strip()
        if not text:
            continue
        if not interactive:
            print(f"you> {text}", flush=True)
        try:
            for late in chat.replies(wait=0):  # to an earlier line, after its wait ran out
                _show(late)
            chat.send(text)
            replies = chat.replies(wait=chat.wait_seconds)
        except KeyboardInterrupt:
            print()
            return
        for reply in replies:
            _show(reply)
        if chat.run.graph_url is not None and not replies:
            print(
                f"(no reply yet after {chat.wait_seconds:g} s: a late one shows before your next line)",
                flush=True,
            )


def main(phone: str) -> None:
    try:
        talk(connect(phone))
    except ChatError as error:
        sys.exit(str(error))
