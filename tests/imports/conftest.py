"""Stage-import tests: the app's S3 handler invoked through `chalice.test.Client` over in-process
moto (S3 and DynamoDB in one mock), with a clock the test sets."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from chalice.test import Client

from tests.support.api_client import Clock
from tests.support.stage_import import IMPORT_BUCKET, Imports

# Wednesday 25 November 2026, 09:00 WIB.
NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


class _Collect(logging.Handler):
    def __init__(self, lines: list[str]) -> None:
        super().__init__()
        self.lines = lines

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def start_instant() -> datetime:
    return NOW


@pytest.fixture
def imports(moto_store: object, clock: Clock) -> Iterator[Imports]:
    import boto3

    import chalicelib.events.stage_import
    from app import app
    from chalicelib.http.auth import mint
    from chalicelib.settings import secret, settings

    s3 = boto3.client("s3", region_name=settings().region)
    _remove_bucket(s3, IMPORT_BUCKET)
    s3.create_bucket(
        Bucket=IMPORT_BUCKET, CreateBucketConfiguration={"LocationConstraint": settings().region}
    )
    token = mint(
        "admin", "auditor", secret("LOKET_JWT_SECRET"), settings().jwt_issuer, settings().jwt_audience
    )
    chalicelib.events.stage_import.reset()  # an S3 client made under another test's mock must not be reused
    lines: list[str] = []
    handler = _Collect(lines)
    logging.getLogger("loket").addHandler(handler)
    try:
        with Client(app, stage_name="local") as client:
            yield Imports(client, s3, IMPORT_BUCKET, token, lines)
    finally:
        logging.getLogger("loket").removeHandler(handler)
        chalicelib.events.stage_import.reset()
        _remove_bucket(s3, IMPORT_BUCKET)


def _remove_bucket(s3: Any, bucket: str) -> None:
    """`moto_store` shares one mock per test module (and only empties the tables), so each
    test starts without the bucket and removes it when done."""
    try:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for obj in page.get("Contents", []):
                s3.delete_object(Bucket=bucket, Key=obj["Key"])
        s3.delete_bucket(Bucket=bucket)
    except s3.exceptions.NoSuchBucket:
        pass
