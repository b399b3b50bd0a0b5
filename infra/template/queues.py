"""The SQS queues: failed events, and the WhatsApp replies with their dead letters."""

from __future__ import annotations

from infra.template.stage import StageConfig, Template, _tags


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
