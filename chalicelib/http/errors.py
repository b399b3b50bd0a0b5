"""Error code to HTTP status, in one table, and the contract's error body."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.core.errors import LoketError, RateLimited, Unavailable
from chalicelib.core.messages import Language, error_message

STATUS_OF: dict[str, int] = {
    "invalid_json": 400,
    "invalid_request": 400,
    "invalid_nik": 400,
    "invalid_quota": 400,
    "invalid_day": 400,
    "unauthorized": 401,
    "forbidden": 403,
    "not_found": 404,
    "unknown_site": 404,
    "method_not_allowed": 405,
    "quota_exhausted": 409,
    "closed": 409,
    "payload_too_large": 413,
    "unsupported_media_type": 415,
    "rate_limited": 429,
    "internal_error": 500,
    "unavailable": 503,
}

# What the framework or the gateway answers by itself, by status, rewritten to the contract.
CODE_FOR_STATUS: dict[int, str] = {
    400: "invalid_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
    503: "unavailable",
}


def error_body(code: str, language: Language) -> dict[str, Any]:
    return {"error": {"code": code, "message": error_message(code, language)}}


def error_parts(error: LoketError, language: Language) -> tuple[int, dict[str, str], dict[str, Any]]:
    """(status, extra headers, body) for a domain error."""
    headers: dict[str, str] = {}
    if isinstance(error, (RateLimited, Unavailable)):
        headers["Retry-After"] = str(error.retry_after_seconds)
    return STATUS_OF.get(error.code, 500), headers, error_body(error.code, language)


def is_contract_error(body: Any) -> bool:
    """True when a response body already has the contract's error shape."""
    if isinstance(body, (bytes, str)):
        try:
            body = json.loads(body)
        except ValueError:
            return False
    error = body.get("error") if isinstance(body, dict) else None
    return isinstance(error, dict) and isinstance(error.get("code"), str)
