"""What the WhatsApp inbox and outbox need of the store, and the values it returns.

Implemented on DynamoDB by `whatsapp.WhatsAppStore` and in memory by
`memory.MemoryWhatsAppMessages`; the store contract suite holds both to the same behaviour.
Apart from `ports`, so that the API's cold path loads none of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol


class ReplyState(StrEnum):
    RECEIVED = "received"  # claimed, being answered
    PENDING = "pending"  # reply waiting to be sent
    SENDING = "sending"  # a worker holds a lease and is sending
    SENT = "sent"
    DONE = "done"  # answered with silence (e.g. a rate-limited resident already told)
    FAILED = "failed"  # gave up: a permanent Graph API error, or too many attempts
    MAYBE_SENT = "maybe_sent"  # a lease ran out with no outcome: it may have gone out, so not again


@dataclass(frozen=True)
class Claimed:
    """This caller owns the message now and must answer it."""

    token: str


@dataclass(frozen=True)
class AlreadyClaimed:
    """Somebody claimed the message before: a redelivery (or a concurrent delivery)."""

    state: ReplyState
    claimed_at: datetime


@dataclass(frozen=True)
class Lease:
    """A worker's exclusive right to send one reply until `until`."""

    message_id: str
    token: str
    to_wa_id: str
    phone_number_id: str
    reply: str
    attempts: int  # including this one


@dataclass(frozen=True)
class Unsent:
    message_id: str
    state: ReplyState
    due_at: datetime  # when it may be (re)sent: its due time, or its lease's end


@dataclass(frozen=True)
class MessageView:
    """What an operator (or a test) may see of one message: never the wa_id."""

    message_id: str
    state: ReplyState
    attempts: int
    reply: str | None
    last_error: str | None


class WhatsAppMessages(Protocol):
    """One item per incoming message id: its exactly-once claim, then its reply until sent
    (the states and their transitions: store/whatsapp.py). Every transition is conditional
    on the token of whoever holds the item; each returns False when that does not hold."""

    def claim(self, message_id: str, now: datetime, keep_for: timedelta) -> Claimed | AlreadyClaimed:
        """Of any number of deliveries of one message, exactly one is `Claimed`."""
        ...

    def take_over(self, message_id: str, stale_before: datetime, now: datetime) -> Claimed | None:
        """Claim a message still `received` whose claim is older than `stale_before`."""
        ...

    def release(self, message_id: str, claim: Claimed) -> bool:
        """Forget a claim whose answer could not be worked out."""
        ...

    def queue_reply(
        self, message_id: str, claim: Claimed, to_wa_id: str, phone_number_id: str, reply: str, now: datetime
    ) -> bool:
        """Attach the reply and make it due now."""
        ...

    def finish_silently(self, message_id: str, claim: Claimed) -> bool: ...

    def lease(self, message_id: str, now: datetime, hold_for: timedelta) -> Lease | None:
        """The exclusive right to send a pending reply; None when none is pending."""
        ...

    def mark_sent(self, lease: Lease, graph_message_id: str | None, now: datetime) -> bool: ...

    def retry_later(self, lease: Lease, due: datetime, error: str) -> bool: ...

    def expire_lease(self, message_id: str, now: datetime) -> bool:
        """A lease that ran out with no outcome recorded becomes `maybe_sent`, never a resend."""
        ...

    def give_up(self, lease: Lease, error: str) -> bool: ...

    def unsent(self) -> list[Unsent]:
        """Every reply pending or being sent, with when it may go."""
        ...

    def view(self, message_id: str) -> MessageView | None: ...
