"""What chalice answers by itself (here a 415), as the Lambda sees API Gateway's event: the
header names keep the client's casing, and the rewritten error still speaks its language."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from chalice.local import LambdaContext

from tests.support.api_client import Api


def _gateway_event(headers: dict[str, str]) -> dict[str, Any]:
    """A REST API proxy event for `GET /v1/health` with a body chalice refuses (415)."""
    return {
        "resource": "/v1/health",
        "path": "/v1/health",
        "httpMethod": "GET",
        "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "body": "x",
        "isBase64Encoded": False,
        "requestContext": {
            "resourcePath": "/v1/health",
            "httpMethod": "GET",
            "path": "/api/v1/health",
            "stage": "api",
            "requestId": "test-request",
            "identity": {"sourceIp": "203.0.113.7"},
        },
    }


@pytest.mark.parametrize("name", ["Accept-Language", "accept-language", "ACCEPT-LANGUAGE"])
def test_a_rewritten_framework_error_speaks_english_whatever_the_header_casing(name: str) -> None:
    from app import app

    event = _gateway_event({name: "en", "Content-Type": "text/plain"})
    response = app(event, LambdaContext("api_handler", 128))
    assert response["statusCode"] == 415
    assert json.loads(response["body"]) == {
        "error": {"code": "unsupported_media_type", "message": "Unsupported request content type; send JSON."}
    }


def test_a_lambda_refusing_a_short_hash_key_answers_500_and_logs_which_setting(
    api: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The refusal names the variable for the operator, never the key, and the resident gets
    the contract's error, not a stack trace."""
    from chalicelib import settings

    short_key = "k" * 31
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "loket-prod-api-handler")
    monkeypatch.setenv("LOKET_NIK_HMAC_KEY", short_key)
    settings.reset()
    with caplog.at_level(logging.ERROR, logger="loket"):
        answer = api.post("/v1/status", {"nik": "3505124509909001"})
    assert answer.status == 500 and answer.code == "internal_error"
    refusals = [r.getMessage() for r in caplog.records if "unhandled_error" in r.getMessage()]
    assert len(refusals) == 1
    assert "LOKET_NIK_HMAC_KEY must be at least 32 bytes" in refusals[0]
    assert short_key not in caplog.text
