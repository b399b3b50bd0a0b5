"""openapi.yaml is the contract in machine form: it must describe exactly the app's routes,
and what the app answers must fit it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from referencing import Registry, Resource

from tests.support.api_client import Api
from tests.support.residents import nik

pytestmark = pytest.mark.usefixtures("no_ticket_proof")  # the counter's rules, without phones

SPEC: dict[str, Any] = yaml.safe_load((Path(__file__).parents[2] / "openapi.yaml").read_text())
METHODS = {"get", "put", "post", "delete", "patch"}


def _app_operations() -> set[tuple[str, str]]:
    from app import app

    return {
        (path, method.lower())
        for path, entries in app.routes.items()
        for method, entry in entries.items()
        if not entry.view_name.startswith("method_not_allowed")
    }


def test_the_spec_documents_every_route_of_the_app_and_no_other() -> None:
    documented = {(p, m) for p, ops in SPEC["paths"].items() for m in ops if m in METHODS}
    assert documented == _app_operations()


def test_every_admin_operation_requires_the_bearer_token_and_no_public_one_does() -> None:
    for path, operations in SPEC["paths"].items():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            secured = operation.get("security") == [{"bearer": []}]
            signing_out = (method, path) == ("delete", "/v1/sessions")  # a Cognito session's token
            assert secured == (path.startswith("/v1/admin/") or signing_out), (method, path)


def test_the_nik_pattern_is_sixteen_ascii_digits() -> None:
    assert SPEC["components"]["schemas"]["Nik"]["pattern"] == "^[0-9]{16}$"


def _validate(path: str, method: str, status: int, body: Any) -> None:
    registry: Registry = Registry().with_resource("urn:spec", Resource.opaque(SPEC))  # type: ignore[call-arg]
    response = SPEC["paths"][path][method]["responses"][str(status)]
    if "$ref" in response:
        response = SPEC["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    schema = response["content"]["application/json"]["schema"]
    jsonschema.validate(body, _inline(schema), registry=registry)


def _inline(schema: Any) -> Any:
    """Point the spec's local $refs at the registered document, and read OpenAPI 3.0's
    `nullable` as JSON Schema says it (jsonschema knows no `nullable`)."""
    if isinstance(schema, dict):
        inlined = {k: ("urn:spec" + v if k == "$ref" else _inline(v)) for k, v in schema.items()}
        if inlined.pop("nullable", False) and "type" in inlined:
            inlined["type"] = [inlined["type"], "null"]
        return inlined
    if isinstance(schema, list):
        return [_inline(v) for v in schema]
    return schema


def test_the_answers_of_a_working_day_fit_the_spec(api: Api, admin_token: str, staff_token: str) -> None:
    checks = [
        ("/v1/health", "get", api.get("/v1/health")),
        (
            "/v1/admin/applications",
            "post",
            api.post(
                "/v1/admin/applications",
                {
                    "nik": nik(1),
                    "service": "kk",
                    "stage": "rejected",
                    "updated_at": "2026-11-25T08:00:00+07:00",
                },
                token=staff_token,
            ),
        ),
        ("/v1/status", "post", api.post("/v1/status", {"nik": nik(1)})),
        ("/v1/status", "post", api.post("/v1/status", {"nik": nik(2)})),
        ("/v1/status", "post", api.post("/v1/status", {"nik": "x"})),
        ("/v1/quota", "get", api.get("/v1/quota")),
        ("/v1/quota", "get", api.get("/v1/quota?site=nowhere")),
        ("/v1/sites", "get", api.get("/v1/sites")),
        ("/v1/sites/{site}", "get", api.get("/v1/sites/kec-wlingi")),
        ("/v1/sites/{site}", "get", api.get("/v1/sites/nowhere")),
        ("/v1/tickets", "post", api.post("/v1/tickets", {"nik": nik(1)})),
        ("/v1/tickets", "post", api.post("/v1/tickets", {"nik": nik(1)})),
        (
            "/v1/admin/quota/{day}",
            "put",
            api.put("/v1/admin/quota/2026-11-25", {"quota": 1}, token=admin_token),
        ),
        ("/v1/tickets", "post", api.post("/v1/tickets", {"nik": nik(2)})),
        (
            "/v1/admin/quota/default",
            "put",
            api.put("/v1/admin/quota/default", {"quota": 9}, token=admin_token),
        ),
        ("/v1/admin/quota", "get", api.get("/v1/admin/quota", token=staff_token)),
        ("/v1/admin/quota", "get", api.get("/v1/admin/quota", token=staff_token)),
        ("/v1/admin/audit", "get", api.get("/v1/admin/audit", token=admin_token)),
        ("/v1/admin/audit", "get", api.get("/v1/admin/audit", token=staff_token)),
        ("/v1/admin/advice", "get", api.get("/v1/admin/advice", token=admin_token)),
        ("/v1/admin/advice", "get", api.get("/v1/admin/advice?day=soon", token=admin_token)),
    ]
    seen = set()
    for path, method, answer in checks:
        _validate(path, method, answer.status, answer.body)
        seen.add(answer.status)
    assert seen >= {200, 201, 400, 403, 404, 409}
