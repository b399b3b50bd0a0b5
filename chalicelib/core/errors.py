"""Domain outcomes that end a request. Each carries the stable error code of API.md.

The mapping to HTTP status lives at the edge (chalicelib/http/errors.py), in one table.
"""

from __future__ import annotations


class LoketError(Exception):
    """Base of every error a resident or an operator can be told about."""

    code = "internal_error"

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.code)
        self.detail = detail


class InvalidRequest(LoketError):
    code = "invalid_request"


class InvalidJson(LoketError):
    code = "invalid_json"


class PayloadTooLarge(LoketError):
    code = "payload_too_large"


class InvalidNik(LoketError):
    code = "invalid_nik"


class InvalidQuota(LoketError):
    code = "invalid_quota"


class InvalidDay(LoketError):
    code = "invalid_day"


class UnknownSite(LoketError):
    code = "unknown_site"


class NotFound(LoketError):
    code = "not_found"


class MethodNotAllowed(LoketError):
    code = "method_not_allowed"


class QuotaExhausted(LoketError):
    code = "quota_exhausted"


class Closed(LoketError):
    code = "closed"


class Unauthorized(LoketError):
    code = "unauthorized"


class Forbidden(LoketError):
    code = "forbidden"


class RateLimited(LoketError):
    code = "rate_limited"

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(f"retry after {retry_after_seconds}s")
        self.retry_after_seconds = retry_after_seconds


class Unavailable(LoketError):
    """The store is throttled or unreachable: safe to retry, nothing was lost."""

    code = "unavailable"

    def __init__(self, detail: str = "", retry_after_seconds: int = 2) -> None:
        super().__init__(detail)
        self.retry_after_seconds = retry_after_seconds
