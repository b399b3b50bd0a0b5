"""The in-memory twin of the DynamoDB store, for tests that need the behaviour, not DynamoDB.

Kept honest by the store contract suite (tests/integration/test_store_contract.py), which runs
on it as on the DynamoDB backends. Every method runs under one lock, so a conditional write
is atomic here as it is in DynamoDB. Values go through the same text forms as on DynamoDB
(instants, JSON), so what comes back compares alike. It never fails: faults are proven on
DynamoDB (tests/faults). Nothing expires (DynamoDB's TTL deletes lazily anyway).
"""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from chalicelib.core.applications import Application, Service, Stage
from chalicelib.core.queue import Queue
from chalicelib.core.quota import DayCounter
from chalicelib.core.tickets import (
    STAMPED,
    AlreadyHolds,
    Granted,
    Hold,
    Pool,
    Refused,
    TakeOutcome,
    Ticket,
    TicketState,
    Unprepared,
)
from chalicelib.store.keys import audit_entry_id, instant_key
from chalicelib.store.values import AuditEntry, SiteConfig, StoredApplication, Verification
from chalicelib.store.whatsapp_ports import AlreadyClaimed, Claimed, Lease, MessageView, ReplyState, Unsent


@dataclass(frozen=True)
class CounterItem:
    """A day's counter as stored, holders included: what a test reads (or seeds) to check the
    ticket rule from outside the store's methods."""

    issued: int
    quota: int
    holders: dict[str, int]
    day_quota: int | None = None
    default_quota: int | None = None
    config_version: int | None = None
    held_for_door: int = 0
    cancelled: int = 0
    door_holders: frozenset[str] = frozenset()  # the holders whose ticket is from the door's part

    @property
    def door_active(self) -> int:
        return len(self.door_holders)


@dataclass(frozen=True)
class _StoredStage:
    stage: str
    updated_at: str
    updated_ms: int
    nik_last4: str
    recorded_by: str | None
    recorded_at: str | None


