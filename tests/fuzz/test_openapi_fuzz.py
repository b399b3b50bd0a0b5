"""schemathesis against the repository's openapi.yaml, on the running local HTTP server:
cases that fit the schema and cases that do not, for every operation. No answer may be a
server error, and every answer must be one the schema declares, in the shape it declares."""

from __future__ import annotations

from datetime import timedelta
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
from local.staff_pool import DEMO_ACCOUNTS
from tests.support.api_client import MONDAY_0900_WIB, mint
from tests.support.residents import nik_digits
from tests.support.staff_pool import StaffPool

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
    http_server: HttpServer, moto_server_staff_pool: StaffPool, monkeypatch: pytest.MonkeyPatch
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
            *([well_formed_takes(operation)] if operation.label in TAKES else []),
            *([sign_ins(operation)] if operation.label == "POST /v1/sessions" else []),
        )
        for headers, checks in callers(operation.label, bool(operation.definition.raw.get("security"))):
            fuzz(cases, operation.label, http_server.url, headers, sent, checks)

    assert set(sent) == {o.label for o in operations}
    assert set(sent) >= ISSUE_10_ROUTES | ISSUE_12_ROUTES, sent
    assert sum(sent.values()) >= AT_LEAST, sent


# The routes of issue 10 (tickets for a chosen day): in the file, and fuzzed like the others.
ISSUE_10_ROUTES = {
    "POST /v1/tickets",
    "GET /v1/tickets/{code}",
    "DELETE /v1/tickets/{code}",
    "GET /v1/days",
    "POST /v1/admin/tickets",
    "PUT /v1/admin/quota/{day}",
}


# The routes of issue 12's staff sign-in (on the embedded moto server's cognito-idp).
ISSUE_12_ROUTES = {
    "POST /v1/sessions",
    "POST /v1/sessions/refresh",
    "DELETE /v1/sessions",
    "GET /v1/admin/me",
}


TAKES = {"POST /v1/tickets", "POST /v1/admin/tickets"}


def sign_ins(operation: Any) -> st.SearchStrategy[Any]:
    """Sign-ins of the demo accounts, with their password or a near miss: generated names
    almost never exist, so the session answer would go unchecked."""
    accounts = st.sampled_from([(a.username, a.password) for a in DEMO_ACCOUNTS])
    bodies = st.tuples(accounts, st.booleans()).map(
        lambda pick: {"username": pick[0][0], "password": pick[0][1] if pick[1] else pick[0][1] + "x"}
    )
    return bodies.map(lambda body: operation.Case(body=body, media_type="application/json"))


def well_formed_takes(operation: Any) -> st.SearchStrategy[Any]:
    """Takes with NIKs that parse and days of the window: the file's pattern for a NIK cannot
    say "a real birth date", so generated ones almost never reach the counter."""
    window = [(MONDAY_0900_WIB.date() + timedelta(days=n)).isoformat() for n in range(16)]
    bodies = st.fixed_dictionaries(
        {"nik": st.randoms(use_true_random=False).map(nik_digits)},
        optional={"service_day": st.sampled_from(window), "site": st.just("kab-blitar")},
    )
    return bodies.map(lambda body: operation.Case(body=body, media_type="application/json"))


def callers(label: str, secured: bool) -> list[tuple[dict[str, str] | None, list[Any]]]:
    """Who sends an operation's cases: an admin on the admin routes; on the residents' ticket
    route, a verified phone (a resident token) and a script without one (401
    `verification_required`, the token being optional in the file); nobody elsewhere."""
    if label == "POST /v1/tickets":
        resident = {"Authorization": f"Bearer {mint('resident', sub='schemathesis-phone')}"}
        return [(resident, CHECKS), (None, [c for c in CHECKS if c is not ignored_auth])]
    if secured:
        return [({"Authorization": f"Bearer {mint('admin')}"}, CHECKS)]
    return [(None, CHECKS)]


def test_the_day_quota_change_in_the_file_takes_a_door_reserve() -> None:
    import yaml

    schemas = yaml.safe_load(SPEC.read_text())["components"]["schemas"]
    assert "held_for_door" in schemas["DayQuotaChange"]["properties"]
    assert set(schemas["TicketRequest"]["properties"]) == {"nik", "site", "service_day"}


def fuzz(
    cases: st.SearchStrategy[Any],
    label: str,
    url: str,
    headers: dict[str, str] | None,
    sent: dict[str, int],
    checks: list[Any],
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
        case.call_and_validate(base_url=url, headers=headers, checks=checks, timeout=60)
        sent[label] = sent.get(label, 0) + 1

    answers_within_the_schema()
