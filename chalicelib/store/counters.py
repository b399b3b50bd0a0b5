"""The day counters on DynamoDB: one item per site and service day holds the whole ticket rule."""

from __future__ import annotations

from datetime import date
from typing import Any

from pynamodb.expressions.condition import Condition

from chalicelib.core.quota import DayCounter
from chalicelib.core.tickets import AlreadyHolds, Granted, Refused, TakeOutcome, Unprepared
from chalicelib.store.errors import ConditionFailed, conditional, dynamodb_errors
from chalicelib.store.models import DayCounterRecord
from chalicelib.store.values import SiteConfig


class DynamoCounters:
    """`ports.Counters` on the day-counters table. Models must be bound (`models.bind`) first."""

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

    def refresh_from_site_config(self, site: str, day: date, quota_in_force: int, config: SiteConfig) -> bool:
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
