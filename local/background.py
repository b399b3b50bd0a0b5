"""A server on a daemon thread of this process, on 127.0.0.1: started and stopped by its owner."""

from __future__ import annotations

import socketserver
import threading
from typing import Any, Self


class BackgroundServer:
    def __init__(self, server: socketserver.BaseServer, name: str) -> None:
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)

    @property
    def base_url(self) -> str:
        address: Any = self._server.server_address  # (host, port) for the TCP servers used here
        return f"http://{address[0]!s}:{address[1]}"

    def start(self) -> Self:
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve on the calling thread instead (`make run`), until interrupted."""
        self._server.serve_forever()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread.is_alive():
            self._thread.join(timeout=10)
