"""DynamoDB calls and capacity units, metered from the botocore calls a client makes.

In-process moto answers `ReturnConsumedCapacity` with fixed figures (1 for any PutItem, 0.5
for an UpdateItem or a GetItem, whatever the item's size; nothing for a refused write), so the
units are computed here by DynamoDB's published rules ("DynamoDB read and write operations",
"Item sizes and formats" in the Developer Guide), from the items as they stand before and
after each call, read with a client of its own (not metered):

- an item's size: the UTF-8 length of each attribute name plus its value's size: a string its
  UTF-8 length, a number 1 byte plus 1 per two significant digits, a boolean or null 1 byte,
  a map or list 3 bytes plus 1 per element plus the elements (a map's keys counted as names);
- a write (PutItem, UpdateItem, DeleteItem): 1 WCU per KB, rounded up, of the larger of the
  item before and after (a delete: the item deleted), at least 1; a conditional write whose
  condition fails still costs the existing item's size, at least 1 (2 per KB if it were
  transactional: loket sends no transactions, dynalite has none, ADR 0001);
- each global secondary index the item is in (before or after) costs one more write of the
  index entry (projection ALL: the item), when the write succeeded and changed it;
- a read: 1 RCU per 4 KB, rounded up, strongly consistent, half that eventually consistent
  (an index is); GetItem and each item of a BatchGetItem on its own size, a missing item
  still 1 unit (or 0.5); a Query on the sum of the items it reads, at least 1 (or 0.5).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

WRITES = ("PutItem", "UpdateItem", "DeleteItem")
READS = ("GetItem", "BatchGetItem", "Query")


@dataclass
class Call:
    operation: str
    table: str
    wcu: int = 0
    rcu: float = 0.0
    refused: bool = False  # a write whose condition failed
    reported: float | None = None  # what the backend answered to ReturnConsumedCapacity=TOTAL


@dataclass
class Meter:
    calls: list[Call] = field(default_factory=list)

    def of(self, *tables: str) -> list[Call]:
        return [c for c in self.calls if c.table in tables]

    def besides(self, *tables: str) -> list[Call]:
        return [c for c in self.calls if c.table not in tables]


def item_size(item: dict[str, Any] | None) -> int:
    """The size of an item in DynamoDB's wire form (as a low-level client returns it)."""
    if not item:
        return 0
    return sum(len(name.encode()) + value_size(value) for name, value in item.items())


def value_size(value: dict[str, Any]) -> int:
    (kind, content), *_ = value.items()
    if kind == "S":
        return len(str(content).encode())
    if kind == "N":
        return number_size(str(content))
    if kind == "B":
        return len(content)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "M":
        return 3 + sum(1 + len(k.encode()) + value_size(v) for k, v in content.items())
    if kind == "L":
        return 3 + sum(1 + value_size(v) for v in content)
    if kind == "SS":
        return sum(len(s.encode()) for s in content)
    if kind == "NS":
        return sum(number_size(n) for n in content)
    if kind == "BS":
        return sum(len(b) for b in content)
    raise ValueError(f"unknown attribute type {kind}")


def number_size(text: str) -> int:
    digits = Decimal(text).normalize().as_tuple().digits
    significant = len(digits) if Decimal(text) != 0 else 1
    return 1 + math.ceil(significant / 2)


def write_units(before: dict[str, Any] | None, after: dict[str, Any] | None) -> int:
    return max(1, math.ceil(max(item_size(before), item_size(after)) / 1024))


def read_units(size: int, consistent: bool) -> float:
    units = max(1, math.ceil(size / 4096))
    return float(units) if consistent else units / 2


