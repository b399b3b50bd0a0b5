"""moto's DynamoDB served on 127.0.0.1, made linearizable by one lock around each whole request.

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


class EmbeddedDynamoDB(BackgroundServer):
    """A fresh, empty, linearizable DynamoDB endpoint for this process's lifetime."""

    def __init__(self, port: int = 0) -> None:
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )

        class QuietHandler(MotoRequestHandler):  # type: ignore[misc]
            def log_request(self, *args: object, **kwargs: object) -> None:
                pass

        app = _OneRequestAtATime(DomainDispatcherApplication(create_backend_app))
        server = make_server("127.0.0.1", port, app, threaded=True, request_handler=QuietHandler)
        super().__init__(server, name="embedded-dynamodb")

    @property
    def endpoint(self) -> str:
        return self.base_url
