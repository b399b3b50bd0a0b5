"""The project's own CloudFormation resources, merged into chalice's SAM template.

`chalice package --merge-template` deep-merges a template over the one chalice generates:
keys given here win, everything else stays. `merge_template` builds that template for one
stage from three sources, so none of them can drift from the infrastructure:

- the tables: one per model in `chalicelib.store.models.MODELS`, named `{prefix}-{kind}`,
  keys and TTL read from the model;
- the functions: those chalice generated (read from its own template), each given a fixed
  name (`loket-<stage>-<function>`, which its policy file's log ARN names), the Lambda
  runtime, and alarms;
- the answers API Gateway and the WAF give by themselves: status and body read from the
  declaration of each error code (`chalicelib.core.errors.ERROR_CODES`).

IAM is not here: each function's policy is hand-written in `.chalice/policy-<stage>-<fn>.json`
(chalice puts it in the template as written; its `Fn::GetAtt`s name the tables below).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from chalice.utils import to_cfn_resource_name

Template = dict[str, Any]

# python3.11 (the local version, which chalice would pick) can no longer be created or updated
# in Lambda since 2026-07-31 / 2026-08-31; python3.12 is supported until 2028-10-31.
LAMBDA_RUNTIME = "python3.12"
REGION = "ap-southeast-3"
API_STAGE = "api"  # `api_gateway_stage` in .chalice/config.json

# API Gateway stage throttling (every method): the steady rate and the bucket for bursts.
# 400 tickets and ~5,000 lookups a day average well under 1 request/s; the rush when a day
# opens is what the burst is for.
THROTTLE_RATE_PER_SECOND = 50
THROTTLE_BURST = 100
# WAF: requests one IP address may make in 5 minutes before it is answered 429. Generous,
# because mobile carriers put many residents behind one address (CGNAT); the app's own
# per-client limit (LOKET_RATE_LIMIT_PER_MINUTE) is the finer one.
WAF_LIMIT_PER_IP_5_MIN = 2000
WAF_EXEMPT_PATH_SUFFIX = "/v1/whatsapp/webhook"  # Meta delivers every resident's message from few IPs
# WAF cannot leave the client's address out of a log line (and a block is about that address),
# so its log of blocked requests, the only log that holds addresses, is kept for a week only.
WAF_LOG_RETENTION_DAYS = 7
# The webhook's own rule, since the one above exempts it: Meta posts every resident's message
# and three receipts of every reply from few addresses, so it is higher; and one address must
# not take the POST method's stage throttle from Meta (unsigned posts are refused by the app,
# but only after they used it up), so it stays under half of it: 6,000 in 5 minutes is 20/s.
WAF_WEBHOOK_LIMIT_PER_IP_5_MIN = 6000

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
# ones below holds a query string, a header value or the client's address (README, Privacy):
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


@dataclass(frozen=True)
class StageConfig:
    """What the merge template needs to know about one chalice stage."""

    name: str
    table_prefix: str
    log_retention_days: int
    function_names: tuple[str, ...]  # chalice names: keys of `lambda_functions` in config.json

    @property
    def production(self) -> bool:
        return self.name == "prod"

    @classmethod
    def from_config(cls, config: dict[str, Any], stage: str) -> StageConfig:
        settings = config["stages"][stage]
        env = {**config.get("environment_variables", {}), **settings.get("environment_variables", {})}
        return cls(
            name=stage,
            table_prefix=env["LOKET_TABLE_PREFIX"],
            log_retention_days=int(
                settings.get("log_retention_in_days", config.get("log_retention_in_days", 30))
            ),
            function_names=tuple(settings.get("lambda_functions", {})),
        )


def function_logical_id(name: str) -> str:
    """The logical id chalice gives the function it calls `name` in its SAM template."""
    return "APIHandler" if name == "api_handler" else to_cfn_resource_name(name)


def function_name(stage: str, name: str) -> str:
    """The Lambda function's own name, as the log ARN in its policy file spells it."""
    return f"loket-{stage}-{name.replace('_', '-')}"


def table_logical_id(kind: str) -> str:
    return "".join(part.capitalize() for part in kind.split("-")) + "Table"


def import_bucket_name(stage: str) -> dict[str, str]:
    """Bucket names are global: the account id makes this one unique to its account."""
    return {"Fn::Sub": f"loket-{stage}-imports-${{AWS::AccountId}}"}


