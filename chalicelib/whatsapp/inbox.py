"""Exactly once: each incoming message is claimed by its id before anything is done for it.

For every text message of a webhook delivery:

1. `claim`: a conditional put of the message id (with a TTL). A redelivery, or the same
   message arriving on ten connections at once, finds it claimed: no second answer, no
   second ticket. (One exception: a claim left `received` for over a minute, its claimant
   gone before it queued a reply, is taken over; answering is idempotent, a ticket taken
   again is the same ticket.)
2. answer: the per-wa_id rate limit, then the command, through the same use cases as the
   HTTP routes. Nothing slow happens here: only DynamoDB.
3. `queue_reply`: the reply is stored in the same item, pending; the dispatcher is told.
   Sending is the outbox's job (outbox.py), so Meta gets its 200 without waiting on Graph.

If DynamoDB is unavailable while answering, the claim is released and the webhook answers
503: Meta delivers again later, and that delivery is answered.

Meta stops delivering at the first 200, so the webhook never answers 200 for a message whose
reply is neither queued nor settled. A redelivery that finds a claim still `received` and
younger than a minute cannot tell a claimant at work from one that died (a Lambda timeout):
it answers 503 with a Retry-After past that minute, and the delivery after it finds the
reply queued, or the claim stale and takes it over. (Not a sweeper: Meta's own retries,
for days, are the sweep, and a claim nobody redelivers was answered 503, never 200.)

A message is answered only while its id is sure to be remembered: one dated `keep_for`
ago or earlier could be a signed payload replayed after its id expired, and is ignored.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from chalicelib import runtime
from chalicelib.core.errors import NotFound, RateLimited, Unavailable
from chalicelib.core.service_day import service_day
from chalicelib.logs import log
from chalicelib.services import days, status
from chalicelib.services.rate_limit import check_rate
from chalicelib.settings import HashPurpose, hash_key, settings
from chalicelib.store.ports import Store
from chalicelib.store.whatsapp_ports import AlreadyClaimed, Claimed, ReplyState, WhatsAppMessages
from chalicelib.whatsapp import invitations, replies
from chalicelib.whatsapp.commands import (
    AskCancel,
    AskHelp,
    AskPosition,
    AskQuota,
    AskSchedule,
    AskStatus,
    AskTicket,
    AskVerification,
    BadCode,
    BadNik,
    BadVerification,
    Command,
    parse_command,
)
from chalicelib.whatsapp.config import whatsapp_settings
from chalicelib.whatsapp.outbox import Dispatcher
from chalicelib.whatsapp.payloads import InboundText

RATE_ROUTE = "whatsapp"
VERIFY_ROUTE = "whatsapp-verify"  # VERIFIKASI messages per phone per hour
_HOUR_SECONDS = 3600
_RATE_NOTICE_ROUTE = "whatsapp-rate-notice"  # at most one "please wait" per wa_id per minute
_STALE_CLAIM = timedelta(seconds=60)
_RETRY_AFTER_SECONDS = int(_STALE_CLAIM.total_seconds()) + 1  # past the stale window
# How far ahead of our clock Meta's `timestamp` may be (clock skew) and still be answered;
# a claim is kept this much longer than `keep_for`, so such a message's id outlives its window.
CLOCK_SKEW = timedelta(minutes=5)


def receive(
    store: Store, inbox: WhatsAppMessages, messages: Sequence[InboundText], dispatcher: Dispatcher
) -> list[str]:
    """Claim, answer and queue each message; returns the ids whose replies were dispatched.
    When a message's reply is neither queued nor settled (another delivery holds its claim),
    raises `Unavailable` after doing all the others, with a Retry-After past the stale window."""
    keep_for = whatsapp_settings().keep_for
    queued: list[str] = []
    unsettled: list[str] = []
    try:
        for message in messages:
            now = runtime.now()
            if not _within_window(message, now, keep_for):
                continue
            outcome = inbox.claim(message.message_id, now, keep_for + CLOCK_SKEW)
            claim = (
                outcome
                if isinstance(outcome, Claimed)
                else _after_redelivery(inbox, message.message_id, outcome, now, queued, unsettled)
            )
            if claim is None:
                continue
            try:
                reply = answer(store, message, now)
                if reply is None:
                    settled = inbox.finish_silently(message.message_id, claim)
                else:
                    settled = inbox.queue_reply(
                        message.message_id,
                        claim,
                        message.wa_id,
                        message.phone_number_id,
                        reply,
                        runtime.now(),
                    )
                    if settled:
                        queued.append(message.message_id)
                if not settled:  # taken over while we answered: the next delivery sees how it stands
                    unsettled.append(message.message_id)
            except Unavailable:
                _release_quietly(inbox, message.message_id, claim)
                raise
    finally:
        if queued:  # even when a later message failed: these replies are ready
            dispatcher.dispatch(queued)
    if unsettled:
        log("whatsapp_reply_not_settled", logging.WARNING, message_ids=unsettled)
        raise Unavailable("whatsapp claim held by another delivery", _RETRY_AFTER_SECONDS)
    return queued


def _within_window(message: InboundText, now: datetime, keep_for: timedelta) -> bool:
    """Dated after `now - keep_for` (so its id is still remembered if it was ever claimed)
    and at most `CLOCK_SKEW` ahead. A message without a date cannot be placed: ignored."""
    sent_at = message.sent_at
    if sent_at is not None and now - keep_for < sent_at <= now + CLOCK_SKEW:
        return True
    log("whatsapp_message_out_of_window", logging.WARNING, message_id=message.message_id, dated=sent_at)
    return False


def _release_quietly(inbox: WhatsAppMessages, message_id: str, claim: Claimed) -> None:
    """Best effort: if even this fails, the claim goes stale and a later delivery takes it over."""
    try:
        inbox.release(message_id, claim)
    except Unavailable:
        log("whatsapp_release_failed", logging.WARNING, message_id=message_id)


def _after_redelivery(
    inbox: WhatsAppMessages,
    message_id: str,
    seen: AlreadyClaimed,
    now: datetime,
    queued: list[str],
    unsettled: list[str],
) -> Claimed | None:
    """A message claimed before. Its reply is never worked out twice; a reply still waiting
    is dispatched again (the first dispatch may be what failed); a claim abandoned before
    its reply was queued is taken over; a claim too young to tell is `unsettled`."""
    log("whatsapp_redelivery", message_id=message_id, state=seen.state.value)
    if seen.state in (ReplyState.PENDING, ReplyState.SENDING):
        queued.append(message_id)
        return None
    if seen.state is not ReplyState.RECEIVED:
        return None  # sent, answered with silence, given up, maybe sent: settled
    taken = (
        inbox.take_over(message_id, now - _STALE_CLAIM, now) if seen.claimed_at < now - _STALE_CLAIM else None
    )
    if taken is None:
        unsettled.append(message_id)
    return taken


def answer(store: Store, message: InboundText, now: datetime) -> str | None:
    """The reply to one message, or None to stay silent (a resident already told to wait)."""
    config = settings()
    key = hash_key(HashPurpose.WA_ID)
    try:
        check_rate(store, config.rate_limit_per_minute, message.wa_id, RATE_ROUTE, now, key)
    except RateLimited as limited:
        try:
            check_rate(store, 1, message.wa_id, _RATE_NOTICE_ROUTE, now, key)
        except RateLimited:
            log("whatsapp_rate_limited", message_id=message.message_id, replied=False)
            return None
        log("whatsapp_rate_limited", message_id=message.message_id, replied=True)
        return replies.rate_limited(limited.retry_after_seconds)
    command = parse_command(message.text)
    log("whatsapp_command", message_id=message.message_id, command=type(command).__name__)
    try:
        if isinstance(command, (AskVerification, BadVerification)):
            return _verify(store, command, message, now)
        return _run(store, command, message, now)
    except Unavailable:
        raise
    except Exception as error:  # a bug must not leave the resident without an answer, or loop
        log("whatsapp_answer_error", logging.ERROR, message_id=message.message_id, error=type(error).__name__)
        return replies.internal_error()


def _verify(
    store: Store, command: AskVerification | BadVerification, message: InboundText, now: datetime
) -> str:
    """Every VERIFIKASI counts towards the phone's hourly limit, a bad one too: that bounds
    both one phone verifying many sessions and guessing codes. The reply never tells an
    unknown code from a used or an expired one, nor anything of the phone's tickets."""
    from chalicelib.core.phone import InvalidPhone, parse_phone
    from chalicelib.services import verifications

    try:
        check_rate(
            store,
            whatsapp_settings().verifications_per_hour,
            message.wa_id,
            VERIFY_ROUTE,
            now,
            hash_key(HashPurpose.WA_ID),
            window_seconds=_HOUR_SECONDS,
        )
    except RateLimited as limited:
        log("whatsapp_verification", message_id=message.message_id, outcome="limited")
        return replies.verification_limited(limited.retry_after_seconds)
    try:
        phone = parse_phone(message.wa_id)
    except InvalidPhone:
        phone = None
    if isinstance(command, BadVerification) or phone is None:
        log("whatsapp_verification", message_id=message.message_id, outcome="refused")
        return replies.verification_refused()
    outcome = verifications.confirm(
        store,
        command.code,
        phone,
        message.message_id,
        now,
        hash_key(HashPurpose.VERIFICATION),
        hash_key(HashPurpose.PHONE),
    )
    log("whatsapp_verification", message_id=message.message_id, outcome=outcome.value)
    if outcome is verifications.Confirmation.VERIFIED:
        return replies.verified()
    return replies.verification_refused()


def _run(store: Store, command: Command, message: InboundText, now: datetime) -> str:
    config = settings()
    key = hash_key(HashPurpose.NIK)
    today = service_day(now, config.tz)
    site = config.default_site
    if isinstance(command, AskStatus):
        try:
            applications = status.applications_of(store, command.nik, key)
        except NotFound:
            return replies.status_not_found(command.nik)
        return replies.status(command.nik, applications, config.tz)
    if isinstance(command, (AskTicket, AskCancel, AskPosition)):
        holder = invitations.phone_holder(message.wa_id)
        if holder is None:
            return replies.phone_unusable()
        if isinstance(command, AskTicket):
            return invitations.take(store, config, command.nik, command.day, holder, now)
        if isinstance(command, AskCancel):
            return invitations.cancel(store, config, command.code, holder, now)
        return invitations.position(store, config, command.code, holder, now)
    if isinstance(command, AskSchedule):
        return invitations.schedule(store, config, now)
    if isinstance(command, AskQuota):
        return replies.quota(days.day_counter(store, config, site, today))
    if isinstance(command, BadNik):
        return replies.bad_nik(command.command)
    if isinstance(command, BadCode):
        return replies.bad_code()
    assert isinstance(command, AskHelp), command
    return replies.help_text()
