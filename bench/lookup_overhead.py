"""lookup-overhead: the Lambda handler for POST /v1/status, called in-process with an API
Gateway event, against the bare boto3 calls it must make (the applications query and the
rate limiter's counting write), both on the same canned botocore responses (no network):
the ratio of medians of 5,000 runs each, interleaved, after a warm-up."""

from __future__ import annotations

import copy
import json
import time
from typing import Any

from bench.common import (
    canned_response,
    counting_calls,
    median,
    offline,
    operation_of,
    pynamodb_clients,
    quiet_logs,
    report,
)

RUNS, WARM_UP = 5_000, 500
NIK = "3505124509909101"
ENDPOINT = "http://127.0.0.1:9"  # never contacted: every call is answered before it is sent


def canned(request: Any, **_: Any) -> Any:
    operation = operation_of(request)
    if operation == "Query":
        item = {
            "nik_key": {"S": "k"},
            "service": {"S": "ektp"},
            "stage": {"S": "ready"},
            "updated_at": {"S": "2026-11-20T09:00:00+07:00"},
            "updated_ms": {"N": "1795485600000"},
            "nik_last4": {"S": "9101"},
        }
        return canned_response(request, {"Items": [item], "Count": 1, "ScannedCount": 1})
    if operation == "UpdateItem":
        return canned_response(request, {"Attributes": {"hits": {"N": "1"}}})
    raise AssertionError(f"a lookup made an unexpected call: {operation}")


def api_gateway_event() -> dict[str, Any]:
    return {
        "resource": "/v1/status",
        "path": "/v1/status",
        "httpMethod": "POST",
        "headers": {"content-type": "application/json", "accept-language": "id"},
        "multiValueHeaders": {},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/v1/status",
            "httpMethod": "POST",
            "path": "/api/v1/status",
            "stage": "api",
            "requestId": "bench",
            "identity": {"sourceIp": "203.0.113.7"},
        },
        "body": json.dumps({"nik": NIK}),
        "isBase64Encoded": False,
    }


def main() -> float:
    offline(AWS_ENDPOINT_URL_DYNAMODB=ENDPOINT, LOKET_RATE_LIMIT_PER_MINUTE="30")
    import boto3

    from app import app
    from chalicelib import runtime

    quiet_logs()
    runtime.store()  # binds the models, as the first request would
    clients = pynamodb_clients()
    for emitter in {id(c.meta.events): c.meta.events for c in clients}.values():
        emitter.register_first("before-send.dynamodb", canned, unique_id="bench-canned")

    # The bare calls, on a client configured exactly as PynamoDB configures its own (no
    # parameter validation, standard retries, the same timeouts): only loket's layers differ.
    bare = boto3.client("dynamodb", endpoint_url=ENDPOINT, config=clients[0].meta.config)
    bare.meta.events.register_first("before-send.dynamodb", canned, unique_id="bench-canned")
    prefix = "loket"

    def bare_lookup() -> None:
        bare.update_item(
            TableName=f"{prefix}-rate-limits",
            Key={"window_key": {"S": "status#0123456789abcdef0123456789abcdef#29924760"}},
            UpdateExpression="ADD #h :one SET #e = :e",
            ExpressionAttributeNames={"#h": "hits", "#e": "expires_at"},
            ExpressionAttributeValues={":one": {"N": "1"}, ":e": {"N": "1795485720"}},
            ReturnValues="UPDATED_NEW",
        )
        bare.query(
            TableName=f"{prefix}-applications",
            KeyConditionExpression="#k = :k",
            ExpressionAttributeNames={"#k": "nik_key"},
            ExpressionAttributeValues={":k": {"S": "0123456789abcdef" * 4}},
        )

    event = api_gateway_event()

    def app_lookup() -> None:
        answer = app(copy.copy(event), None)
        assert answer["statusCode"] == 200, answer

    with counting_calls(clients) as calls:
        app_lookup()
    for _ in range(WARM_UP):
        app_lookup()
        bare_lookup()

    app_ns, bare_ns = [], []
    for _ in range(RUNS):
        started = time.perf_counter_ns()
        app_lookup()
        app_ns.append(time.perf_counter_ns() - started)
        started = time.perf_counter_ns()
        bare_lookup()
        bare_ns.append(time.perf_counter_ns() - started)

    ratio = median(app_ns) / median(bare_ns)
    report(
        "lookup-overhead",
        f"{ratio:.2f}x (median handler {median(app_ns) / 1000:.0f} µs vs bare boto3 {median(bare_ns) / 1000:.0f} µs;"
        f" {len(calls)} DynamoDB calls per lookup: {', '.join(calls)})",
        "<= 1.3",
    )
    return ratio


if __name__ == "__main__":
    main()
