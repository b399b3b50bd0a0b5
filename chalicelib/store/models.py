"""The tables, as PynamoDB models. Names, region and endpoint are bound at runtime by `bind`."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    MapAttribute,
    NumberAttribute,
    NumberSetAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)
from pynamodb.connection import Connection
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model


class _Meta:
    region = "ap-southeast-3"
    host: str | None = None
    billing_mode = "PAY_PER_REQUEST"
    connect_timeout_seconds = 2
    read_timeout_seconds = 5
    max_retry_attempts = 2
    max_pool_connections = 10  # botocore's default; `bind` raises it to the import's writers


class ApplicationRecord(Model):
    """One application: a NIK's keyed hash and a service. The NIK itself is never stored."""

    class Meta(_Meta):
        table_name = "loket-applications"

    nik_key = UnicodeAttribute(hash_key=True)
    service = UnicodeAttribute(range_key=True)
    stage = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    updated_ms = NumberAttribute()  # the instant of updated_at, compared by the "newer wins" condition
    nik_last4 = UnicodeAttribute()
    # Who stored this stage and when: the audit entry's key is derived from them, so a retry
    # after a crash between the two writes can still write that entry, once.
    recorded_by = UnicodeAttribute(null=True)
    recorded_at = UnicodeAttribute(null=True)


class DayCounterRecord(Model):
    """A site's ticket counter for one service day: the whole ticket rule lives in this one item."""

    class Meta(_Meta):
        table_name = "loket-day-counters"

    site = UnicodeAttribute(hash_key=True)
    service_day = UnicodeAttribute(range_key=True)
    issued = NumberAttribute(default=0)
    quota = NumberAttribute(default=0)  # the quota in force, compared by every grant
    day_quota = NumberAttribute(null=True)  # the day's own quota, when an admin set one
    default_quota = NumberAttribute(null=True)
    config_version = NumberAttribute(null=True)
    holders: MapAttribute[str, Any] = MapAttribute(default=dict)  # holder key -> ticket number
    # A grant compares the pool's active tickets with its limit (DynamoDB conditions cannot
    # subtract): public_limit = quota - held_for_door, door_limit = held_for_door.
    public_limit = NumberAttribute(null=True)
    door_limit = NumberAttribute(null=True)
    public_active = NumberAttribute(null=True)
    door_active = NumberAttribute(null=True)
    cancelled = NumberAttribute(null=True)  # numbers given back: never handed out again
    door: MapAttribute[str, Any] = MapAttribute(null=True)  # holder key -> true, for door tickets


class SiteConfigRecord(Model):
    class Meta(_Meta):
        table_name = "loket-sites"

    site = UnicodeAttribute(hash_key=True)
    default_quota = NumberAttribute()
    version = NumberAttribute(default=0)


class AuditRecord(Model):
    class Meta(_Meta):
        table_name = "loket-audit"

    log = UnicodeAttribute(hash_key=True)
    entry_id = UnicodeAttribute(range_key=True)  # ISO UTC time + hash of the change: sorts by time
    at = UnicodeAttribute()
    actor = UnicodeAttribute()
    action = UnicodeAttribute()
    before = UnicodeAttribute()  # JSON
    after = UnicodeAttribute()  # JSON


class RateWindowRecord(Model):
    class Meta(_Meta):
        table_name = "loket-rate-limits"

    window_key = UnicodeAttribute(hash_key=True)
    hits = NumberAttribute(default=0)
    expires_at = TTLAttribute(null=True)


class WhatsAppMessageRecord(Model):
    """One incoming WhatsApp message: the exactly-once claim and its reply (store/whatsapp.py)."""

    class Meta(_Meta):
        table_name = "loket-whatsapp-messages"

    message_id = UnicodeAttribute(hash_key=True)  # Meta's wamid
    state = UnicodeAttribute()
    claim_token = UnicodeAttribute()
    claimed_ms = NumberAttribute()
    to_wa_id = UnicodeAttribute(null=True)
    phone_number_id = UnicodeAttribute(null=True)
    reply = UnicodeAttribute(null=True)
    attempts = NumberAttribute(default=0)
    due_ms = NumberAttribute(null=True)
    lease_token = UnicodeAttribute(null=True)
    lease_until_ms = NumberAttribute(null=True)
    sent_ms = NumberAttribute(null=True)
    graph_message_id = UnicodeAttribute(null=True)
    last_error = UnicodeAttribute(null=True)
    expires_at = TTLAttribute()


class VerificationRecord(Model):
    """One phone verification (store/verifications.py), keyed by its text's keyed hash."""

    class Meta(_Meta):
        table_name = "loket-verifications"

    text_key = UnicodeAttribute(hash_key=True)
    id_hash = UnicodeAttribute()
    state = UnicodeAttribute()
    expires_ms = NumberAttribute()  # compared by the write that verifies it; TTL deletes lazily
    phone_key = UnicodeAttribute(null=True)
    phone_masked = UnicodeAttribute(null=True)
    message_id = UnicodeAttribute(null=True)
    expires_at = TTLAttribute()


