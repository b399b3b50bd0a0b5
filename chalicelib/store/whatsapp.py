"""The WhatsApp inbox and reply outbox: one item per incoming message id.

An item is created by a conditional put before the message is acted on (the exactly-once
claim), then carries the reply until it is sent. Its `state` moves

    received --queue_reply--> pending --lease--> sending --mark_sent--> sent
        |                        ^                  |
        +--finish_silently--> done                  +--retry_later--> pending (due later)
                                                    +--give_up-------> failed
                                                    +--expire_lease--> maybe_sent

Every transition is a conditional write on the token of whoever holds the item, so two
workers never send the same reply at once. A lease that ran out with no outcome recorded
(its worker died mid-send, or could not record the send) becomes `maybe_sent`, never a
second send. The resident's wa_id (needed to answer) and the reply text are removed once
the reply is sent (or may have been); the whole item expires after its TTL.
The reply text holds a NIK's last 4 digits at most; the incoming text is never stored.

The model lives in models.py with the others, so `bind()` and `create_missing_tables()` cover
it while this module (the store's WhatsApp half) stays off the cold path of the other routes.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from functools import partial

from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from chalicelib.core.errors import Unavailable
from chalicelib.store.errors import conditional, dynamodb_errors
from chalicelib.store.models import WhatsAppMessageRecord
from chalicelib.store.whatsapp_ports import AlreadyClaimed, Claimed, Lease, MessageView, ReplyState, Unsent


def _ms(instant: datetime) -> int:
    return int(instant.timestamp() * 1000)


def _from_ms(ms: float | None) -> datetime:
    return datetime.fromtimestamp((ms or 0) / 1000, UTC)


def _token() -> str:
    return uuid.uuid4().hex


def _read(message_id: str) -> WhatsAppMessageRecord | None:
    with dynamodb_errors():
        try:
            return WhatsAppMessageRecord.get(message_id, consistent_read=True)
        except WhatsAppMessageRecord.DoesNotExist:
            return None


class WhatsAppStore:
    """`whatsapp_ports.WhatsAppMessages` on DynamoDB: every read and write of the WhatsApp
    inbox/outbox. Models must be bound first (`runtime.store()` does it)."""

    def claim(self, message_id: str, now: datetime, keep_for: timedelta) -> Claimed | AlreadyClaimed:
        """Record the message id before acting on it: one conditional put, so of any number
        of deliveries of one message exactly one is `Claimed`."""
        c = WhatsAppMessageRecord
        for _ in range(3):
            token = _token()
            record = c(
                message_id,
                state=ReplyState.RECEIVED.value,
                claim_token=token,
                claimed_ms=_ms(now),
                attempts=0,
                expires_at=now + keep_for,
            )
            if conditional(partial(record.save, condition=c.message_id.does_not_exist())):
                return Claimed(token)
            existing = _read(message_id)
            if existing is not None:
                return AlreadyClaimed(ReplyState(existing.state), _from_ms(existing.claimed_ms))
            # Released between our put and our read (its answer failed): try to claim again.
        raise Unavailable("whatsapp claim kept changing")

    def take_over(self, message_id: str, stale_before: datetime, now: datetime) -> Claimed | None:
        """Claim a message whose claimant stopped before queuing a reply (its claim is older
        than `stale_before`). None when it is not stale or someone else took it over."""
        c = WhatsAppMessageRecord
        token = _token()
        stale = (c.state == ReplyState.RECEIVED.value) & (c.claimed_ms < _ms(stale_before))
        actions: list[Action] = [c.claim_token.set(token), c.claimed_ms.set(_ms(now))]
        return Claimed(token) if self._transition(message_id, actions, stale) else None

    def release(self, message_id: str, claim: Claimed) -> bool:
        """Forget a claim whose answer could not be worked out, so that Meta's retry is answered."""
        c = WhatsAppMessageRecord
        mine = (c.claim_token == claim.token) & (c.state == ReplyState.RECEIVED.value)
        return conditional(lambda: c(message_id).delete(condition=mine))

    def queue_reply(
        self, message_id: str, claim: Claimed, to_wa_id: str, phone_number_id: str, reply: str, now: datetime
    ) -> bool:
        """Attach the reply and make it due now. False when the claim was lost meanwhile."""
        c = WhatsAppMessageRecord
        actions: list[Action] = [
            c.state.set(ReplyState.PENDING.value),
            c.to_wa_id.set(to_wa_id),
            c.phone_number_id.set(phone_number_id),
            c.reply.set(reply),
            c.due_ms.set(_ms(now)),
        ]
        mine = (c.claim_token == claim.token) & (c.state == ReplyState.RECEIVED.value)
        return self._transition(message_id, actions, mine)

    def finish_silently(self, message_id: str, claim: Claimed) -> bool:
        c = WhatsAppMessageRecord
        mine = (c.claim_token == claim.token) & (c.state == ReplyState.RECEIVED.value)
        return self._transition(message_id, [c.state.set(ReplyState.DONE.value)], mine)

    def lease(self, message_id: str, now: datetime, hold_for: timedelta) -> Lease | None:
        """Take the exclusive right to send a pending reply. None when there is nothing to
        send or a worker holds it (a lease that ran out is `expire_lease`'s, not a resend)."""
        c = WhatsAppMessageRecord
        token = _token()
        sendable = c.state == ReplyState.PENDING.value
        actions: list[Action] = [
            c.state.set(ReplyState.SENDING.value),
            c.lease_token.set(token),
            c.lease_until_ms.set(_ms(now + hold_for)),
            c.attempts.set((c.attempts | 0) + 1),
        ]
        record = c(message_id)  # `update` refreshes it with the item as written
        if not conditional(
            lambda: record.update(actions=actions, condition=c.message_id.exists() & sendable)
        ):
            return None
        if record.to_wa_id is None or record.phone_number_id is None or record.reply is None:
            raise RuntimeError("a sendable whatsapp message has no reply")
        return Lease(
            message_id, token, record.to_wa_id, record.phone_number_id, record.reply, int(record.attempts)
        )

    def mark_sent(self, lease: Lease, graph_message_id: str | None, now: datetime) -> bool:
        c = WhatsAppMessageRecord
        actions: list[Action] = [
            c.state.set(ReplyState.SENT.value),
            c.sent_ms.set(_ms(now)),
            c.to_wa_id.remove(),
            c.reply.remove(),
            c.due_ms.remove(),
            c.lease_until_ms.remove(),
        ]
        if graph_message_id:
            actions.append(c.graph_message_id.set(graph_message_id[:256]))
        return self._transition(lease.message_id, actions, c.lease_token == lease.token)

    def retry_later(self, lease: Lease, due: datetime, error: str) -> bool:
        c = WhatsAppMessageRecord
        actions: list[Action] = [
            c.state.set(ReplyState.PENDING.value),
            c.due_ms.set(_ms(due)),
            c.last_error.set(error[:500]),
            c.lease_until_ms.remove(),
        ]
        return self._transition(lease.message_id, actions, c.lease_token == lease.token)

    def expire_lease(self, message_id: str, now: datetime) -> bool:
        """A lease that ran out before its worker recorded an outcome: Graph may have sent the
        reply (the worker died after the send, or DynamoDB refused the record), so it is
        `maybe_sent` and never sent again. False when there is no such lease."""
        c = WhatsAppMessageRecord
        expired = (c.state == ReplyState.SENDING.value) & (c.lease_until_ms < _ms(now))
        actions: list[Action] = [
            c.state.set(ReplyState.MAYBE_SENT.value),
            c.last_error.set("lease expired with no outcome"),
            c.to_wa_id.remove(),
            c.reply.remove(),
            c.due_ms.remove(),
            c.lease_until_ms.remove(),
        ]
        return self._transition(message_id, actions, expired)

    def give_up(self, lease: Lease, error: str) -> bool:
        c = WhatsAppMessageRecord
        actions: list[Action] = [
            c.state.set(ReplyState.FAILED.value),
            c.last_error.set(error[:500]),
            c.to_wa_id.remove(),
            c.due_ms.remove(),
            c.lease_until_ms.remove(),
        ]
        return self._transition(lease.message_id, actions, c.lease_token == lease.token)

    def unsent(self) -> list[Unsent]:
        """Every reply neither sent nor given up, with when it may go. A scan: meant for the
        local drain (`make run`), where the table is small; in AWS the queue drives the worker."""
        c = WhatsAppMessageRecord
        with dynamodb_errors():
            records = list(
                c.scan(
                    c.state.is_in(ReplyState.PENDING.value, ReplyState.SENDING.value),
                    attributes_to_get=["message_id", "state", "due_ms", "lease_until_ms"],
                )
            )
        found = []
        for r in records:
            state = ReplyState(r.state)
            due = r.due_ms if state is ReplyState.PENDING else r.lease_until_ms
            found.append(Unsent(r.message_id, state, _from_ms(due)))
        return found

    def view(self, message_id: str) -> MessageView | None:
        r = _read(message_id)
        if r is None:
            return None
        return MessageView(r.message_id, ReplyState(r.state), int(r.attempts or 0), r.reply, r.last_error)

    def _transition(self, message_id: str, actions: list[Action], condition: Condition) -> bool:
        c = WhatsAppMessageRecord
        return conditional(
            lambda: c(message_id).update(actions=actions, condition=c.message_id.exists() & condition)
        )
