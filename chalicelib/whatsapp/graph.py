"""A small Graph API client: one text message per call, on urllib3.

Why not pywa: measured on this machine (docs/WHATSAPP.md), `import pywa` 4.5 costs
~0.7-0.9 s even after PynamoDB is loaded and adds ~1 MB (244 files, httpx/anyio/httpcore)
to the zip, while urllib3 is already imported by botocore (0 ms more) and ships with the
Lambda runtime. One pool per process keeps the TLS connection to Graph open between warm
invocations.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import quote

import urllib3
from urllib3.exceptions import ConnectTimeoutError, HTTPError, MaxRetryError, NewConnectionError

# Graph error codes that a later attempt may get past (rate limits, Meta's own trouble,
# an expired token an operator can renew). Any other 4xx is final: retrying sends nothing.
_TRANSIENT_CODES = {1, 2, 4, 17, 32, 190, 613, 80007, 130429, 131000, 131016, 131048, 131056, 133004}


class GraphError(Exception):
    """A send that did not succeed. `retryable`: worth another attempt later. `maybe_sent`:
    the request left before the failure (a read timeout), so Meta may have sent it."""

    def __init__(self, reason: str, *, retryable: bool, maybe_sent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable
        self.maybe_sent = maybe_sent


@dataclass(frozen=True)
class GraphApi:
    base_url: str  # e.g. https://graph.facebook.com/v23.0
    access_token: str
    timeout_seconds: float

    def send_text(self, phone_number_id: str, to: str, body: str) -> str | None:
        """Send one text; returns Graph's message id (None if it gave none) or `GraphError`."""
        url = f"{self.base_url}/{quote(phone_number_id, safe='')}/messages"
        payload = {"messaging_product": "whatsapp", "to": to, "type": "text", "text": {"body": body}}
        try:
            response = _pool().request(
                "POST",
                url,
                body=json.dumps(payload).encode("utf-8"),
                headers={"Authorization": f"Bearer {self.access_token}", "Content-Type": "application/json"},
                timeout=urllib3.Timeout(connect=self.timeout_seconds, read=self.timeout_seconds),
                retries=False,
                redirect=False,
            )
        except (NewConnectionError, ConnectTimeoutError) as error:
            raise GraphError(f"connect: {type(error).__name__}", retryable=True) from None
        except MaxRetryError as error:
            raise GraphError(f"connect: {type(error.reason).__name__}", retryable=True) from None
        except HTTPError as error:  # read timeout, connection dropped: the request may have arrived
            raise GraphError(f"io: {type(error).__name__}", retryable=True, maybe_sent=True) from None
        if 200 <= response.status < 300:
            return _message_id(response.data)
        code = _error_code(response.data)
        retryable = response.status == 429 or response.status >= 500 or code in _TRANSIENT_CODES
        raise GraphError(f"http {response.status} code {code}", retryable=retryable)


@lru_cache(maxsize=1)
def _pool() -> urllib3.PoolManager:
    return urllib3.PoolManager(maxsize=4)


def _json(data: bytes) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None


def _message_id(data: bytes) -> str | None:
    body = _json(data)
    messages = body.get("messages") if isinstance(body, dict) else None
    if isinstance(messages, list) and messages and isinstance(messages[0], dict):
        found = messages[0].get("id")
        return found if isinstance(found, str) else None
    return None


def _error_code(data: bytes) -> int | None:
    body = _json(data)
    error = body.get("error") if isinstance(body, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    return code if isinstance(code, int) else None
