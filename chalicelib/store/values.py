"""The values the store returns, alike from every backend (`ports` says which returns what)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.core.applications import Application


@dataclass(frozen=True)
class SiteConfig:
    site: str
    default_quota: int
    version: int


@dataclass(frozen=True)
class StoredApplication:
    """An application as stored, with who stored it and when (None for items stored
    without them: by the import, or before they were recorded)."""

    application: Application
    recorded_by: str | None
    recorded_at: datetime | None


@dataclass(frozen=True)
class AuditEntry:
    at: str
    actor: str
    action: str
    before: Any
    after: Any


@dataclass(frozen=True)
class Verification:
    """A phone verification as stored: `waiting` until a text arrives, then `verified` for
    the phone whose keyed hash it holds (and its masked form), by the message that did it."""

    id_hash: str
    state: str  # "waiting" or "verified"
    expires_at: datetime
    phone_key: str | None = None
    phone_masked: str | None = None
    message_id: str | None = None
