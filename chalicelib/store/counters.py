"""The day counters on DynamoDB: one item per site and service day holds the whole ticket rule."""

from __future__ import annotations

from datetime import date
from typing import Any

from pynamodb.expressions.condition import Condition

from chalicelib.core.quota import DayCounter
from chalicelib.core.tickets import AlreadyHolds, Granted, Pool, Refused, TakeOutcome, Unprepared
from chalicelib.store.errors import ConditionFailed, conditional, dynamodb_errors
from chalicelib.store.models import DayCounterRecord
from chalicelib.store.values import SiteConfig


class DynamoCounters:
    """`ports.Counters` on the day-counters table. Models must be bound (`models.bind`) first."""

    def counter(self, site: str, day: date) -> DayCounter | None:
        """A consistent read of the counter, without its holders."""
        attrs = _COUNTER_ATTRIBUTES
        with dynamodb_errors():
            try:
                record = DayCounterRecord.get(
                    site, day.isoformat(), consistent_read=True, attributes_to_get=attrs
                )
            except DayCounterRecord.DoesNotExist:
                return None
        return _counter(record)

    def counters_between(self, site: str, first: date, last: date) -> list[DayCounter]:
        """The counters from `first` to `last` that exist, in order: one query (a booking
        window's days), consistent, without their holders."""
        with dynamodb_errors():
            records = DayCounterRecord.query(
                site,
                DayCounterRecord.service_day.between(first.isoformat(), last.isoformat()),
                consistent_read=True,
                attributes_to_get=_COUNTER_ATTRIBUTES,
            )
            return [_counter(r) for r in records]

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

    def refresh_from_site_config(self, site: str, day: date, quota_in_force: int, config: SiteConfig) -> bool:
        """Create or refresh a day's counter from the site config, unless the day has its own
        quota or already reflects this config version or a newer one. True when written.

        Both the lazy preparation of a day and the propagation of a new default quota use
        this one conditional write, so they cannot overwrite each other with stale values.
        """
        c = DayCounterRecord
        fresher = c.config_version.does_not_exist() | (c.config_version < config.version)
        condition = c.day_quota.does_not_exist() & fresher
        # A day without its own quota has no door reserve: its public part is the quota.
        actions = [
            *_COUNTS_IF_NEW,
            c.quota.set(quota_in_force),
            c.public_limit.set(quota_in_force),
            c.door_limit.set(0),
            c.default_quota.set(config.default_quota),
            c.config_version.set(config.version),
        ]
        return conditional(lambda: self._update_counter(site, day, actions, condition))

    def set_day_quota(self, site: str, day: date, quota: int, held_for_door: int = 0) -> None:
        c = DayCounterRecord
        actions = [
            *_COUNTS_IF_NEW,
            c.quota.set(quota),
            c.day_quota.set(quota),
            c.public_limit.set(quota - held_for_door),
            c.door_limit.set(held_for_door),
        ]
        self._update_counter(site, day, actions, None)

    def take_ticket(self, site: str, day: date, holder_key: str, pool: Pool = "public") -> TakeOutcome:
        """One conditional write: the next number if the holder has none and `pool` has room.

        `SET issued = issued + 1, holders.#h = issued + 1` reads `issued` before the update,
        so the number handed out and the count can never disagree. The pool's count of
        tickets not cancelled is compared with its limit in the same write.

        A refused write returns the item as it stood (free of read capacity), which tells
        "already holds" from "full" or "closed" without a second call; where the backend
        returns nothing (a day not prepared yet; dynalite), one consistent read tells.
        """
        c = DayCounterRecord
        holder = c.holders[holder_key]
        if pool == "door":
            actions = [c.door_active.set(c.door_active + 1), c.door[holder_key].set(True)]
            room = c.door_active < c.door_limit
        else:
            actions = [c.public_active.set(c.public_active + 1)]
            room = c.public_active < c.public_limit
        # PynamoDB's update_item cannot ask for the item on a refusal: build the request
        # with its own expression builder and send it through the same connection.
        connection = c._get_connection().connection
        request = connection.get_operation_kwargs(
            table_name=c.Meta.table_name,
            hash_key=site,
            range_key=day.isoformat(),
            actions=[c.issued.set(c.issued + 1), holder.set(c.issued + 1), *actions],
            condition=room & holder.does_not_exist(),
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
        return Granted(int(response["Attributes"]["issued"]["N"]), pool)

    def release_place(self, site: str, day: date, holder_key: str, number: int, pool: Pool) -> bool:
        """Give a cancelled ticket's place back to its pool, once: the write is conditional on
        the holder's entry still naming this number, and removes it. Its number stays issued."""
        c = DayCounterRecord
        holder = c.holders[holder_key]
        active = c.door_active if pool == "door" else c.public_active
        actions = [holder.remove(), active.set(active - 1), c.cancelled.set(c.cancelled + 1)]
        if pool == "door":
            actions.append(c.door[holder_key].remove())
        return conditional(lambda: self._update_counter(site, day, actions, holder == number))

    def holder_numbers(self, site: str, day: date) -> dict[str, int]:
        """Every holder entry of a day's counter (the repair's view): holder key -> number."""
        with dynamodb_errors():
            try:
                record = DayCounterRecord.get(
                    site, day.isoformat(), consistent_read=True, attributes_to_get=["holders"]
                )
            except DayCounterRecord.DoesNotExist:
                return {}
        return {key: int(number) for key, number in record.holders.as_dict().items()}

    def _why_no_ticket(self, site: str, day: date, holder_key: str) -> TakeOutcome:
        """After a refused grant that returned nothing: one consistent read of the counter
        and this holder's entry."""
        c = DayCounterRecord
        attrs = [*_COUNTER_ATTRIBUTES, c.holders[holder_key], c.door[holder_key]]
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


def _why_refused(raw: dict[str, Any] | None, holder_key: str) -> TakeOutcome:
    """What a counter item, in DynamoDB's wire form, says about a refused grant."""
    if raw is None or "quota" not in raw:
        return Unprepared()
    number = raw.get("holders", {}).get("M", {}).get(holder_key, {}).get("N")
    if number is not None:
        at_door = holder_key in raw.get("door", {}).get("M", {})
        return AlreadyHolds(int(number), "door" if at_door else "public")

    def count(name: str) -> int | None:
        value = raw.get(name, {}).get("N")  # type: ignore[union-attr]
        return None if value is None else int(value)

    return Refused(
        DayCounter(
            site=raw["site"]["S"],
            service_day=date.fromisoformat(raw["service_day"]["S"]),
            quota=int(raw["quota"]["N"]),
            issued=count("issued") or 0,
            day_quota=count("day_quota"),
            held_for_door=count("door_limit") or 0,
            cancelled=count("cancelled") or 0,
            door_active=count("door_active") or 0,
        )
    )


def _counter(record: DayCounterRecord) -> DayCounter:
    def count(value: float | None) -> int:
        return 0 if value is None else int(value)

    return DayCounter(
        site=record.site,
        service_day=date.fromisoformat(record.service_day),
        quota=int(record.quota),
        issued=int(record.issued),
        day_quota=None if record.day_quota is None else int(record.day_quota),
        held_for_door=count(record.door_limit),
        cancelled=count(record.cancelled),
        door_active=count(record.door_active),
    )


_COUNTER_ATTRIBUTES = [
    "site",
    "service_day",
    "issued",
    "quota",
    "day_quota",
    "door_limit",
    "cancelled",
    "door_active",
]
_c = DayCounterRecord
# Every write that may create a counter starts its counts and maps, leaving existing ones be.
_COUNTS_IF_NEW = [
    _c.issued.set(_c.issued | 0),
    _c.holders.set(_c.holders | {}),
    _c.door.set(_c.door | {}),
    _c.public_active.set(_c.public_active | 0),
    _c.door_active.set(_c.door_active | 0),
    _c.cancelled.set(_c.cancelled | 0),
]
