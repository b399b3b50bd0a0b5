"""NIK holds on DynamoDB: one item per NIK and site, the first write of every take.

A hold is claimed by one conditional put: where there is none, where the one there is for
a past day, or where it already carries this code (a retry). Of two takes racing for one NIK,
one claims and the other is shown the hold in its way (ADR 0010).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from functools import partial

from chalicelib.core.errors import Unavailable
from chalicelib.core.tickets import Hold, Holder
from chalicelib.store.errors import ConditionFailed, conditional, dynamodb_errors, put_unless
from chalicelib.store.models import HoldRecord

_KEEP_AFTER_DAY = timedelta(days=2)  # TTL: a past day's hold is claimable anyway


class DynamoHolds:
    """`ports.Holds` on the holds table. Models must be bound first."""

    def claim_hold(self, hold: Hold, today: date) -> Hold | None:
        h = HoldRecord
        record = h(
            hold.site,
            hold.nik_holder_key,
            service_day=hold.service_day.isoformat(),
            code=hold.code,
            holder_kind=hold.holder.kind,
            holder_key=hold.holder.key,
            nik_last4=hold.nik_last4,
            claimed_ms=hold.claimed_ms,
            expires_at=datetime.combine(hold.service_day, time(), UTC) + _KEEP_AFTER_DAY,
        )
        free = h.site.does_not_exist() | (h.service_day < today.isoformat()) | (h.code == hold.code)
        for _ in range(3):  # the hold in the way may go between the refusal and the read
            try:
                put_unless(record, free)
            except ConditionFailed as refusal:
                if refusal.item is not None:
                    return _hold(HoldRecord.from_raw_data(refusal.item))
                in_the_way = self.hold(hold.site, hold.nik_holder_key)
                if in_the_way is not None:
                    return in_the_way
                continue
            return None
        raise Unavailable("a NIK's hold kept changing")

    def hold(self, site: str, nik_holder_key: str) -> Hold | None:
        with dynamodb_errors():
            try:
                record = HoldRecord.get(site, nik_holder_key, consistent_read=True)
            except HoldRecord.DoesNotExist:
                return None
        return _hold(record)

    def take_over_hold(self, hold: Hold, claimed_ms: int) -> Hold | None:
        h = HoldRecord
        record = h(hold.site, hold.nik_holder_key)
        still = (h.code == hold.code) & (h.claimed_ms == hold.claimed_ms)
        moved = conditional(lambda: record.update(actions=[h.claimed_ms.set(claimed_ms)], condition=still))
        return replace(hold, claimed_ms=claimed_ms) if moved else None

    def release_hold(self, site: str, nik_holder_key: str, code: str) -> bool:
        """Delete the hold if it still carries `code`: a later take's hold is never touched."""
        record = HoldRecord(site, nik_holder_key)
        return conditional(partial(record.delete, condition=HoldRecord.code == code))


def _hold(record: HoldRecord) -> Hold:
    return Hold(
        site=record.site,
        nik_holder_key=record.nik_holder_key,
        service_day=date.fromisoformat(record.service_day),
        code=record.code,
        holder=Holder(record.holder_kind, record.holder_key),  # type: ignore[arg-type]
        nik_last4=record.nik_last4,
        claimed_ms=int(record.claimed_ms),
    )
