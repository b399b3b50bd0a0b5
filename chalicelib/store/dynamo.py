"""DynamoStore: every aggregate of `ports.Store` on DynamoDB, as `runtime.store()` builds it."""

from __future__ import annotations

from chalicelib.store.applications import DynamoApplications
from chalicelib.store.audit import DynamoAudit
from chalicelib.store.counters import DynamoCounters
from chalicelib.store.holds import DynamoHolds
from chalicelib.store.rate_windows import DynamoRateWindows
from chalicelib.store.sites import DynamoSites
from chalicelib.store.slots import DynamoSlots
from chalicelib.store.tickets import DynamoTickets
from chalicelib.store.verifications import DynamoVerifications


class DynamoStore(
    DynamoCounters,
    DynamoSites,
    DynamoApplications,
    DynamoAudit,
    DynamoRateWindows,
    DynamoVerifications,
    DynamoHolds,
    DynamoSlots,
    DynamoTickets,
):
    """The store loket's use cases take. Models must be bound (`models.bind`) before use."""
