"""Where HTTP meets the handlers: one place maps every outcome, error or not, to a response."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from chalice.app import AuthRequest, AuthResponse, Chalice, Request, Response

from chalicelib.core.errors import LoketError
from chalicelib.http.errors import CODE_FOR_STATUS, error_body, error_parts, is_contract_error
from chalicelib.http.language import language_of
from chalicelib.http.requests import language
from chalicelib.logs import log

JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"}

# The methods an API Gateway REST API can route. Any other (TRACE, PROPFIND, a made-up one) is
# answered 405 on every path before routing: by the WAF in AWS (infra/template/waf.py), by
# local/http_server.py on one machine.
GATEWAY_METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")


def header(headers: Mapping[str, str] | None, name: str) -> str | None:
    """A header's value, whatever its casing: API Gateway hands the Lambda the client's own."""
    wanted = name.lower()
    return next((value for key, value in (headers or {}).items() if key.lower() == wanted), None)


class LoketChalice(Chalice):
    """Chalice, with what the framework answers by itself (405 from routing, 415, a crash)
    rewritten into the contract's error shape."""

    _serving = threading.local()

    @property  # type: ignore[override]
    def current_request(self) -> Request | None:
        """The request this thread is serving. Chalice keeps one attribute per app: the
        local server's threads overwrote it for each other, so a resident could be answered
        with another's NIK (1 in 10,000 requests from 64 threads). In Lambda: one thread."""
        return getattr(self._serving, "request", None)

    @current_request.setter
    def current_request(self, request: Request | None) -> None:
        self._serving.request = request

    def __call__(self, event: Any, context: Any) -> dict[str, Any]:
        response: dict[str, Any] = super().__call__(event, context)
        if not isinstance(response, dict) or "statusCode" not in response:
            return response
        status = int(response["statusCode"])
        if status >= 400 and not is_contract_error(response.get("body")):
            lang = language_of(header((event or {}).get("headers"), "accept-language"))
            code = CODE_FOR_STATUS.get(status, "internal_error")
            response["body"] = json.dumps(error_body(code, lang))
            response["headers"] = {**(response.get("headers") or {}), **JSON_HEADERS}
            response.pop("isBase64Encoded", None)
        return response


Handler = Callable[..., tuple[int, dict[str, Any]]]


class Edge:
    """Runs a handler for the app's current request and answers with JSON, whatever happens."""

    def __init__(self, app: Chalice) -> None:
        self._app = app

    def __call__(self, handler: Handler, **params: str) -> Response:
        request = self._app.current_request
        assert request is not None, "edge runs only inside a request"
        started = time.perf_counter()
        headers: dict[str, str] = {}
        try:
            status, body = handler(request, **params)
        except LoketError as error:
            status, headers, body = error_parts(error, language(request))
        except Exception as error:  # a bug or an unexpected AWS fault: never the input's fault
            from chalicelib.settings import SettingsError

            # A setting's refusal names the variable and never its value: the operator's clue.
            detail = {"detail": str(error)} if isinstance(error, SettingsError) else {}
            log(
                "unhandled_error",
                logging.ERROR,
                handler=handler.__name__,
                error=type(error).__name__,
                **detail,
            )
            status, body = 500, error_body("internal_error", language(request))
        log(
            "request",
            handler=handler.__name__,
            method=request.method,
            status=status,
            ms=round((time.perf_counter() - started) * 1000, 1),
            request_id=(request.context or {}).get("requestId"),
        )
        return Response(body=body, status_code=status, headers={**JSON_HEADERS, **headers})


def authorize(auth_request: AuthRequest) -> AuthResponse:
    """The built-in authorizer: a valid token may reach every admin route, carrying its role;
    the route checks the role (403). Anything else is denied (401 at the gateway).

    Two kinds of token: loket's own HS256 tokens (`make token`, scripts, residents), and the
    access tokens of the staff's Cognito user pool (RS256), which Cognito checks
    (http/staff_identity.py). A person in none of the pool's groups passes with no role: 403."""
    from chalicelib.http.auth import bearer_token, is_rs256, verify
    from chalicelib.settings import secret, settings

    config = settings()
    subject: str
    role: str
    try:
        token = bearer_token(auth_request.token)
        if config.staff_pool is not None and is_rs256(token):
            from chalicelib import runtime
            from chalicelib.http.staff_identity import check_access_token

            member = check_access_token(config.staff_pool, token, runtime.now())
            subject, role = member.username, member.role or ""
        else:
            principal = verify(
                auth_request.token, secret("LOKET_JWT_SECRET"), config.jwt_issuer, config.jwt_audience
            )
            subject, role = principal.subject, principal.role
    except LoketError as refusal:  # Unavailable too: Cognito unreachable is no way in
        log("token_refused", reason=refusal.code)
        return AuthResponse(routes=[], principal_id="anonymous")
    return AuthResponse(routes=["*"], principal_id=subject, context={"role": role})


def answer_other_methods(app: Chalice, edge: Edge) -> None:
    """Register, for every path, a 405 view for each method it does not serve.

    The views run no handler and touch nothing, so they need no token: a wrong method is
    405 for everyone, as the contract says, on admin paths too. HEAD and OPTIONS as well:
    API Gateway derives neither from GET (it would call them an unknown path, 404), and no
    route needs CORS, the page being served from the API's own origin."""
    from chalicelib.http.handlers import method_not_allowed

    def view(**params: str) -> Response:
        return edge(method_not_allowed)

    for index, (path, entries) in enumerate(sorted(app.routes.items())):
        others = [m for m in GATEWAY_METHODS if m not in entries]
        if others:
            app.route(path, methods=others, name=f"method_not_allowed_{index}", content_types=["*/*"])(view)
