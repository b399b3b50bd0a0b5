"""The packaged template holds what loket needs in AWS: tables for every model, the midnight
schedule, alarms, a throttled and WAF-guarded API that logs no body, and API Gateway's own
answers in the contract's error shape."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pynamodb.attributes import TTLAttribute

from chalicelib.store.models import MODELS
from tests.support.templates import Template, resources_of

STAGES = ["dev", "prod"]

# Written out here, not read from infra/template/ or the models: what the template must hold.
TABLE_KEYS = {  # kind: (hash key, range key or None); every key attribute is a string
    "applications": ("nik_key", "service"),
    "day-counters": ("site", "service_day"),
    "sites": ("site", None),
    "audit": ("log", "entry_id"),
    "rate-limits": ("window_key", None),
    "whatsapp-messages": ("message_id", None),
    "verifications": ("text_key", None),
    "holds": ("site", "nik_holder_key"),
    "slots": ("slots_key", None),
    "tickets": ("code", None),
    "queues": ("site", "service_day"),
}
EXPIRING_TABLES = {
    "rate-limits": "expires_at",
    "whatsapp-messages": "expires_at",
    "verifications": "expires_at",
    "holds": "expires_at",
    "slots": "expires_at",
}
# Beside the key attributes, what the tables' indexes are keyed by (name: attribute types).
INDEX_KEYS = {"tickets": {"site_day": "S", "number": "N"}}
ACCESS_LOG_LINE = {
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
GATEWAY_ANSWERS = {  # API Gateway's response type: (status, the contract's error code)
    "UNAUTHORIZED": (401, "unauthorized"),
    "ACCESS_DENIED": (401, "unauthorized"),
    "EXPIRED_TOKEN": (401, "unauthorized"),
    "MISSING_AUTHENTICATION_TOKEN": (404, "not_found"),
    "INCOMPLETE_SIGNATURE": (404, "not_found"),  # an unknown path asked with an Authorization header
    "RESOURCE_NOT_FOUND": (404, "not_found"),
    "REQUEST_TOO_LARGE": (413, "payload_too_large"),
    "UNSUPPORTED_MEDIA_TYPE": (415, "unsupported_media_type"),
    "THROTTLED": (429, "rate_limited"),
    "QUOTA_EXCEEDED": (429, "rate_limited"),
    "WAF_FILTERED": (403, "forbidden"),
    "INTEGRATION_FAILURE": (503, "unavailable"),
    "INTEGRATION_TIMEOUT": (503, "unavailable"),
    "AUTHORIZER_FAILURE": (503, "unavailable"),
    "AUTHORIZER_CONFIGURATION_ERROR": (500, "internal_error"),
    "DEFAULT_4XX": (400, "invalid_request"),
    "DEFAULT_5XX": (500, "internal_error"),
}
# docs/DESIGN.md, Privacy: application logs and the API's request logs (which hold no address) 14 days
# in dev and 90 in prod; the WAF's log of blocked requests, which keeps their address, 7 days.
RETENTION_DAYS = {"dev": 14, "prod": 90}
WAF_LOG_RETENTION_DAYS = 7


def _tables_by_name(template: Template) -> dict[str, Template]:
    tables = resources_of(template, "AWS::DynamoDB::Table").values()
    return {t["Properties"]["TableName"]: t for t in tables}


@pytest.mark.parametrize("stage", STAGES)
def test_every_model_has_its_table_with_the_models_keys(templates: dict[str, Template], stage: str) -> None:
    tables = _tables_by_name(templates[stage])
    assert len(tables) == len(MODELS)
    for kind, model in MODELS.items():
        table = tables[f"loket-{stage}-{kind}"]["Properties"]
        schema = model._get_schema()
        key_types = {k["AttributeName"]: k["KeyType"] for k in schema["key_schema"]}
        assert {k["AttributeName"]: k["KeyType"] for k in table["KeySchema"]} == key_types
        assert table["KeySchema"][0]["KeyType"] == "HASH"
        definitions = {a["AttributeName"]: a["AttributeType"] for a in schema["attribute_definitions"]}
        assert {a["AttributeName"]: a["AttributeType"] for a in table["AttributeDefinitions"]} == definitions


@pytest.mark.parametrize("stage", STAGES)
def test_the_tables_are_named_for_the_stage_with_the_keys_loket_reads_them_by(
    templates: dict[str, Template], stage: str
) -> None:
    keys = {}
    for name, table in _tables_by_name(templates[stage]).items():
        schema = {k["KeyType"]: k["AttributeName"] for k in table["Properties"]["KeySchema"]}
        keys[name] = (schema["HASH"], schema.get("RANGE"))
        types = {a["AttributeName"]: a["AttributeType"] for a in table["Properties"]["AttributeDefinitions"]}
        kind = name.removeprefix(f"loket-{stage}-")
        assert types == {**dict.fromkeys(filter(None, keys[name]), "S"), **INDEX_KEYS.get(kind, {})}, name
    assert keys == {f"loket-{stage}-{kind}": key for kind, key in TABLE_KEYS.items()}


@pytest.mark.parametrize("stage", STAGES)
def test_every_table_is_on_demand_recoverable_and_encrypted(
    templates: dict[str, Template], stage: str
) -> None:
    for name, table in _tables_by_name(templates[stage]).items():
        properties = table["Properties"]
        assert properties["BillingMode"] == "PAY_PER_REQUEST", name
        assert properties["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}, name
        assert properties["SSESpecification"]["SSEEnabled"] is True, name


@pytest.mark.parametrize("stage", STAGES)
def test_tables_whose_records_expire_let_dynamodb_delete_them(
    templates: dict[str, Template], stage: str
) -> None:
    tables = _tables_by_name(templates[stage])
    for kind, model in MODELS.items():
        ttl = [a.attr_name for a in model.get_attributes().values() if isinstance(a, TTLAttribute)]
        spec = tables[f"loket-{stage}-{kind}"]["Properties"].get("TimeToLiveSpecification")
        assert spec == ({"AttributeName": ttl[0], "Enabled": True} if ttl else None), kind
    ttls = {
        name: table["Properties"]["TimeToLiveSpecification"]
        for name, table in tables.items()
        if "TimeToLiveSpecification" in table["Properties"]
    }
    assert ttls == {
        f"loket-{stage}-{kind}": {"AttributeName": attribute, "Enabled": True}
        for kind, attribute in EXPIRING_TABLES.items()
    }


def test_production_tables_cannot_be_deleted_and_development_ones_can(templates: dict[str, Template]) -> None:
    for table in _tables_by_name(templates["prod"]).values():
        assert table["Properties"]["DeletionProtectionEnabled"] is True
        assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain"
    for table in _tables_by_name(templates["dev"]).values():
        assert table["Properties"]["DeletionProtectionEnabled"] is False
        assert table["DeletionPolicy"] == "Delete"


def test_the_rollover_runs_at_midnight_in_jakarta(templates: dict[str, Template]) -> None:
    events = templates["prod"]["Resources"]["Rollover"]["Properties"]["Events"]
    schedules = [e["Properties"]["Schedule"] for e in events.values() if e["Type"] == "Schedule"]
    assert schedules == ["cron(0 17 * * ? *)"]  # 17:00 UTC = 00:00 WIB


@pytest.mark.parametrize("stage", STAGES)
def test_alarms_watch_every_function_and_every_table(templates: dict[str, Template], stage: str) -> None:
    template = templates[stage]
    alarms = list(resources_of(template, "AWS::CloudWatch::Alarm").values())
    watched = set()
    for alarm in alarms:
        properties = alarm["Properties"]
        assert properties["AlarmActions"] == [{"Ref": "AlarmTopic"}]
        for stat in [
            properties,
            *(m["MetricStat"]["Metric"] for m in properties.get("Metrics", []) if "MetricStat" in m),
        ]:
            for dimension in stat.get("Dimensions", []):
                watched.add((stat["MetricName"], json.dumps(dimension["Value"])))
    for function in resources_of(template, "AWS::Serverless::Function"):
        for metric in ("Errors", "Throttles"):
            assert (metric, json.dumps({"Ref": function})) in watched, (function, metric)
    for table in resources_of(template, "AWS::DynamoDB::Table"):
        for metric in ("ReadThrottleEvents", "WriteThrottleEvents"):
            assert (metric, json.dumps({"Ref": table})) in watched, (table, metric)


@pytest.mark.parametrize("stage", STAGES)
def test_the_api_stage_is_throttled_and_logs_no_body(templates: dict[str, Template], stage: str) -> None:
    api = templates[stage]["Resources"]["RestAPI"]["Properties"]
    [settings] = api["MethodSettings"]
    assert (settings["HttpMethod"], settings["ResourcePath"]) == ("*", "/*")
    assert 0 < settings["ThrottlingRateLimit"] <= settings["ThrottlingBurstLimit"]
    assert settings["DataTraceEnabled"] is False  # execution logs without request/response data
    log_format = api["AccessLogSetting"]["Format"]
    fields = json.loads(log_format)
    assert fields == ACCESS_LOG_LINE
    assert all(value.startswith("$context.") for value in fields.values())
    for leak in ("$input", "body", "querystring", "header", "authorizer", "path}", "identity", "sourceip"):
        assert leak not in log_format.lower(), leak
    assert "$context.path" not in fields.values()  # the template path only: /v1/admin/quota/{day}


@pytest.mark.parametrize("stage", STAGES)
def test_the_waf_logs_blocked_requests_only_without_token_cookies_forwarded_addresses_or_query(
    templates: dict[str, Template], stage: str
) -> None:
    [logging] = resources_of(templates[stage], "AWS::WAFv2::LoggingConfiguration").values()
    properties = logging["Properties"]
    assert properties["LogDestinationConfigs"] == [{"Fn::GetAtt": ["WafLogs", "Arn"]}]
    redacted = properties["RedactedFields"]
    assert {json.dumps(field, sort_keys=True) for field in redacted} == {
        '{"SingleHeader": {"Name": "authorization"}}',
        '{"SingleHeader": {"Name": "cookie"}}',
        '{"SingleHeader": {"Name": "x-forwarded-for"}}',
        '{"SingleHeader": {"Name": "forwarded"}}',
        '{"QueryString": {}}',
    }
    assert properties["LoggingFilter"] == {
        "DefaultBehavior": "DROP",
        "Filters": [
            {
                "Behavior": "KEEP",
                "Requirement": "MEETS_ANY",
                "Conditions": [{"ActionCondition": {"Action": "BLOCK"}}],
            }
        ],
    }


@pytest.mark.parametrize("stage", STAGES)
def test_every_log_group_expires_after_the_days_the_readme_states(
    templates: dict[str, Template], stage: str
) -> None:
    days = RETENTION_DAYS[stage]
    groups = resources_of(templates[stage], "AWS::Logs::LogGroup")
    retention = {name: group["Properties"].get("RetentionInDays") for name, group in groups.items()}
    assert retention == {
        "ApiHandlerLogGroup": days,
        "BearerLogGroup": days,
        "RolloverLogGroup": days,
        "RepairLogGroup": days,
        "StageImportLogGroup": days,
        "WhatsappRepliesLogGroup": days,
        "ApiAccessLogs": days,
        "ApiExecutionLogs": days,
        "WafLogs": WAF_LOG_RETENTION_DAYS,
    }
    assert groups["WafLogs"]["Properties"]["LogGroupName"] == f"aws-waf-logs-loket-{stage}"
    assert groups["ApiAccessLogs"]["Properties"]["LogGroupName"] == f"/aws/apigateway/loket-{stage}-access"


@pytest.mark.parametrize("stage", STAGES)
def test_a_waf_rate_rule_guards_the_api_stage(
    templates: dict[str, Template], expanded: dict[str, Path], stage: str
) -> None:
    [acl] = resources_of(templates[stage], "AWS::WAFv2::WebACL").values()
    assert acl["Properties"]["Scope"] == "REGIONAL"
    rates = [
        r["Statement"]["RateBasedStatement"]
        for r in acl["Properties"]["Rules"]
        if "NotStatement" in r["Statement"].get("RateBasedStatement", {}).get("ScopeDownStatement", {})
    ]
    assert len(rates) == 1 and rates[0]["AggregateKeyType"] == "IP" and rates[0]["Limit"] >= 10
    # As CloudFormation sees it after the SAM transform: associated with the stage SAM makes.
    resources = json.loads(expanded[stage].read_text())["Resources"]
    [association] = resources_of({"Resources": resources}, "AWS::WAFv2::WebACLAssociation").values()
    arn = association["Properties"]["ResourceArn"]["Fn::Sub"]
    stage_id = arn.rsplit("${", 1)[1].rstrip("}")
    assert resources[stage_id]["Type"] == "AWS::ApiGateway::Stage"
    assert resources[stage_id]["Properties"]["StageName"] == "api"
    assert "/restapis/${RestAPI}/stages/" in arn


WEBHOOK_PATH = {
    "ByteMatchStatement": {
        "FieldToMatch": {"UriPath": {}},
        "PositionalConstraint": "ENDS_WITH",
        "SearchString": "/v1/whatsapp/webhook",
        "TextTransformations": [{"Priority": 0, "Type": "NONE"}],
    }
}


@pytest.mark.parametrize("stage", STAGES)
def test_one_address_cannot_take_the_webhook_s_throttle_from_meta(
    templates: dict[str, Template], stage: str
) -> None:
    """The general rate rule exempts the webhook (Meta sends everyone's messages from few
    addresses); the webhook has a rule of its own, higher than the general one, and low
    enough that one address gets at most half of what the stage lets through per method."""
    [acl] = resources_of(templates[stage], "AWS::WAFv2::WebACL").values()
    rules = {r["Name"]: r for r in acl["Properties"]["Rules"]}
    general = rules["rate-per-ip"]["Statement"]["RateBasedStatement"]
    assert general["ScopeDownStatement"] == {"NotStatement": {"Statement": WEBHOOK_PATH}}
    webhook_rule = rules["webhook-rate-per-ip"]
    webhook = webhook_rule["Statement"]["RateBasedStatement"]
    assert webhook["ScopeDownStatement"] == WEBHOOK_PATH
    assert webhook["AggregateKeyType"] == "IP"
    block = webhook_rule["Action"]["Block"]["CustomResponse"]
    assert (block["ResponseCode"], block["CustomResponseBodyKey"]) == (429, "rate_limited")
    assert {"Name": "Retry-After", "Value": "300"} in block["ResponseHeaders"]
    per_second = webhook["Limit"] / webhook["EvaluationWindowSec"]
    assert per_second > general["Limit"] / general["EvaluationWindowSec"]
    [throttle] = templates[stage]["Resources"]["RestAPI"]["Properties"]["MethodSettings"]
    assert per_second <= throttle["ThrottlingRateLimit"] / 2
    priorities = [r["Priority"] for r in acl["Properties"]["Rules"]]
    assert len(set(priorities)) == len(priorities)


def test_api_gateway_answers_unknown_paths_and_refused_tokens_as_the_local_gateway_does(
    templates: dict[str, Template],
) -> None:
    from app import app
    from local.gateway import Gateway

    gateway = Gateway(app)
    responses = templates["prod"]["Resources"]["RestAPI"]["Properties"]["GatewayResponses"]
    cases = {
        "MISSING_AUTHENTICATION_TOKEN": ("GET", "/v1/no-such-path", {}),
        "UNAUTHORIZED": ("GET", "/v1/admin/audit", {}),
        "ACCESS_DENIED": ("GET", "/v1/admin/audit", {"Authorization": "Bearer not-a-token"}),
    }
    for response_type, (method, path, headers) in cases.items():
        local = gateway.handle(method, path, headers, b"", "127.0.0.1")
        in_aws = responses[response_type]
        assert int(in_aws["StatusCode"]) == local.status, response_type
        assert json.loads(in_aws["ResponseTemplates"]["application/json"]) == json.loads(local.body), (
            response_type
        )


def test_every_answer_of_api_gateway_itself_has_the_contracts_error_shape(
    templates: dict[str, Template],
) -> None:
    from chalicelib.http.errors import STATUS_OF

    responses: dict[str, Any] = templates["prod"]["Resources"]["RestAPI"]["Properties"]["GatewayResponses"]
    answers = {
        response_type: (
            int(response["StatusCode"]),
            json.loads(response["ResponseTemplates"]["application/json"])["error"]["code"],
        )
        for response_type, response in responses.items()
    }
    assert answers == GATEWAY_ANSWERS
    for response_type, response in responses.items():
        body = json.loads(response["ResponseTemplates"]["application/json"])
        code = body["error"]["code"]
        assert set(body) == {"error"} and body["error"]["message"], response_type
        assert STATUS_OF[code] == int(response["StatusCode"]), response_type
        if int(response["StatusCode"]) in (429, 503):
            assert "Retry-After" in response["ResponseParameters"]["Headers"], response_type


@pytest.mark.parametrize("stage", STAGES)
def test_a_file_put_under_imports_invokes_the_stage_import(expanded: dict[str, Path], stage: str) -> None:
    resources = json.loads(expanded[stage].read_text())["Resources"]
    bucket = resources["ImportBucket"]["Properties"]
    [notification] = bucket["NotificationConfiguration"]["LambdaConfigurations"]
    assert notification["Event"] == "s3:ObjectCreated:*"
    assert notification["Filter"]["S3Key"]["Rules"] == [{"Name": "prefix", "Value": "imports/"}]
    assert notification["Function"] == {"Fn::GetAtt": ["StageImport", "Arn"]}
    permissions = resources_of({"Resources": resources}, "AWS::Lambda::Permission").values()
    assert any(
        p["Properties"]["Principal"] == "s3.amazonaws.com"
        and p["Properties"]["FunctionName"] == {"Ref": "StageImport"}
        for p in permissions
    )
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert {r["Prefix"] for r in bucket["LifecycleConfiguration"]["Rules"] if "ExpirationInDays" in r} == {
        "imports/",
        "imports-rejected/",
    }


@pytest.mark.parametrize("stage", STAGES)
def test_the_webhook_queues_replies_where_the_reply_worker_reads_them(
    templates: dict[str, Template], stage: str
) -> None:
    resources = templates[stage]["Resources"]
    env = resources["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert env["WHATSAPP_REPLY_QUEUE_URL"] == {"Ref": "WhatsAppReplyQueue"}
    [event] = resources["WhatsappReplies"]["Properties"]["Events"].values()
    assert event["Type"] == "SQS"
    assert event["Properties"]["Queue"] == {"Fn::Sub": "${WhatsAppReplyQueue.Arn}"}
    queue = resources["WhatsAppReplyQueue"]["Properties"]
    assert queue["QueueName"] == f"loket-{stage}-whatsapp-replies"
    assert queue["VisibilityTimeout"] >= resources["WhatsappReplies"]["Properties"]["Timeout"]


@pytest.mark.parametrize("stage", STAGES)
def test_the_staff_pool_takes_only_accounts_an_admin_creates_under_the_password_policy(
    templates: dict[str, Template], stage: str
) -> None:
    [pool] = resources_of(templates[stage], "AWS::Cognito::UserPool").values()
    properties = pool["Properties"]
    assert properties["AdminCreateUserConfig"] == {"AllowAdminCreateUserOnly": True}
    policy = properties["Policies"]["PasswordPolicy"]
    assert {k: policy[k] for k in policy if k != "TemporaryPasswordValidityDays"} == {
        "MinimumLength": 10,
        "RequireUppercase": True,
        "RequireLowercase": True,
        "RequireNumbers": True,
        "RequireSymbols": False,
    }
    assert pool["DeletionPolicy"] == ("Retain" if stage == "prod" else "Delete")


@pytest.mark.parametrize("stage", STAGES)
def test_the_staff_pool_has_the_three_groups_admin_strongest(
    templates: dict[str, Template], stage: str
) -> None:
    groups = resources_of(templates[stage], "AWS::Cognito::UserPoolGroup").values()
    by_precedence = sorted((g["Properties"]["Precedence"], g["Properties"]["GroupName"]) for g in groups)
    assert [name for _, name in by_precedence] == ["admin", "staff", "operator"]
    assert all(g["Properties"]["UserPoolId"] == {"Ref": "StaffUserPool"} for g in groups)


@pytest.mark.parametrize("stage", STAGES)
def test_the_office_page_s_client_signs_in_by_password_for_an_hour_and_refreshes_for_a_working_day(
    templates: dict[str, Template], stage: str
) -> None:
    [client] = resources_of(templates[stage], "AWS::Cognito::UserPoolClient").values()
    properties = client["Properties"]
    assert properties["GenerateSecret"] is False
    assert sorted(properties["ExplicitAuthFlows"]) == ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_PASSWORD_AUTH"]
    units = properties["TokenValidityUnits"]
    assert (properties["AccessTokenValidity"], units["AccessToken"]) == (1, "hours")
    assert (properties["RefreshTokenValidity"], units["RefreshToken"]) == (12, "hours")
    assert properties["EnableTokenRevocation"] is True
    assert properties["PreventUserExistenceErrors"] == "ENABLED"


@pytest.mark.parametrize("stage", STAGES)
def test_the_api_and_the_authorizer_know_the_staff_pool_and_its_client(
    templates: dict[str, Template], stage: str
) -> None:
    resources = templates[stage]["Resources"]
    for function in ("APIHandler", "Bearer"):
        env = resources[function]["Properties"]["Environment"]["Variables"]
        assert env["LOKET_COGNITO_USER_POOL_ID"] == {"Ref": "StaffUserPool"}, function
        assert env["LOKET_COGNITO_CLIENT_ID"] == {"Ref": "StaffUserPoolClient"}, function
    outputs = templates[stage]["Outputs"]
    assert outputs["StaffUserPoolId"] == {"Value": {"Ref": "StaffUserPool"}}
    assert outputs["StaffUserPoolClientId"] == {"Value": {"Ref": "StaffUserPoolClient"}}


@pytest.mark.parametrize("stage", STAGES)
def test_api_gateway_keeps_the_authorizer_s_verdict_four_minutes(
    expanded: dict[str, Path], stage: str
) -> None:
    """With the instance's 60 s (staff_identity.VERDICT_SECONDS): a disabled person is out
    within 5 minutes."""
    text = expanded[stage].read_text()
    assert '"authorizerResultTtlInSeconds": 240' in text or '"AuthorizerResultTtlInSeconds": 240' in text
