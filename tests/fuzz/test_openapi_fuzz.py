"""schemathesis against the repository's openapi.yaml, on the running local HTTP server:
cases that fit the schema and cases that do not, for every operation. No answer may be a
server error, and every answer must be one the schema declares, in the shape it declares."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from chalicelib import runtime
from local.http_server import HttpServer
from tests.support.api_client import MONDAY_0900_WIB, mint

SPEC = Path(__file__).resolve().parents[2] / "openapi.yaml"
EXAMPLES_PER_OPERATION_AND_MODE = 60
AT_LEAST = 1_000
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    ignored_auth,  # an admin route answers a request without its token with 401
]


def test_every_operation_answers_generated_requests_within_its_schema(
    http_server: HttpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runtime, "now", lambda: MONDAY_0900_WIB)
    schema = schemathesis.openapi.from_path(SPEC)
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result  # every operation in the file can be read
        operations.append(result.ok())
    sent: dict[str, int] = {}

    for operation in operations:
        cases = st.one_of(
            operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
            operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
        )
        secured = bool(operation.definition.raw.get("security"))
        headers = {"Authorization": f"Bearer {mint('admin')}"} if secured else None
        fuzz(cases, operation.label, http_server.url, headers, sent)

    assert set(sent) == {o.label for o in operations}
    assert sum(sent.values()) >= AT_LEAST, sent


def fuzz(
    cases: st.SearchStrategy[Any],
    label: str,
    url: str,
    headers: dict[str, str] | None,
    sent: dict[str, int],
) -> None:
    @settings(
        max_examples=2 * EXAMPLES_PER_OPERATION_AND_MODE,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases)
    def answers_within_the_schema(case: Any) -> None:
        case.call_and_validate(base_url=url, headers=headers, checks=CHECKS, timeout=60)
        sent[label] = sent.get(label, 0) + 1

    answers_within_the_schema()
