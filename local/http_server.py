"""A threaded HTTP server for the Chalice app, built for a 07:00 rush.

`chalice local` listens with a backlog of 5, so a burst of clients sees stalls and
refused connections. This server keeps a deep backlog, a thread per connection, and
hands each request to the Gateway.
"""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from chalice.app import Chalice

from chalicelib.core.messages import language_of
from chalicelib.http.edge import JSON_HEADERS
from chalicelib.http.errors import error_body
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
        try:
            length = int(headers.get("content-length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY_BYTES:
            code, status = ("invalid_request", 400) if length < 0 else ("payload_too_large", 413)
            self.close_connection = True
            refusal = error_body(code, language_of(headers.get("accept-language")))
            self._send(status, dict(JSON_HEADERS), json.dumps(refusal).encode())
            return
        body = self.rfile.read(length) if length else b""
        answer = self.server.gateway.handle(self.command, self.path, headers, body, self.client_address[0])
        self._send(answer.status, answer.headers, answer.body)

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
