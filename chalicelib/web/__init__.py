"""The web pages the app serves itself: the residents' page at `GET /`, the waiting-room
display at `GET /layar`, the office page at `GET /kantor`.

Each is one self-contained HTML file (inline CSS and JS, no CDN, no web fonts) that talks to
the public API of API.md from the same origin. It is read from the package at the
first request for it, not at import, so a status lookup's cold start never pays for it.
Its Content-Security-Policy allows exactly the inline script and style it ships (by
hash), requests to its own origin, and no form submission at all: the NIK travels
only in a `fetch` body, never in a URL.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from chalice.app import Request, Response

_HERE = Path(__file__).parent
_INLINE = {tag: re.compile(rf"<{tag}>(.*?)</{tag}>", re.DOTALL) for tag in ("script", "style")}


@dataclass(frozen=True)
class Page:
    body: str
    etag: str
    headers: dict[str, str | list[str]]


def _hashes(html: str, tag: str) -> str:
    sources = []
    for inline in _INLINE[tag].findall(html):
        digest = base64.b64encode(hashlib.sha256(inline.encode("utf-8")).digest()).decode("ascii")
        sources.append(f"'sha256-{digest}'")
    return " ".join(sources) or "'none'"


@lru_cache(maxsize=3)
def _load(name: str) -> Page:
    html = (_HERE / name).read_text(encoding="utf-8")
    etag = '"' + hashlib.sha256(html.encode("utf-8")).hexdigest()[:32] + '"'
    policy = "; ".join(
        [
            "default-src 'none'",
            f"script-src {_hashes(html, 'script')}",
            f"style-src {_hashes(html, 'style')}",
            "connect-src 'self'",
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )
    headers: dict[str, str | list[str]] = {
        "Content-Type": "text/html; charset=utf-8",
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        # Revalidate every time: a phone on a slow line gets a 304 with no body.
        "Cache-Control": "no-cache",
        "ETag": etag,
    }
    return Page(body=html, etag=etag, headers=headers)


def page(request: Request | None) -> Response:
    """The residents' page, or 304 when the browser already holds this version of it."""
    return _answer(_load("index.html"), request)


def display(request: Request | None) -> Response:
    """The waiting-room display, or 304 when the browser already holds this version of it."""
    return _answer(_load("layar.html"), request)


def office(request: Request | None) -> Response:
    """The office page, or 304 when the browser already holds this version of it."""
    return _answer(_load("kantor.html"), request)


def _answer(current: Page, request: Request | None) -> Response:
    headers = request.headers if request is not None else {}
    if_none_match = str(headers.get("if-none-match") or "")
    if current.etag in (tag.strip().removeprefix("W/") for tag in if_none_match.split(",")):
        return Response(body="", status_code=304, headers=current.headers)
    return Response(body=current.body, status_code=200, headers=current.headers)
