"""The stand-in Graph API that `make run` sends replies to: what it refuses."""

from __future__ import annotations

import json
import socket
from urllib.parse import urlsplit

from local.graph_stand_in import GraphStandIn


def _raw_post(url: str, content_length: str) -> bytes:
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as connection:
        connection.sendall(
            f"POST /v23.0/1/messages HTTP/1.1\r\nHost: x\r\nContent-Length: {content_length}\r\n\r\n".encode()
        )
        connection.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


def test_a_content_length_of_5000_digits_is_refused_413_not_a_crash() -> None:
    stand_in = GraphStandIn(access_token="t").start()
    try:
        answer = _raw_post(stand_in.url, "9" * 5000)
    finally:
        stand_in.stop()
    status_line, _, rest = answer.partition(b"\r\n")
    assert status_line.split()[1] == b"413", answer[:200]
    body = json.loads(rest.split(b"\r\n\r\n", 1)[1])
    assert body["error"]["code"] == 100
