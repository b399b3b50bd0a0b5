"""Reading a day's counter item as it is stored, to check the ticket rule from outside the store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class StoredCounter:
    issued: int
    quota: int
    holders: dict[str, int]

    def numbers(self) -> list[int]:
        return sorted(self.holders.values())


def stored_counter(site: str, day: date) -> StoredCounter | None:
    """The counter item, read consistently with the raw client (no domain mapping in between)."""
    from chalicelib.store.models import DayCounterRecord

    raw: dict[str, Any] = DayCounterRecord._get_connection().get_item(
        site, range_key=day.isoformat(), consistent_read=True
    )
    item = raw.get("Item")
    if item is None:
        return None
    holders = {key: int(value["N"]) for key, value in item.get("holders", {}).get("M", {}).items()}
    return StoredCounter(int(item["issued"]["N"]), int(item["quota"]["N"]), holders)


def assert_numbers_are_one_to_issued(counter: StoredCounter | None) -> None:
    """The invariant of the ticket rule: the numbers held are exactly 1..issued."""
    assert counter is not None
    assert counter.numbers() == list(range(1, counter.issued + 1))


def snapshot() -> dict[str, list[str]]:
    """Every item of every table, as sorted JSON: equal snapshots mean nothing changed."""
    import json

    from chalicelib.store.models import MODELS

    tables: dict[str, list[str]] = {}
    for kind, model in MODELS.items():
        items = model._get_connection().scan(consistent_read=True).get("Items", [])
        tables[kind] = sorted(json.dumps(item, sort_keys=True) for item in items)
    return tables
