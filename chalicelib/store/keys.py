"""Keys derived from values, the same in every backend (DynamoDB and the in-memory twin)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any


def instant_key(instant: datetime) -> str:
    """An instant as fixed-width UTC text, so that keys holding it sort by time."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def audit_entry_id(instant: datetime, actor: str, action: str, change: Any) -> str:
    """An audit entry's sort key: the change's instant, then a hash of what tells this change
    from any other. The same change at the same instant always gets the same id."""
    identity = json.dumps([actor, action, change], sort_keys=True, default=str)
    digest = hashlib.sha256(identity.encode()).hexdigest()[:16]
    return f"{instant_key(instant)}#{digest}"
