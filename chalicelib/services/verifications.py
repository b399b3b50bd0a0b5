"""Phone verification: a browser session starts one, a WhatsApp message from a phone
completes it, the session then collects a resident token (the values: core/verifications.py).

Each step is one store call, so a process that dies between steps leaves a verification
either waiting (the page keeps asking, the resident's message is delivered again by Meta and
completes it) or verified, once, by the message that won: the retry of that same message is
told it is verified, any other message with the text that it is used.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from chalicelib.core import verifications as v
from chalicelib.core.errors import NotFound, Unavailable
from chalicelib.core.phone import Phone
from chalicelib.store.values import Verification

if TYPE_CHECKING:
    from chalicelib.store.ports import Verifications


@dataclass(frozen=True)
class Started:
    id: str
    text: str
    expires_at: datetime


class Confirmation(StrEnum):
    VERIFIED = "verified"  # by this message (again, for a redelivery of it)
    REFUSED = "refused"  # unknown, expired, or verified already by another message


def start(store: Verifications, now: datetime, key: bytes) -> Started:
    """A new waiting verification, expiring `v.LIFETIME` from `now`."""
    expires_at = now + v.LIFETIME
    for _ in range(3):  # a code already in use (1 in ~10^11 per draw) is drawn again
        verification_id = v.new_id()
        code = v.code_of(verification_id, key)
        if store.create_verification(v.text_key(code, key), v.id_hash(verification_id, key), expires_at):
            return Started(verification_id, v.text_of(code), expires_at)
    raise Unavailable("verification codes kept colliding")


def look_up(store: Verifications, verification_id: str, now: datetime, key: bytes) -> Verification:
    """The verification of this id, or `NotFound`: unknown, expired, or not an id at all
    (any length: refused before any store call)."""
    if not v.is_well_formed_id(verification_id):
        raise NotFound()
    found = store.verification(v.text_key(v.code_of(verification_id, key), key))
    if (
        found is None
        or not hmac.compare_digest(found.id_hash, v.id_hash(verification_id, key))
        or found.expires_at <= now
    ):
        raise NotFound()
    return found


def confirm(
    store: Verifications,
    code: str,
    phone: Phone,
    message_id: str,
    now: datetime,
    key: bytes,
    phone_key: bytes,
) -> Confirmation:
    """The text carrying `code` arrived from `phone` in message `message_id`."""
    keyed_phone = phone.keyed_hash(phone_key)
    after = store.confirm_verification(
        v.text_key(code, key), keyed_phone, phone.masked, message_id, now, now + v.COLLECT_WITHIN
    )
    if after is not None and after.state == "verified" and after.message_id == message_id:
        return Confirmation.VERIFIED
    return Confirmation.REFUSED
