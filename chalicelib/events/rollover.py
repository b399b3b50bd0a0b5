"""The midnight rollover (a schedule at 17:00 UTC): prepare the service day that has begun."""

from __future__ import annotations

from contextlib import suppress
from datetime import datetime
from typing import Any

from chalicelib import runtime
from chalicelib.core.service_day import service_day
from chalicelib.logs import log
from chalicelib.services.days import rollover
from chalicelib.services.queue import close_days
from chalicelib.settings import settings


def handle(event: Any) -> dict[str, Any]:
    """Prepare the service day that has just begun at every site.

    The day is taken from the later of the event's scheduled time and now, so a delayed
    or repeated invocation prepares the right day, and an early one never the old day.
    """
    config = settings()
    instant = runtime.now()
    scheduled = getattr(event, "time", None) or (event.get("time") if isinstance(event, dict) else None)
    if isinstance(scheduled, str):
        with suppress(ValueError):
            instant = max(instant, datetime.fromisoformat(scheduled.replace("Z", "+00:00")))
    day = service_day(instant, config.tz)
    # The day that ended first: its booked tickets nobody checked in are no-shows.
    no_shows = close_days(runtime.store(), config, day, runtime.now())
    sites = rollover(runtime.store(), config, day)
    log("rollover", service_day=day.isoformat(), sites=sites, no_shows=no_shows)
    return {"service_day": day.isoformat(), "sites": sites, "no_shows": no_shows}
