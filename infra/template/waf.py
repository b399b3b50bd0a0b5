"""The WAF web ACL in front of the API stage, and its log of blocked requests."""

from __future__ import annotations

import json

from infra.template.stage import StageConfig, Template, _tags

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
