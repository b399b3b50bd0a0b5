"""Adapters built on first use and cached for the life of a Lambda instance."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from chalicelib.settings import settings
from chalicelib.store.dynamo import DynamoStore
from chalicelib.store.models import bind

_built: DynamoStore | None = None
_building = threading.Lock()


def store() -> DynamoStore:
    """The store, its models bound to the configured tables and endpoint at the first call.

    Built under a lock: the local server's first requests arrive on many threads at once,
    and two concurrent `bind`s would register the same table twice on the shared connection.
    """
    global _built
    if _built is None:
        with _building:
            if _built is None:
                config = settings()
                bind(config.table_prefix, config.region, config.dynamodb_endpoint, config.import_writers)
                _built = DynamoStore()
    return _built


def now() -> datetime:
    """The current instant. Tests replace this to move across midnight."""
    return datetime.now(UTC)


def reset() -> None:
    global _built
    with _building:
        _built = None
