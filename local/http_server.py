"""A threaded HTTP server for the Chalice app, built for a 07:00 rush.

`chalice local` listens with a backlog of 5, so a burst of clients sees stalls and
refused connections. This server keeps a deep backlog, a thread per connection, and
hands each request to the Gateway.
"""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from chalice.app import Chalice

from chalicelib.http.edge import GATEWAY_METHODS, JSON_HEADERS
from chalicelib.http.errors import CODE_FOR_STATUS, error_body
from chalicelib.http.language import language_of
from chalicelib.http.requests import MAX_BODY_BYTES
from local.background import BackgroundServer
from local.gateway import Gateway


class _Server(ThreadingHTTPServer):
    request_queue_size = 2048
    daemon_threads = True
    allow_reuse_address = True
    gateway: Gateway


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def _handle(self) -> None:
        headers = {k.lower(): v for k, v in self.headers.items()}
        declared = headers.get("content-length") or "0"
        # ASCII digits only (int() also takes "+1", "1_0" and "١"), and their count read before
        # their value: int() refuses more than 4,300 digits.
        if not (declared.isascii() and declared.isdigit()):
            length = -1
        else:
            length = int(declared) if len(declared) <= 18 else MAX_BODY_BYTES + 1
        if length < 0 or length > MAX_BODY_BYTES:
            self._refuse(*((400, "invalid_request") if length < 0 else (413, "payload_too_large")))
            return
        body = self.rfile.read(length) if length else b""
        answer = self.server.gateway.handle(self.command, self.path, headers, body, self.client_address[0])
        self._send(answer.status, answer.headers, answer.body)

    def parse_request(self) -> bool:
        """The stdlib's, then a method API Gateway cannot route is refused as the WAF refuses
        it in AWS: 405 on every path (the stdlib would answer 501 in HTML)."""
        if not super().parse_request():
            return False
        if self.command not in GATEWAY_METHODS:
            self._refuse(405, "method_not_allowed")
            return False
        return True

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """What the stdlib refuses by itself (a malformed request line, a line or header too
        long, an unknown HTTP version) in the contract's shape: bad input, so a 4xx."""
        status = code if code in CODE_FOR_STATUS and code < 500 else 400
        # Refused before its version was read, a request counts as HTTP/0.9, which gets no
        # status line; no client speaks 0.9 any more, so answer with one.
        self.request_version = self.protocol_version
        self._refuse(status, CODE_FOR_STATUS.get(status, "invalid_request"))

    def _refuse(self, status: int, code: str) -> None:
        """Answer an error of the server's own and close: the body, if any, was not read."""
        self.close_connection = True
        headers = getattr(self, "headers", None)
        lang = language_of(headers.get("accept-language") if headers is not None else None)
        self._send(status, dict(JSON_HEADERS), json.dumps(error_body(code, lang)).encode())

    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            if name.lower() not in ("content-length", "connection"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    # One per method of GATEWAY_METHODS; parse_request has refused every other.
    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_HEAD = _handle

    def log_message(self, format: str, *args: object) -> None:
        """Silent: the app logs each request itself, without the path's query or any body."""


class HttpServer(BackgroundServer):
    def __init__(self, app: Chalice, host: str = "127.0.0.1", port: int = 8000) -> None:
        server = _Server((host, port), _Handler)
        server.gateway = Gateway(app)
        super().__init__(server, name="loket-http")

    @property
    def url(self) -> str:
        return self.base_url
