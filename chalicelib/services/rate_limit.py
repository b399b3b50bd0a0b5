"""Per-client, per-route request limits, counted in the store so they hold across Lambda instances."""

from __future__ import annotations

import hashlib
import hmac
import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from chalicelib.core.errors import RateLimited, Unavailable
from chalicelib.logs import log

if TYPE_CHECKING:
    from chalicelib.store.ports import RateWindows

_WINDOW_SECONDS = 60


def check_rate(
    store: RateWindows,
    limit: int,
    client: str,
    route: str,
    now: datetime,
    key: bytes,
    *,
    fail_open: bool = False,
    window_seconds: int = _WINDOW_SECONDS,
) -> None:
    """Count this request; `RateLimited` once `client` passed `limit` on `route` this minute
    (or this window of `window_seconds`).

    Fixed windows, of one minute unless told; the client (an IP address or a wa_id, personal data too)
    is stored only as a keyed hash under `key`, the hash key of the client's kind. When the
    count cannot be made (`Unavailable`), a route that `fail_open`s lets the request through
    and logs it; any other answers 503.
    """
    if limit <= 0:
        return
    epoch = int(now.timestamp())
    window = epoch // window_seconds
    client_key = hmac.new(key, client.encode(), hashlib.sha256).hexdigest()[:32]
    try:
        hits = store.count_hit(
            f"{route}#{client_key}#{window}", expires_at=now + timedelta(seconds=2 * window_seconds)
        )
    except Unavailable as unavailable:
        if not fail_open:
            raise
        log("rate_limit_unavailable", logging.WARNING, route=route, error=str(unavailable))
        return
    if hits > limit:
        raise RateLimited(retry_after_seconds=window_seconds - epoch % window_seconds)