class MemoryStore:
    """`ports.Store` in memory: counters, sites, applications, audit, rate windows and
    verifications."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counters: dict[tuple[str, date], CounterItem] = {}
        self._sites: dict[str, SiteConfig] = {}
        self._applications: dict[tuple[str, str], _StoredStage] = {}
        self._audit: dict[str, tuple[str, str, str, str, str]] = {}  # entry id -> at, actor, action, JSON x2
        self._hits: dict[str, int] = {}
        self._verifications: dict[str, Verification] = {}
        self._holds: dict[tuple[str, str], Hold] = {}
        self._slots: dict[str, dict[str, str]] = {}
        self._tickets: dict[str, Ticket] = {}
        self._queues: dict[tuple[str, date], Queue] = {}
        self._wrong_day: dict[tuple[str, date], set[str]] = {}

    # --- day counters -------------------------------------------------------------------

    def counter(self, site: str, day: date) -> DayCounter | None:
        with self._lock:
            item = self._counters.get((site, day))
        return None if item is None else _counter(site, day, item)

    def counters_between(self, site: str, first: date, last: date) -> list[DayCounter]:
        with self._lock:
            found = sorted(
                (d, item) for (s, d), item in self._counters.items() if s == site and first <= d <= last
            )
        return [_counter(site, d, item) for d, item in found]

    def counter_days_from(self, site: str, first: date) -> list[date]:
        with self._lock:
            return sorted(d for s, d in self._counters if s == site and d >= first)

    def refresh_from_site_config(self, site: str, day: date, quota_in_force: int, config: SiteConfig) -> bool:
        with self._lock:
            item = self._counters.get((site, day))
            if item is not None and (
                item.day_quota is not None
                or (item.config_version is not None and item.config_version >= config.version)
            ):
                return False
            base = item or CounterItem(issued=0, quota=0, holders={})
            self._counters[(site, day)] = replace(
                base,
                quota=quota_in_force,
                held_for_door=0,
                default_quota=config.default_quota,
                config_version=config.version,
            )
            return True

    def set_day_quota(self, site: str, day: date, quota: int, held_for_door: int = 0) -> None:
        with self._lock:
            base = self._counters.get((site, day)) or CounterItem(issued=0, quota=0, holders={})
            self._counters[(site, day)] = replace(
                base, quota=quota, day_quota=quota, held_for_door=held_for_door
            )

    def take_ticket(self, site: str, day: date, holder_key: str, pool: Pool = "public") -> TakeOutcome:
        with self._lock:
            item = self._counters.get((site, day))
            if item is None:
                return Unprepared()
            if holder_key in item.holders:
                at_door = holder_key in item.door_holders
                return AlreadyHolds(item.holders[holder_key], "door" if at_door else "public")
            counter = _counter(site, day, item)
            room = counter.door_remaining if pool == "door" else counter.remaining
            if room <= 0:
                return Refused(counter)
            number = item.issued + 1
            door = item.door_holders | {holder_key} if pool == "door" else item.door_holders
            self._counters[(site, day)] = replace(
                item, issued=number, holders={**item.holders, holder_key: number}, door_holders=door
            )
            return Granted(number, pool)

    def release_place(self, site: str, day: date, holder_key: str, number: int, pool: Pool) -> bool:
        with self._lock:
            item = self._counters.get((site, day))
            if item is None or item.holders.get(holder_key) != number:
                return False
            holders = {k: n for k, n in item.holders.items() if k != holder_key}
            self._counters[(site, day)] = replace(
                item,
                holders=holders,
                cancelled=item.cancelled + 1,
                door_holders=item.door_holders - {holder_key},
            )
            return True

    def holder_numbers(self, site: str, day: date) -> dict[str, int]:
        with self._lock:
            item = self._counters.get((site, day))
            return {} if item is None else dict(item.holders)

    def counter_item(self, site: str, day: date) -> CounterItem | None:
        """The counter as stored, holders included (for tests)."""
        with self._lock:
            item = self._counters.get((site, day))
        return None if item is None else replace(item, holders=dict(item.holders))

    def put_counter_item(self, site: str, day: date, item: CounterItem) -> None:
        """Store a counter as given, as a test seeds a table (for tests)."""
        with self._lock:
            self._counters[(site, day)] = replace(item, holders=dict(item.holders))

    # --- holds, slots, tickets -------------------------------------------------------------

    def claim_hold(self, hold: Hold, today: date) -> Hold | None:
        with self._lock:
            current = self._holds.get((hold.site, hold.nik_holder_key))
            if current is None or current.service_day < today or current.code == hold.code:
                self._holds[(hold.site, hold.nik_holder_key)] = hold
                return None
            return current

    def hold(self, site: str, nik_holder_key: str) -> Hold | None:
        with self._lock:
            return self._holds.get((site, nik_holder_key))

    def take_over_hold(self, hold: Hold, claimed_ms: int) -> Hold | None:
        with self._lock:
            current = self._holds.get((hold.site, hold.nik_holder_key))
            if current is None or (current.code, current.claimed_ms) != (hold.code, hold.claimed_ms):
                return None
            moved = replace(current, claimed_ms=claimed_ms)
            self._holds[(hold.site, hold.nik_holder_key)] = moved
            return moved

    def release_hold(self, site: str, nik_holder_key: str, code: str) -> bool:
        with self._lock:
            current = self._holds.get((site, nik_holder_key))
            if current is None or current.code != code:
                return False
            del self._holds[(site, nik_holder_key)]
            return True

    def take_slot(self, slots_key: str, code: str, entry: str, cap: int, expires_at: datetime) -> bool:
        with self._lock:
            slots = self._slots.setdefault(slots_key, {})
            if code not in slots and len(slots) >= cap:
                return False
            slots[code] = entry
            return True

    def slot_entries(self, slots_key: str) -> dict[str, str] | None:
        with self._lock:
            slots = self._slots.get(slots_key)
            return None if slots is None else dict(slots)

    def release_slot(self, slots_key: str, code: str) -> bool:
        with self._lock:
            return self._slots.get(slots_key, {}).pop(code, None) is not None

    def put_ticket(self, ticket: Ticket) -> tuple[Ticket, bool]:
        stored = _stored_ticket(ticket)
        with self._lock:
            if ticket.code in self._tickets:
                return self._tickets[ticket.code], False
            self._tickets[ticket.code] = stored
            return stored, True

    def ticket(self, code: str) -> Ticket | None:
        with self._lock:
            return self._tickets.get(code)

    def tickets(self, codes: list[str]) -> list[Ticket]:
        with self._lock:
            return [self._tickets[c] for c in dict.fromkeys(codes) if c in self._tickets]

    def tickets_of_day(self, site: str, day: date) -> list[Ticket]:
        with self._lock:
            found = [t for t in self._tickets.values() if t.site == site and t.service_day == day]
        return sorted(found, key=lambda t: t.number)

    def ticket_with_number(self, site: str, day: date, number: int) -> Ticket | None:
        return next((t for t in self.tickets_of_day(site, day) if t.number == number), None)

    def change_ticket_state(
        self,
        code: str,
        from_states: tuple[TicketState, ...],
        to: TicketState,
        at: datetime,
        desk: int | None = None,
        day: date | None = None,
        not_before: date | None = None,
    ) -> tuple[Ticket | None, bool]:
        with self._lock:
            ticket = self._tickets.get(code)
            if ticket is None or ticket.state not in from_states:
                return ticket, False
            if day is not None and ticket.service_day != day:
                return ticket, False
            if not_before is not None and ticket.service_day < not_before:
                return ticket, False
            stamps: dict[str, Any] = {STAMPED[to]: at} if to in STAMPED else {}
            if desk is not None:
                stamps["desk"] = desk
            moved = _stored_ticket(replace(ticket, state=to, **stamps))
            self._tickets[code] = moved
            return moved, True

    # --- queues -----------------------------------------------------------------------------

    def queue(self, site: str, day: date) -> Queue | None:
        with self._lock:
            return self._queues.get((site, day))

    def _queue_changed(self, site: str, day: date, at: datetime, **changes: Any) -> None:
        base = self._queues.get((site, day)) or Queue(site, day)
        self._queues[(site, day)] = replace(base, updated_at=at, **changes)

    def add_waiting(self, site: str, day: date, number: int, at: datetime) -> None:
        with self._lock:
            base = self._queues.get((site, day)) or Queue(site, day)
            self._queue_changed(site, day, at, waiting=base.waiting | {number})

    def mark_called(self, site: str, day: date, number: int, desk: int, at: datetime) -> bool:
        with self._lock:
            base = self._queues.get((site, day))
            if base is None or number not in base.waiting:
                return False
            self._queue_changed(
                site,
                day,
                at,
                waiting=base.waiting - {number},
                now_serving={**base.now_serving, desk: number},
                desk_seen_ms={**base.desk_seen_ms, desk: int(at.timestamp() * 1000)},
            )
            return True

    def leave_waiting(self, site: str, day: date, number: int, at: datetime) -> bool:
        with self._lock:
            base = self._queues.get((site, day))
            if base is None or number not in base.waiting:
                return False
            self._queue_changed(site, day, at, waiting=base.waiting - {number})
            return True

    def show_called(self, site: str, day: date, number: int, desk: int, at: datetime) -> None:
        with self._lock:
            base = self._queues.get((site, day)) or Queue(site, day)
            self._queue_changed(
                site,
                day,
                at,
                now_serving={**base.now_serving, desk: number},
                desk_seen_ms={**base.desk_seen_ms, desk: int(at.timestamp() * 1000)},
            )

    def record_served(
        self, site: str, day: date, number: int, minutes_per_resident: float, at: datetime
    ) -> None:
        with self._lock:
            base = self._queues.get((site, day)) or Queue(site, day)
            self._queue_changed(
                site, day, at, served=base.served | {number}, minutes_per_resident=minutes_per_resident
            )

    def count_wrong_day(self, site: str, day: date, nik_holder_key: str) -> None:
        with self._lock:
            self._wrong_day.setdefault((site, day), set()).add(nik_holder_key)

    def wrong_day_count(self, site: str, day: date) -> int:
        with self._lock:
            return len(self._wrong_day.get((site, day), set()))

    # --- site configuration -------------------------------------------------------------

    def site_config(self, site: str, fallback_quota: int) -> SiteConfig:
        with self._lock:
            return self._sites.get(site) or SiteConfig(site, fallback_quota, 0)

    def set_default_quota(self, site: str, quota: int) -> SiteConfig:
        with self._lock:
            stored = self._sites.get(site)
            config = SiteConfig(site, quota, (0 if stored is None else stored.version) + 1)
            self._sites[site] = config
            return config

    # --- applications -------------------------------------------------------------------

    def applications_of(self, nik_key: str) -> list[Application]:
        with self._lock:
            found = sorted((s, stored) for (k, s), stored in self._applications.items() if k == nik_key)
        return [_application(service, stored) for service, stored in found]

    def record_application(
        self,
        nik_key: str,
        nik_last4: str,
        application: Application,
        recorded_by: str | None = None,
        recorded_at: datetime | None = None,
    ) -> bool:
        updated_ms = int(application.updated_at.timestamp() * 1000)
        key = (nik_key, application.service.value)
        with self._lock:
            stored = self._applications.get(key)
            if stored is not None and stored.updated_ms >= updated_ms:
                return False
            self._applications[key] = _StoredStage(
                application.stage.value,
                application.updated_at.isoformat(),
                updated_ms,
                nik_last4,
                recorded_by,
                None if recorded_at is None else instant_key(recorded_at),
            )
            return True

    def stored_application(self, nik_key: str, service: Service) -> StoredApplication | None:
        with self._lock:
            stored = self._applications.get((nik_key, service.value))
        if stored is None:
            return None
        return StoredApplication(
            _application(service.value, stored),
            stored.recorded_by,
            None if stored.recorded_at is None else datetime.fromisoformat(stored.recorded_at),
        )

    # --- audit --------------------------------------------------------------------------

    def append_audit(
        self,
        actor: str,
        action: str,
        before: Any,
        after: Any,
        at: datetime | None = None,
        change: Any = None,
    ) -> bool:
        instant = datetime.now(UTC) if at is None else at.astimezone(UTC)
        entry_id = audit_entry_id(instant, actor, action, after if change is None else change)
        entry = (
            instant.isoformat(timespec="milliseconds"),
            actor,
            action,
            json.dumps(before, sort_keys=True),
            json.dumps(after, sort_keys=True),
        )
        with self._lock:
            if entry_id in self._audit:
                return False
            self._audit[entry_id] = entry
            return True

    def audit_entries(self, limit: int) -> list[AuditEntry]:
        with self._lock:
            newest = [self._audit[i] for i in sorted(self._audit, reverse=True)[:limit]]
        return [
            AuditEntry(at, actor, action, json.loads(b), json.loads(a)) for at, actor, action, b, a in newest
        ]

    # --- rate limiting ------------------------------------------------------------------

    def count_hit(self, window_key: str, expires_at: datetime) -> int:
        with self._lock:
            hits = self._hits.get(window_key, 0) + 1
            self._hits[window_key] = hits
            return hits

    # --- verifications --------------------------------------------------------------------

    def create_verification(self, text_key: str, id_hash: str, expires_at: datetime) -> bool:
        with self._lock:
            if text_key in self._verifications:
                return False
            self._verifications[text_key] = Verification(id_hash, "waiting", _whole_ms(expires_at))
            return True

    def verification(self, text_key: str) -> Verification | None:
        with self._lock:
            return self._verifications.get(text_key)

    def confirm_verification(
        self,
        text_key: str,
        phone_key: str,
        phone_masked: str,
        message_id: str,
        now: datetime,
        keep_until: datetime,
    ) -> Verification | None:
        with self._lock:
            found = self._verifications.get(text_key)
            if found is None or found.state != "waiting" or found.expires_at <= _whole_ms(now):
                return found
            verified = replace(
                found,
                state="verified",
                expires_at=_whole_ms(keep_until),
                phone_key=phone_key,
                phone_masked=phone_masked,
                message_id=message_id,
            )
            self._verifications[text_key] = verified
            return verified


def _whole_ms(instant: datetime) -> datetime:
    """An instant as DynamoDB keeps it here: whole milliseconds, UTC."""
    return datetime.fromtimestamp(int(instant.timestamp() * 1000) / 1000, UTC)


def _counter(site: str, day: date, item: CounterItem) -> DayCounter:
    return DayCounter(
        site,
        day,
        quota=item.quota,
        issued=item.issued,
        day_quota=item.day_quota,
        held_for_door=item.held_for_door,
        cancelled=item.cancelled,
        door_active=item.door_active,
    )


def _stored_ticket(ticket: Ticket) -> Ticket:
    """A ticket as it comes back from DynamoDB, where instants are stored as ISO text."""

    def again(instant: datetime | None) -> datetime | None:
        return None if instant is None else datetime.fromisoformat(instant.isoformat())

    booked_at = again(ticket.booked_at)
    assert booked_at is not None
    return replace(
        ticket,
        booked_at=booked_at,
        cancelled_at=again(ticket.cancelled_at),
        checked_in_at=again(ticket.checked_in_at),
        called_at=again(ticket.called_at),
        done_at=again(ticket.done_at),
    )


def _application(service: str, stored: _StoredStage) -> Application:
    return Application(Service(service), Stage(stored.stage), datetime.fromisoformat(stored.updated_at))


# --- WhatsApp ---------------------------------------------------------------------------------


@dataclass
class _Message:
    state: ReplyState
    claim_token: str
    claimed_ms: int
    attempts: int = 0
    to_wa_id: str | None = None
    phone_number_id: str | None = None
    reply: str | None = None
    due_ms: int | None = None
    lease_token: str | None = None
    lease_until_ms: int | None = None
    sent_ms: int | None = None
    graph_message_id: str | None = None
    last_error: str | None = None


def _ms(instant: datetime) -> int:
    return int(instant.timestamp() * 1000)


def _from_ms(ms: int | None) -> datetime:
    return datetime.fromtimestamp((ms or 0) / 1000, UTC)


def _token() -> str:
    return uuid.uuid4().hex


class MemoryWhatsAppMessages:
    """`whatsapp_ports.WhatsAppMessages` in memory, transition for transition as
    `whatsapp.WhatsAppStore` (see its docstring for the states)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._messages: dict[str, _Message] = {}

    def claim(self, message_id: str, now: datetime, keep_for: timedelta) -> Claimed | AlreadyClaimed:
        with self._lock:
            existing = self._messages.get(message_id)
            if existing is not None:
                return AlreadyClaimed(existing.state, _from_ms(existing.claimed_ms))
            token = _token()
            self._messages[message_id] = _Message(ReplyState.RECEIVED, token, _ms(now))
            return Claimed(token)

    def take_over(self, message_id: str, stale_before: datetime, now: datetime) -> Claimed | None:
        with self._lock:
            m = self._messages.get(message_id)
            if m is None or m.state is not ReplyState.RECEIVED or m.claimed_ms >= _ms(stale_before):
                return None
            m.claim_token, m.claimed_ms = _token(), _ms(now)
            return Claimed(m.claim_token)

    def release(self, message_id: str, claim: Claimed) -> bool:
        with self._lock:
            if not self._claimed(message_id, claim):
                return False
            del self._messages[message_id]
            return True

    def queue_reply(
        self, message_id: str, claim: Claimed, to_wa_id: str, phone_number_id: str, reply: str, now: datetime
    ) -> bool:
        with self._lock:
            if not self._claimed(message_id, claim):
                return False
            m = self._messages[message_id]
            m.state, m.to_wa_id, m.phone_number_id, m.reply = (
                ReplyState.PENDING,
                to_wa_id,
                phone_number_id,
                reply,
            )
            m.due_ms = _ms(now)
            return True

    def finish_silently(self, message_id: str, claim: Claimed) -> bool:
        with self._lock:
            if not self._claimed(message_id, claim):
                return False
            self._messages[message_id].state = ReplyState.DONE
            return True

    def lease(self, message_id: str, now: datetime, hold_for: timedelta) -> Lease | None:
        with self._lock:
            m = self._messages.get(message_id)
            if m is None or m.state is not ReplyState.PENDING:
                return None
            m.state, m.lease_token = ReplyState.SENDING, _token()
            m.lease_until_ms, m.attempts = _ms(now + hold_for), m.attempts + 1
            if m.to_wa_id is None or m.phone_number_id is None or m.reply is None:
                raise RuntimeError("a sendable whatsapp message has no reply")
            return Lease(message_id, m.lease_token, m.to_wa_id, m.phone_number_id, m.reply, m.attempts)

    def mark_sent(self, lease: Lease, graph_message_id: str | None, now: datetime) -> bool:
        with self._lock:
            m = self._leased(lease)
            if m is None:
                return False
            m.state, m.sent_ms = ReplyState.SENT, _ms(now)
            m.to_wa_id = m.reply = m.due_ms = m.lease_until_ms = None
            if graph_message_id:
                m.graph_message_id = graph_message_id[:256]
            return True

    def retry_later(self, lease: Lease, due: datetime, error: str) -> bool:
        with self._lock:
            m = self._leased(lease)
            if m is None:
                return False
            m.state, m.due_ms, m.last_error, m.lease_until_ms = (
                ReplyState.PENDING,
                _ms(due),
                error[:500],
                None,
            )
            return True

    def expire_lease(self, message_id: str, now: datetime) -> bool:
        with self._lock:
            m = self._messages.get(message_id)
            if (
                m is None
                or m.state is not ReplyState.SENDING
                or m.lease_until_ms is None
                or m.lease_until_ms >= _ms(now)
            ):
                return False
            m.state, m.last_error = ReplyState.MAYBE_SENT, "lease expired with no outcome"
            m.to_wa_id = m.reply = m.due_ms = m.lease_until_ms = None
            return True

    def give_up(self, lease: Lease, error: str) -> bool:
        with self._lock:
            m = self._leased(lease)
            if m is None:
                return False
            m.state, m.last_error = ReplyState.FAILED, error[:500]
            m.to_wa_id = m.due_ms = m.lease_until_ms = None
            return True

    def unsent(self) -> list[Unsent]:
        with self._lock:
            return [
                Unsent(i, m.state, _from_ms(m.due_ms if m.state is ReplyState.PENDING else m.lease_until_ms))
                for i, m in self._messages.items()
                if m.state in (ReplyState.PENDING, ReplyState.SENDING)
            ]

    def view(self, message_id: str) -> MessageView | None:
        with self._lock:
            m = self._messages.get(message_id)
            if m is None:
                return None
            return MessageView(message_id, m.state, m.attempts, m.reply, m.last_error)

    def _claimed(self, message_id: str, claim: Claimed) -> bool:
        m = self._messages.get(message_id)
        return m is not None and m.claim_token == claim.token and m.state is ReplyState.RECEIVED

    def _leased(self, lease: Lease) -> _Message | None:
        m = self._messages.get(lease.message_id)
        return m if m is not None and m.lease_token == lease.token else None
