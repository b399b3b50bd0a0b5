"""Adapters built on first use and cached for the life of a Lambda instance."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache

from chalicelib.settings import settings
from chalicelib.store.dynamo import DynamoStore
from chalicelib.store.models import bind


@lru_cache(maxsize=1)
def store() -> DynamoStore:
    """The store, its models bound to the configured tables and endpoint at the first call."""
    config = settings()
    bind(config.table_prefix, config.region, config.dynamodb_endpoint)
    return DynamoStore()


def now() -> datetime:
    """The current instant. Tests replace this to move across midnight."""
    return datetime.now(UTC)


def reset() -> None:
    store.cache_clear()
