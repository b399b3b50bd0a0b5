"""CloudWatch alarms to an SNS topic: functions, tables, API 5xx, dead-letter queues."""

from __future__ import annotations

from typing import Any

from infra.template.stage import API_STAGE, StageConfig, Template, _tags


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
