"""The S3 event of a CSV put under `imports/`: import each object it names (see `chalicelib.imports`).

app.py imports this module inside the `stage_import` function only, so neither it nor the
import code is loaded by the API's cold start, and boto3's S3 client is made on the first
event only.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any
from urllib.parse import unquote_plus

from chalicelib.imports.importer import IMPORT_PREFIX, Summary, import_object
from chalicelib.logs import log

# Stop writing rows while this much of the invocation's time is left, so the rejected file
# (with the rows not reached) and the audit entry are still written. Only for functions given
# more than twice this: a shorter timeout is a misconfiguration for imports (set 900 s).
TIME_RESERVE_MS = 60_000


def handle(event: dict[str, Any], context: Any = None) -> list[dict[str, Any]]:
    """Import the object of each record in an S3 `ObjectCreated` event (S3 sends one per event)."""
    from dataclasses import asdict

    from chalicelib import runtime
    from chalicelib.settings import HashPurpose, hash_key, settings

    summaries: list[Summary] = []
    for record in event.get("Records") or []:
        bucket = record["s3"]["bucket"]["name"]
        key = unquote_plus(record["s3"]["object"]["key"])  # keys arrive URL-encoded, spaces as '+'
        if not key.startswith(IMPORT_PREFIX) or key.endswith("/"):  # a folder marker, or not ours
            log("stage_import_skipped", bucket=bucket, reason="not an import file")
            continue
        summaries.append(
            import_object(
                s3_client(),
                runtime.store(),
                hash_key(HashPurpose.NIK),
                bucket,
                key,
                runtime.now(),
                _out_of_time(context),
                settings().import_writers,
            )
        )
    return [asdict(s) for s in summaries]


def _out_of_time(context: Any) -> Callable[[], bool]:
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    if remaining is None or remaining() <= 2 * TIME_RESERVE_MS:
        return lambda: False
    return lambda: remaining() < TIME_RESERVE_MS


@lru_cache(maxsize=1)
def s3_client() -> Any:
    """The S3 client, made on first use (boto3 costs ~300 ms to import) and kept warm."""
    import boto3
    from botocore.config import Config

    from chalicelib.settings import settings

    config = Config(retries={"mode": "standard", "max_attempts": 5}, connect_timeout=5, read_timeout=30)
    return boto3.client("s3", region_name=settings().region, config=config)


def reset() -> None:
    """Forget the S3 client (tests start a fresh moto per test)."""
    s3_client.cache_clear()
