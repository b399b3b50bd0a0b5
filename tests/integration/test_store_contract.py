"""The store contract: one test class, run against in-process moto, the embedded moto server
(over HTTP), dynalite (over HTTP) and the in-memory twin. What loket relies on from its store
is written here once; a backend that behaves differently fails here first."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from botocore.exceptions import ClientError

from chalicelib.core.applications import Application, Service, Stage
from chalicelib.core.queue import Queue
from chalicelib.core.quota import MAX_QUOTA, DayCounter
from chalicelib.core.tickets import (
    AlreadyHolds,
    Granted,
    Hold,
    Holder,
    Refused,
    Ticket,
    TicketState,
    Unprepared,
)
from chalicelib.store.memory import CounterItem, MemoryStore, MemoryWhatsAppMessages
from chalicelib.store.ports import Store
from chalicelib.store.values import SiteConfig, StoredApplication, Verification
from chalicelib.store.whatsapp_ports import (
    AlreadyClaimed,
    Claimed,
    Lease,
    MessageView,
    ReplyState,
    Unsent,
    WhatsAppMessages,
)
from tests.support.counters import StoredCounter, assert_numbers_are_one_to_issued, stored_counter
from tests.support.servers import bind_store

SITE = "kab-blitar"
OTHER_SITE = "kec-wlingi"
MONDAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # whole milliseconds: message instants are kept in ms
KEEP, HOLD = timedelta(days=7), timedelta(seconds=30)
DYNAMODB_BACKENDS = ["in_process_moto", "moto_server", "dynalite"]
BACKENDS = [*DYNAMODB_BACKENDS, "memory"]

ReadCounter = Callable[[str, date], StoredCounter | None]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def store(backend: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    if backend == "memory":
        yield MemoryStore()
    elif backend == "in_process_moto":
        from moto import mock_aws

        with mock_aws():
            yield bind_store(monkeypatch, None)
    else:
        yield bind_store(monkeypatch, request.getfixturevalue(f"{backend}_endpoint"))


@pytest.fixture
def as_stored(store: Store) -> ReadCounter:
    """The counter as stored, holders included, read from outside the store's methods."""
    if not isinstance(store, MemoryStore):
        return stored_counter
    twin = store

    def read(site: str, day: date) -> StoredCounter | None:
        item = twin.counter_item(site, day)
        return None if item is None else StoredCounter(item.issued, item.quota, item.holders)

    return read


@pytest.fixture
def seed_counter(store: Store) -> Callable[[str, date, CounterItem], None]:
    """Store a counter item as given, as an earlier run of the app would have left it."""
    if isinstance(store, MemoryStore):
        return store.put_counter_item

    def save(site: str, day: date, item: CounterItem) -> None:
        from chalicelib.store.models import DayCounterRecord

        DayCounterRecord(
            site,
            day.isoformat(),
            issued=item.issued,
            quota=item.quota,
            day_quota=item.day_quota,
            holders=item.holders,
            public_limit=item.quota - item.held_for_door,
            door_limit=item.held_for_door,
            public_active=item.issued - item.cancelled - item.door_active,
            door_active=item.door_active,
            cancelled=item.cancelled,
            door=dict.fromkeys(item.door_holders, True),
        ).save()

    return save


@pytest.fixture
def messages(store: Store) -> WhatsAppMessages:
    """The WhatsApp inbox/outbox on the same backend as `store` (whose fixture binds the models)."""
    if isinstance(store, MemoryStore):
        return MemoryWhatsAppMessages()
    from chalicelib.store.whatsapp import WhatsAppStore

    return WhatsAppStore()


def version(number: int, default_quota: int) -> SiteConfig:
    return SiteConfig(SITE, default_quota, number)


def holder(index: int) -> str:
    """A holder key shaped like `Nik.holder_key`: 12 URL-safe base64 characters."""
    return base64.urlsafe_b64encode(index.to_bytes(9, "big")).decode()