class _Tables:
    """Key schemas and indexes, read once per table through the unmetered client."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw
        self._described: dict[str, dict[str, Any]] = {}

    def describe(self, table: str) -> dict[str, Any]:
        if table not in self._described:
            self._described[table] = self.raw.describe_table(TableName=table)["Table"]
        return self._described[table]

    def key_of(self, table: str, item: dict[str, Any]) -> dict[str, Any] | None:
        names = [k["AttributeName"] for k in self.describe(table)["KeySchema"]]
        if not all(n in item for n in names):
            return None
        return {n: item[n] for n in names}

    def indexes_holding(self, table: str, item: dict[str, Any] | None) -> list[str]:
        if not item:
            return []
        held = []
        for index in self.describe(table).get("GlobalSecondaryIndexes", []):
            assert index["Projection"]["ProjectionType"] == "ALL", "only ALL projections are metered"
            if all(k["AttributeName"] in item for k in index["KeySchema"]):
                held.append(index["IndexName"])
        return held

    def item(self, table: str, key: dict[str, Any] | None) -> dict[str, Any] | None:
        if key is None:
            return None
        found: dict[str, Any] | None = self.raw.get_item(TableName=table, Key=key, ConsistentRead=True).get(
            "Item"
        )
        return found


@contextmanager
def metering(clients: list[Any], raw: Any) -> Iterator[Meter]:
    """Every call the given botocore clients make while inside, with its units; `raw` is a
    client of the same backend that the meter reads items with (and does not meter)."""
    meter = Meter()
    tables = _Tables(raw)
    pending: list[tuple[str, str, dict[str, Any], dict[str, Any] | None, dict[str, Any] | None]] = []

    def before(params: dict[str, Any], model: Any, **_: Any) -> None:
        operation = model.name
        table = params.get("TableName", "")
        if operation == "BatchGetItem":
            table = next(iter(params["RequestItems"]), "")
        key: dict[str, Any] | None = None
        if operation in ("UpdateItem", "DeleteItem"):
            key = params["Key"]
        elif operation == "PutItem":
            key = tables.key_of(table, params["Item"])
        params["ReturnConsumedCapacity"] = "TOTAL"
        pending.append((operation, table, params, key, tables.item(table, key) if key else None))

    def after(parsed: dict[str, Any], model: Any, http_response: Any, **_: Any) -> None:
        operation, table, params, key, old = pending.pop()
        assert operation == model.name
        call = Call(operation, table)
        consumed = parsed.get("ConsumedCapacity")
        if isinstance(consumed, list):
            call.reported = sum(float(c.get("CapacityUnits", 0)) for c in consumed)
        elif isinstance(consumed, dict):
            call.reported = float(consumed.get("CapacityUnits", 0))
        failed = http_response.status_code >= 300
        if operation in WRITES:
            call.refused = parsed.get("Error", {}).get("Code") == "ConditionalCheckFailedException"
            new = old if failed else tables.item(table, key)
            call.wcu = write_units(old, new if operation != "DeleteItem" else None)
            if not failed and new != old:
                indexed = set(tables.indexes_holding(table, old)) | set(tables.indexes_holding(table, new))
                call.wcu += len(indexed) * write_units(old, new)
        elif operation == "GetItem" and not failed:
            whole = tables.item(table, params["Key"])
            call.rcu = read_units(item_size(whole), bool(params.get("ConsistentRead")))
        elif operation == "BatchGetItem" and not failed:
            consistent = bool(params["RequestItems"][table].get("ConsistentRead"))
            keys = params["RequestItems"][table]["Keys"]
            call.rcu = sum(read_units(item_size(tables.item(table, k)), consistent) for k in keys)
        elif operation == "Query" and not failed:
            consistent = bool(params.get("ConsistentRead")) and "IndexName" not in params
            read = [tables.item(table, tables.key_of(table, i)) or i for i in parsed.get("Items", [])]
            call.rcu = read_units(sum(item_size(i) for i in read), consistent)
        meter.calls.append(call)

    emitters = {id(c.meta.events): c.meta.events for c in clients}.values()
    for emitter in emitters:
        emitter.register("before-parameter-build.dynamodb", before, unique_id="bench-meter-before")
        emitter.register("after-call.dynamodb", after, unique_id="bench-meter-after")
    try:
        yield meter
    finally:
        for emitter in emitters:
            emitter.unregister("before-parameter-build.dynamodb", before, unique_id="bench-meter-before")
            emitter.unregister("after-call.dynamodb", after, unique_id="bench-meter-after")
