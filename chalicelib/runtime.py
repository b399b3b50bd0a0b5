"""Adapters built on first use and cached for the life of a Lambda instance."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from chalicelib.settings import settings

if TYPE_CHECKING:  # keep PynamoDB off the import path until a handler needs it
    from chalicelib.store.dynamo import DynamoStore


@lru_cache(maxsize=1)
def store() -> DynamoStore:
    from chalicelib.store.dynamo import DynamoStore
    from chalicelib.store.models import bind

    config = settings()
    bind(config.table_prefix, config.region, config.dynamodb_endpoint)
    return DynamoStore()


def now() -> datetime:
    """The current instant. Tests replace this to move across midnight."""
    return datetime.now(UTC)


def reset() -> None:
    store.cache_clear()
