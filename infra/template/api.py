"""API Gateway: stage throttling, its own answers in the contract's shape, access and execution logs."""

from __future__ import annotations

import json

from infra.template.stage import API_STAGE, StageConfig, Template

# API Gateway stage throttling (every method): the steady rate and the bucket for bursts.
# 400 tickets and ~5,000 lookups a day average well under 1 request/s; the rush when a day
# opens is what the burst is for.
THROTTLE_RATE_PER_SECOND = 50
THROTTLE_BURST = 100

# What API Gateway itself answers (never reaching the app), as the contract's error body.
# (code, extra headers), the status is the code's (chalicelib.core.errors.ERROR_CODES);
# local/gateway.py answers the same way on one machine.
GATEWAY_RESPONSES: dict[str, tuple[str, dict[str, str]]] = {
    "UNAUTHORIZED": ("unauthorized", {}),  # no token
    "ACCESS_DENIED": ("unauthorized", {}),  # the authorizer refused the token
    "EXPIRED_TOKEN": ("unauthorized", {}),
    "MISSING_AUTHENTICATION_TOKEN": ("not_found", {}),  # API Gateway's word for an unknown path
    "INCOMPLETE_SIGNATURE": ("not_found", {}),  # the same, when the request has an Authorization header
    "RESOURCE_NOT_FOUND": ("not_found", {}),
    "REQUEST_TOO_LARGE": ("payload_too_large", {}),
    "UNSUPPORTED_MEDIA_TYPE": ("unsupported_media_type", {}),
    "THROTTLED": ("rate_limited", {"Retry-After": "1"}),  # stage throttling
    "QUOTA_EXCEEDED": ("rate_limited", {"Retry-After": "60"}),
    "WAF_FILTERED": ("forbidden", {}),
    "INTEGRATION_FAILURE": ("unavailable", {"Retry-After": "5"}),
    "INTEGRATION_TIMEOUT": ("unavailable", {"Retry-After": "5"}),
    "AUTHORIZER_FAILURE": ("unavailable", {"Retry-After": "5"}),  # e.g. SSM unreachable
    "AUTHORIZER_CONFIGURATION_ERROR": ("internal_error", {}),
    "DEFAULT_4XX": ("invalid_request", {}),
    "DEFAULT_5XX": ("internal_error", {}),
}

# One line per request; API Gateway has no variable holding a request body, and none of the
# ones below holds a query string, a header value or the client's address (docs/DESIGN.md, Privacy):
# what an operator needs is which route answered what, and how fast.
ACCESS_LOG_FIELDS = {
    "requestId": "$context.requestId",
    "requestTime": "$context.requestTimeEpoch",
    "method": "$context.httpMethod",
    "resource": "$context.resourcePath",
    "status": "$context.status",
    "responseLength": "$context.responseLength",
    "latencyMs": "$context.responseLatency",
    "integrationLatencyMs": "$context.integrationLatency",
    "integrationStatus": "$context.integrationStatus",
    "errorType": "$context.error.responseType",
    "wafStatus": "$context.waf.status",
}


def gateway_responses() -> Template:
    """API Gateway's own answers, in the contract's shape (Indonesian, the default language)."""
    from chalicelib.http.edge import JSON_HEADERS
    from chalicelib.http.errors import STATUS_OF, error_body

    responses: Template = {}
    for response_type, (code, headers) in GATEWAY_RESPONSES.items():
        all_headers = {"Cache-Control": JSON_HEADERS["Cache-Control"], **headers}
        responses[response_type] = {
            "StatusCode": str(STATUS_OF[code]),
            "ResponseTemplates": {"application/json": json.dumps(error_body(code, "id"), ensure_ascii=False)},
            "ResponseParameters": {"Headers": {name: f"'{value}'" for name, value in all_headers.items()}},
        }
    return responses


def access_log_format() -> str:
    return json.dumps(ACCESS_LOG_FIELDS, separators=(",", ":"))


def _api(stage: StageConfig) -> Template:
    return {
        "RestAPI": {
            "DependsOn": ["ApiGatewayAccount"],  # access logs need the account's CloudWatch role first
            "Properties": {
                "Name": f"loket-{stage.name}",  # the ApiName the 5xx alarm watches
                "DefinitionBody": {"info": {"title": f"loket-{stage.name}"}},
                "MethodSettings": [
                    {
                        "HttpMethod": "*",
                        "ResourcePath": "/*",
                        "ThrottlingRateLimit": THROTTLE_RATE_PER_SECOND,
                        "ThrottlingBurstLimit": THROTTLE_BURST,
                        "MetricsEnabled": True,
                        "LoggingLevel": "ERROR",
                        "DataTraceEnabled": False,  # never log request or response bodies
                    }
                ],
                "AccessLogSetting": {
                    "DestinationArn": {"Fn::GetAtt": ["ApiAccessLogs", "Arn"]},
                    "Format": access_log_format(),
                },
                "GatewayResponses": gateway_responses(),
                "Tags": {"app": "loket", "stage": stage.name},
            },
        },
        "ApiAccessLogs": {
            "Type": "AWS::Logs::LogGroup",
            "DeletionPolicy": "Delete",
            "UpdateReplacePolicy": "Delete",
            "Properties": {
                "LogGroupName": f"/aws/apigateway/loket-{stage.name}-access",
                "RetentionInDays": stage.log_retention_days,
            },
        },
        # Execution logs (errors only, no data trace) go where API Gateway names them; made
        # here so that they expire too.
        "ApiExecutionLogs": {
            "Type": "AWS::Logs::LogGroup",
            "DeletionPolicy": "Delete",
            "UpdateReplacePolicy": "Delete",
            "Properties": {
                "LogGroupName": {"Fn::Sub": f"API-Gateway-Execution-Logs_${{RestAPI}}/{API_STAGE}"},
                "RetentionInDays": stage.log_retention_days,
            },
        },
        # API Gateway writes logs through one role per account and region (shared by stages).
        "ApiGatewayCloudWatchRole": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "apigateway.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                },
                "ManagedPolicyArns": [
                    {
                        "Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
                    }
                ],
            },
        },
        "ApiGatewayAccount": {
            "Type": "AWS::ApiGateway::Account",
            "Properties": {"CloudWatchRoleArn": {"Fn::GetAtt": ["ApiGatewayCloudWatchRole", "Arn"]}},
        },
    }
