"""ticket-round-trips: DynamoDB calls and capacity units of each ticket operation, through the
app as `make run` serves it (local.gateway, in-process moto), at quota 400 with the day's
counter near full (its item grows with every holder). Metered from the botocore calls
(bench/capacity.py: units by DynamoDB's rules from the items' sizes); the rate limiter's
window write is counted apart from the store's calls."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from bench.capacity import WRITES, Call, metering
from bench.common import offline, quiet_logs, report

SITE = "kab-blitar"
TODAY = date(2026, 11, 23)  # a Monday
LATER = date(2026, 11, 25)  # the Wednesday after
MONDAY_0900 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 09:00 WIB
QUOTA, HELD_FOR_DOOR = 400, 10
MEASURED_INTO_PUBLIC = 3  # the takes measured into the public part, which they fill
RATE_TABLE = "loket-rate-limits"
ENVIRONMENT = {
    "LOKET_SITES": SITE,
    "LOKET_RATE_LIMIT_PER_MINUTE": "1000000",  # on (it writes its window), never refusing
    "LOKET_TICKET_PROOF": "phone",
    "LOKET_TABLE_PREFIX": "loket",
}


@dataclass(frozen=True)
class Measured:
    operation: str
    status: int
    answer: str  # the error code, or "ticket"/"days"
    store: list[Call]
    limiter: list[Call]

    @property
    def calls(self) -> int:
        return len(self.store)

    @property
    def wcu(self) -> int:
        return sum(c.wcu for c in self.store)

    @property
    def rcu(self) -> float:
        return sum(c.rcu for c in self.store)

    @property
    def sequence(self) -> str:
        return ", ".join(_call(c) for c in self.store)


def _call(c: Call) -> str:
    units = f"{c.wcu} WCU" if c.operation in WRITES else f"{c.rcu:g} RCU"
    return f"{c.operation} {c.table.removeprefix('loket-')} {units}{' refused' if c.refused else ''}"


@contextmanager
def _environment(**values: str) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def measure(quota: int = QUOTA, held_for_door: int = HELD_FOR_DOOR) -> list[Measured]:
    """Each operation once, metered, on a day of `quota` whose public part the measured takes
    fill (the rest taken beforehand, unmetered), and a reserve of `held_for_door`."""
    prefill = quota - held_for_door - MEASURED_INTO_PUBLIC
    import botocore.session
    from moto import mock_aws

    from app import app
    from chalicelib import runtime, settings
    from chalicelib.core.nik import parse_nik
    from chalicelib.core.tickets import ANYONE
    from chalicelib.http.auth import Role, mint
    from chalicelib.services import days, tickets
    from chalicelib.store.models import MODELS, create_missing_tables
    from local.gateway import Gateway

    with _environment(**ENVIRONMENT), mock_aws():
        settings.reset()
        runtime.reset()
        saved_now = runtime.now
        runtime.now = lambda: MONDAY_0900  # type: ignore[assignment]
        try:
            store = runtime.store()
            create_missing_tables()
            config = settings.settings()
            key = settings.hash_key(settings.HashPurpose.NIK)
            jwt_secret = settings.secret("LOKET_JWT_SECRET")
            gateway = Gateway(app)
            raw = botocore.session.get_session().create_client("dynamodb", region_name=config.region)
            clients = [model._get_connection().connection.client for model in MODELS.values()]

            def token(role: Role, subject: str) -> str:
                return mint(role, subject, jwt_secret, config.jwt_issuer, config.jwt_audience)

            phone = {"Authorization": f"Bearer {token('resident', 'bench-phone-hash-1')}"}
            operator = {"Authorization": f"Bearer {token('operator', 'bench-village-officer')}"}
            found: list[Measured] = []

            def run(
                name: str,
                method: str,
                path: str,
                body: dict[str, Any] | None = None,
                headers: dict[str, str] | None = None,
            ) -> dict[str, Any]:
                sent = {"content-type": "application/json", **(headers or {})}
                payload = b"" if body is None else json.dumps(body).encode()
                with metering(clients, raw) as meter:
                    answer = gateway.handle(method, path, sent, payload, "203.0.113.7")
                parsed: dict[str, Any] = json.loads(answer.body) if answer.body else {}
                code = parsed["error"]["code"] if "error" in parsed else next(iter(parsed), "")
                found.append(
                    Measured(name, answer.status, code, meter.besides(RATE_TABLE), meter.of(RATE_TABLE))
                )
                return parsed

            def nik(serial: int) -> str:
                return f"35051217088{serial:05d}"

            def proof(mode: str) -> None:
                os.environ["LOKET_TICKET_PROOF"] = mode
                settings.reset()

            days.set_day_quota(store, config, SITE, TODAY, quota, TODAY, "bench", held_for_door=held_for_door)
            for serial in range(1, prefill + 1):
                tickets.take(store, config, SITE, TODAY, parse_nik(nik(serial)), ANYONE, MONDAY_0900, key)
            later = tickets.take(
                store, config, SITE, LATER, parse_nik(nik(9001)), ANYONE, MONDAY_0900, key
            ).ticket

            def take(
                name: str,
                serial: int,
                headers: dict[str, str] | None,
                day: date = TODAY,
                path: str = "/v1/tickets",
            ) -> dict[str, Any]:
                return run(name, "POST", path, {"nik": nik(serial), "service_day": day.isoformat()}, headers)

            first = take("take: a phone's first ticket (its slots item created)", 5001, phone)
            take("take: success, with a phone (hold, slot, counter, ticket)", 5002, phone)
            proof("none")
            take("take: success, LOKET_TICKET_PROOF=none (no slot)", 5003, None)
            proof("phone")
            take(
                "take: operator, first of its day (slots item created)",
                5004,
                operator,
                path="/v1/admin/tickets",
            )
            take("take: operator, from held_for_door", 5005, operator, path="/v1/admin/tickets")
            take("take: repeat (the same NIK, day and phone)", 5002, phone)
            take("take: a full day", 5006, phone)
            take("take: a NIK holding another day", 5002, phone, day=LATER)
            run(
                "lookup by code: a ticket of today (with `ahead`)",
                "GET",
                f"/v1/tickets/{first['ticket']['code']}",
            )
            run("lookup by code: a ticket of a later day", "GET", f"/v1/tickets/{later.code}")
            run("cancel (DELETE /v1/tickets/{code})", "DELETE", f"/v1/tickets/{first['ticket']['code']}")
            run("GET /v1/days", "GET", "/v1/days")
            return found
        finally:
            runtime.now = saved_now  # type: ignore[method-assign]
            settings.reset()
            runtime.reset()


def main() -> list[Measured]:
    offline()
    import app  # noqa: F401  (its log handler, silenced: a terminal would be the cost)

    quiet_logs()
    found = measure()
    width = max(len(m.operation) for m in found)
    print(f"{'operation':<{width}}  answer                   calls  WCU  RCU   limiter  sequence")
    for m in found:
        limiter = f"{len(m.limiter)} / {sum(c.wcu for c in m.limiter)} WCU"
        answer = f"{m.status} {m.answer}"
        print(
            f"{m.operation:<{width}}  {answer:<24} {m.calls:>5} {m.wcu:>4} {m.rcu:>4.1f}   {limiter:<8} {m.sequence}"
        )
    by_name = {m.operation.split(" (")[0]: m for m in found}
    success = by_name["take: success, with a phone"]
    repeat = by_name["take: repeat"]
    lookup = by_name["lookup by code: a ticket of a later day"]
    report(
        "ticket-round-trips",
        f"success {success.calls} calls / {success.wcu} WCU, repeat {repeat.calls}, lookup by code"
        f" {lookup.calls} (at quota {QUOTA}, {QUOTA - HELD_FOR_DOOR + 2} holders)",
        "success <= 3, repeat 1, lookup by code 1",
    )
    return found


if __name__ == "__main__":
    main()
