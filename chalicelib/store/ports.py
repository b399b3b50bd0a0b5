"""What the use cases need of the store: one Protocol per aggregate (the values they return
are in `values`).

Two backends implement them: DynamoDB (`dynamo.DynamoStore`, what `runtime.store()` builds)
and the in-memory twin (`memory.MemoryStore`); the store contract suite
(tests/integration/test_store_contract.py) holds both to the same behaviour. The WhatsApp
inbox/outbox has its own port (`whatsapp_ports`). The use cases import this module for
their annotations only, so that the API's cold start builds none of these classes.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Protocol

from chalicelib.core.applications import Application, Service
from chalicelib.core.queue import Queue
from chalicelib.core.quota import DayCounter
from chalicelib.core.tickets import Hold, Pool, TakeOutcome, Ticket, TicketState
from chalicelib.store.values import AuditEntry, SiteConfig, StoredApplication, Verification


class Counters(Protocol):
    """A site's ticket counter per service day: the whole ticket rule lives in one counter."""

    def counter(self, site: str, day: date) -> DayCounter | None:
        """A consistent read of the counter, without its holders."""
        ...

    def counter_days_from(self, site: str, first: date) -> list[date]:
        """The days with a counter, from `first` on, in order; a consistent read."""
        ...

    def refresh_from_site_config(self, site: str, day: date, quota_in_force: int, config: SiteConfig) -> bool:
        """Create or refresh a day's counter from the site config, unless the day has its own
        quota or already reflects this config version or a newer one. True when written."""
        ...

    def counters_between(self, site: str, first: date, last: date) -> list[DayCounter]:
        """The counters that exist from `first` to `last`, in order; one consistent query."""
        ...

    def set_day_quota(self, site: str, day: date, quota: int, held_for_door: int = 0) -> None:
        """Give the day its own quota and door reserve (creating its counter), in force at once."""
        ...

    def take_ticket(self, site: str, day: date, holder_key: str, pool: Pool = "public") -> TakeOutcome:
        """The next number if the holder has none and `pool` has room, atomically."""
        ...

    def release_place(self, site: str, day: date, holder_key: str, number: int, pool: Pool) -> bool:
        """Give a cancelled ticket's place back to its pool, once (while the holder's entry
        names `number`); the number is not handed out again. True when this call did."""
        ...

    def holder_numbers(self, site: str, day: date) -> dict[str, int]:
        """Every holder entry of the day's counter: holder key -> number."""
        ...


class Holds(Protocol):
    """A NIK's hold at a site: the first write of a take, one upcoming ticket per NIK."""

    def claim_hold(self, hold: Hold, today: date) -> Hold | None:
        """Write `hold` where there is none, where the one there is for a day before `today`,
        or where it carries the same code. None when written; else the hold in the way."""
        ...

    def hold(self, site: str, nik_holder_key: str) -> Hold | None: ...

    def release_hold(self, site: str, nik_holder_key: str, code: str) -> bool:
        """Delete the hold if it carries `code`. True when this call did."""
        ...

    def take_over_hold(self, hold: Hold, claimed_ms: int) -> Hold | None:
        """Move the hold's claim to `claimed_ms` if it still carries `hold`'s code and claim:
        of the processes taking over a dead take, one wins. The hold afterwards, or None."""
        ...


class Slots(Protocol):
    """The codes one phone holds (or one operator took on a day), under a cap."""

    def take_slot(self, slots_key: str, code: str, entry: str, cap: int, expires_at: datetime) -> bool:
        """Record `code` (with `entry`) unless `cap` codes are there already; a code already
        there is kept (a retry). True when the code is there afterwards."""
        ...

    def slot_entries(self, slots_key: str) -> dict[str, str] | None:
        """The codes and their entries; None when nothing was ever recorded under the key."""
        ...

    def release_slot(self, slots_key: str, code: str) -> bool: ...


class Tickets(Protocol):
    """Tickets by code; a site's day by number."""

    def put_ticket(self, ticket: Ticket) -> tuple[Ticket, bool]:
        """Put `ticket` unless one has its code: (the ticket as stored, whether this put it)."""
        ...

    def ticket(self, code: str) -> Ticket | None:
        """A consistent read."""
        ...

    def tickets(self, codes: list[str]) -> list[Ticket]: ...

    def tickets_of_day(self, site: str, day: date) -> list[Ticket]:
        """A site's tickets of one day, by number (DynamoDB: eventually consistent)."""
        ...

    def ticket_with_number(self, site: str, day: date, number: int) -> Ticket | None: ...

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
        """Move the ticket to `to` if its state is one of `from_states` (and its day is `day`,
        or not before `not_before`, when given), stamping `at` (and `desk`): (the ticket afterwards, None when no ticket
        has the code; whether this call moved it)."""
        ...


