"""Each function's IAM policy, declared once: `GRANTS` below is the only place to edit.

`.chalice/policy-<stage>-<function>.json` (what config.json's `iam_policy_file` names, and
what chalice puts in the template as written) are generated from it for every stage:

    python -m infra.policies          # rewrite the files
    python -m infra.policies --check  # exit 1 naming the files that differ (make package does too)

What the declaration leaves out is derived per stage: the log group of the function's fixed
name (`infra.template.function_name`), table and queue logical ids (`Fn::GetAtt`, so the
stack's own), the import bucket's name, and SSM parameter names read from the function's
environment in config.json (`<SECRET>_PARAMETER`). tests/infra/test_iam_in_use.py holds the
table and S3 grants against the calls the code really makes.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from infra.template import function_name, table_logical_id

REPO = Path(__file__).resolve().parent.parent
CHALICE = REPO / ".chalice"

Policy = dict[str, Any]
Actions = Sequence[str]


@dataclass(frozen=True)
class Grants:
    """What one function may do beyond writing its own logs. Actions without their service
    prefix; statements appear in the file in this order."""

    tables: Sequence[tuple[str, Actions]] = ()  # (kind in MODELS, DynamoDB actions)
    # (Sid, key pattern in the import bucket, S3 actions)
    import_objects: Sequence[tuple[str, str, Actions]] = ()
    queues: Sequence[tuple[str, str, Actions]] = ()  # (Sid, queue logical id, SQS actions)
    secrets: Sequence[str] = ()  # settings read from SSM (`<SECRET>_PARAMETER`)


# Why each table action is needed: docs/DEPLOY.md, "What each function may do on DynamoDB".
GRANTS: dict[str, Grants] = {
    "api_handler": Grants(
        tables=[
            ("applications", ["GetItem", "Query", "PutItem"]),
            ("day-counters", ["GetItem", "Query", "UpdateItem"]),
            ("sites", ["GetItem", "UpdateItem"]),
            ("audit", ["PutItem", "Query"]),
            ("rate-limits", ["UpdateItem"]),
            ("whatsapp-messages", ["DeleteItem", "GetItem", "PutItem", "UpdateItem"]),
            ("verifications", ["GetItem", "PutItem", "UpdateItem"]),
            # GetItem: a check-in by NIK; UpdateItem: taking over a dead take's hold
            ("holds", ["DeleteItem", "GetItem", "PutItem", "UpdateItem"]),
            ("slots", ["GetItem", "UpdateItem"]),
            ("tickets", ["BatchGetItem", "GetItem", "PutItem", "Query", "UpdateItem"]),
            ("queues", ["GetItem", "UpdateItem"]),
        ],
        queues=[("QueueWhatsAppReplies", "WhatsAppReplyQueue", ["SendMessage"])],
        # LOKET_JWT_SECRET: a verified phone's session collects a resident token here.
        secrets=["LOKET_NIK_HMAC_KEY", "LOKET_JWT_SECRET", "WHATSAPP_VERIFY_TOKEN", "WHATSAPP_APP_SECRET"],
    ),
    "bearer": Grants(secrets=["LOKET_JWT_SECRET"]),
    "rollover": Grants(
        tables=[
            ("sites", ["GetItem"]),
            ("day-counters", ["UpdateItem"]),
            ("tickets", ["Query", "UpdateItem"]),  # the day that ended: its no-shows
        ],
        queues=[("ReportFailedEvents", "FailedEventsQueue", ["SendMessage"])],
    ),
    # What the ticket sequences' finishing writes need (services/repair.py), and to read a
    # day's counter, tickets by number and the holds of counted places; and today's queue,
    # to put back a checked-in number a dead check-in left out.
    "repair": Grants(
        tables=[
            ("day-counters", ["GetItem", "Query", "UpdateItem"]),
            ("holds", ["DeleteItem", "GetItem", "UpdateItem"]),
            ("slots", ["UpdateItem"]),
            ("tickets", ["GetItem", "PutItem", "Query"]),
            ("queues", ["GetItem", "UpdateItem"]),
        ],
        queues=[("ReportFailedEvents", "FailedEventsQueue", ["SendMessage"])],
    ),
    "stage_import": Grants(
        tables=[("applications", ["PutItem"]), ("audit", ["PutItem"])],
        import_objects=[
            ("ReadImports", "imports/*", ["GetObject"]),
            ("WriteRejectedRows", "imports-rejected/*", ["DeleteObject", "PutObject"]),
        ],
        queues=[("ReportFailedEvents", "FailedEventsQueue", ["SendMessage"])],
        secrets=["LOKET_NIK_HMAC_KEY"],
    ),
    "whatsapp_replies": Grants(
        tables=[("whatsapp-messages", ["UpdateItem"])],
        queues=[
            (
                "ReceiveWhatsAppReplies",
                "WhatsAppReplyQueue",
                ["ChangeMessageVisibility", "DeleteMessage", "GetQueueAttributes", "ReceiveMessage"],
            )
        ],
        secrets=["WHATSAPP_ACCESS_TOKEN"],
    ),
}

# A Sid is a label, not a grant: spelled as the first hand-written files had it.
_SID_WORDS = {"whatsapp": "WhatsApp"}


def policy_file_name(stage: str, function: str) -> str:
    return f"policy-{stage}-{function.replace('_', '-')}.json"


def policy(stage: str, function: str, environment: Mapping[str, str]) -> Policy:
    """The policy document of `function` (a chalice name) in `stage`, whose environment
    variables (config.json's, stage included) name its SSM parameters."""
    from chalicelib.store.models import MODELS

    grants = GRANTS[function]
    statements: list[Policy] = [
        _statement(
            "WriteOwnLogs",
            "logs",
            ["CreateLogStream", "PutLogEvents"],
            _sub(f"{_arn('logs')}:log-group:/aws/lambda/{function_name(stage, function)}:*"),
        )
    ]
    for kind, actions in grants.tables:
        if kind not in MODELS:
            raise ValueError(f"{function}: no table {kind!r} in chalicelib.store.models.MODELS")
        sid = "".join(_SID_WORDS.get(part, part.capitalize()) for part in kind.split("-"))
        logical = table_logical_id(kind)
        table: Policy | list[Policy] = _arn_of(logical)
        indexes = MODELS[kind]._get_schema()["global_secondary_indexes"]
        if "Query" in actions and indexes:
            # A query of an index is authorized on the index's own ARN, each named.
            table = [
                _arn_of(logical),
                *(_sub(f"${{{logical}.Arn}}/index/{i['index_name']}") for i in indexes),
            ]
        statements.append(_statement(sid, "dynamodb", actions, table))
    for sid, pattern, actions in grants.import_objects:
        bucket = f"loket-{stage}-imports-${{AWS::AccountId}}"
        statements.append(
            _statement(sid, "s3", actions, _sub(f"arn:${{AWS::Partition}}:s3:::{bucket}/{pattern}"))
        )
    for sid, queue, actions in grants.queues:
        statements.append(_statement(sid, "sqs", actions, _arn_of(queue)))
    if grants.secrets:
        parameters = [
            _sub(f"{_arn('ssm')}:parameter{environment[f'{secret}_PARAMETER']}") for secret in grants.secrets
        ]
        resource: Policy | list[Policy] = parameters[0] if len(parameters) == 1 else parameters
        statements.append(_statement("ReadOwnSecrets", "ssm", ["GetParameter"], resource))
    return {"Version": "2012-10-17", "Statement": statements}


def policy_files(config: Mapping[str, Any]) -> dict[str, str]:
    """File name in .chalice/ -> its content, for every function of every stage in config.json."""
    files: dict[str, str] = {}
    for stage, settings in config["stages"].items():
        functions = settings.get("lambda_functions", {})
        if set(functions) != set(GRANTS):
            raise ValueError(
                f"config.json stages.{stage}.lambda_functions {sorted(functions)} "
                f"and infra/policies.py GRANTS {sorted(GRANTS)} must name the same functions"
            )
        environment = {**config.get("environment_variables", {}), **settings.get("environment_variables", {})}
        for function, function_settings in functions.items():
            name = policy_file_name(stage, function)
            if function_settings.get("iam_policy_file") != name:
                raise ValueError(
                    f"config.json stages.{stage}.lambda_functions.{function}: iam_policy_file must be {name}"
                )
            files[name] = json.dumps(policy(stage, function, environment), indent=2) + "\n"
    return files


def stale(chalice_dir: Path = CHALICE) -> list[str]:
    """The policy files in `chalice_dir` that differ from what GRANTS makes, or should not be there."""
    expected = policy_files(json.loads((chalice_dir / "config.json").read_text()))
    present = {path.name for path in chalice_dir.glob("policy-*.json")}
    wrong = [
        name
        for name, text in expected.items()
        if name not in present or (chalice_dir / name).read_text() != text
    ]
    return sorted(wrong + sorted(present - set(expected)))


def write(chalice_dir: Path = CHALICE) -> list[str]:
    """Rewrite every policy file from GRANTS (removing any no function has); the names written."""
    expected = policy_files(json.loads((chalice_dir / "config.json").read_text()))
    for path in chalice_dir.glob("policy-*.json"):
        if path.name not in expected:
            path.unlink()
    for name, text in expected.items():
        (chalice_dir / name).write_text(text)
    return sorted(expected)


def _statement(sid: str, service: str, actions: Actions, resource: Policy | list[Policy]) -> Policy:
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Action": [f"{service}:{action}" for action in actions],
        "Resource": resource,
    }


def _arn(service: str) -> str:
    """This account's and region's ARN prefix for `service`."""
    return f"arn:${{AWS::Partition}}:{service}:${{AWS::Region}}:${{AWS::AccountId}}"


def _arn_of(logical_id: str) -> Policy:
    return {"Fn::GetAtt": [logical_id, "Arn"]}


def _sub(text: str) -> Policy:
    return {"Fn::Sub": text}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.policies", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file differs")
    args = parser.parse_args(argv)
    if args.check:
        wrong = stale()
        if wrong:
            print(f"out of date with infra/policies.py: {', '.join(wrong)} (run python -m infra.policies)")
            return 1
        return 0
    for name in write():
        print(f".chalice/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
