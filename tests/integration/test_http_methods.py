"""Whatever method or request line reaches `make run`'s server, over real HTTP, the answer is
the contract's: a method API Gateway cannot route is 405 on every path (the WAF's answer in
AWS), HEAD and OPTIONS are 405 where a path does not serve them, an unknown path is 404, and
what the server cannot even parse is 400. Never the stdlib's HTML, never a 5xx."""

from __future__ import annotations

import http.client
import json
import socket
from typing import Any
from urllib.parse import urlsplit

import pytest

from local.http_server import HttpServer

pytestmark = pytest.mark.usefixtures("no_ticket_proof")  # the counter's rules, without phones

KNOWN_PATHS = [
    "/v1/tickets",
    "/v1/status",
    "/v1/health",
    "/v1/admin/audit",
    "/v1/admin/quota/2026-12-01",
    "/",
]
UNKNOWN_PATHS = ["/v1/no-such-path", "/v1/health/extra"]
EXOTIC_METHODS = ["TRACE", "CONNECT", "PROPFIND", "BREW", "get"]
METHOD_NOT_ALLOWED = {
    "id": {"error": {"code": "method_not_allowed", "message": "Metode tidak diizinkan untuk alamat ini."}},
    "en": {"error": {"code": "method_not_allowed", "message": "Method not allowed for this path."}},
}


def _request(
    server: HttpServer, method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b""
) -> tuple[int, dict[str, str], Any]:
    address = urlsplit(server.url)
    connection = http.client.HTTPConnection(address.hostname or "127.0.0.1", address.port, timeout=10)
    try:
        connection.request(method, path, body=body or None, headers=headers or {})
        response = connection.getresponse()
        raw = response.read()
        answer_headers = {k.lower(): v for k, v in response.getheaders()}
        return response.status, answer_headers, json.loads(raw) if raw else None
    finally:
        connection.close()


def _raw_exchange(server: HttpServer, request: bytes) -> tuple[int, dict[str, str], Any]:
    """Send bytes that no HTTP client would, and read the one answer until the server closes."""
    address = urlsplit(server.url)
    with socket.create_connection((address.hostname or "127.0.0.1", address.port or 80), timeout=10) as sock:
        sock.sendall(request)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in header_lines)}
    return int(status_line.split()[1]), headers, json.loads(body)


@pytest.mark.parametrize("method", EXOTIC_METHODS)
def test_a_method_api_gateway_cannot_route_is_405_in_the_contract_shape_on_every_path(
    http_server: HttpServer, method: str
) -> None:
    for path in KNOWN_PATHS + UNKNOWN_PATHS:
        status, headers, body = _request(http_server, method, path)
        assert status == 405, path
        assert headers["content-type"].startswith("application/json"), path
        assert body == METHOD_NOT_ALLOWED["id"], path


def test_curl_x_trace_with_a_body_and_english_is_405_in_english(http_server: HttpServer) -> None:
    status, headers, body = _request(
        http_server, "TRACE", "/v1/tickets", {"Accept-Language": "en"}, b'{"nik": "3505124509909001"}'
    )
    assert (status, body) == (405, METHOD_NOT_ALLOWED["en"])
    assert headers["connection"] == "close"  # the body was never read: the connection is not reused


@pytest.mark.parametrize("method", ["HEAD", "OPTIONS"])
def test_head_and_options_are_405_on_every_path_since_no_path_serves_them(
    http_server: HttpServer, method: str
) -> None:
    for path in KNOWN_PATHS:
        status, headers, body = _request(http_server, method, path)
        assert status == 405, path
        assert headers["content-type"].startswith("application/json"), path
        assert body == (None if method == "HEAD" else METHOD_NOT_ALLOWED["id"]), path


def test_a_routable_method_on_an_unknown_path_is_404(http_server: HttpServer) -> None:
    for path in UNKNOWN_PATHS:
        for method in ("GET", "HEAD", "OPTIONS", "DELETE"):
            status, _, body = _request(http_server, method, path)
            assert status == 404, (method, path)
            assert method == "HEAD" or body["error"]["code"] == "not_found", (method, path)


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET / extra HTTP/1.1\r\n\r\n",
        b"GET / HTTP/2.0\r\n\r\n",  # the stdlib says 505
        b"GET / HTTP/x.y\r\n\r\n",
        b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n",  # the stdlib says 414
        b"GET / HTTP/1.1\r\nX: " + b"a" * 70_000 + b"\r\n\r\n",  # the stdlib says 431
    ],
    ids=["four-words", "http-2.0", "bad-version", "long-line", "long-header"],
)
def test_a_request_the_server_cannot_parse_is_400_in_the_contract_shape(
    http_server: HttpServer, request_bytes: bytes
) -> None:
    status, headers, body = _raw_exchange(http_server, request_bytes)
    assert status == 400
    assert headers["content-type"].startswith("application/json")
    assert body["error"]["code"] == "invalid_request" and body["error"]["message"]


@pytest.mark.parametrize(
    ("length", "expected"),
    [
        ("9" * 5_000, (413, "payload_too_large")),
        ("9" * 19, (413, "payload_too_large")),
        ("+5", (400, "invalid_request")),
        ("1_0", (400, "invalid_request")),
        ("5 5", (400, "invalid_request")),
        ("-1", (400, "invalid_request")),
    ],
)
def test_a_content_length_of_any_length_is_a_clean_4xx(
    http_server: HttpServer, length: str, expected: tuple[int, str]
) -> None:
    request = (
        "POST /v1/status HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Length: {length}\r\n\r\n"
    ).encode()
    status, _, body = _raw_exchange(http_server, request)
    assert (status, body["error"]["code"]) == expected


def test_an_unknown_path_with_a_bearer_token_is_404_not_a_refused_token(http_server: HttpServer) -> None:
    """API Gateway answers INCOMPLETE_SIGNATURE there (it reads the header as a broken AWS
    signature); the template makes that 404 too."""
    status, _, body = _request(http_server, "GET", "/v1/no-such-path", {"Authorization": "Bearer x.y.z"})
    assert (status, body["error"]["code"]) == (404, "not_found")
