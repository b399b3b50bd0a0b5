"""Ticket slots on DynamoDB: the codes one phone holds (or one operator took on a day), in
one item, so that a cap is one conditional write: `size(slots) < cap`, or the code is there."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any

from pynamodb.expressions.condition import size

from chalicelib.store.errors import ConditionFailed, conditional, dynamodb_errors
from chalicelib.store.models import SlotsRecord


class DynamoSlots:
    """`ports.Slots` on the slots table. Models must be bound first."""

    def take_slot(self, slots_key: str, code: str, entry: str, cap: int, expires_at: datetime) -> bool:
        s = SlotsRecord
        slot = s.slots[code]
        room = s.slots_key.exists() & ((size(s.slots) < cap) | slot.exists())
        for _ in range(3):  # update an item that exists, or create it: a racing twin may do either
            try:
                with dynamodb_errors():
                    s(slots_key).update(
                        actions=[slot.set(entry), s.expires_at.set(expires_at)], condition=room
                    )
                return True
            except ConditionFailed:
                pass
            existing = self.slot_entries(slots_key)
            if existing is not None:
                if code in existing:
                    return True
                if len(existing) >= cap:
                    return False
                continue
            fresh = s(slots_key, slots={code: entry}, expires_at=expires_at)
            if conditional(partial(fresh.save, condition=s.slots_key.does_not_exist())):
                return True
        return False

    def slot_entries(self, slots_key: str) -> dict[str, str] | None:
        """The codes and their entries, or None when the item does not exist."""
        with dynamodb_errors():
            try:
                record = SlotsRecord.get(slots_key, consistent_read=True)
            except SlotsRecord.DoesNotExist:
                return None
        raw: dict[str, Any] = record.slots.as_dict() if record.slots is not None else {}
        return {code: str(entry) for code, entry in raw.items()}

    def release_slot(self, slots_key: str, code: str) -> bool:
        s = SlotsRecord
        slot = s.slots[code]
        return conditional(lambda: s(slots_key).update(actions=[slot.remove()], condition=slot.exists()))
