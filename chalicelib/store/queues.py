"""Queues on DynamoDB: one item per site and service day. Every write is idempotent: a number
joins or leaves a set once, whatever the retries; a call moves a number out of `waiting` only
while it is there, so of the desks that saw it one writes its `now_serving`."""

from __future__ import annotations

from datetime import date, datetime

from pynamodb.expressions.update import Action

from chalicelib.core.queue import Queue
from chalicelib.store.errors import conditional, dynamodb_errors
from chalicelib.store.models import QueueRecord

_BOARD = [
    "site",
    "service_day",
    "waiting",
    "served",
    "now_serving",
    "desk_seen",
    "minutes_per_resident",
    "updated_at",
]


class DynamoQueues:
    """`ports.Queues` on the queues table. Models must be bound first."""

    def queue(self, site: str, day: date) -> Queue | None:
        """A consistent read of the board (the refusals at the door left out)."""
        with dynamodb_errors():
            try:
                record = QueueRecord.get(
                    site, day.isoformat(), consistent_read=True, attributes_to_get=_BOARD
                )
            except QueueRecord.DoesNotExist:
                return None
        return Queue(
            site=site,
            service_day=day,
            waiting=frozenset(int(n) for n in record.waiting or ()),
            served=frozenset(int(n) for n in record.served or ()),
            now_serving={
                int(d): int(n)
                for d, n in (record.now_serving.as_dict() if record.now_serving else {}).items()
            },
            desk_seen_ms={
                int(d): int(ms) for d, ms in (record.desk_seen.as_dict() if record.desk_seen else {}).items()
            },
            minutes_per_resident=None
            if record.minutes_per_resident is None
            else float(record.minutes_per_resident),
            updated_at=None if record.updated_at is None else datetime.fromisoformat(record.updated_at),
        )

    def add_waiting(self, site: str, day: date, number: int, at: datetime) -> None:
        """The first write of a day's queue, so it also starts the maps a call writes into."""
        q = QueueRecord
        actions: list[Action] = [
            q.waiting.add({number}),
            q.now_serving.set(q.now_serving | {}),
            q.desk_seen.set(q.desk_seen | {}),
            q.updated_at.set(at.isoformat()),
        ]
        with dynamodb_errors():
            q(site, day.isoformat()).update(actions=actions)

    def mark_called(self, site: str, day: date, number: int, desk: int, at: datetime) -> bool:
        """`number` leaves `waiting` for `desk`'s `now_serving`, if it is still waiting."""
        q = QueueRecord
        actions = [q.waiting.delete({number}), *_shown(number, desk, at)]
        record = q(site, day.isoformat())
        return conditional(lambda: record.update(actions=actions, condition=q.waiting.contains(number)))

    def leave_waiting(self, site: str, day: date, number: int, at: datetime) -> bool:
        q = QueueRecord
        actions: list[Action] = [q.waiting.delete({number}), q.updated_at.set(at.isoformat())]
        record = q(site, day.isoformat())
        return conditional(lambda: record.update(actions=actions, condition=q.waiting.contains(number)))

    def show_called(self, site: str, day: date, number: int, desk: int, at: datetime) -> None:
        """`desk` now serves `number` (a call, or a recall)."""
        with dynamodb_errors():
            QueueRecord(site, day.isoformat()).update(actions=_shown(number, desk, at))

    def record_served(
        self, site: str, day: date, number: int, minutes_per_resident: float, at: datetime
    ) -> None:
        q = QueueRecord
        with dynamodb_errors():
            q(site, day.isoformat()).update(
                actions=[
                    q.served.add({number}),
                    q.minutes_per_resident.set(minutes_per_resident),
                    q.updated_at.set(at.isoformat()),
                ]
            )

    def count_wrong_day(self, site: str, day: date, nik_holder_key: str) -> None:
        """A NIK refused at the door for its ticket's day: counted once a day."""
        q = QueueRecord
        with dynamodb_errors():
            q(site, day.isoformat()).update(actions=[q.wrong_day.add({nik_holder_key})])

    def wrong_day_count(self, site: str, day: date) -> int:
        with dynamodb_errors():
            try:
                record = QueueRecord.get(
                    site, day.isoformat(), consistent_read=True, attributes_to_get=["wrong_day"]
                )
            except QueueRecord.DoesNotExist:
                return 0
        return len(record.wrong_day or ())


def _shown(number: int, desk: int, at: datetime) -> list[Action]:
    q = QueueRecord
    return [
        q.now_serving[str(desk)].set(number),
        q.desk_seen[str(desk)].set(int(at.timestamp() * 1000)),
        q.updated_at.set(at.isoformat()),
    ]
