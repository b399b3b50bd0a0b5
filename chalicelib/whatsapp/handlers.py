"""The webhook's two HTTP handlers, as app.py calls them (the reply worker is in `chalicelib.events`)."""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Mapping
from typing import Any

from chalice.app import Request, Response

from chalicelib import runtime
from chalicelib.core.errors import PayloadTooLarge, Unauthorized
from chalicelib.http.edge import JSON_HEADERS
from chalicelib.http.errors import error_body
from chalicelib.http.requests import MAX_BODY_BYTES, language
from chalicelib.logs import log
from chalicelib.store.whatsapp import WhatsAppStore
from chalicelib.whatsapp import inbox, outbox, signature
from chalicelib.whatsapp.config import whatsapp_secret
from chalicelib.whatsapp.payloads import inbound

_TEXT_HEADERS: dict[str, str | list[str]] = {
    "Content-Type": "text/plain; charset=utf-8",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}


def verify_subscription(request: Request | None) -> Response:
    """Meta's handshake: `hub.challenge` back as text/plain when `hub.verify_token` matches."""
    assert request is not None, "called outside a request"
    params: Mapping[str, str] = request.query_params or {}
    mode, token = params.get("hub.mode"), params.get("hub.verify_token")
    challenge = params.get("hub.challenge")
    expected = whatsapp_secret("WHATSAPP_VERIFY_TOKEN")
    if (
        mode == "subscribe"
        and token is not None
        and challenge is not None
        and hmac.compare_digest(token.encode("utf-8"), expected)
    ):
        log("whatsapp_subscription_verified")
        return Response(body=challenge, status_code=200, headers=_TEXT_HEADERS)
    log("whatsapp_subscription_refused", mode=mode)
    refused = error_body("forbidden", language(request))
    return Response(body=refused, status_code=403, headers={**JSON_HEADERS})


def receive_webhook(request: Request) -> tuple[int, dict[str, Any]]:
    """A signed delivery from Meta: 401 unless signed, else 200 whatever it holds, unless a
    message in it has no reply queued or settled yet (503: Meta delivers it again)."""
    raw = request.raw_body or b""
    body = raw if isinstance(raw, bytes) else raw.encode("utf-8")
    if len(body) > MAX_BODY_BYTES:
        raise PayloadTooLarge()
    header = request.headers.get(signature.HEADER)
    if not signature.is_valid(body, header, whatsapp_secret("WHATSAPP_APP_SECRET")):
        log("whatsapp_signature_refused", present=header is not None)
        raise Unauthorized()
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        log("whatsapp_unreadable_payload", logging.WARNING)
        return 200, {"status": "ignored"}
    found = inbound(payload)
    queued = []
    if found.texts:
        queued = inbox.receive(runtime.store(), WhatsAppStore(), found.texts, outbox.dispatcher())
    log("whatsapp_webhook", texts=len(found.texts), queued=len(queued), ignored=found.ignored)
    return 200, {"status": "ok"}
