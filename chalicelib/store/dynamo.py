"""DynamoStore: every read and write loket makes, each turned into a domain value or outcome."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from pynamodb.connection.base import BOTOCORE_EXCEPTIONS
from pynamodb.exceptions import PynamoDBException
from pynamodb.expressions.condition import Condition

from chalicelib.core.applications import Application, Service, Stage
from chalicelib.core.errors import Unavailable
from chalicelib.core.quota import DayCounter
from chalicelib.core.tickets import AlreadyHolds, Granted, Refused, TakeOutcome, Unprepared
from chalicelib.store.models import (
    ApplicationRecord,
    AuditRecord,
    DayCounterRecord,
    RateWindowRecord,
    SiteConfigRecord,
)

_RETRYABLE = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
    "ServiceUnavailable",
    "LimitExceededException",
}
_CONDITION_FAILED = "ConditionalCheckFailedException"
_AUDIT_LOG = "audit"


class ConditionFailed(Exception):
    """A write's condition did not hold; `item` is the item as it stood, when DynamoDB
    returned it (`ReturnValuesOnConditionCheckFailure=ALL_OLD`; dynalite never does)."""

    def __init__(self, item: dict[str, Any] | None = None) -> None:
        super().__init__("condition failed")
        self.item = item


@dataclass(frozen=True)
class SiteConfig:
    site: str
    default_quota: int
    version: int


@dataclass(frozen=True)
class StoredApplication:
    """An application as stored, with who stored it and when (None for items stored
    without them: by the import, or before they were recorded)."""

    application: Application
    recorded_by: str | None
    recorded_at: datetime | None


@dataclass(frozen=True)
class AuditEntry:
    at: str
    actor: str
    action: str
    before: Any
    after: Any


@contextmanager
def dynamodb_errors() -> Iterator[None]:
    """Turn a failed DynamoDB call into `ConditionFailed`, `Unavailable` (retryable), or re-raise."""
    try:
        yield
    except (PynamoDBException, *BOTOCORE_EXCEPTIONS) as error:
        cause = error.cause if isinstance(error, PynamoDBException) else error
        code = _error_code(cause)
        if code == _CONDITION_FAILED:
            raise ConditionFailed(_item_as_it_stood(cause)) from None
        if code in _RETRYABLE or code is None:
            # code None: no response at all (timeout, connection refused) after botocore's retries.
            raise Unavailable(f"dynamodb {code or type(cause).__name__}") from None
        raise


def conditional(write: Callable[[], object]) -> bool:
    """Run one conditional write: False when its condition did not hold, `Unavailable` when
    DynamoDB could not be reached."""
    try:
        with dynamodb_errors():
            write()
    except ConditionFailed:
        return False
    return True


def _error_code(cause: BaseException | None) -> str | None:
    """DynamoDB's error code, or None when no response arrived. Not `cause_response_code`:
    botocore's ReadTimeoutError/ConnectTimeoutError carry `response = None`, which makes
    PynamoDB 6.1's property raise AttributeError (a 500 instead of a 503)."""
    response = getattr(cause, "response", None)
    if not isinstance(response, dict):
        return None
    code = response.get("Error", {}).get("Code")
    return code if isinstance(code, str) else None


def _item_as_it_stood(cause: BaseException | None) -> dict[str, Any] | None:
    """The item a refused write returned. PynamoDB re-raises botocore's error without it,
    keeping the original as `__cause__`."""
    for error in (cause, getattr(cause, "__cause__", None)):
        response = getattr(error, "response", None)
        item: object = response.get("Item") if isinstance(response, dict) else None
        if isinstance(item, dict):
            return item
    return None


def _instant_key(instant: datetime) -> str:
    """An instant as fixed-width UTC text, so that keys holding it sort by time."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _client() -> Any:
    """The botocore DynamoDB client that PynamoDB manages, shared by every model (`bind`)."""
    return ApplicationRecord._get_connection().connection.client


def _why_refused(raw: dict[str, Any] | None, holder_key: str) -> TakeOutcome:
    """What a counter item, in DynamoDB's wire form, says about a refused grant."""
    if raw is None or "quota" not in raw:
        return Unprepared()
    number = raw.get("holders", {}).get("M", {}).get(holder_key, {}).get("N")
    if number is not None:
        return AlreadyHolds(int(number))
    day_quota = raw.get("day_quota", {}).get("N")
    return Refused(
        DayCounter(
            site=raw["site"]["S"],
            service_day=date.fromisoformat(raw["service_day"]["S"]),
            quota=int(raw["quota"]["N"]),
            issued=int(raw.get("issued", {}).get("N", 0)),
            day_quota=None if day_quota is None else int(day_quota),
        )
    )


def _counter(record: DayCounterRecord) -> DayCounter:
    return DayCounter(
        site=record.site,
        service_day=date.fromisoformat(record.service_day),
        quota=int(record.quota),
        issued=int(record.issued),
        day_quota=None if record.day_quota is None else int(record.day_quota),
    )


