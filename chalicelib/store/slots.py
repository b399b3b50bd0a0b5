"""Ticket slots on DynamoDB: the codes one phone holds (or one operator took on a day), in
one item, each code an attribute of its own beside their count `n`, so that a cap is one
conditional write whether the item exists yet or not: the code is new and `n < cap`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.store.errors import ConditionFailed, conditional, dynamodb_errors
from chalicelib.store.models import SlotsRecord

_CODE_PREFIX = "c_"  # a code's attribute: c_<code>; `n` counts them


class DynamoSlots:
    """`ports.Slots` on the slots table. Models must be bound first."""

    def take_slot(self, slots_key: str, code: str, entry: str, cap: int, expires_at: datetime) -> bool:
        request = {
            "TableName": SlotsRecord.Meta.table_name,
            "Key": {"slots_key": {"S": slots_key}},
            "UpdateExpression": "SET #c = :entry, expires_at = :expires ADD n :one",
            "ConditionExpression": "attribute_not_exists(#c) AND (attribute_not_exists(n) OR n < :cap)",
            "ExpressionAttributeNames": {"#c": _CODE_PREFIX + code},
            "ExpressionAttributeValues": {
                ":entry": {"S": entry},
                ":expires": {"N": str(int(expires_at.timestamp()))},
                ":one": {"N": "1"},
                ":cap": {"N": str(cap)},
            },
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
        try:
            with dynamodb_errors():
                _connection().dispatch("UpdateItem", request)
        except ConditionFailed as refusal:
            # Refused: the code is there already (a retry: it holds), or the cap is reached.
            item = refusal.item if refusal.item is not None else self._raw(slots_key)
            return item is not None and _CODE_PREFIX + code in item
        return True

    def slot_entries(self, slots_key: str) -> dict[str, str] | None:
        """The codes and their entries, or None when the item does not exist."""
        item = self._raw(slots_key)
        if item is None:
            return None
        return {
            name.removeprefix(_CODE_PREFIX): value["S"]
            for name, value in item.items()
            if name.startswith(_CODE_PREFIX)
        }

    def release_slot(self, slots_key: str, code: str) -> bool:
        request = {
            "TableName": SlotsRecord.Meta.table_name,
            "Key": {"slots_key": {"S": slots_key}},
            "UpdateExpression": "REMOVE #c ADD n :minus_one",
            "ConditionExpression": "attribute_exists(#c)",
            "ExpressionAttributeNames": {"#c": _CODE_PREFIX + code},
            "ExpressionAttributeValues": {":minus_one": {"N": "-1"}},
        }
        return conditional(lambda: _connection().dispatch("UpdateItem", request))

    def _raw(self, slots_key: str) -> dict[str, Any] | None:
        request = {
            "TableName": SlotsRecord.Meta.table_name,
            "Key": {"slots_key": {"S": slots_key}},
            "ConsistentRead": True,
        }
        with dynamodb_errors():
            item: dict[str, Any] | None = _connection().dispatch("GetItem", request).get("Item")
        return item


def _connection() -> Any:
    """The models' shared connection (`models.bind`), to send requests PynamoDB cannot build:
    attribute names made at run time (one per code)."""
    return SlotsRecord._get_connection().connection