class TestStoreContract:
    # --- preparing a day ----------------------------------------------------------------

    def test_a_day_nobody_prepared_has_no_counter_and_a_take_says_unprepared(
        self, store: Store, as_stored: ReadCounter
    ) -> None:
        assert store.counter(SITE, MONDAY) is None
        assert store.take_ticket(SITE, MONDAY, holder(1)) == Unprepared()
        assert as_stored(SITE, MONDAY) is None  # the refused write created nothing

    def test_preparing_a_day_opens_it_with_the_quota_in_force(self, store: Store) -> None:
        assert store.refresh_from_site_config(SITE, MONDAY, 400, version(0, 400)) is True
        assert store.counter(SITE, MONDAY) == DayCounter(SITE, MONDAY, quota=400, issued=0, day_quota=None)

    def test_preparing_a_day_again_with_the_same_config_writes_nothing(self, store: Store) -> None:
        assert store.refresh_from_site_config(SITE, MONDAY, 400, version(0, 400)) is True
        store.take_ticket(SITE, MONDAY, holder(1))
        assert store.refresh_from_site_config(SITE, MONDAY, 400, version(0, 400)) is False
        assert store.counter(SITE, MONDAY) == DayCounter(SITE, MONDAY, quota=400, issued=1)

    def test_a_newer_default_changes_the_quota_and_keeps_every_ticket(self, store: Store) -> None:
        store.refresh_from_site_config(SITE, MONDAY, 3, version(0, 3))
        assert store.take_ticket(SITE, MONDAY, holder(1)) == Granted(1)
        assert store.take_ticket(SITE, MONDAY, holder(2)) == Granted(2)

        assert store.refresh_from_site_config(SITE, MONDAY, 5, version(1, 5)) is True

        assert store.counter(SITE, MONDAY) == DayCounter(SITE, MONDAY, quota=5, issued=2)
        assert store.take_ticket(SITE, MONDAY, holder(1)) == AlreadyHolds(1)
        assert store.take_ticket(SITE, MONDAY, holder(3)) == Granted(3)

    def test_a_stale_preparation_cannot_overwrite_a_newer_default(self, store: Store) -> None:
        assert store.refresh_from_site_config(SITE, MONDAY, 7, version(2, 7)) is True
        assert store.refresh_from_site_config(SITE, MONDAY, 3, version(1, 3)) is False
        counter = store.counter(SITE, MONDAY)
        assert counter is not None and counter.quota == 7

    def test_a_day_with_its_own_quota_ignores_every_default(self, store: Store) -> None:
        store.set_day_quota(SITE, MONDAY, 5)
        assert store.refresh_from_site_config(SITE, MONDAY, 9, version(1, 9)) is False
        assert store.counter(SITE, MONDAY) == DayCounter(SITE, MONDAY, quota=5, issued=0, day_quota=5)

    def test_a_quota_for_an_unprepared_day_creates_its_counter(self, store: Store) -> None:
        store.set_day_quota(SITE, MONDAY, 2)
        assert store.take_ticket(SITE, MONDAY, holder(1)) == Granted(1)

    # --- taking tickets -----------------------------------------------------------------

    def test_tickets_are_numbered_from_one_in_the_order_they_are_granted(
        self, store: Store, as_stored: ReadCounter
    ) -> None:
        store.refresh_from_site_config(SITE, MONDAY, 400, version(0, 400))
        outcomes = [store.take_ticket(SITE, MONDAY, holder(i)) for i in range(1, 6)]
        assert outcomes == [Granted(n) for n in range(1, 6)]
        counter = as_stored(SITE, MONDAY)
        assert_numbers_are_one_to_issued(counter)
        assert counter is not None and counter.holders == {holder(i): i for i in range(1, 6)}

    def test_asking_again_returns_the_same_number_and_counts_nothing(self, store: Store) -> None:
        store.refresh_from_site_config(SITE, MONDAY, 400, version(0, 400))
        store.take_ticket(SITE, MONDAY, holder(1))
        assert store.take_ticket(SITE, MONDAY, holder(2)) == Granted(2)
        assert store.take_ticket(SITE, MONDAY, holder(2)) == AlreadyHolds(2)
        assert store.counter(SITE, MONDAY) == DayCounter(SITE, MONDAY, quota=400, issued=2)

    def test_a_full_day_refuses_and_shows_why(self, store: Store, as_stored: ReadCounter) -> None:
        store.refresh_from_site_config(SITE, MONDAY, 2, version(0, 2))
        store.take_ticket(SITE, MONDAY, holder(1))
        store.take_ticket(SITE, MONDAY, holder(2))
        assert store.take_ticket(SITE, MONDAY, holder(3)) == Refused(
            DayCounter(SITE, MONDAY, quota=2, issued=2)
        )
        assert_numbers_are_one_to_issued(as_stored(SITE, MONDAY))

    def test_a_holder_of_a_full_day_still_gets_their_number(self, store: Store) -> None:
        store.refresh_from_site_config(SITE, MONDAY, 1, version(0, 1))
        store.take_ticket(SITE, MONDAY, holder(1))
        assert store.take_ticket(SITE, MONDAY, holder(1)) == AlreadyHolds(1)

    def test_a_closed_day_refuses_with_quota_zero(self, store: Store) -> None:
        store.set_day_quota(SITE, MONDAY, 0)
        outcome = store.take_ticket(SITE, MONDAY, holder(1))
        assert outcome == Refused(DayCounter(SITE, MONDAY, quota=0, issued=0, day_quota=0))

    def test_lowering_the_quota_below_issued_revokes_nothing(
        self, store: Store, as_stored: ReadCounter
    ) -> None:
        store.set_day_quota(SITE, MONDAY, 3)
        for i in (1, 2, 3):
            store.take_ticket(SITE, MONDAY, holder(i))
        store.set_day_quota(SITE, MONDAY, 1)
        assert isinstance(store.take_ticket(SITE, MONDAY, holder(4)), Refused)
        assert store.take_ticket(SITE, MONDAY, holder(2)) == AlreadyHolds(2)

        store.set_day_quota(SITE, MONDAY, 5)
        assert store.take_ticket(SITE, MONDAY, holder(4)) == Granted(4)
        assert_numbers_are_one_to_issued(as_stored(SITE, MONDAY))

    def test_sites_and_days_count_apart(self, store: Store) -> None:
        for site, day in [(SITE, MONDAY), (OTHER_SITE, MONDAY), (SITE, MONDAY + timedelta(days=1))]:
            store.set_day_quota(site, day, 5)
            assert store.take_ticket(site, day, holder(1)) == Granted(1)

    def test_a_day_at_the_largest_quota_fits_in_one_counter_item(
        self, store: Store, as_stored: ReadCounter, seed_counter: Callable[[str, date, CounterItem], None]
    ) -> None:
        """10,000 holders (12-character keys) stay well under DynamoDB's 400 KB item limit,
        which dynalite enforces: the last number of the largest day can still be written."""
        last = MAX_QUOTA
        holders = {holder(i): i for i in range(1, last)}
        seed_counter(SITE, MONDAY, CounterItem(last - 1, last, holders, day_quota=last))
        assert store.take_ticket(SITE, MONDAY, holder(last)) == Granted(last)
        assert isinstance(store.take_ticket(SITE, MONDAY, holder(last + 1)), Refused)
        assert_numbers_are_one_to_issued(as_stored(SITE, MONDAY))

    def test_the_prepared_days_of_a_site_are_listed_from_a_date_on(self, store: Store) -> None:
        for offset in (-1, 0, 2, 9):
            store.set_day_quota(SITE, MONDAY + timedelta(days=offset), 5)
        store.set_day_quota(OTHER_SITE, MONDAY + timedelta(days=3), 5)
        assert store.counter_days_from(SITE, MONDAY) == [MONDAY + timedelta(days=d) for d in (0, 2, 9)]

    # --- site configuration ---------------------------------------------------------------

    def test_a_site_config_falls_back_until_set_and_each_change_bumps_its_version(self, store: Store) -> None:
        assert store.site_config(SITE, 400) == SiteConfig(SITE, 400, 0)
        assert store.set_default_quota(SITE, 250) == SiteConfig(SITE, 250, 1)
        assert store.set_default_quota(SITE, 300) == SiteConfig(SITE, 300, 2)
        assert store.site_config(SITE, 400) == SiteConfig(SITE, 300, 2)
        assert store.site_config(OTHER_SITE, 400) == SiteConfig(OTHER_SITE, 400, 0)

    # --- applications, audit, rate windows ----------------------------------------------

    def test_a_stage_update_is_stored_only_when_it_is_newer(self, store: Store) -> None:
        at = datetime(2026, 11, 20, 9, 0, tzinfo=timezone(timedelta(hours=7)))
        assert store.record_application("k1", "0001", Application(Service.EKTP, Stage.RECEIVED, at))
        newer = Application(Service.EKTP, Stage.PRINTING, at + timedelta(hours=1))
        assert store.record_application("k1", "0001", newer)
        older = Application(Service.EKTP, Stage.READY, at + timedelta(minutes=30))
        assert not store.record_application("k1", "0001", older)
        same_instant = Application(Service.EKTP, Stage.READY, newer.updated_at)
        assert not store.record_application("k1", "0001", same_instant)
        assert store.record_application("k1", "0001", Application(Service.KK, Stage.RECEIVED, at))

        stored = {a.service: a for a in store.applications_of("k1")}
        assert stored[Service.EKTP] == newer
        assert stored[Service.KK].stage is Stage.RECEIVED
        assert store.applications_of("k2") == []

    def test_a_stored_stage_tells_who_stored_it_and_when(self, store: Store) -> None:
        at = datetime(2026, 11, 20, 9, 0, tzinfo=timezone(timedelta(hours=7)))
        recorded = datetime(2026, 11, 20, 2, 0, 0, 123456, tzinfo=UTC)
        application = Application(Service.EKTP, Stage.RECEIVED, at)
        assert store.record_application(
            "k1", "0001", application, recorded_by="staff-1", recorded_at=recorded
        )
        assert not store.record_application("k1", "0001", application, recorded_by="staff-2")

        assert store.stored_application("k1", Service.EKTP) == StoredApplication(
            application, "staff-1", recorded
        )
        assert store.record_application("k1", "0001", Application(Service.KK, Stage.READY, at))
        assert store.stored_application("k1", Service.KK) == StoredApplication(
            Application(Service.KK, Stage.READY, at), None, None
        )
        assert store.stored_application("k2", Service.EKTP) is None

    def test_the_same_change_audited_twice_is_one_entry(self, store: Store) -> None:
        at = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
        change = {"subject": "k1", "stage": "ready"}
        assert store.append_audit(
            "staff-1", "application.stage", {}, {"stage": "ready"}, at=at, change=change
        )
        assert not store.append_audit(
            "staff-1", "application.stage", {}, {"stage": "ready"}, at=at, change=change
        )
        other = {"subject": "k2", "stage": "ready"}
        assert store.append_audit("staff-1", "application.stage", {}, {"stage": "ready"}, at=at, change=other)

        entries = store.audit_entries(10)
        assert [(e.at, e.after) for e in entries] == [
            ("2026-11-20T02:00:00.000+00:00", {"stage": "ready"})
        ] * 2

    def test_audit_entries_come_back_newest_first_up_to_the_limit(self, store: Store) -> None:
        for n in range(5):
            store.append_audit("admin-1", "quota.default", {"n": n}, {"n": n + 1})
        entries = store.audit_entries(3)
        assert [e.before for e in entries] == [{"n": 4}, {"n": 3}, {"n": 2}]
        assert entries[0].actor == "admin-1" and entries[0].action == "quota.default"
        assert datetime.fromisoformat(entries[0].at).tzinfo is not None

    def test_each_rate_window_counts_its_own_hits(self, store: Store) -> None:
        expires = datetime(2026, 11, 23, 2, 2, tzinfo=UTC)
        assert [store.count_hit("status#a#1", expires) for _ in range(3)] == [1, 2, 3]
        assert store.count_hit("status#b#1", expires) == 1
        assert store.count_hit("status#a#2", expires) == 1

    # --- WhatsApp messages ----------------------------------------------------------------

    def test_of_two_deliveries_of_one_message_one_claims_it_and_the_other_sees_the_claim(
        self, messages: WhatsAppMessages
    ) -> None:
        first = messages.claim("wamid.1", NOW, KEEP)
        assert isinstance(first, Claimed)
        assert messages.claim("wamid.1", NOW + timedelta(seconds=1), KEEP) == AlreadyClaimed(
            ReplyState.RECEIVED, NOW
        )
        assert isinstance(messages.claim("wamid.2", NOW, KEEP), Claimed)
        assert messages.view("wamid.1") == MessageView("wamid.1", ReplyState.RECEIVED, 0, None, None)

    def test_a_claim_is_taken_over_only_once_stale_and_still_unanswered(
        self, messages: WhatsAppMessages
    ) -> None:
        first = messages.claim("wamid.1", NOW, KEEP)
        assert isinstance(first, Claimed)
        assert messages.take_over("wamid.1", NOW, NOW + timedelta(seconds=1)) is None  # not older

        later = NOW + timedelta(seconds=90)
        second = messages.take_over("wamid.1", NOW + timedelta(seconds=1), later)
        assert isinstance(second, Claimed) and second != first
        assert not messages.queue_reply("wamid.1", first, "628123", "phone-1", "Halo", later)
        assert not messages.finish_silently("wamid.1", first)
        assert messages.queue_reply("wamid.1", second, "628123", "phone-1", "Halo", later)
        assert messages.take_over("wamid.1", later + timedelta(hours=1), later) is None  # answered
        assert messages.take_over("wamid.9", later, later) is None  # never claimed

    def test_a_released_claim_is_forgotten_so_the_next_delivery_claims_it(
        self, messages: WhatsAppMessages
    ) -> None:
        claim = messages.claim("wamid.1", NOW, KEEP)
        assert isinstance(claim, Claimed)
        assert not messages.release("wamid.1", Claimed("someone-else"))
        assert messages.release("wamid.1", claim)
        assert messages.view("wamid.1") is None
        assert not messages.release("wamid.1", claim)
        assert isinstance(messages.claim("wamid.1", NOW, KEEP), Claimed)

    def test_a_queued_reply_is_leased_by_one_worker_and_once_sent_forgets_the_resident(
        self, messages: WhatsAppMessages
    ) -> None:
        claim = messages.claim("wamid.1", NOW, KEEP)
        assert isinstance(claim, Claimed)
        assert messages.queue_reply("wamid.1", claim, "628123", "phone-1", "Halo", NOW)
        assert not messages.queue_reply("wamid.1", claim, "628123", "phone-1", "Halo", NOW)
        assert messages.unsent() == [Unsent("wamid.1", ReplyState.PENDING, NOW)]

        lease = messages.lease("wamid.1", NOW, HOLD)
        assert lease is not None and lease.attempts == 1
        assert (lease.message_id, lease.to_wa_id, lease.phone_number_id, lease.reply) == (
            "wamid.1",
            "628123",
            "phone-1",
            "Halo",
        )
        assert messages.lease("wamid.1", NOW, HOLD) is None  # held
        assert messages.unsent() == [Unsent("wamid.1", ReplyState.SENDING, NOW + HOLD)]
        assert not messages.mark_sent(Lease("wamid.1", "not-mine", "6281", "p", "r", 1), None, NOW)

        assert messages.mark_sent(lease, "wamid.graph", NOW + timedelta(seconds=1))
        assert messages.view("wamid.1") == MessageView("wamid.1", ReplyState.SENT, 1, None, None)
        assert messages.unsent() == []
        assert messages.lease("wamid.1", NOW, HOLD) is None

    def test_a_message_answered_with_silence_is_done_and_has_nothing_to_send(
        self, messages: WhatsAppMessages
    ) -> None:
        claim = messages.claim("wamid.1", NOW, KEEP)
        assert isinstance(claim, Claimed)
        assert messages.finish_silently("wamid.1", claim)
        assert not messages.finish_silently("wamid.1", claim)
        assert messages.view("wamid.1") == MessageView("wamid.1", ReplyState.DONE, 0, None, None)
        assert messages.lease("wamid.1", NOW, HOLD) is None
        assert messages.unsent() == []

    def test_a_reply_retried_later_is_due_then_and_a_stale_lease_records_nothing(
        self, messages: WhatsAppMessages
    ) -> None:
        claim = messages.claim("wamid.1", NOW, KEEP)
        assert isinstance(claim, Claimed)
        messages.queue_reply("wamid.1", claim, "628123", "phone-1", "Halo", NOW)
        first = messages.lease("wamid.1", NOW, HOLD)
        assert first is not None
        due = NOW + timedelta(minutes=2)
        assert messages.retry_later(first, due, "graph 503")
        assert messages.unsent() == [Unsent("wamid.1", ReplyState.PENDING, due)]
        assert messages.view("wamid.1") == MessageView("wamid.1", ReplyState.PENDING, 1, "Halo", "graph 503")

        second = messages.lease("wamid.1", due, HOLD)
        assert second is not None and second.attempts == 2
        assert not messages.give_up(first, "late")
        assert messages.give_up(second, "graph 400 " + "x" * 600)
        view = messages.view("wamid.1")
        assert view is not None and (view.state, view.attempts, view.reply) == (ReplyState.FAILED, 2, "Halo")
        assert view.last_error is not None and len(view.last_error) == 500
        assert messages.unsent() == []

    def test_a_lease_that_ran_out_with_no_outcome_is_maybe_sent_and_never_sent_again(
        self, messages: WhatsAppMessages
    ) -> None:
        claim = messages.claim("wamid.1", NOW, KEEP)
        assert isinstance(claim, Claimed)
        messages.queue_reply("wamid.1", claim, "628123", "phone-1", "Halo", NOW)
        assert messages.lease("wamid.1", NOW, HOLD) is not None
        assert not messages.expire_lease("wamid.1", NOW + HOLD)  # not before it ran out
        assert messages.expire_lease("wamid.1", NOW + HOLD + timedelta(milliseconds=1))
        assert not messages.expire_lease("wamid.1", NOW + HOLD + timedelta(minutes=1))
        assert messages.view("wamid.1") == MessageView(
            "wamid.1", ReplyState.MAYBE_SENT, 1, None, "lease expired with no outcome"
        )
        assert messages.lease("wamid.1", NOW + timedelta(hours=1), HOLD) is None
        assert messages.unsent() == []
        assert not messages.expire_lease("wamid.9", NOW)  # never claimed

    # --- verifications ----------------------------------------------------------------------

    def test_a_verification_is_created_waiting_once_per_key(self, store: Store) -> None:
        expires = NOW + timedelta(minutes=10)
        assert store.verification("text-1") is None
        assert store.create_verification("text-1", "id-1", expires) is True
        assert store.create_verification("text-1", "id-2", expires) is False  # the code is taken
        assert store.verification("text-1") == Verification("id-1", "waiting", expires)

    def test_a_verification_is_verified_once_and_then_kept_for_collecting(self, store: Store) -> None:
        store.create_verification("text-1", "id-1", NOW + timedelta(minutes=10))
        keep = NOW + timedelta(minutes=11)
        first = store.confirm_verification("text-1", "phone-a", "*********0001", "wamid.a", NOW, keep)
        assert first == Verification("id-1", "verified", keep, "phone-a", "*********0001", "wamid.a")
        later = NOW + timedelta(minutes=1)
        second = store.confirm_verification("text-1", "phone-b", "*********0002", "wamid.b", later, later)
        assert second == first  # as it stands: verified for the first phone
        assert store.verification("text-1") == first

    def test_an_expired_or_unknown_verification_is_never_verified(self, store: Store) -> None:
        expires = NOW + timedelta(minutes=10)
        store.create_verification("text-1", "id-1", expires)
        refused = store.confirm_verification("text-1", "phone-a", "*0001", "wamid.a", expires, expires)
        assert refused == Verification("id-1", "waiting", expires)
        assert store.confirm_verification("text-9", "phone-a", "*0001", "wamid.a", NOW, expires) is None
        assert store.verification("text-9") is None  # the refused write created nothing


