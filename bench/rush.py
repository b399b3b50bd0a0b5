"""rush: 2,000 concurrent ticket requests (64 threads) through the local HTTP stack (the
threaded server, the gateway, the app) over the embedded moto server, and the same count of
raw conditional `update_item` calls (the ticket write itself) against the same embedded
server: the throughput ratio app/raw."""

from __future__ import annotations

import base64
import hashlib
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime

from bench.common import offline, quiet_logs, report

REQUESTS, THREADS, QUOTA = 2_000, 64, 400
MONDAY_0800_WIB = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


def main() -> float:
    offline(LOKET_RATE_LIMIT_PER_MINUTE="0")
    import boto3
    import requests
    from botocore.config import Config

    from local.embedded_dynamodb import EmbeddedDynamoDB

    dynamodb = EmbeddedDynamoDB().start()
    try:
        import os

        os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = dynamodb.endpoint
        from app import app
        from chalicelib import runtime
        from chalicelib.store.models import create_missing_tables
        from local.http_server import HttpServer
        from tests.support.residents import distinct_niks

        quiet_logs()
        runtime.now = lambda: MONDAY_0800_WIB  # an open weekday, whatever day the bench runs
        runtime.store()
        create_missing_tables()
        niks = distinct_niks(REQUESTS, seed=1)

        server = HttpServer(app, port=0).start()
        try:

            def ask(nik: str) -> int:
                return requests.post(f"{server.url}/v1/tickets", json={"nik": nik}, timeout=300).status_code

            started = time.perf_counter()
            with ThreadPoolExecutor(THREADS) as pool:
                statuses = list(pool.map(ask, niks))
            app_seconds = time.perf_counter() - started
        finally:
            server.stop()
        assert statuses.count(201) == QUOTA, statuses
        assert statuses.count(409) == REQUESTS - QUOTA, statuses

        client = boto3.client(
            "dynamodb", endpoint_url=dynamodb.endpoint, config=Config(max_pool_connections=THREADS)
        )
        table = "loket-day-counters"
        key = {"site": {"S": "bench-raw"}, "service_day": {"S": date(2026, 11, 23).isoformat()}}
        client.put_item(
            TableName=table,
            Item={**key, "issued": {"N": "0"}, "quota": {"N": str(QUOTA)}, "holders": {"M": {}}},
        )

        def write(nik: str) -> bool:
            holder = base64.urlsafe_b64encode(hashlib.sha256(nik.encode()).digest()[:9]).decode()
            try:
                client.update_item(
                    TableName=table,
                    Key=key,
                    UpdateExpression="SET issued = issued + :one, holders.#h = issued + :one",
                    ConditionExpression="issued < quota AND attribute_not_exists(holders.#h)",
                    ExpressionAttributeNames={"#h": holder},
                    ExpressionAttributeValues={":one": {"N": "1"}},
                    ReturnValues="UPDATED_NEW",
                )
            except client.exceptions.ConditionalCheckFailedException:
                return False
            return True

        started = time.perf_counter()
        with ThreadPoolExecutor(THREADS) as pool:
            written = list(pool.map(write, niks))
        raw_seconds = time.perf_counter() - started
        assert written.count(True) == QUOTA
    finally:
        dynamodb.stop()

    ratio = (REQUESTS / app_seconds) / (REQUESTS / raw_seconds)
    report(
        "rush",
        f"{ratio:.2f} (app {REQUESTS / app_seconds:.0f} requests/s over HTTP vs raw {REQUESTS / raw_seconds:.0f}"
        f" update_item/s; {REQUESTS} each from {THREADS} threads, quota {QUOTA})",
        ">= 0.5",
    )
    return ratio


if __name__ == "__main__":
    main()