def merge_template(stage: StageConfig, chalice_template: Template) -> Template:
    """The template to merge over `chalice_template` (chalice's own, for the same stage)."""
    functions = _functions_of(stage, chalice_template)
    resources: Template = {}
    resources.update(_tables(stage))
    resources.update(_functions(stage, functions, chalice_template))
    resources.update(_queues(stage, functions))
    if "stage_import" in functions.values():
        resources.update(_import_bucket(stage))
    resources.update(_api(stage))
    resources.update(_waf(stage))
    resources.update(_alarms(stage, functions, resources))
    return {
        "Parameters": {
            "AlarmEmail": {
                "Type": "String",
                "Default": "",
                "Description": "Where alarms are mailed (confirm the subscription mail); empty: none",
            }
        },
        "Conditions": {"HasAlarmEmail": {"Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]}},
        "Resources": resources,
        "Outputs": _outputs(resources),
    }


# --- functions ------------------------------------------------------------------------------


def _functions_of(stage: StageConfig, chalice_template: Template) -> dict[str, str]:
    """Logical id -> chalice name of every function chalice generated. Each must have its own
    entry (and so its own role and policy file) in config.json."""
    known = {function_logical_id(name): name for name in stage.function_names}
    found = {
        logical_id: resource
        for logical_id, resource in chalice_template["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
    }
    missing = sorted(set(found) - set(known))
    if missing:
        raise ValueError(
            f"functions {missing} have no entry in .chalice/config.json stages.{stage.name}.lambda_functions: "
            "give each its own iam_policy_file (see docs/DEPLOY.md, 'Adding a function')"
        )
    return {logical_id: known[logical_id] for logical_id in found}


def _functions(stage: StageConfig, functions: dict[str, str], chalice_template: Template) -> Template:
    resources: Template = {}
    for logical_id, name in functions.items():
        generated = chalice_template["Resources"][logical_id]["Properties"]
        properties: Template = {
            "FunctionName": function_name(stage.name, name),
            "Runtime": LAMBDA_RUNTIME,
        }
        events = generated.get("Events", {})
        if name == "stage_import":
            # A plain function in app.py (chalice cannot package S3 events): its trigger is here.
            properties["Events"] = {"ImportUpload": _import_upload_event()}
        if name == "stage_import" or any(event["Type"] == "Schedule" for event in events.values()):
            # Invoked asynchronously: what still fails after Lambda's two retries is kept.
            properties["DeadLetterQueue"] = {
                "Type": "SQS",
                "TargetArn": {"Fn::GetAtt": ["FailedEventsQueue", "Arn"]},
            }
        sqs_events = {key: event for key, event in events.items() if event["Type"] == "SQS"}
        if sqs_events:
            # chalice names the queue by the fixed name in app.py; this stage's queue is the one
            # below. The merge is deep: overriding chalice's own `Fn::Sub` key replaces its ARN.
            properties["Events"] = {
                key: {"Properties": {"Queue": {"Fn::Sub": "${WhatsAppReplyQueue.Arn}"}}} for key in sqs_events
            }
        if name == "api_handler" and "whatsapp_replies" in functions.values():
            properties["Environment"] = {
                "Variables": {"WHATSAPP_REPLY_QUEUE_URL": {"Ref": "WhatsAppReplyQueue"}}
            }
        resources[logical_id] = {"Properties": properties}
        # chalice names the API handler's log group after `ApiHandler`, a resource it then
        # renames `APIHandler` (cfn-lint: E1019). Point every function's log group at it.
        log_group_of_chalice = {"Fn::Sub": f"/aws/lambda/${{{to_cfn_resource_name(name)}}}"}
        for group_id, group in chalice_template["Resources"].items():
            if (
                group["Type"] == "AWS::Logs::LogGroup"
                and group["Properties"]["LogGroupName"] == log_group_of_chalice
            ):
                resources[group_id] = {
                    "Properties": {"LogGroupName": {"Fn::Sub": f"/aws/lambda/${{{logical_id}}}"}}
                }
    return resources


# --- tables ---------------------------------------------------------------------------------


def _tables(stage: StageConfig) -> Template:
    from pynamodb.attributes import TTLAttribute

    from chalicelib.store.models import MODELS

    resources: Template = {}
    for kind, model in MODELS.items():
        schema = model._get_schema()
        key_order = {"HASH": 0, "RANGE": 1}
        properties: Template = {
            "TableName": f"{stage.table_prefix}-{kind}",
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": sorted(schema["attribute_definitions"], key=lambda a: a["AttributeName"]),
            "KeySchema": sorted(schema["key_schema"], key=lambda k: key_order[k["KeyType"]]),
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            "SSESpecification": {"SSEEnabled": True},  # the AWS managed KMS key (aws/dynamodb)
            "DeletionProtectionEnabled": stage.production,
            "Tags": _tags(stage),
        }
        indexes = [_index(index) for index in schema["global_secondary_indexes"]]
        if indexes:
            properties["GlobalSecondaryIndexes"] = indexes
        local_indexes = [_index(index) for index in schema["local_secondary_indexes"]]
        if local_indexes:
            properties["LocalSecondaryIndexes"] = local_indexes
        ttl = [a.attr_name for a in model.get_attributes().values() if isinstance(a, TTLAttribute)]
        if ttl:
            properties["TimeToLiveSpecification"] = {"AttributeName": ttl[0], "Enabled": True}
        resources[table_logical_id(kind)] = {
            "Type": "AWS::DynamoDB::Table",
            "DeletionPolicy": _keep_in_production(stage),
            "UpdateReplacePolicy": _keep_in_production(stage),
            "Properties": properties,
        }
    return resources


def _index(index: Mapping[str, Any]) -> Template:
    key_order = {"HASH": 0, "RANGE": 1}
    projection = index.get("projection", {"ProjectionType": "ALL"})
    return {
        "IndexName": index["index_name"],
        "KeySchema": sorted(index["key_schema"], key=lambda k: key_order[k["KeyType"]]),
        "Projection": projection,
    }


def _keep_in_production(stage: StageConfig) -> str:
    return "Retain" if stage.production else "Delete"


def _tags(stage: StageConfig) -> list[dict[str, str]]:
    return [{"Key": "app", "Value": "loket"}, {"Key": "stage", "Value": stage.name}]


# --- queues and the import bucket -----------------------------------------------------------


def _queues(stage: StageConfig, functions: dict[str, str]) -> Template:
    resources: Template = {
        "FailedEventsQueue": {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "QueueName": f"loket-{stage.name}-failed-events",
                "MessageRetentionPeriod": 14 * 24 * 3600,
                "SqsManagedSseEnabled": True,
                "Tags": _tags(stage),
            },
        }
    }
    if "whatsapp_replies" in functions.values():
        resources["WhatsAppReplyDeadLetters"] = {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "QueueName": f"loket-{stage.name}-whatsapp-replies-dead",
                "MessageRetentionPeriod": 14 * 24 * 3600,
                "SqsManagedSseEnabled": True,
                "Tags": _tags(stage),
            },
        }
        resources["WhatsAppReplyQueue"] = {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "QueueName": f"loket-{stage.name}-whatsapp-replies",
                # Twice the worker's timeout (45 s): a reply whose send failed is offered again then.
                "VisibilityTimeout": 90,
                "MessageRetentionPeriod": 24 * 3600,
                "SqsManagedSseEnabled": True,
                "RedrivePolicy": {
                    "deadLetterTargetArn": {"Fn::GetAtt": ["WhatsAppReplyDeadLetters", "Arn"]},
                    "maxReceiveCount": 10,
                },
                "Tags": _tags(stage),
            },
        }
    return resources