class DynamoStore:
    """The store loket's use cases take. Models must be bound (`models.bind`) before use."""

    # --- applications -------------------------------------------------------------------

    def applications_of(self, nik_key: str) -> list[Application]:
        # Every lookup makes this call: straight to the botocore client PynamoDB manages, with
        # a fixed expression. A NIK has at most four items (one page).
        with dynamodb_errors():
            page = _client().query(
                TableName=ApplicationRecord.Meta.table_name,
                KeyConditionExpression="#k = :k",
                ExpressionAttributeNames={"#k": "nik_key"},
                ExpressionAttributeValues={":k": {"S": nik_key}},
            )
        return [
            Application(
                Service(item["service"]["S"]),
                Stage(item["stage"]["S"]),
                datetime.fromisoformat(item["updated_at"]["S"]),
            )
            for item in page.get("Items", [])
        ]

    def record_application(
        self,
        nik_key: str,
        nik_last4: str,
        application: Application,
        recorded_by: str | None = None,
        recorded_at: datetime | None = None,
    ) -> bool:
        """Store `application` unless the stored one is as new or newer. True when it was stored."""
        updated_ms = int(application.updated_at.timestamp() * 1000)
        record = ApplicationRecord(
            nik_key,
            application.service.value,
            stage=application.stage.value,
            updated_at=application.updated_at.isoformat(),
            updated_ms=updated_ms,
            nik_last4=nik_last4,
            recorded_by=recorded_by,
            recorded_at=None if recorded_at is None else _instant_key(recorded_at),
        )
        newer = ApplicationRecord.nik_key.does_not_exist() | (ApplicationRecord.updated_ms < updated_ms)
        return conditional(lambda: record.save(condition=newer))

    def stored_application(self, nik_key: str, service: Service) -> StoredApplication | None:
        """A consistent read of one application, with who stored it and when."""
        with dynamodb_errors():
            try:
                record = ApplicationRecord.get(nik_key, service.value, consistent_read=True)
            except ApplicationRecord.DoesNotExist:
                return None
        return StoredApplication(
            Application(
                Service(record.service), Stage(record.stage), datetime.fromisoformat(record.updated_at)
            ),
            record.recorded_by,
            None if record.recorded_at is None else datetime.fromisoformat(record.recorded_at),
        )

    # --- site configuration -------------------------------------------------------------

    def site_config(self, site: str, fallback_quota: int) -> SiteConfig:
        with dynamodb_errors():
            try:
                record = SiteConfigRecord.get(site, consistent_read=True)
            except SiteConfigRecord.DoesNotExist:
                return SiteConfig(site, fallback_quota, 0)
        return SiteConfig(site, int(record.default_quota), int(record.version))

    def set_default_quota(self, site: str, quota: int) -> SiteConfig:
        """Set the standing quota; returns the new config with its bumped version."""
        record = SiteConfigRecord(site)
        with dynamodb_errors():
            record.update(
                actions=[
                    SiteConfigRecord.default_quota.set(quota),
                    SiteConfigRecord.version.set((SiteConfigRecord.version | 0) + 1),
                ]
            )
        return SiteConfig(site, int(record.default_quota), int(record.version))

    # --- day counters -------------------------------------------------------------------

    def counter(self, site: str, day: date) -> DayCounter | None:
        """A consistent read of the counter, without its holders."""
        attrs = ["site", "service_day", "issued", "quota", "day_quota"]
        with dynamodb_errors():
            try:
                record = DayCounterRecord.get(
                    site, day.isoformat(), consistent_read=True, attributes_to_get=attrs
                )
            except DayCounterRecord.DoesNotExist:
                return None
        return _counter(record)

    def counter_days_from(self, site: str, first: date) -> list[date]:
        """The days with a counter, from `first` on. A consistent read: a day prepared just
        before must be listed, or a new default's propagation would miss it."""
        with dynamodb_errors():
            records = DayCounterRecord.query(
                site,
                DayCounterRecord.service_day >= first.isoformat(),
                consistent_read=True,
                attributes_to_get=["service_day"],
            )
            return [date.fromisoformat(r.service_day) for r in records]

    def apply_default(self, site: str, day: date, quota_in_force: int, config: SiteConfig) -> bool:
        """Create or refresh a day's counter from the site config, unless the day has its own
        quota or already reflects this config version or a newer one. True when written.

        Both the lazy preparation of a day and the propagation of a new default quota use
        this one conditional write, so they cannot overwrite each other with stale values.
        """
        c = DayCounterRecord
        fresher = c.config_version.does_not_exist() | (c.config_version < config.version)
        condition = c.day_quota.does_not_exist() & fresher
        actions = [
            c.issued.set(c.issued | 0),
            c.holders.set(c.holders | {}),
            c.quota.set(quota_in_force),
            c.default_quota.set(config.default_quota),
            c.config_version.set(config.version),
        ]
        return conditional(lambda: self._update_counter(site, day, actions, condition))

    def set_day_quota(self, site: str, day: date, quota: int) -> None:
        c = DayCounterRecord
        actions = [
            c.issued.set(c.issued | 0),
            c.holders.set(c.holders | {}),
            c.quota.set(quota),
            c.day_quota.set(quota),
        ]
        self._update_counter(site, day, actions, None)

    def take_ticket(self, site: str, day: date, holder_key: str) -> TakeOutcome:
        """One conditional write: the next number if the holder has none and the quota allows.

        `SET issued = issued + 1, holders.#h = issued + 1` reads `issued` before the update,
        so the number handed out and the count can never disagree.

        A refused write returns the item as it stood (free of read capacity), which tells
        "already holds" from "full" or "closed" without a second call; where the backend
        returns nothing (a day not prepared yet; dynalite), one consistent read tells.
        """
        c = DayCounterRecord
        holder = c.holders[holder_key]
        # PynamoDB's update_item cannot ask for the item on a refusal: build the request
        # with its own expression builder and send it through the same connection.
        connection = c._get_connection().connection
        request = connection.get_operation_kwargs(
            table_name=c.Meta.table_name,
            hash_key=site,
            range_key=day.isoformat(),
            actions=[c.issued.set(c.issued + 1), holder.set(c.issued + 1)],
            condition=(c.issued < c.quota) & holder.does_not_exist(),
            return_values="UPDATED_NEW",
            return_values_on_condition_failure="ALL_OLD",
        )
        try:
            with dynamodb_errors():
                response = connection.dispatch("UpdateItem", request)
        except ConditionFailed as refusal:
            if refusal.item is not None:
                return _why_refused(refusal.item, holder_key)
            return self._why_no_ticket(site, day, holder_key)
        return Granted(int(response["Attributes"]["issued"]["N"]))

    def _why_no_ticket(self, site: str, day: date, holder_key: str) -> TakeOutcome:
        """After a refused grant that returned nothing: one consistent read of the counter
        and this holder's entry."""
        c = DayCounterRecord
        attrs = [c.site, c.service_day, c.issued, c.quota, c.day_quota, c.holders[holder_key]]
        with dynamodb_errors():
            item = DayCounterRecord._get_connection().get_item(
                site, range_key=day.isoformat(), consistent_read=True, attributes_to_get=attrs
            )
        return _why_refused(item.get("Item"), holder_key)

    def _update_counter(self, site: str, day: date, actions: list[Any], condition: Condition | None) -> None:
        with dynamodb_errors():
            DayCounterRecord._get_connection().update_item(
                site, range_key=day.isoformat(), actions=actions, condition=condition, return_values="NONE"
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
        """Record a change once. Its key is derived from the change: `at`, the change's own
        instant (now when not given), and a hash of actor, action and `change` (what tells
        this change from any other; `after` when not given). Writing the same change again
        writes nothing (False), whoever's retry it is."""
        instant = datetime.now(UTC) if at is None else at.astimezone(UTC)
        identity = json.dumps(
            [actor, action, after if change is None else change], sort_keys=True, default=str
        )
        digest = hashlib.sha256(identity.encode()).hexdigest()[:16]
        record = AuditRecord(
            _AUDIT_LOG,
            f"{_instant_key(instant)}#{digest}",
            at=instant.isoformat(timespec="milliseconds"),
            actor=actor,
            action=action,
            before=json.dumps(before, sort_keys=True),
            after=json.dumps(after, sort_keys=True),
        )
        return conditional(lambda: record.save(condition=AuditRecord.entry_id.does_not_exist()))

    def audit_entries(self, limit: int) -> list[AuditEntry]:
        with dynamodb_errors():
            records = list(AuditRecord.query(_AUDIT_LOG, scan_index_forward=False, limit=limit))
        return [
            AuditEntry(r.at, r.actor, r.action, json.loads(r.before), json.loads(r.after)) for r in records
        ]

    # --- rate limiting ------------------------------------------------------------------

    def count_hit(self, window_key: str, expires_at: datetime) -> int:
        """Count one request in a rate window; returns the window's count including this one."""
        # Every public request makes this call: straight to the botocore client, as above.
        with dynamodb_errors():
            response = _client().update_item(
                TableName=RateWindowRecord.Meta.table_name,
                Key={"window_key": {"S": window_key}},
                UpdateExpression="ADD #h :one SET #e = :e",
                ExpressionAttributeNames={"#h": "hits", "#e": "expires_at"},
                ExpressionAttributeValues={":one": {"N": "1"}, ":e": {"N": str(int(expires_at.timestamp()))}},
                ReturnValues="UPDATED_NEW",
            )
        return int(response["Attributes"]["hits"]["N"])
