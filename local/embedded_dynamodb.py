"""moto's DynamoDB served on 127.0.0.1, made linearizable by one lock around each whole request.
(It serves every moto backend: `make run`'s staff sign-in uses its cognito-idp.)

moto's backend takes no lock, and it serializes a response from the live item after
the backend method returns, so locking only its methods still lets a concurrent writer
change what a caller is told (STACK-NOTES.md). Holding one lock while the app runs AND
its whole response body is produced makes every request atomic, like DynamoDB's
single-item operations.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.serving import make_server

from local.background import BackgroundServer

Environ = dict[str, Any]
StartResponse = Callable[..., Any]


class _OneRequestAtATime:
    def __init__(self, app: Callable[[Environ, StartResponse], Iterable[bytes]]) -> None:
        self._app = app
        self._lock = threading.Lock()

    def __call__(self, environ: Environ, start_response: StartResponse) -> list[bytes]:
        with self._lock:
            body = self._app(environ, start_response)
            try:
                return [b"".join(body)]
            finally:
                close = getattr(body, "close", None)
                if close is not None:
                    close()


class _UnsignedInRegion:
    """moto reads a request's region from its host name, else its signature, else says
    us-east-1. Cognito's token calls (GlobalSignOut, GetUser, InitiateAuth) go unsigned to
    127.0.0.1, so moto looked for the pool in us-east-1 (GlobalSignOut: "not authorized").
    An unsigned request here is told the region the way moto also reads it: its User-Agent."""

    def __init__(self, app: Callable[[Environ, StartResponse], Iterable[bytes]], region: str) -> None:
        self._app = app
        self._tag = f" region/{region}"

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        if "HTTP_AUTHORIZATION" not in environ:
            environ["HTTP_USER_AGENT"] = environ.get("HTTP_USER_AGENT", "") + self._tag
        return self._app(environ, start_response)


class EmbeddedDynamoDB(BackgroundServer):
    """A fresh, empty, linearizable DynamoDB endpoint for this process's lifetime."""

    def __init__(self, port: int = 0, region: str | None = None) -> None:
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )

        class QuietHandler(MotoRequestHandler):  # type: ignore[misc]
            def log_request(self, *args: object, **kwargs: object) -> None:
                pass

        if region is None:
            from chalicelib.settings import settings

            region = settings().region
        app = _OneRequestAtATime(_UnsignedInRegion(DomainDispatcherApplication(create_backend_app), region))
        server = make_server("127.0.0.1", port, app, threaded=True, request_handler=QuietHandler)
        super().__init__(server, name="embedded-dynamodb")

    @property
    def endpoint(self) -> str:
        return self.base_url
