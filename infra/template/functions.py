"""The functions chalice generated: fixed names, the Lambda runtime, triggers, dead letters."""

from __future__ import annotations

from chalice.utils import to_cfn_resource_name

from infra.template.bucket import _import_upload_event
from infra.template.cognito import READ_STAFF_TOKENS, STAFF_POOL_VARIABLES
from infra.template.stage import LAMBDA_RUNTIME, StageConfig, Template, function_logical_id, function_name


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
        variables: Template = {}
        if name == "api_handler" and "whatsapp_replies" in functions.values():
            variables["WHATSAPP_REPLY_QUEUE_URL"] = {"Ref": "WhatsAppReplyQueue"}
        if name in READ_STAFF_TOKENS:
            variables.update(STAFF_POOL_VARIABLES)
        if variables:
            properties["Environment"] = {"Variables": variables}
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