def a_hold(index: int, day: date = MONDAY, code: str | None = None, phone: str = "phone-a") -> Hold:
    return Hold(SITE, holder(index), day, code or f"CODE{index:04d}"[:8], Holder("phone", phone), "0001", 1)


def a_ticket(index: int, number: int, day: date = MONDAY, state: TicketState = "booked") -> Ticket:
    return Ticket(
        code=f"T{index:07d}"[:8],
        site=SITE,
        service_day=day,
        number=number,
        nik_last4=f"{index:04d}"[-4:],
        nik_holder_key=holder(index),
        state=state,
        holder=Holder("phone", "phone-a"),
        pool="public",
        booked_at=NOW,
    )


class TestBookingStoreContract:
    """The four items a take writes (ADR 0010), each alone: what the sequences rely on."""

    # --- counters: pools and cancelled places ---------------------------------------------

    def test_the_public_part_stops_at_quota_minus_the_door_and_the_door_has_its_own(
        self, store: Store
    ) -> None:
        store.set_day_quota(SITE, MONDAY, 3, held_for_door=1)
        assert store.take_ticket(SITE, MONDAY, holder(1)) == Granted(1, "public")
        assert store.take_ticket(SITE, MONDAY, holder(2)) == Granted(2, "public")
        assert isinstance(store.take_ticket(SITE, MONDAY, holder(3)), Refused)
        assert store.take_ticket(SITE, MONDAY, holder(3), "door") == Granted(3, "door")
        assert isinstance(store.take_ticket(SITE, MONDAY, holder(4), "door"), Refused)
        assert store.take_ticket(SITE, MONDAY, holder(3), "public") == AlreadyHolds(3, "door")
        counter = store.counter(SITE, MONDAY)
        assert counter is not None
        assert (counter.issued, counter.remaining, counter.door_remaining, counter.held_for_door) == (
            3,
            0,
            0,
            1,
        )

    def test_a_released_place_goes_back_once_and_its_number_is_never_handed_out_again(
        self, store: Store
    ) -> None:
        store.set_day_quota(SITE, MONDAY, 2)
        assert store.take_ticket(SITE, MONDAY, holder(1)) == Granted(1)
        assert store.take_ticket(SITE, MONDAY, holder(2)) == Granted(2)
        assert store.release_place(SITE, MONDAY, holder(1), 1, "public") is True
        assert store.release_place(SITE, MONDAY, holder(1), 1, "public") is False  # a retry: once
        assert store.release_place(SITE, MONDAY, holder(2), 9, "public") is False  # not its number
        assert store.take_ticket(SITE, MONDAY, holder(3)) == Granted(3)  # the place, a new number
        assert isinstance(store.take_ticket(SITE, MONDAY, holder(4)), Refused)
        counter = store.counter(SITE, MONDAY)
        assert counter is not None and (counter.issued, counter.cancelled, counter.active) == (3, 1, 2)
        assert store.holder_numbers(SITE, MONDAY) == {holder(2): 2, holder(3): 3}

    def test_a_door_place_released_goes_back_to_the_door(self, store: Store) -> None:
        store.set_day_quota(SITE, MONDAY, 1, held_for_door=1)
        assert store.take_ticket(SITE, MONDAY, holder(1), "door") == Granted(1, "door")
        assert store.release_place(SITE, MONDAY, holder(1), 1, "door") is True
        assert store.take_ticket(SITE, MONDAY, holder(2), "door") == Granted(2, "door")

    def test_the_counters_of_a_window_come_in_one_query_in_order(self, store: Store) -> None:
        for offset in (3, 0, 9):
            store.set_day_quota(SITE, MONDAY + timedelta(days=offset), 5)
        store.set_day_quota(OTHER_SITE, MONDAY + timedelta(days=1), 5)
        days = [c.service_day for c in store.counters_between(SITE, MONDAY, MONDAY + timedelta(days=3))]
        assert days == [MONDAY, MONDAY + timedelta(days=3)]

    # --- holds ----------------------------------------------------------------------------

    def test_a_hold_is_claimed_once_and_shows_itself_to_any_other_claim(self, store: Store) -> None:
        first = a_hold(1, code="AAAAAAAA")
        assert store.claim_hold(first, MONDAY) is None
        assert store.claim_hold(first, MONDAY) is None  # the same code: a retry
        assert store.claim_hold(a_hold(1, code="BBBBBBBB", phone="phone-b"), MONDAY) == first
        assert store.hold(SITE, holder(1)) == first

    def test_a_hold_for_a_past_day_gives_way_and_a_release_needs_the_code(self, store: Store) -> None:
        assert store.claim_hold(a_hold(1, code="AAAAAAAA"), MONDAY) is None
        later = a_hold(1, MONDAY + timedelta(days=1), code="BBBBBBBB")
        assert store.claim_hold(later, MONDAY + timedelta(days=1)) is None  # Monday is past then
        assert store.release_hold(SITE, holder(1), "AAAAAAAA") is False
        assert store.hold(SITE, holder(1)) == later
        assert store.release_hold(SITE, holder(1), "BBBBBBBB") is True
        assert store.hold(SITE, holder(1)) is None

    # --- slots ----------------------------------------------------------------------------

    def test_a_phone_gets_at_most_its_cap_of_slots_and_a_retry_keeps_its_own(self, store: Store) -> None:
        until = NOW + timedelta(days=3)
        assert store.slot_entries("phone#a") is None
        assert store.take_slot("phone#a", "AAAAAAAA", "2026-11-23@1", 2, until) is True
        assert store.take_slot("phone#a", "BBBBBBBB", "2026-11-24@1", 2, until) is True
        assert store.take_slot("phone#a", "CCCCCCCC", "2026-11-25@1", 2, until) is False
        assert store.take_slot("phone#a", "AAAAAAAA", "2026-11-23@1", 2, until) is True
        assert store.slot_entries("phone#a") == {"AAAAAAAA": "2026-11-23@1", "BBBBBBBB": "2026-11-24@1"}
        assert store.release_slot("phone#a", "AAAAAAAA") is True
        assert store.release_slot("phone#a", "AAAAAAAA") is False
        assert store.take_slot("phone#a", "CCCCCCCC", "2026-11-25@1", 2, until) is True
        assert store.take_slot("phone#b", "DDDDDDDD", "2026-11-25@1", 2, until) is True  # each its own

    # --- tickets --------------------------------------------------------------------------

    def test_a_ticket_is_put_once_by_its_code_and_read_back_alike(self, store: Store) -> None:
        ticket = a_ticket(1, 1)
        assert store.put_ticket(ticket) == (ticket, True)
        other = a_ticket(1, 7)  # the same code, another number: the stored one stands
        assert store.put_ticket(other) == (ticket, False)
        assert store.ticket(ticket.code) == ticket
        assert store.ticket("ZZZZZZZZ") is None
        assert store.tickets([ticket.code, "ZZZZZZZZ"]) == [ticket]

    def test_a_day_s_tickets_come_by_number(self, store: Store) -> None:
        for index, number in ((3, 3), (1, 1), (2, 2)):
            store.put_ticket(a_ticket(index, number))
        store.put_ticket(a_ticket(9, 1, MONDAY + timedelta(days=1)))
        assert [t.number for t in store.tickets_of_day(SITE, MONDAY)] == [1, 2, 3]
        found = store.ticket_with_number(SITE, MONDAY, 2)
        assert found is not None and found.code == a_ticket(2, 2).code
        assert store.ticket_with_number(SITE, MONDAY, 4) is None

    def test_a_state_moves_only_from_the_states_named(self, store: Store) -> None:
        ticket = a_ticket(1, 1)
        store.put_ticket(ticket)
        moved, done = store.change_ticket_state(ticket.code, ("booked",), "cancelled", NOW)
        assert done is True and moved is not None and (moved.state, moved.cancelled_at) == ("cancelled", NOW)
        again, done = store.change_ticket_state(ticket.code, ("booked",), "cancelled", NOW)
        assert done is False and again == moved
        assert store.change_ticket_state("ZZZZZZZZ", ("booked",), "cancelled", NOW) == (None, False)


