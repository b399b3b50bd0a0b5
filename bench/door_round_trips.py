"""door-round-trips: DynamoDB calls per request at the door (check-in by code and by NIK, a
desk's call, a served, GET /v1/queue, a day's report), counted with botocore events through
the routes, and the size of the queue item GET /v1/queue reads at 400 waiting and at 400
served, in bytes as DynamoDB counts them and in read units (in-process moto: counts, not
timings)."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Any

from bench.common import counting_calls, offline, pynamodb_clients, quiet_logs, report

MONDAY = "2026-11-23"
MONDAY_0900_WIB = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
RESIDENTS = 400
READ_UNIT = 4096  # bytes a strongly consistent read unit covers


def item_size(item: dict[str, Any]) -> int:
    """An item's size as DynamoDB bills it: each attribute's name plus its value (strings in
    UTF-8; numbers about 1 byte per 2 significant digits plus 1; sets and maps their members,
    maps and lists 3 bytes plus 1 per element)."""

    def value(typed: dict[str, Any]) -> int:
        [(kind, raw)] = typed.items()
        if kind == "S":
            return len(raw.encode())
        if kind == "N":
            return number(raw)
        if kind == "SS":
            return sum(len(s.encode()) for s in raw)
        if kind == "NS":
            return sum(number(n) for n in raw)
        if kind == "M":
            return 3 + sum(len(k.encode()) + value(v) + 1 for k, v in raw.items())
        if kind in ("BOOL", "NULL"):
            return 1
        raise ValueError(kind)

    def number(raw: str) -> int:
        digits = raw.lstrip("-").replace(".", "").strip("0") or "0"
        return math.ceil(len(digits) / 2) + 1

    return sum(len(name.encode()) + value(typed) for name, typed in item.items())


def main() -> dict[str, Any]:
    offline(LOKET_RATE_LIMIT_PER_MINUTE="30")  # as deployed (.chalice/config.json)
    from chalice.test import Client
    from moto import mock_aws

    from app import app
    from chalicelib import runtime
    from chalicelib.core.nik import parse_nik
    from chalicelib.core.tickets import ANYONE
    from chalicelib.http.auth import mint
    from chalicelib.services import tickets
    from chalicelib.settings import HashPurpose, hash_key, secret, settings
    from chalicelib.store.models import QueueRecord, create_missing_tables
    from tests.support.residents import nik

    quiet_logs()
    runtime.now = lambda: MONDAY_0900_WIB  # type: ignore[assignment]
    config = settings()  # read now, from this environment: the Client would apply the stage's
    with mock_aws(), Client(app, stage_name="local") as client:
        create_missing_tables()
        store, key = runtime.store(), hash_key(HashPurpose.NIK)
        jwt = secret("LOKET_JWT_SECRET")
        staff = mint("staff", "bench", jwt, config.jwt_issuer, config.jwt_audience)
        admin = mint("admin", "bench", jwt, config.jwt_issuer, config.jwt_audience)
        today = MONDAY_0900_WIB.date()

        def send(method: str, path: str, body: object = None, token: str | None = None) -> tuple[Any, int]:
            headers = {"content-type": "application/json"}
            if token:
                headers["authorization"] = f"Bearer {token}"
            payload = b"" if body is None else json.dumps(body).encode()
            with counting_calls(pynamodb_clients()) as calls:
                answer = client.http.request(method, path, headers=headers, body=payload)
            assert answer.status_code in (200, 409), (path, answer.status_code, answer.body)
            return json.loads(answer.body or b"null"), len(calls)

        codes = [
            tickets.take(
                store, config, "kab-blitar", today, parse_nik(nik(s)), ANYONE, MONDAY_0900_WIB, key
            ).ticket.code
            for s in range(1, RESIDENTS + 1)
        ]
        counts: dict[str, int] = {}
        counts["check-in by code"] = send("POST", "/v1/admin/checkins", {"code": codes[0]}, staff)[1]
        counts["check-in again"] = send("POST", "/v1/admin/checkins", {"code": codes[0]}, staff)[1]
        counts["check-in by NIK"] = send("POST", "/v1/admin/checkins", {"nik": nik(2)}, staff)[1]
        for code in codes[2:]:
            send("POST", "/v1/admin/checkins", {"code": code}, staff)
        counts["GET /v1/queue"] = send("GET", "/v1/queue")[1]
        low_level = QueueRecord._get_connection().connection.client
        where = {"TableName": QueueRecord.Meta.table_name}
        item_key = {"site": {"S": "kab-blitar"}, "service_day": {"S": MONDAY}}
        at_400_waiting = item_size(low_level.get_item(**where, Key=item_key)["Item"])
        counts["call"] = send("POST", "/v1/admin/calls", {"desk": 1}, staff)[1]
        counts["served"] = send("PUT", f"/v1/admin/tickets/{codes[0]}", {"state": "served"}, staff)[1]
        for turn in range(1, RESIDENTS):
            call, _ = send("POST", "/v1/admin/calls", {"desk": 1 + turn % 9}, staff)
            send("PUT", f"/v1/admin/tickets/{call['call']['ticket']['code']}", {"state": "served"}, staff)
        counts["call, queue empty"] = send("POST", "/v1/admin/calls", {"desk": 1}, staff)[1]
        at_400_served = item_size(low_level.get_item(**where, Key=item_key)["Item"])
        report_day = f"/v1/admin/report?from={MONDAY}&to={MONDAY}"
        counts["report, 1 day of 400"] = send("GET", report_day, token=admin)[1]
        counts["report, 7 days"] = send("GET", f"/v1/admin/report?from={MONDAY}&to=2026-11-29", token=admin)[
            1
        ]

    sizes = {"400 waiting": at_400_waiting, "400 served": at_400_served}
    report(
        "door-round-trips",
        ", ".join(f"{name} {n}" for name, n in counts.items())
        + " DynamoDB calls; queue item "
        + ", ".join(
            f"{b:,} bytes at {name} ({math.ceil(b / READ_UNIT)} read unit)" for name, b in sizes.items()
        ),
        "1 read per GET /v1/queue, its item under 4 KB at 400",
    )
    return {**counts, **{f"bytes at {name}": b for name, b in sizes.items()}}


if __name__ == "__main__":
    main()
