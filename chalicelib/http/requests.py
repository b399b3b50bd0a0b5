"""Reading a request: its JSON body (parsed from the raw bytes), its language, its client."""

from __future__ import annotations

import json
import math
from typing import Any

from chalice.app import Request

from chalicelib.core.errors import InvalidJson, InvalidRequest, PayloadTooLarge, UnsupportedMediaType
from chalicelib.core.messages import Language
from chalicelib.http.language import language_of

MAX_BODY_BYTES = 64 * 1024
# No count, quota or limit of ours has more digits; int() refuses more than 4,300 anyway.
_MAX_INT_DIGITS = 20


def json_object(request: Request, allowed: set[str], required: set[str]) -> dict[str, Any]:
    """The body as a JSON object with only `allowed` fields and all of `required`, labelled
    `application/json` (else `UnsupportedMediaType`, before anything is read)."""
    if not is_json_media_type(request.headers.get("content-type")):
        raise UnsupportedMediaType()
    raw = request.raw_body or b""
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    if len(raw) > MAX_BODY_BYTES:
        raise PayloadTooLarge()
    try:
        body = json.loads(raw.decode("utf-8"), parse_int=_bounded_int)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise InvalidJson() from None
    if not isinstance(body, dict):
        raise InvalidRequest("body must be a JSON object")
    unknown = set(body) - allowed
    missing = required - set(body)
    if unknown or missing:
        raise InvalidRequest(f"unknown {sorted(unknown)}, missing {sorted(missing)}")
    return body


def is_json_media_type(content_type: str | None) -> bool:
    """True for `application/json` in any case, with or without parameters (`; charset=utf-8`).

    Only the media type before the first `;` counts, compared whole. A page on another origin
    can make a visitor's browser POST `text/plain`, form-urlencoded or multipart bodies
    without a CORS preflight, never `application/json`; chalice's own check is not enough
    (it takes a missing header for JSON, and `text/plain; application/json`, which a browser
    sends without a preflight, for JSON as well)."""
    if content_type is None:
        return False
    return content_type.split(";", 1)[0].strip().lower() == "application/json"


def _bounded_int(text: str) -> int | float:
    """A JSON integer. One too long to be any number of ours reads as an infinity, which each
    field refuses in its own words (`invalid_quota`, `invalid_nik`), as valid JSON it is."""
    if len(text) > _MAX_INT_DIGITS + 1:
        return -math.inf if text.startswith("-") else math.inf
    return int(text)


def query(request: Request, allowed: set[str]) -> dict[str, str]:
    params = dict(request.query_params or {})
    if set(params) - allowed:
        raise InvalidRequest("unknown query parameter")
    return params


def language(request: Request) -> Language:
    return language_of(request.headers.get("accept-language"))


def client_of(request: Request) -> str:
    identity = (request.context or {}).get("identity") or {}
    return str(identity.get("sourceIp") or "unknown")
