"""Applications for civil documents and the stages they move through."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Service(StrEnum):
    EKTP = "ektp"
    KK = "kk"
    AKTA_LAHIR = "akta_lahir"
    AKTA_MATI = "akta_mati"


class Stage(StrEnum):
    RECEIVED = "received"
    RECORDED = "recorded"
    VERIFYING = "verifying"
    WAITING_BLANK = "waiting_blank"
    PRINTING = "printing"
    READY = "ready"
    COLLECTED = "collected"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Application:
    """One service's stage for one NIK (held by its keyed hash, never in clear)."""

    service: Service
    stage: Stage
    updated_at: datetime


# The office's clock and AWS's may differ a little; an update further ahead than this
# would freeze the stage until that time (older updates change nothing), so it is refused.
MAX_CLOCK_SKEW = timedelta(minutes=5)


def is_from_the_future(updated_at: datetime, now: datetime) -> bool:
    return updated_at - now > MAX_CLOCK_SKEW
