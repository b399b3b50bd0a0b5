"""The policies grant what the code really calls: each function's code is run on in-process
moto with every DynamoDB (and S3) call recorded, then held against its role in the packaged
template. A call outside the grants would be an AccessDenied in AWS; a grant no call uses is
more than least privilege allows."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from fnmatch import fnmatchcase
from typing import Any

import pytest
from chalice.test import Client

from chalicelib import runtime
from infra.template import table_logical_id
from tests.support.templates import Template, grants_of, listed, role_of, statements_of

pytestmark = pytest.mark.usefixtures("no_ticket_proof")  # the counter's rules, without phones

WEDNESDAY_MORNING = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # 09:00 WIB, an open day
Calls = list[tuple[str, str, dict[str, Any]]]  # (service, operation, parameters)


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch, moto_store: object) -> Calls:
    """Every AWS call made through botocore (PynamoDB and boto3 alike) while the test runs."""
    from botocore.client import BaseClient

    recorded: Calls = []
    make_api_call: Callable[..., Any] = BaseClient._make_api_call

    def recording(client: BaseClient, operation: str, parameters: dict[str, Any]) -> Any:
        recorded.append((client.meta.service_model.service_name, operation, parameters))
        return make_api_call(client, operation, parameters)

    monkeypatch.setattr(BaseClient, "_make_api_call", recording)
    monkeypatch.setattr(runtime, "now", lambda: WEDNESDAY_MORNING)
    return recorded


def _used_on_tables(calls: Calls) -> dict[str, set[str]]:
    """DynamoDB action -> logical ids of the tables it was called on."""
    from chalicelib.settings import settings

    prefix = settings().table_prefix + "-"
    used: dict[str, set[str]] = {}
    for service, operation, parameters in calls:
        if service == "dynamodb":
            names = parameters["RequestItems"] if "RequestItems" in parameters else [parameters["TableName"]]
            for name in names:
                used.setdefault(operation, set()).add(table_logical_id(name.removeprefix(prefix)))
    return used


def _without(grants: dict[str, set[str]], table: str) -> dict[str, set[str]]:
    kept = {action: tables - {table} for action, tables in grants.items()}
    return {action: tables for action, tables in kept.items() if tables}


def test_the_rollover_uses_exactly_what_its_policy_grants(
    templates: dict[str, Template], calls: Calls
) -> None:
    from datetime import date

    from chalicelib.core.nik import parse_nik
    from chalicelib.core.tickets import ANYONE
    from chalicelib.events import rollover
    from chalicelib.services import tickets
    from chalicelib.settings import HashPurpose, hash_key, settings

    # A ticket of the day that ends, never checked in: the rollover makes it a no-show.
    tuesday = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    nik = parse_nik("3505121708850001")
    key = hash_key(HashPurpose.NIK)
    tickets.take(runtime.store(), settings(), "kab-blitar", date(2026, 11, 24), nik, ANYONE, tuesday, key)
    calls.clear()  # the fixture's table setup is not the rollover's
    assert rollover.handle({"time": "2026-11-24T17:00:00Z"})["no_shows"] == 1
    template = templates["prod"]
    assert _used_on_tables(calls) == grants_of(template, role_of(template, "Rollover"))


def test_the_repair_uses_exactly_what_its_policy_grants(
    templates: dict[str, Template], calls: Calls, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A take that died after the counter's write, a cancel that died after the ticket's, and
    a check-in that died before the queue's: the repair finishes all three, through every
    call it can make."""
    from datetime import date, timedelta

    from chalicelib.core.nik import parse_nik
    from chalicelib.core.tickets import Holder
    from chalicelib.events import repair
    from chalicelib.services import tickets
    from chalicelib.settings import HashPurpose, hash_key, settings

    store, config, key = runtime.store(), settings(), hash_key(HashPurpose.NIK)
    day = date(2026, 11, 27)
    phone = Holder("phone", "phone-hash")
    cancelled = tickets.take(
        store, config, "kab-blitar", day, parse_nik("3505121708850001"), phone, WEDNESDAY_MORNING, key
    )
    store.change_ticket_state(cancelled.ticket.code, ("booked",), "cancelled", WEDNESDAY_MORNING)
    dead = parse_nik("3505121708850002")
    with monkeypatch.context() as dying:
        dying.setattr(store, "put_ticket", lambda ticket: (_ for _ in ()).throw(RuntimeError("died")))
        with pytest.raises(RuntimeError):
            tickets.take(store, config, "kab-blitar", day, dead, phone, WEDNESDAY_MORNING, key)
    door = tickets.take(
        store,
        config,
        "kab-blitar",
        WEDNESDAY_MORNING.date(),
        parse_nik("3505121708850003"),
        phone,
        WEDNESDAY_MORNING,
        key,
    )
    store.change_ticket_state(door.ticket.code, ("booked",), "checked_in", WEDNESDAY_MORNING)
    monkeypatch.setattr(runtime, "now", lambda: WEDNESDAY_MORNING + timedelta(minutes=5))
    calls.clear()
    assert repair.handle({}) == {
        "takes_finished": 1,
        "cancels_finished": 1,
        "orphans": 0,
        "check_ins_finished": 1,
    }
    template = templates["prod"]
    assert _used_on_tables(calls) == grants_of(template, role_of(template, "Repair"))