def _import_upload_event() -> Template:
    """SAM makes the bucket's notification and the permission to invoke the function from it."""
    return {
        "Type": "S3",
        "Properties": {
            "Bucket": {"Ref": "ImportBucket"},
            "Events": ["s3:ObjectCreated:*"],
            "Filter": {"S3Key": {"Rules": [{"Name": "prefix", "Value": "imports/"}]}},
        },
    }


def _import_bucket(stage: StageConfig) -> Template:
    """Where staff drop stage-import CSVs (`imports/`); the import function writes rejected rows
    to `imports-rejected/`. These files hold whole NIKs: private, TLS only, kept 30 days."""
    bucket_arn = {"Fn::Sub": f"arn:${{AWS::Partition}}:s3:::loket-{stage.name}-imports-${{AWS::AccountId}}"}
    objects_arn = {
        "Fn::Sub": f"arn:${{AWS::Partition}}:s3:::loket-{stage.name}-imports-${{AWS::AccountId}}/*"
    }
    expire = [
        {"Id": f"expire-{prefix.rstrip('/')}", "Status": "Enabled", "Prefix": prefix, "ExpirationInDays": 30}
        for prefix in ("imports/", "imports-rejected/")
    ]
    return {
        "ImportBucket": {
            "Type": "AWS::S3::Bucket",
            "DeletionPolicy": _keep_in_production(stage),
            "UpdateReplacePolicy": _keep_in_production(stage),
            "Properties": {
                "BucketName": import_bucket_name(stage.name),
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": True,
                    "BlockPublicPolicy": True,
                    "IgnorePublicAcls": True,
                    "RestrictPublicBuckets": True,
                },
                "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
                "BucketEncryption": {
                    "ServerSideEncryptionConfiguration": [
                        {
                            "ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
                            "BucketKeyEnabled": True,
                        }
                    ]
                },
                "LifecycleConfiguration": {
                    "Rules": [
                        *expire,
                        {
                            "Id": "abort-uploads",
                            "Status": "Enabled",
                            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
                        },
                    ]
                },
                "Tags": _tags(stage),
            },
        },
        "ImportBucketPolicy": {
            "Type": "AWS::S3::BucketPolicy",
            "Properties": {
                "Bucket": {"Ref": "ImportBucket"},
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "TlsOnly",
                            "Effect": "Deny",
                            "Principal": "*",
                            "Action": "s3:*",
                            "Resource": [bucket_arn, objects_arn],
                            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                        }
                    ],
                },
            },
        },
    }


