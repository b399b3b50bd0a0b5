"""Demo data for `make run`: clearly fake NIKs (serials 9xxx) in Kabupaten Blitar (3505)."""

from __future__ import annotations

from datetime import UTC, datetime

from chalicelib.core.applications import Application, Service, Stage
from chalicelib.core.nik import parse_nik
from chalicelib.services.status import record_stage
from chalicelib.settings import HashPurpose, hash_key
from chalicelib.store.dynamo import DynamoStore

DEMO_RESIDENTS: list[tuple[str, list[tuple[Service, Stage]]]] = [
    ("3505124509909001", [(Service.EKTP, Stage.READY)]),
    ("3505121708859002", [(Service.KK, Stage.VERIFYING), (Service.AKTA_LAHIR, Stage.PRINTING)]),
    ("3505120101009003", [(Service.EKTP, Stage.REJECTED)]),
]


# A fixed instant in the past, so that local/sample-export.csv (dated after it) moves the
# demo residents' stages forward with `make import`, whatever day it is run.
SEEDED_AT = datetime(2026, 11, 1, 1, 0, tzinfo=UTC)


def seed(store: DynamoStore) -> list[str]:
    """Store the demo applications; returns a line per resident for the banner."""
    key = hash_key(HashPurpose.NIK)
    lines = []
    for digits, applications in DEMO_RESIDENTS:
        nik = parse_nik(digits)
        for service, stage in applications:
            record_stage(store, nik, key, Application(service, stage, SEEDED_AT), actor="demo-seed")
        stages = ", ".join(f"{s.value}={st.value}" for s, st in applications)
        lines.append(f"  {digits}  {stages}")
    return lines