class HoldRecord(Model):
    """A NIK's hold at a site (store/holds.py): at most one upcoming ticket per NIK."""

    class Meta(_Meta):
        table_name = "loket-holds"

    site = UnicodeAttribute(hash_key=True)
    nik_holder_key = UnicodeAttribute(range_key=True)  # the NIK's short keyed hash
    service_day = UnicodeAttribute()
    code = UnicodeAttribute()
    holder_kind = UnicodeAttribute()
    holder_key = UnicodeAttribute(null=True)  # a phone's keyed hash or an operator's subject
    nik_last4 = UnicodeAttribute()
    claimed_ms = NumberAttribute()
    expires_at = TTLAttribute()


class SlotsRecord(Model):
    """The tickets one phone holds, or one operator took on a day (store/slots.py)."""

    class Meta(_Meta):
        table_name = "loket-slots"

    slots_key = UnicodeAttribute(hash_key=True)
    # Beside these, one attribute per code, `c_<code>` = "YYYY-MM-DD@<claimed ms>" (store/slots.py)
    n = NumberAttribute(null=True)  # how many codes
    expires_at = TTLAttribute(null=True)


class DayNumberIndex(GlobalSecondaryIndex["TicketRecord"]):
    """A site's tickets of one day by number: the queue, and a number's ticket."""

    class Meta:
        index_name = "by-day-number"
        projection = AllProjection()

    site_day = UnicodeAttribute(hash_key=True)  # "<site>#<YYYY-MM-DD>"
    number = NumberAttribute(range_key=True)


class TicketRecord(Model):
    """One ticket, by its code (store/tickets.py)."""

    class Meta(_Meta):
        table_name = "loket-tickets"

    code = UnicodeAttribute(hash_key=True)
    site = UnicodeAttribute()
    service_day = UnicodeAttribute()
    site_day = UnicodeAttribute()
    number = NumberAttribute()
    nik_last4 = UnicodeAttribute()
    nik_holder_key = UnicodeAttribute()
    state = UnicodeAttribute()
    holder_kind = UnicodeAttribute()
    holder_key = UnicodeAttribute(null=True)
    pool = UnicodeAttribute()
    booked_at = UnicodeAttribute()
    cancelled_at = UnicodeAttribute(null=True)
    checked_in_at = UnicodeAttribute(null=True)
    called_at = UnicodeAttribute(null=True)
    done_at = UnicodeAttribute(null=True)  # served or marked a no-show
    desk = NumberAttribute(null=True)  # the desk that called it last
    by_day_number = DayNumberIndex()


class QueueRecord(Model):
    """A site's queue on one service day (store/queues.py): who waits, who is being served.
    Its size is bounded by the day's quota (a number set of at most `quota` members)."""

    class Meta(_Meta):
        table_name = "loket-queues"

    site = UnicodeAttribute(hash_key=True)
    service_day = UnicodeAttribute(range_key=True)
    waiting = NumberSetAttribute(null=True)  # checked in, not called yet
    served = NumberSetAttribute(null=True)
    now_serving: MapAttribute[str, Any] = MapAttribute(null=True)  # desk -> number
    desk_seen: MapAttribute[str, Any] = MapAttribute(null=True)  # desk -> ms of its last call
    minutes_per_resident = NumberAttribute(null=True)  # smoothed from the day's service times
    wrong_day = UnicodeSetAttribute(null=True)  # NIK holder keys refused at the door: once each
    updated_at = UnicodeAttribute(null=True)


MODELS: dict[str, type[Model]] = {
    "applications": ApplicationRecord,
    "day-counters": DayCounterRecord,
    "sites": SiteConfigRecord,
    "audit": AuditRecord,
    "rate-limits": RateWindowRecord,
    "whatsapp-messages": WhatsAppMessageRecord,
    "verifications": VerificationRecord,
    "holds": HoldRecord,
    "slots": SlotsRecord,
    "tickets": TicketRecord,
    "queues": QueueRecord,
}


def bind(table_prefix: str, region: str, host: str | None, threads: int = 0) -> None:
    """Point every model at its table on the given endpoint, sharing one connection.

    PynamoDB gives each model its own connection, and so its own botocore session and
    client (~100 ms each at cold start); one shared connection serves every table. The
    client is thread-safe; its pool of HTTP connections holds at least `threads` (the
    import's writers), so that no thread reconnects per call (urllib3 would drop the
    connections beyond its pool, 10 by default).
    """
    shared: Connection | None = None
    for kind, model in MODELS.items():
        model.Meta.table_name = f"{table_prefix}-{kind}"
        model.Meta.region = region
        model.Meta.host = host
        model.Meta.max_pool_connections = max(model.Meta.max_pool_connections, threads)
        model._connection = None
        table = model._get_connection()
        if shared is None:
            shared = table.connection
        else:
            shared.add_meta_table(table.connection.get_meta_table(table.table_name))
            table.connection = shared


def create_missing_tables() -> None:
    for model in MODELS.values():
        if not model.exists():
            model.create_table(wait=True, ignore_update_ttl_errors=True)
