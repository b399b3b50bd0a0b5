"""openapi.yaml names the error codes each answer may carry: every one is declared, under its
declared status, and every declared code a route answers is named there."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from chalicelib.core.errors import ERROR_CODES
from chalicelib.http.requests import MAX_BODY_BYTES

SPEC: dict[str, Any] = yaml.safe_load((Path(__file__).parents[2] / "openapi.yaml").read_text())
# Codes any path may answer (a wrong method, a fault of ours): the contract states them once
# for all routes (API.md), not per operation. (`unsupported_media_type` is named on each
# operation taking a body; chalice may answer it on other paths too, for a GET with a body.)
ANSWERED_ON_EVERY_PATH = {"method_not_allowed", "internal_error"}
METHODS = {"get", "put", "post", "delete", "patch"}


def _documented() -> set[tuple[str, int]]:
    """(code, status) for every code named in backticks in an error answer's description."""
    components = SPEC["components"]["responses"]
    found: set[tuple[str, int]] = set()
    for operations in SPEC["paths"].values():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            for status, response in operation["responses"].items():
                if int(status) < 400:
                    continue
                if "$ref" in response:
                    response = components[response["$ref"].rsplit("/", 1)[1]]
                found |= {(code, int(status)) for code in re.findall(r"`([a-z_]+)`", response["description"])}
    return found


def test_every_code_the_spec_names_is_declared_with_the_status_it_is_named_under() -> None:
    documented = _documented()
    assert documented
    for code, status in documented:
        assert code in ERROR_CODES, code
        assert ERROR_CODES[code].status == status, (code, status)


def test_every_declared_code_a_route_answers_is_named_in_the_spec() -> None:
    named = {code for code, _ in _documented()}
    assert set(ERROR_CODES) - ANSWERED_ON_EVERY_PATH == named
    assert set(ERROR_CODES) >= ANSWERED_ON_EVERY_PATH


def test_the_spec_states_the_body_limit_the_code_enforces() -> None:
    assert f"{MAX_BODY_BYTES // 1024} KiB" in SPEC["components"]["responses"]["TooLarge"]["description"]
