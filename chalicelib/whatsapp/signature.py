"""Meta signs each webhook delivery: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`,
keyed with the app secret. It is checked over the raw body bytes as received: Meta signs its
own serialization (non-ASCII escaped as \\uXXXX), which re-serialized JSON would not match.
"""

from __future__ import annotations

import hashlib
import hmac

HEADER = "x-hub-signature-256"
_PREFIX = b"sha256="


def sign(body: bytes, app_secret: bytes) -> str:
    """The header value Meta would send for `body` (also what tests sign with)."""
    return (_PREFIX + hmac.new(app_secret, body, hashlib.sha256).hexdigest().encode()).decode()


def is_valid(body: bytes, header: str | None, app_secret: bytes) -> bool:
    """True only for exactly `sha256=` + the lowercase hex HMAC of `body`, compared in
    constant time. Any other byte in the header, or in the body, fails."""
    if not header or not header.isascii():
        return False
    return hmac.compare_digest(header.encode("ascii"), sign(body, app_secret).encode("ascii"))