# --- API Gateway ----------------------------------------------------------------------------


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


def _waf(stage: StageConfig) -> Template:
    from chalicelib.http.edge import GATEWAY_METHODS
    from chalicelib.http.errors import STATUS_OF, error_body

    def visibility(metric: str) -> Template:
        return {"CloudWatchMetricsEnabled": True, "MetricName": metric, "SampledRequestsEnabled": True}

    def blocked_as_rate_limited() -> Template:
        return {
            "Block": {
                "CustomResponse": {
                    "ResponseCode": STATUS_OF["rate_limited"],
                    "CustomResponseBodyKey": "rate_limited",
                    "ResponseHeaders": [{"Name": "Retry-After", "Value": "300"}],
                }
            }
        }

    webhook = {
        "ByteMatchStatement": {
            "FieldToMatch": {"UriPath": {}},
            "PositionalConstraint": "ENDS_WITH",
            "SearchString": WAF_EXEMPT_PATH_SUFFIX,
            "TextTransformations": [{"Priority": 0, "Type": "NONE"}],
        }
    }
    not_webhook = {"NotStatement": {"Statement": webhook}}
    # API Gateway routes only GATEWAY_METHODS and would answer any other (TRACE, PROPFIND) as
    # an unknown path, 404: the WAF answers it 405 on every path, as local/http_server.py does.
    not_a_gateway_method = {
        "NotStatement": {
            "Statement": {
                "OrStatement": {
                    "Statements": [
                        {
                            "ByteMatchStatement": {
                                "FieldToMatch": {"Method": {}},
                                "PositionalConstraint": "EXACTLY",
                                "SearchString": method,
                                "TextTransformations": [{"Priority": 0, "Type": "NONE"}],
                            }
                        }
                        for method in GATEWAY_METHODS
                    ]
                }
            }
        }
    }
    return {
        "WebAcl": {
            "Type": "AWS::WAFv2::WebACL",
            "Properties": {
                "Name": f"loket-{stage.name}",
                "Scope": "REGIONAL",
                "DefaultAction": {"Allow": {}},
                "VisibilityConfig": visibility(f"loket-{stage.name}"),
                "CustomResponseBodies": {
                    "rate_limited": {
                        "ContentType": "APPLICATION_JSON",
                        "Content": json.dumps(error_body("rate_limited", "id"), ensure_ascii=False),
                    },
                    "method_not_allowed": {
                        "ContentType": "APPLICATION_JSON",
                        "Content": json.dumps(error_body("method_not_allowed", "id"), ensure_ascii=False),
                    },
                },
                "Rules": [
                    {
                        "Name": "rate-per-ip",
                        "Priority": 0,
                        "Action": blocked_as_rate_limited(),
                        "Statement": {
                            "RateBasedStatement": {
                                "Limit": WAF_LIMIT_PER_IP_5_MIN,
                                "EvaluationWindowSec": 300,
                                "AggregateKeyType": "IP",
                                "ScopeDownStatement": not_webhook,
                            }
                        },
                        "VisibilityConfig": visibility(f"loket-{stage.name}-rate-per-ip"),
                    },
                    {
                        "Name": "webhook-rate-per-ip",
                        "Priority": 1,
                        "Action": blocked_as_rate_limited(),
                        "Statement": {
                            "RateBasedStatement": {
                                "Limit": WAF_WEBHOOK_LIMIT_PER_IP_5_MIN,
                                "EvaluationWindowSec": 300,
                                "AggregateKeyType": "IP",
                                "ScopeDownStatement": webhook,
                            }
                        },
                        "VisibilityConfig": visibility(f"loket-{stage.name}-webhook-rate-per-ip"),
                    },
                    {
                        # Known exploit patterns in paths, headers and bodies (Log4j among them).
                        "Name": "known-bad-inputs",
                        "Priority": 2,
                        "OverrideAction": {"None": {}},
                        "Statement": {
                            "ManagedRuleGroupStatement": {
                                "VendorName": "AWS",
                                "Name": "AWSManagedRulesKnownBadInputsRuleSet",
                            }
                        },
                        "VisibilityConfig": visibility(f"loket-{stage.name}-known-bad-inputs"),
                    },
                    {
                        "Name": "methods-api-gateway-routes",
                        "Priority": 3,
                        "Action": {
                            "Block": {
                                "CustomResponse": {
                                    "ResponseCode": STATUS_OF["method_not_allowed"],
                                    "CustomResponseBodyKey": "method_not_allowed",
                                }
                            }
                        },
                        "Statement": not_a_gateway_method,
                        "VisibilityConfig": visibility(f"loket-{stage.name}-methods"),
                    },
                ],
                "Tags": _tags(stage),
            },
        },
        "WebAclAssociation": {
            "Type": "AWS::WAFv2::WebACLAssociation",
            "Properties": {
                # `RestAPI.Stage`: SAM's name for the stage it makes, so the ACL waits for it.
                "ResourceArn": {
                    "Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/${RestAPI}/stages/${RestAPI.Stage}"
                },
                "WebACLArn": {"Fn::GetAtt": ["WebAcl", "Arn"]},
            },
        },
        # Blocked requests only (what an operator asks about), without what the log need not hold:
        # the token, cookies, an address forwarded by a proxy, the query string.
        "WafLogs": {
            "Type": "AWS::Logs::LogGroup",
            "DeletionPolicy": "Delete",
            "UpdateReplacePolicy": "Delete",
            "Properties": {
                "LogGroupName": f"aws-waf-logs-loket-{stage.name}",  # WAF requires the prefix
                "RetentionInDays": WAF_LOG_RETENTION_DAYS,
            },
        },
        "WafLogging": {
            "Type": "AWS::WAFv2::LoggingConfiguration",
            "Properties": {
                "ResourceArn": {"Fn::GetAtt": ["WebAcl", "Arn"]},
                "LogDestinationConfigs": [{"Fn::GetAtt": ["WafLogs", "Arn"]}],
                "RedactedFields": [
                    {"SingleHeader": {"Name": "authorization"}},
                    {"SingleHeader": {"Name": "cookie"}},
                    {"SingleHeader": {"Name": "x-forwarded-for"}},
                    {"SingleHeader": {"Name": "forwarded"}},
                    {"QueryString": {}},
                ],
                "LoggingFilter": {
                    "DefaultBehavior": "DROP",
                    "Filters": [
                        {
                            "Behavior": "KEEP",
                            "Requirement": "MEETS_ANY",
                            "Conditions": [{"ActionCondition": {"Action": "BLOCK"}}],
                        }
                    ],
                },
            },
        },
    }