class Sites(Protocol):
    """Each site's standing configuration: its default quota and the version of that."""

    def site_config(self, site: str, fallback_quota: int) -> SiteConfig:
        """A consistent read; `fallback_quota` at version 0 for a site never configured."""
        ...

    def set_default_quota(self, site: str, quota: int) -> SiteConfig:
        """Set the standing quota; returns the new config with its bumped version."""
        ...


class Applications(Protocol):
    """Applications by NIK keyed hash and service: "newer wins"."""

    def applications_of(self, nik_key: str) -> list[Application]: ...

    def record_application(
        self,
        nik_key: str,
        nik_last4: str,
        application: Application,
        recorded_by: str | None = None,
        recorded_at: datetime | None = None,
    ) -> bool:
        """Store `application` unless the stored one is as new or newer. True when it was stored."""
        ...

    def stored_application(self, nik_key: str, service: Service) -> StoredApplication | None:
        """A consistent read of one application, with who stored it and when."""
        ...


class AuditLog(Protocol):
    """Who changed what, newest first; each change recorded once."""

    def append_audit(
        self,
        actor: str,
        action: str,
        before: Any,
        after: Any,
        at: datetime | None = None,
        change: Any = None,
    ) -> bool:
        """Record a change once, keyed by `at` (now when not given) and what tells this change
        from any other (`change`, or `after` when not given). False when already recorded."""
        ...

    def audit_entries(self, limit: int) -> list[AuditEntry]: ...


class RateWindows(Protocol):
    """Request counts per client, route and minute."""

    def count_hit(self, window_key: str, expires_at: datetime) -> int:
        """Count one request in a rate window; returns the window's count including this one."""
        ...


class Verifications(Protocol):
    """Phone verifications by their text's keyed hash: created waiting, verified once."""

    def create_verification(self, text_key: str, id_hash: str, expires_at: datetime) -> bool:
        """Store a waiting verification unless one has this key. False when one has."""
        ...

    def verification(self, text_key: str) -> Verification | None:
        """A consistent read."""
        ...

    def confirm_verification(
        self,
        text_key: str,
        phone_key: str,
        phone_masked: str,
        message_id: str,
        now: datetime,
        keep_until: datetime,
    ) -> Verification | None:
        """Verify it for this phone, by this message, if it is waiting and unexpired at `now`,
        then keep it until `keep_until`; one conditional write, so of any number of phones
        racing one wins. Returns the verification as it stands afterwards (None: none)."""
        ...


class Queues(Protocol):
    """A site's queue on a day: who waits, who is being served (each write idempotent)."""

    def queue(self, site: str, day: date) -> Queue | None:
        """A consistent read of the board."""
        ...

    def add_waiting(self, site: str, day: date, number: int, at: datetime) -> None: ...

    def mark_called(self, site: str, day: date, number: int, desk: int, at: datetime) -> bool:
        """`number` leaves `waiting` for `desk`'s `now_serving` if it is still waiting. True
        when this call moved it."""
        ...

    def show_called(self, site: str, day: date, number: int, desk: int, at: datetime) -> None:
        """`desk` now serves `number` (a recall)."""
        ...

    def leave_waiting(self, site: str, day: date, number: int, at: datetime) -> bool:
        """`number` leaves `waiting` for no desk (a no-show before its call), if it is there."""
        ...

    def record_served(
        self, site: str, day: date, number: int, minutes_per_resident: float, at: datetime
    ) -> None: ...

    def count_wrong_day(self, site: str, day: date, nik_holder_key: str) -> None:
        """Count a NIK refused at the door for another day: once a day."""
        ...

    def wrong_day_count(self, site: str, day: date) -> int: ...


class Days(Counters, Sites, Protocol):
    """A site's days: their counters and the site config they are prepared from."""


class Booking(Days, Holds, Slots, Tickets, Protocol):
    """What taking and cancelling a ticket writes: a hold, a slot, a counter and the ticket."""


class Door(Booking, Queues, Protocol):
    """The day at the door: tickets checked in, called and served, and the queue they move."""


class AuditedDays(Days, AuditLog, Protocol):
    """The days, for changes of their quotas, which are audited."""


class AuditedApplications(Applications, AuditLog, Protocol):
    """The applications, for changes of their stages, which are audited."""


class Store(
    Counters,
    Sites,
    Applications,
    AuditLog,
    RateWindows,
    Verifications,
    Holds,
    Slots,
    Tickets,
    Queues,
    Protocol,
):
    """Every aggregate the API and the events use (what `runtime.store()` returns)."""
