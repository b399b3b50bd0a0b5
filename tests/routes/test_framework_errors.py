"""What chalice answers by itself (here a 415), as the Lambda sees API Gateway's event: the
header names keep the client's casing, and the rewritten error still speaks its language."""

from __future__ import annotations

import json
from typing import Any

import pytest
from chalice.local import LambdaContext


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