# --- alarms ---------------------------------------------------------------------------------


def _alarm(description: str, metric: Template) -> Template:
    return {
        "Type": "AWS::CloudWatch::Alarm",
        "Properties": {
            "AlarmDescription": description,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "Threshold": 1,
            "EvaluationPeriods": 1,
            "TreatMissingData": "notBreaching",
            "AlarmActions": [{"Ref": "AlarmTopic"}],
            "OKActions": [{"Ref": "AlarmTopic"}],
            **metric,
        },
    }


def _metric(namespace: str, name: str, dimensions: dict[str, Any], statistic: str = "Sum") -> Template:
    return {
        "Namespace": namespace,
        "MetricName": name,
        "Dimensions": [{"Name": key, "Value": value} for key, value in dimensions.items()],
        "Statistic": statistic,
        "Period": 300,
    }


def _alarms(stage: StageConfig, functions: dict[str, str], resources: Template) -> Template:
    alarms: Template = {
        "AlarmTopic": {
            "Type": "AWS::SNS::Topic",
            "Properties": {"TopicName": f"loket-{stage.name}-alarms", "Tags": _tags(stage)},
        },
        "AlarmMail": {
            "Type": "AWS::SNS::Subscription",
            "Condition": "HasAlarmEmail",
            "Properties": {
                "TopicArn": {"Ref": "AlarmTopic"},
                "Protocol": "email",
                "Endpoint": {"Ref": "AlarmEmail"},
            },
        },
    }
    for logical_id, name in functions.items():
        for metric in ("Errors", "Throttles"):
            alarms[f"{logical_id}{metric}Alarm"] = _alarm(
                f"loket {stage.name}: Lambda function {name} {metric.lower()} (5 min)",
                _metric("AWS/Lambda", metric, {"FunctionName": {"Ref": logical_id}}),
            )
    for logical_id, resource in resources.items():
        if resource.get("Type") != "AWS::DynamoDB::Table":
            continue
        table = {"TableName": {"Ref": logical_id}}
        alarms[f"{logical_id}ThrottleAlarm"] = _alarm(
            f"loket {stage.name}: DynamoDB table {resource['Properties']['TableName']} throttled reads or writes (5 min)",
            {
                "Metrics": [
                    {
                        "Id": "reads",
                        "ReturnData": False,
                        "MetricStat": _metric_stat("ReadThrottleEvents", table),
                    },
                    {
                        "Id": "writes",
                        "ReturnData": False,
                        "MetricStat": _metric_stat("WriteThrottleEvents", table),
                    },
                    {
                        "Id": "throttles",
                        "Expression": "reads + writes",
                        "Label": "throttle events",
                        "ReturnData": True,
                    },
                ]
            },
        )
    alarms["Api5xxAlarm"] = _alarm(
        f"loket {stage.name}: API answered 5xx (5 min)",
        _metric("AWS/ApiGateway", "5XXError", {"ApiName": f"loket-{stage.name}", "Stage": API_STAGE}),
    )
    for queue in ("FailedEventsQueue", "WhatsAppReplyDeadLetters"):
        if queue in resources:
            alarms[f"{queue}Alarm"] = _alarm(
                f"loket {stage.name}: messages waiting in {resources[queue]['Properties']['QueueName']}",
                _metric(
                    "AWS/SQS",
                    "ApproximateNumberOfMessagesVisible",
                    {"QueueName": {"Fn::GetAtt": [queue, "QueueName"]}},
                    statistic="Maximum",
                ),
            )
    return alarms


def _metric_stat(name: str, dimensions: dict[str, Any]) -> Template:
    return {
        "Metric": {
            "Namespace": "AWS/DynamoDB",
            "MetricName": name,
            "Dimensions": [{"Name": key, "Value": value} for key, value in dimensions.items()],
        },
        "Period": 300,
        "Stat": "Sum",
    }


def _outputs(resources: Template) -> Template:
    outputs: Template = {
        "AlarmTopicArn": {"Value": {"Ref": "AlarmTopic"}},
        "WebAclArn": {"Value": {"Fn::GetAtt": ["WebAcl", "Arn"]}},
    }
    if "ImportBucket" in resources:
        outputs["ImportBucketName"] = {"Value": {"Ref": "ImportBucket"}}
    if "WhatsAppReplyQueue" in resources:
        outputs["WhatsAppReplyQueueUrl"] = {"Value": {"Ref": "WhatsAppReplyQueue"}}
    return outputs