def test_the_api_uses_exactly_what_its_policy_grants_on_the_residents_and_admin_tables(
    templates: dict[str, Template], calls: Calls, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import date, timedelta

    from app import app
    from chalicelib.http.auth import mint
    from chalicelib.settings import reset, secret, settings

    monkeypatch.setenv("LOKET_RATE_LIMIT_PER_MINUTE", "30")
    monkeypatch.setenv("LOKET_TICKET_PROOF", "phone")
    monkeypatch.setenv("LOKET_TICKETS_PER_PHONE", "1")
    reset()
    tokens = {
        role: mint(
            role, f"{role}-tester", secret("LOKET_JWT_SECRET"), settings().jwt_issuer, settings().jwt_audience
        )
        for role in ("admin", "staff", "operator", "resident")
    }  # type: ignore[arg-type]
    calls.clear()
    with Client(app, stage_name="local") as client:

        def call(method: str, path: str, body: Any = None, role: str | None = None) -> int:
            headers = {"Content-Type": "application/json"}
            if role:
                headers["Authorization"] = f"Bearer {tokens[role]}"
            payload = b"" if body is None else json.dumps(body).encode()
            status: int = client.http.request(method, path, headers=headers, body=payload).status_code
            return status

        assert call("GET", "/v1/health") == 200
        assert call("POST", "/v1/status", {"nik": "3505121708850001"}) == 404
        assert call("GET", "/v1/quota") == 200
        assert call("POST", "/v1/tickets", {"nik": "3505121708850001"}) == 401  # no phone
        first = client.http.request(
            "POST",
            "/v1/tickets",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {tokens['resident']}"},
            body=json.dumps({"nik": "3505121708850001"}).encode(),
        )
        assert first.status_code == 201
        code = first.json_body["ticket"]["code"]
        assert call("POST", "/v1/tickets", {"nik": "3505121708850001"}, "resident") == 200  # holds one
        assert call("GET", "/v1/days") == 200
        assert call("GET", f"/v1/tickets/{code}") == 200
        assert call("DELETE", f"/v1/tickets/{code}") == 200
        assert call("POST", "/v1/tickets", {"nik": "3505121708850001"}, "resident") == 201  # again
        assert call("POST", "/v1/tickets", {"nik": "3505121708850003"}, "resident") == 409  # phone's cap
        assert call("PUT", "/v1/admin/quota/default", {"quota": 1}, "admin") == 200
        assert call("POST", "/v1/admin/tickets", {"nik": "3505121708850002"}, "operator") == 409  # full
        door = {"quota": 5, "held_for_door": 2}
        assert call("PUT", "/v1/admin/quota/2026-11-26", door, "admin") == 200
        tomorrow = {"nik": "3505121708850002", "service_day": "2026-11-26"}
        assert call("POST", "/v1/admin/tickets", tomorrow, "operator") == 201
        assert call("POST", "/v1/admin/checkins", {"nik": "3505121708850001"}, "staff") == 200  # by NIK
        assert call("POST", "/v1/admin/calls", {"desk": 1}, "staff") == 200
        assert call("GET", "/v1/queue") == 200
        assert call("GET", "/v1/admin/report", role="admin") == 200
        # A take that died after counting its place; asked again past the 2 minutes, it is
        # taken over and finished.
        from chalicelib.core.nik import parse_nik
        from chalicelib.core.tickets import ANYONE
        from chalicelib.services import tickets as taking
        from chalicelib.settings import HashPurpose, hash_key

        store, late = runtime.store(), WEDNESDAY_MORNING + timedelta(minutes=5)
        with monkeypatch.context() as dying:
            dying.setattr(store, "put_ticket", lambda ticket: (_ for _ in ()).throw(RuntimeError("died")))
            nik = parse_nik("3505121708850009")
            with pytest.raises(RuntimeError):
                taking.take(
                    store,
                    settings(),
                    "kab-blitar",
                    date(2026, 11, 26),
                    nik,
                    ANYONE,
                    WEDNESDAY_MORNING,
                    hash_key(HashPurpose.NIK),
                )
        monkeypatch.setattr(runtime, "now", lambda: late)
        monkeypatch.setenv("LOKET_TICKET_PROOF", "none")
        reset()
        assert call("POST", "/v1/tickets", {"nik": "3505121708850009", "service_day": "2026-11-26"}) == 201
        assert call("GET", "/v1/admin/advice", role="admin") == 200
        assert call("GET", "/v1/admin/quota", role="staff") == 200
        stage = {
            "nik": "3505121708850001",
            "service": "ektp",
            "stage": "printing",
            "updated_at": "2026-11-25T08:00:00+07:00",
        }
        assert call("POST", "/v1/admin/applications", stage, "staff") == 200
        assert call("POST", "/v1/admin/applications", stage, "staff") == 200  # not applied: reads it
        assert call("POST", "/v1/status", {"nik": "3505121708850001"}) == 200
        assert call("GET", "/v1/admin/audit", role="admin") == 200
        started = client.http.post(
            "/v1/verifications", headers={"Content-Type": "application/json"}, body=b"{}"
        ).json_body["verification"]
        assert call("GET", f"/v1/verifications/{started['id']}") == 200
        _verify_as_the_webhook_does(started["text"].split()[1])
        assert call("GET", f"/v1/verifications/{started['id']}") == 200

    template = templates["prod"]
    granted = grants_of(template, role_of(template, "APIHandler"))
    # The WhatsApp inbox's calls are the webhook's (tests/whatsapp); its grants are listed in
    # docs/DEPLOY.md. Everything else the API may do, this tour does, and nothing more.
    assert _used_on_tables(calls) == _without(granted, "WhatsappMessagesTable")


def _verify_as_the_webhook_does(code: str) -> None:
    """The webhook's own step for `VERIFIKASI <code>` (its inbox calls are left out above)."""
    from chalicelib.core.phone import parse_phone
    from chalicelib.services.verifications import Confirmation, confirm
    from chalicelib.settings import HashPurpose, hash_key

    outcome = confirm(
        runtime.store(),
        code,
        parse_phone("6285700000001"),
        "wamid.tour",
        WEDNESDAY_MORNING,
        hash_key(HashPurpose.VERIFICATION),
        hash_key(HashPurpose.PHONE),
    )
    assert outcome is Confirmation.VERIFIED


def test_the_stage_import_uses_exactly_what_its_policy_grants(
    templates: dict[str, Template], calls: Calls
) -> None:
    import boto3

    from chalicelib.events.stage_import import handle, reset

    s3 = boto3.client("s3", region_name="ap-southeast-3")
    bucket = "loket-prod-imports-123456789012"
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "ap-southeast-3"})
    rows = "nik,service,stage,updated_at\n3505121708850001,ektp,ready,2026-11-25T08:00:00+07:00\n1234,ektp,ready,x\n"
    s3.put_object(Bucket=bucket, Key="imports/2026-11/wlingi.csv", Body=rows.encode())
    event = {
        "Records": [{"s3": {"bucket": {"name": bucket}, "object": {"key": "imports/2026-11/wlingi.csv"}}}]
    }
    calls.clear()
    reset()
    try:
        [summary] = handle(event)
    finally:
        reset()
    assert summary["rejected"] == 1

    template = templates["prod"]
    role = role_of(template, "StageImport")
    assert _used_on_tables(calls) == grants_of(template, role)
    s3_grants = [
        (action, resource["Fn::Sub"].split(":::", 1)[1])
        for owner, statement in statements_of(template)
        if owner == role
        for action in listed(statement["Action"])
        if action.startswith("s3:")
        for resource in listed(statement["Resource"])
    ]
    s3_calls = [(op, p["Bucket"], p["Key"]) for service, op, p in calls if service == "s3"]
    assert s3_calls
    for operation, _bucket, key in s3_calls:
        allowed = [pattern for action, pattern in s3_grants if action == f"s3:{operation}"]
        assert any(fnmatchcase(f"loket-prod-imports-${{AWS::AccountId}}/{key}", p) for p in allowed), (
            operation,
            key,
        )
