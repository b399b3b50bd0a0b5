"""ticket-round-trips: DynamoDB calls per ticket take, counted with botocore events, on the
success path, the repeat path and the full path (in-process moto: a count, not a timing)."""

from __future__ import annotations

from contextlib import suppress
from datetime import UTC, date, datetime

from bench.common import counting_calls, offline, pynamodb_clients, report

MONDAY = date(2026, 11, 23)
MONDAY_0800 = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 08:00 WIB


def main() -> dict[str, int]:
    offline()
    from moto import mock_aws

    from chalicelib import runtime
    from chalicelib.core.errors import QuotaExhausted
    from chalicelib.core.nik import parse_nik
    from chalicelib.core.tickets import ANYONE
    from chalicelib.services import days, tickets
    from chalicelib.settings import secret, settings
    from chalicelib.store.models import create_missing_tables

    with mock_aws():
        store = runtime.store()
        create_missing_tables()
        config, key = settings(), secret("LOKET_NIK_HMAC_KEY")
        alice, budi, citra = (
            parse_nik(d) for d in ("3505124509909101", "3505121708859102", "3505120101009103")
        )

        def take(nik: object) -> list[str]:
            with counting_calls(pynamodb_clients()) as calls, suppress(QuotaExhausted):
                tickets.take(store, config, "kab-blitar", MONDAY, nik, ANYONE, MONDAY_0800, key)  # type: ignore[arg-type]
            return calls

        first_of_day = take(alice)  # the day is prepared lazily on its first take
        days.set_day_quota(store, config, "kab-blitar", MONDAY, 2, MONDAY, "bench")
        success = take(budi)
        repeat = take(budi)
        full = take(citra)

    counts = {
        "success": len(success),
        "repeat": len(repeat),
        "full": len(full),
        "first of an unprepared day": len(first_of_day),
    }
    report(
        "ticket-round-trips",
        f"success {counts['success']}, repeat {counts['repeat']}, full {counts['full']} DynamoDB calls"
        f" (first take of an unprepared day: {counts['first of an unprepared day']})",
        "<= 1 on success, <= 2 elsewhere",
    )
    return counts


if __name__ == "__main__":
    main()
