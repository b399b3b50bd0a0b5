"""API Gateway on one machine: chalice's LocalGateway, with what the gateway itself answers
(unknown path, missing or refused token) in the contract's error shape, as the
GatewayResponses in infra/ make API Gateway answer in AWS."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any

from chalice.app import Chalice
from chalice.config import Config
from chalice.local import LocalGateway, LocalGatewayException

from chalicelib.http.edge import JSON_HEADERS, header
from chalicelib.http.errors import STATUS_OF, error_body
from chalicelib.http.language import language_of


@dataclass(frozen=True)
class GatewayAnswer:
    status: int
    headers: dict[str, str]
    body: bytes


class _ClientAwareGateway(LocalGateway):
    """LocalGateway reports every client as 127.0.0.1; this one passes the real address on."""

    client = threading.local()

    def _generate_lambda_event(self, method: str, path: str, headers: Any, body: Any) -> dict[str, Any]:
        event: dict[str, Any] = super()._generate_lambda_event(method, path, headers, body)
        event["requestContext"]["identity"]["sourceIp"] = getattr(self.client, "ip", "127.0.0.1")
        return event


class Gateway:
    def __init__(self, app: Chalice) -> None:
        config = Config.create(chalice_stage="local", app_name=app.app_name, lambda_timeout=30)
        self._gateway = _ClientAwareGateway(app, config)

    def handle(
        self, method: str, path: str, headers: dict[str, str], body: bytes, client_ip: str
    ) -> GatewayAnswer:
        _ClientAwareGateway.client.ip = client_ip
        try:
            response = self._gateway.handle_request(method, path, headers, body)
        except LocalGatewayException as refusal:
            return self._refusal(refusal, headers)
        out_headers = {k: str(v) for k, v in (response.get("headers") or {}).items()}
        raw = response.get("body") or b""
        if response.get("isBase64Encoded"):
            import base64

            raw = base64.b64decode(raw)
        return GatewayAnswer(
            int(response["statusCode"]), out_headers, raw if isinstance(raw, bytes) else raw.encode()
        )

    @staticmethod
    def _refusal(refusal: LocalGatewayException, headers: dict[str, str]) -> GatewayAnswer:
        # 401: no token. 403 with "Missing Authentication Token", or with API Gateway's
        # complaint that an Authorization header is no AWS signature (INCOMPLETE_SIGNATURE):
        # no such path. 403 otherwise: the authorizer refused the token, the contract's 401.
        body = refusal.body or b""
        missing_route = refusal.CODE == 403 and (
            b"Missing Authentication Token" in body or b"Authorization header requires" in body
        )
        code = "not_found" if missing_route else "unauthorized"
        lang = language_of(header(headers, "accept-language"))
        return GatewayAnswer(STATUS_OF[code], dict(JSON_HEADERS), json.dumps(error_body(code, lang)).encode())
