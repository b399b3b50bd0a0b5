"""Methods in AWS answer as `make run` answers them: API Gateway routes its seven methods on
every path to the function (whose 405 views answer those a path does not serve), and the WAF
answers every other method 405 on every path, with the body the local server sends."""

from __future__ import annotations

import http.client
import json
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.support.templates import Template, resources_of

pytestmark = pytest.mark.usefixtures("no_ticket_proof")  # the counter's rules, without phones

SEVEN = {"get", "post", "put", "delete", "patch", "head", "options"}  # what API Gateway can route


def _waf_rules(template: Template) -> list[Template]:
    [acl] = resources_of(template, "AWS::WAFv2::WebACL").values()
    return list(acl["Properties"]["Rules"])


def _matches(statement: Template, method: str) -> bool:
    """WAF's evaluation of the statements a method rule may use, on the request's method."""
    if "NotStatement" in statement:
        return not _matches(statement["NotStatement"]["Statement"], method)
    if "OrStatement" in statement:
        return any(_matches(s, method) for s in statement["OrStatement"]["Statements"])
    if "AndStatement" in statement:
        return all(_matches(s, method) for s in statement["AndStatement"]["Statements"])
    match = statement["ByteMatchStatement"]
    assert match["FieldToMatch"] == {"Method": {}} and match["PositionalConstraint"] == "EXACTLY"
    assert match["TextTransformations"] == [{"Priority": 0, "Type": "NONE"}]
    return bool(method == match["SearchString"])


def _method_rule(template: Template) -> Template:
    [rule] = [
        r for r in _waf_rules(template) if "Method" in json.dumps(r.get("Statement", {})) and "Action" in r
    ]
    return rule


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_api_gateway_routes_all_seven_methods_on_every_path(
    templates: dict[str, Template], stage: str
) -> None:
    paths: dict[str, Any] = templates[stage]["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]["paths"]
    assert {"/", "/v1/tickets", "/v1/admin/quota/{day}"} <= set(paths)
    for path, operations in paths.items():
        assert set(operations) - {"parameters"} == SEVEN, path
        for method in SEVEN:
            assert operations[method]["x-amazon-apigateway-integration"]["type"] == "aws_proxy", (
                path,
                method,
            )


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_the_waf_blocks_exactly_the_methods_api_gateway_cannot_route(
    templates: dict[str, Template], stage: str
) -> None:
    rule = _method_rule(templates[stage])
    blocked = ["TRACE", "CONNECT", "PROPFIND", "MKCOL", "BREW", "get", "Get", "GETS", ""]
    allowed = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]
    assert [m for m in blocked if not _matches(rule["Statement"], m)] == []
    assert [m for m in allowed if _matches(rule["Statement"], m)] == []
    priorities = [r["Priority"] for r in _waf_rules(templates[stage])]
    assert len(priorities) == len(set(priorities))


def test_the_waf_answers_those_methods_as_the_local_server_does(templates: dict[str, Template]) -> None:
    from app import app
    from local.http_server import HttpServer

    acl = next(iter(resources_of(templates["prod"], "AWS::WAFv2::WebACL").values()))["Properties"]
    response = _method_rule(templates["prod"])["Action"]["Block"]["CustomResponse"]
    in_aws = acl["CustomResponseBodies"][response["CustomResponseBodyKey"]]
    assert in_aws["ContentType"] == "APPLICATION_JSON"

    server = HttpServer(app, port=0).start()
    try:
        address = urlsplit(server.url)
        connection = http.client.HTTPConnection(address.hostname or "127.0.0.1", address.port, timeout=10)
        connection.request("TRACE", "/v1/tickets")
        local = connection.getresponse()
        local_body = json.loads(local.read())
        connection.close()
    finally:
        server.stop()
    assert response["ResponseCode"] == local.status == 405
    assert json.loads(in_aws["Content"]) == local_body
    assert local_body["error"]["code"] == "method_not_allowed"


def test_an_unknown_path_with_an_authorization_header_is_404_in_aws_as_locally(
    templates: dict[str, Template],
) -> None:
    from app import app
    from local.gateway import Gateway

    local = Gateway(app).handle(
        "GET", "/v1/no-such-path", {"authorization": "Bearer x.y.z"}, b"", "127.0.0.1"
    )
    in_aws = templates["prod"]["Resources"]["RestAPI"]["Properties"]["GatewayResponses"][
        "INCOMPLETE_SIGNATURE"
    ]
    assert int(in_aws["StatusCode"]) == local.status == 404
    assert json.loads(in_aws["ResponseTemplates"]["application/json"]) == json.loads(local.body)
