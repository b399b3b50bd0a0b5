"""The stack's outputs."""

from __future__ import annotations

from infra.template.stage import Template


def _outputs(resources: Template) -> Template:
    outputs: Template = {
        "AlarmTopicArn": {"Value": {"Ref": "AlarmTopic"}},
        "WebAclArn": {"Value": {"Fn::GetAtt": ["WebAcl", "Arn"]}},
    }
    if "StaffUserPool" in resources:
        outputs["StaffUserPoolId"] = {"Value": {"Ref": "StaffUserPool"}}
        outputs["StaffUserPoolClientId"] = {"Value": {"Ref": "StaffUserPoolClient"}}
    if "ImportBucket" in resources:
        outputs["ImportBucketName"] = {"Value": {"Ref": "ImportBucket"}}
    if "WhatsAppReplyQueue" in resources:
        outputs["WhatsAppReplyQueueUrl"] = {"Value": {"Ref": "WhatsAppReplyQueue"}}
    return outputs
