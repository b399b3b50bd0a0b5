"""Error code to HTTP status, and the contract's error body: both read from the one
declaration of each code, `chalicelib.core.errors.ERROR_CODES`."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.core.errors import ERROR_CODES, LoketError, RateLimited, Unavailable
from chalicelib.core.messages import Language
from chalicelib.core.quota import MAX_QUOTA
from chalicelib.core.staff import MIN_PASSWORD_LENGTH
from chalicelib.http.requests import MAX_BODY_BYTES

STATUS_OF: dict[str, int] = {e.code: e.status for e in ERROR_CODES.values()}

# What the framework or the gateway answers by itself, by status, rewritten to the contract.
CODE_FOR_STATUS: dict[int, str] = {e.status: e.code for e in ERROR_CODES.values() if e.stands_for_status}

# The limits a text names, filled in once so that it says what the rule enforces.
_LIMITS = {
    "max_body_kib": MAX_BODY_BYTES // 1024,
    "max_quota": MAX_QUOTA,
    "min_password": MIN_PASSWORD_LENGTH,
}
MESSAGES: dict[str, dict[Language, str]] = {
    e.code: {"id": e.id.format_map(_LIMITS), "en": e.en.format_map(_LIMITS)} for e in ERROR_CODES.values()
}


def error_message(code: str, language: Language) -> str:
    return MESSAGES.get(code, MESSAGES["internal_error"])[language]


def error_body(code: str, language: Language) -> dict[str, Any]:
    return {"error": {"code": code, "message": error_message(code, language)}}


def error_parts(error: LoketError, language: Language) -> tuple[int, dict[str, str], dict[str, Any]]:
    """(status, extra headers, body) for a domain error."""
    headers: dict[str, str] = {}
    if isinstance(error, (RateLimited, Unavailable)):
        headers["Retry-After"] = str(error.retry_after_seconds)
    body = error_body(error.code, language)
    body["error"].update(error.fields())  # a day, for instance: inside `error`, its shape kept
    return STATUS_OF.get(error.code, 500), headers, body


def is_contract_error(body: Any) -> bool:
    """True when a response body already has the contract's error shape."""
    if isinstance(body, (bytes, str)):
        try:
            body = json.loads(body)
        except ValueError:
            return False
    error = body.get("error") if isinstance(body, dict) else None
    return isinstance(error, dict) and isinstance(error.get("code"), str)
