"""Phone verifications on DynamoDB: one item per verification, keyed by its text's keyed hash.

Created by a conditional put (a code drawn twice is drawn again), verified by one conditional
update (`waiting` and unexpired): of two phones sending the same text at once, one wins and
the other reads it verified for someone else. Nothing else writes the item; TTL removes it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial

from chalicelib.store.errors import conditional, dynamodb_errors
from chalicelib.store.models import VerificationRecord
from chalicelib.store.values import Verification


def _ms(instant: datetime) -> int:
    return int(instant.timestamp() * 1000)


class DynamoVerifications:
    """`ports.Verifications` on the verifications table. Models must be bound first."""

    def create_verification(self, text_key: str, id_hash: str, expires_at: datetime) -> bool:
        v = VerificationRecord
        record = v(
            text_key, id_hash=id_hash, state="waiting", expires_ms=_ms(expires_at), expires_at=expires_at
        )
        return conditional(partial(record.save, condition=v.text_key.does_not_exist()))

    def verification(self, text_key: str) -> Verification | None:
        with dynamodb_errors():
            try:
                record = VerificationRecord.get(text_key, consistent_read=True)
            except VerificationRecord.DoesNotExist:
                return None
        return _value(record)

    def confirm_verification(
        self,
        text_key: str,
        phone_key: str,
        phone_masked: str,
        message_id: str,
        now: datetime,
        keep_until: datetime,
    ) -> Verification | None:
        v = VerificationRecord
        record = v(text_key)  # `update` refreshes it with the item as written
        waiting = v.text_key.exists() & (v.state == "waiting") & (v.expires_ms > _ms(now))
        verified = conditional(
            lambda: record.update(
                actions=[
                    v.state.set("verified"),
                    v.phone_key.set(phone_key),
                    v.phone_masked.set(phone_masked),
                    v.message_id.set(message_id),
                    v.expires_ms.set(_ms(keep_until)),
                    v.expires_at.set(keep_until),
                ],
                condition=waiting,
            )
        )
        # Refused: read how it stands (dynalite returns no item with a refusal).
        return _value(record) if verified else self.verification(text_key)


def _value(record: VerificationRecord) -> Verification:
    return Verification(
        id_hash=record.id_hash,
        state=record.state,
        expires_at=datetime.fromtimestamp(record.expires_ms / 1000, UTC),
        phone_key=record.phone_key,
        phone_masked=record.phone_masked,
        message_id=record.message_id,
    )