@pytest.mark.parametrize("backend", ["moto_server", "dynalite"], indirect=True)
class TestVerificationRace:
    def test_two_phones_sending_one_text_from_8_threads_verify_it_exactly_once(self, store: Store) -> None:
        from tests.support.whatsapp import run_concurrently

        for round_ in range(5):
            key = f"text-{round_}"
            store.create_verification(key, "id", NOW + timedelta(minutes=10))
            phones = [f"phone-{i % 2}" for i in range(8)]

            def attempt(i: int, key: str = key, phones: list[str] = phones) -> Verification | None:
                keep = NOW + timedelta(minutes=20)
                return store.confirm_verification(key, phones[i], "*0001", f"wamid.{i}", NOW, keep)

            seen = run_concurrently(8, attempt)
            winners = [
                i for i, after in enumerate(seen) if after is not None and after.message_id == f"wamid.{i}"
            ]
            assert len(winners) == 1, (round_, seen)
            stored = store.verification(key)
            assert stored is not None and stored.state == "verified"
            assert (stored.phone_key, stored.message_id) == (phones[winners[0]], f"wamid.{winners[0]}")
            assert all(after == stored for after in seen)  # every loser read the winner's


@pytest.mark.parametrize("backend", DYNAMODB_BACKENDS, indirect=True)
class TestWhereTheDynamoDBBackendsDisagree:
    def test_a_refused_write_returns_the_old_item_on_dynamodb_and_moto_but_not_on_dynalite(
        self, store: Store, backend: str
    ) -> None:
        """moto and dynalite disagree on `ReturnValuesOnConditionCheckFailure=ALL_OLD`.

        Real DynamoDB agrees with moto: since June 2023 a refused conditional UpdateItem returns
        the item as it was when asked (AWS API reference, UpdateItem and Update:
        "Use ReturnValuesOnConditionCheckFailure to get the item attributes if the Update
        condition fails"; AWS re:Post knowledge center, "Why do I get a
        ConditionalCheckFailedException error in DynamoDB?"). dynalite 4.0.0 predates the
        parameter and returns nothing. So the store never relies on it: after a refused grant
        it makes one consistent read, which every backend answers alike (tests above).
        """
        from chalicelib.store.models import DayCounterRecord

        store.set_day_quota(SITE, MONDAY, 0)
        client = DayCounterRecord._get_connection().connection.client
        with pytest.raises(ClientError) as refused:
            client.update_item(
                TableName=DayCounterRecord.Meta.table_name,
                Key={"site": {"S": SITE}, "service_day": {"S": MONDAY.isoformat()}},
                UpdateExpression="SET issued = issued + :one",
                ConditionExpression="issued < quota",
                ExpressionAttributeValues={":one": {"N": "1"}},
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        assert refused.value.response["Error"]["Code"] == "ConditionalCheckFailedException"
        returned = refused.value.response.get("Item")
        if backend == "dynalite":
            assert returned is None
        else:
            assert returned is not None and returned["quota"] == {"N": "0"}


AT = NOW + timedelta(minutes=5)
AT_MS = int(AT.timestamp() * 1000)


class TestQueuesStoreContract:
    """The door's writes (services/queue.py): a ticket's state changes with their stamps, and
    the queue item, each write idempotent, each alone."""

    # --- the ticket's moves ----------------------------------------------------------------

    def test_a_move_stamps_the_instant_its_state_records_and_the_desk(self, store: Store) -> None:
        ticket = a_ticket(1, 1)
        store.put_ticket(ticket)
        checked_in, won = store.change_ticket_state(ticket.code, ("booked",), "checked_in", NOW, day=MONDAY)
        assert won and checked_in == replace(ticket, state="checked_in", checked_in_at=NOW)
        called, won = store.change_ticket_state(ticket.code, ("checked_in",), "called", AT, desk=3)
        assert won and called == replace(checked_in, state="called", called_at=AT, desk=3)
        later = AT + timedelta(minutes=7)
        served, won = store.change_ticket_state(ticket.code, ("called",), "served", later, desk=3)
        assert won and served == replace(called, state="served", done_at=later)
        assert store.ticket(ticket.code) == served
        no_show, won = store.change_ticket_state(ticket.code, ("called",), "no_show", later)
        assert not won and no_show == served  # refused: the ticket as it stands

    def test_a_move_for_another_day_is_refused_and_changes_nothing(self, store: Store) -> None:
        ticket = a_ticket(1, 1, MONDAY + timedelta(days=1))
        store.put_ticket(ticket)
        assert store.change_ticket_state(ticket.code, ("booked",), "checked_in", NOW, day=MONDAY) == (
            ticket,
            False,
        )
        assert store.ticket(ticket.code) == ticket

    def test_of_two_desks_claiming_one_ticket_the_first_wins_and_its_desk_stays(self, store: Store) -> None:
        ticket = a_ticket(1, 1, state="checked_in")
        store.put_ticket(ticket)
        first = store.change_ticket_state(ticket.code, ("checked_in",), "called", NOW, desk=1, day=MONDAY)
        second = store.change_ticket_state(ticket.code, ("checked_in",), "called", AT, desk=2, day=MONDAY)
        assert first == (replace(ticket, state="called", called_at=NOW, desk=1), True)
        assert second == (first[0], False)

    def test_a_ticket_is_found_by_its_number_on_its_day_only(self, store: Store) -> None:
        for index, (number, day) in enumerate([(1, MONDAY), (2, MONDAY), (1, MONDAY + timedelta(days=1))]):
            store.put_ticket(a_ticket(index, number, day))
        assert store.ticket_with_number(SITE, MONDAY, 1) == a_ticket(0, 1)
        assert store.ticket_with_number(SITE, MONDAY + timedelta(days=1), 1) == a_ticket(
            2, 1, MONDAY + timedelta(days=1)
        )
        assert store.ticket_with_number(OTHER_SITE, MONDAY, 1) is None

    # --- the queue item --------------------------------------------------------------------

    def test_a_day_nobody_checked_in_has_no_queue(self, store: Store) -> None:
        assert store.queue(SITE, MONDAY) is None
        assert store.mark_called(SITE, MONDAY, 1, 1, NOW) is False
        assert store.queue(SITE, MONDAY) is None  # the refused write created nothing
        assert store.wrong_day_count(SITE, MONDAY) == 0

    def test_a_number_joins_waiting_once_however_often_it_is_added(self, store: Store) -> None:
        for number in (5, 2, 5, 9, 2):
            store.add_waiting(SITE, MONDAY, number, NOW)
        assert store.queue(SITE, MONDAY) == Queue(SITE, MONDAY, waiting=frozenset({2, 5, 9}), updated_at=NOW)
        assert (
            store.queue(OTHER_SITE, MONDAY) is None and store.queue(SITE, MONDAY + timedelta(days=1)) is None
        )

    def test_a_call_moves_a_waiting_number_to_its_desk_once(self, store: Store) -> None:
        for number in (1, 2, 3):
            store.add_waiting(SITE, MONDAY, number, NOW)
        assert store.mark_called(SITE, MONDAY, 1, 4, AT) is True
        assert store.mark_called(SITE, MONDAY, 1, 7, AT) is False  # not waiting any more
        assert store.mark_called(SITE, MONDAY, 8, 7, AT) is False  # never waiting
        assert store.mark_called(SITE, MONDAY, 2, 5, AT) is True
        assert store.queue(SITE, MONDAY) == Queue(
            SITE,
            MONDAY,
            waiting=frozenset({3}),
            now_serving={4: 1, 5: 2},
            desk_seen_ms={4: AT_MS, 5: AT_MS},
            updated_at=AT,
        )

    def test_a_desk_s_next_call_replaces_its_number_on_the_board(self, store: Store) -> None:
        for number in (1, 2):
            store.add_waiting(SITE, MONDAY, number, NOW)
        store.mark_called(SITE, MONDAY, 1, 4, NOW)
        store.mark_called(SITE, MONDAY, 2, 4, AT)
        queue = store.queue(SITE, MONDAY)
        assert queue is not None and (queue.now_serving, queue.desk_seen_ms) == ({4: 2}, {4: AT_MS})

    def test_a_no_show_before_its_call_leaves_waiting_once_and_for_no_desk(self, store: Store) -> None:
        assert store.leave_waiting(SITE, MONDAY, 1, NOW) is False
        assert store.queue(SITE, MONDAY) is None  # the refused write created nothing
        for number in (1, 2):
            store.add_waiting(SITE, MONDAY, number, NOW)
        assert store.leave_waiting(SITE, MONDAY, 1, AT) is True
        assert store.leave_waiting(SITE, MONDAY, 1, AT) is False
        assert store.queue(SITE, MONDAY) == Queue(SITE, MONDAY, waiting=frozenset({2}), updated_at=AT)

    def test_a_recall_shows_the_number_at_its_desk_and_leaves_waiting_alone(self, store: Store) -> None:
        for number in (1, 2):
            store.add_waiting(SITE, MONDAY, number, NOW)
        store.mark_called(SITE, MONDAY, 1, 4, NOW)
        store.show_called(SITE, MONDAY, 1, 6, AT)
        store.show_called(SITE, MONDAY, 1, 6, AT)
        assert store.queue(SITE, MONDAY) == Queue(
            SITE,
            MONDAY,
            waiting=frozenset({2}),
            now_serving={4: 1, 6: 1},
            desk_seen_ms={4: int(NOW.timestamp() * 1000), 6: AT_MS},
            updated_at=AT,
        )

    def test_a_served_number_is_counted_once_with_the_minutes_per_resident_given(self, store: Store) -> None:
        store.add_waiting(SITE, MONDAY, 1, NOW)
        store.mark_called(SITE, MONDAY, 1, 1, NOW)
        store.record_served(SITE, MONDAY, 1, 5.4, AT)
        store.record_served(SITE, MONDAY, 1, 5.4, AT)
        store.record_served(SITE, MONDAY, 3, 6.78, AT)
        queue = store.queue(SITE, MONDAY)
        assert queue is not None
        assert (queue.served, queue.minutes_per_resident, queue.updated_at) == (frozenset({1, 3}), 6.78, AT)
        assert queue.now_serving == {1: 1}  # serving does not clear the board: the next call does

    def test_a_nik_refused_at_the_door_counts_once_a_day_and_stays_off_the_board(self, store: Store) -> None:
        for key in (holder(1), holder(2), holder(1)):
            store.count_wrong_day(SITE, MONDAY, key)
        store.count_wrong_day(SITE, MONDAY + timedelta(days=1), holder(1))
        assert store.wrong_day_count(SITE, MONDAY) == 2
        assert store.wrong_day_count(SITE, MONDAY + timedelta(days=1)) == 1
        assert store.wrong_day_count(OTHER_SITE, MONDAY) == 0
        # DynamoDB has a queue item by now, the twin not: the board reads the same either way.
        assert (store.queue(SITE, MONDAY) or Queue(SITE, MONDAY)) == Queue(SITE, MONDAY)
        store.add_waiting(SITE, MONDAY, 1, NOW)
        assert store.mark_called(SITE, MONDAY, 1, 2, AT) is True
        queue = store.queue(SITE, MONDAY)
        assert queue is not None and (queue.waiting, queue.now_serving) == (frozenset(), {2: 1})
        assert store.wrong_day_count(SITE, MONDAY) == 2
