"""The audit log on DynamoDB: one partition, entries sorted by time, each change written once."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from chalicelib.store.errors import conditional, dynamodb_errors
from chalicelib.store.keys import audit_entry_id
from chalicelib.store.models import AuditRecord
from chalicelib.store.values import AuditEntry

_AUDIT_LOG = "audit"


class DynamoAudit:
    """`ports.AuditLog` on the audit table. Models must be bound (`models.bind`) first."""

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
        record = AuditRecord(
            _AUDIT_LOG,
            audit_entry_id(instant, actor, action, after if change is None else change),
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
