"""stage-import: rows per second of a whole import (`import_file`: read, judge, hash, write with
LOKET_IMPORT_WRITERS writers) against the raw rate of the same conditional PutItem from as
many threads on a bare botocore client, side by side on one server, for dynalite and the
embedded moto server (each over HTTP on 127.0.0.1, in a process of its own, as DynamoDB is
remote); then the peak memory (tracemalloc) an import holds for two file sizes, on a store
that keeps nothing (so that only the import's own holding shows).

Sizes: LOKET_BENCH_IMPORT_ROWS (default 100,000) on dynalite, LOKET_BENCH_IMPORT_MOTO_ROWS
(default 20,000: the moto server is ~10x slower, 100,000 rows would take ~10 minutes a pass).
Each server runs raw, import, raw: the ratio is the import's rate over the mean of the two raw
passes, so that drift of a shared machine shows as the gap between them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import offline, quiet_logs, report

WRITERS = int(os.environ.get("LOKET_IMPORT_WRITERS", "16"))
ROWS = int(os.environ.get("LOKET_BENCH_IMPORT_ROWS", "100000"))
MOTO_ROWS = int(os.environ.get("LOKET_BENCH_IMPORT_MOTO_ROWS", "20000"))
MEMORY_ROWS = (10_000, 100_000)
NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
SERVICES = ("ektp", "kk", "akta_lahir", "akta_mati")

_MOTO_SERVER = """
import sys
from local.embedded_dynamodb import EmbeddedDynamoDB
server = EmbeddedDynamoDB().start()
print(server.endpoint, flush=True)
sys.stdin.read()
server.stop()
"""


@contextmanager
def moto_server() -> Iterator[str]:
    """The embedded moto server (`local.embedded_dynamodb`) in a child process."""
    child = subprocess.Popen(
        [sys.executable, "-c", _MOTO_SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    assert child.stdin is not None
    try:
        yield child.stdout.readline().strip()
    finally:
        child.stdin.close()
        child.wait(timeout=30)


def export(path: Path, rows: int, seed: int) -> None:
    """`rows` valid rows, one per NIK and service, as SIAK would export them."""
    from tests.support.residents import distinct_niks

    stamp = (NOW - timedelta(days=1)).astimezone(UTC).isoformat()
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("nik,service,stage,updated_at\r\n")
        for n, digits in enumerate(distinct_niks(rows // len(SERVICES) + 1, seed=seed)):
            for service in SERVICES:
                if n * len(SERVICES) + SERVICES.index(service) < rows:
                    out.write(f"{digits},{service},ready,{stamp}\r\n")


def bind(endpoint: str) -> Any:
    os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint
    os.environ["LOKET_TABLE_PREFIX"] = f"b{uuid.uuid4().hex[:8]}"
    from chalicelib import runtime, settings
    from tests.support.servers import create_tables

    settings.reset()
    runtime.reset()
    store = runtime.store()
    create_tables()
    return store


def import_rate(store: Any, path: Path, rows: int) -> float:
    from chalicelib.imports.importer import import_file
    from chalicelib.imports.writers import Writers

    started = time.perf_counter()
    summary, failure = import_file(path, store, b"bench-key", NOW, Writers(store, WRITERS))
    seconds = time.perf_counter() - started
    assert failure is None, failure
    assert summary.applied == rows, summary
    return rows / seconds


def raw_rate(endpoint: str, table: str, rows: int, seed: int) -> float:
    """The import's write itself: a conditional PutItem of a fresh item, `WRITERS` threads."""
    import botocore.session
    from botocore.config import Config

    client = botocore.session.get_session().create_client(
        "dynamodb",
        region_name="ap-southeast-3",
        endpoint_url=endpoint,
        config=Config(max_pool_connections=WRITERS, retries={"mode": "standard", "total_max_attempts": 3}),
    )
    stamp = (NOW - timedelta(days=1)).isoformat()
    ms = str(int((NOW - timedelta(days=1)).timestamp() * 1000))

    def put(n: int) -> None:
        client.put_item(
            TableName=table,
            Item={
                "nik_key": {"S": f"raw-{seed}-{n // 4:064d}"},
                "service": {"S": SERVICES[n % 4]},
                "stage": {"S": "ready"},
                "updated_at": {"S": stamp},
                "updated_ms": {"N": ms},
                "nik_last4": {"S": f"{n % 10000:04d}"},
            },
            ConditionExpression="attribute_not_exists (#0) OR #1 < :0",
            ExpressionAttributeNames={"#0": "nik_key", "#1": "updated_ms"},
            ExpressionAttributeValues={":0": {"N": ms}},
        )

    started = time.perf_counter()
    with ThreadPoolExecutor(WRITERS) as pool:
        list(pool.map(put, range(rows)))
    return rows / (time.perf_counter() - started)


def side_by_side(name: str, endpoint: str, rows: int, scratch: Path) -> None:
    from chalicelib.store.models import ApplicationRecord

    path = scratch / f"{name}.csv"
    export(path, rows, seed=len(name))
    store = bind(endpoint)
    table = ApplicationRecord.Meta.table_name
    before = raw_rate(endpoint, table, rows, seed=1)
    rate = import_rate(store, path, rows)
    after = raw_rate(endpoint, table, rows, seed=2)
    raw = (before + after) / 2
    report(
        f"stage-import {name}",
        f"{rate / raw:.2f} of raw (import {rate:.0f} rows/s vs raw conditional PutItem {before:.0f} then"
        f" {after:.0f}/s; {rows:,} rows, {WRITERS} writers)",
        ">= 0.8",
    )


class _Acknowledging:
    """A store that takes every write at once and keeps nothing: what the import itself holds."""

    def record_application(self, *args: Any, **kwargs: Any) -> bool:
        return True

    def append_audit(self, *args: Any, **kwargs: Any) -> bool:
        return True


def memory(scratch: Path) -> None:
    """tracemalloc's peak over each import (Python's allocations, the writers' threads too),
    on a store that keeps nothing, so that only the import's own holding shows."""
    from chalicelib.imports.importer import import_file
    from chalicelib.imports.writers import Writers

    peaks = []
    for rows in MEMORY_ROWS:
        path = scratch / f"memory-{rows}.csv"
        export(path, rows, seed=rows)
        store: Any = _Acknowledging()
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        summary, _ = import_file(path, store, b"bench-key", NOW, Writers(store, WRITERS))
        peaks.append(tracemalloc.get_traced_memory()[1] - base)
        tracemalloc.stop()
        assert summary.applied == rows, summary
        path.unlink()
    figures = ", ".join(
        f"{rows:,} rows {peak / 1024:.0f} KiB" for rows, peak in zip(MEMORY_ROWS, peaks, strict=True)
    )
    report("stage-import memory", f"peak held during the import: {figures} (tracemalloc)", "flat")


def main() -> None:
    offline()
    import chalicelib.logs  # noqa: F401  (its handler, for quiet_logs to silence)

    quiet_logs()
    from tests.support.servers import running_dynalite

    with tempfile.TemporaryDirectory(prefix="bench-import-") as scratch:
        with running_dynalite() as endpoint:
            side_by_side("dynalite", endpoint, ROWS, Path(scratch))
        memory(Path(scratch))
        with moto_server() as endpoint:
            side_by_side("moto-server", endpoint, MOTO_ROWS, Path(scratch))


if __name__ == "__main__":
    main()
