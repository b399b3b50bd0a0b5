"""The text messages inside a Cloud API webhook payload; everything else is ignored.

    {"object": "whatsapp_business_account",
     "entry": [{"changes": [{"field": "messages", "value": {
         "metadata": {"phone_number_id": "..."},
         "messages": [{"from": "<wa_id>", "id": "wamid...", "type": "text", "text": {"body": "..."}}],
         "statuses": [...]}}]}]}

Delivery receipts (`statuses`), media, reactions, and any shape this code does not know
are counted as ignored, never an error: Meta must get its 200 whatever it sends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

# Meta's limits are smaller; these only keep a hostile but validly signed payload bounded.
_MAX_ID_LENGTH = 512
_MAX_TEXT_LENGTH = 4096


@dataclass(frozen=True)
class InboundText:
    message_id: str
    wa_id: str  # the resident's WhatsApp id: the reply goes to it
    phone_number_id: str  # the office's number that received it: the reply comes from it
    text: str
    sent_at: datetime | None = None  # Meta's `timestamp`; None when missing or unreadable

    def __repr__(self) -> str:  # never the wa_id or the text (which may hold a NIK) in a log
        return f"InboundText({self.message_id!r})"


@dataclass(frozen=True)
class Inbound:
    texts: list[InboundText]
    ignored: int  # messages that are not text, statuses, unknown changes


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _short_str(value: Any, limit: int) -> str | None:
    return value if isinstance(value, str) and 0 < len(value) <= limit else None


def inbound(payload: Any) -> Inbound:
    texts: list[InboundText] = []
    ignored = 0
    if _dict(payload).get("object") != "whatsapp_business_account":
        return Inbound(texts, 1)
    for entry in _list(_dict(payload).get("entry")):
        for change in _list(_dict(entry).get("changes")):
            value = _dict(_dict(change).get("value"))
            if _dict(change).get("field") != "messages":
                ignored += 1
                continue
            ignored += len(_list(value.get("statuses")))
            phone_number_id = _short_str(_dict(value.get("metadata")).get("phone_number_id"), 64)
            for message in _list(value.get("messages")):
                text = _text_message(_dict(message), phone_number_id)
                if text is None:
                    ignored += 1
                else:
                    texts.append(text)
    return Inbound(texts, ignored)


def _text_message(message: dict[str, Any], phone_number_id: str | None) -> InboundText | None:
    if message.get("type") != "text" or phone_number_id is None:
        return None
    message_id = _short_str(message.get("id"), _MAX_ID_LENGTH)
    wa_id = _short_str(message.get("from"), 64)
    body = _dict(message.get("text")).get("body")
    if message_id is None or wa_id is None or not isinstance(body, str):
        return None
    sent_at = _instant(message.get("timestamp"))
    return InboundText(message_id, wa_id, phone_number_id, body[:_MAX_TEXT_LENGTH], sent_at)


def _instant(value: Any) -> datetime | None:
    """Meta's `timestamp`: Unix seconds as a string of digits (an int is taken too)."""
    text = _short_str(value, 11) if isinstance(value, str) else None
    if text is not None and text.isascii() and text.isdigit():
        return datetime.fromtimestamp(int(text), UTC)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**11:
        return datetime.fromtimestamp(value, UTC)
    return None
