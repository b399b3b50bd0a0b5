"""Least privilege: each function has its own role from its own hand-written policy file, no
DynamoDB grant uses a wildcard, and secrets are SSM parameters read by name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from infra.package import REPO
from infra.template import function_logical_id
from tests.support.templates import Template, grants_of, listed, resources_of, role_of, statements_of

STAGES = ["dev", "prod"]
SECRETS = [
    "LOKET_NIK_HMAC_KEY",
    "LOKET_JWT_SECRET",
    "WHATSAPP_VERIFY_TOKEN",
    "WHATSAPP_APP_SECRET",
    "WHATSAPP_ACCESS_TOKEN",
]


@pytest.mark.parametrize("stage", STAGES)
def test_no_policy_grants_a_dynamodb_action_or_table_by_wildcard(
    templates: dict[str, Template], expanded: dict[str, Path], stage: str
) -> None:
    for template in (templates[stage], json.loads(expanded[stage].read_text())):
        checked = 0
        for owner, statement in statements_of(template):
            assert "NotAction" not in statement and "NotResource" not in statement, owner
            actions = listed(statement["Action"])
            assert "*" not in actions, owner
            dynamodb = [a for a in actions if a.lower().startswith("dynamodb:")]
            if not dynamodb:
                continue
            checked += 1
            assert not [a for a in dynamodb if "*" in a or "?" in a], (owner, dynamodb)
            for resource in listed(statement["Resource"]):
                assert "*" not in json.dumps(resource), (owner, resource)
                assert set(resource) == {"Fn::GetAtt"} and resource["Fn::GetAtt"][1] == "Arn", (
                    owner,
                    resource,
                )
                assert template["Resources"][resource["Fn::GetAtt"][0]]["Type"] == "AWS::DynamoDB::Table"
        assert checked >= 4


@pytest.mark.parametrize("stage", STAGES)
def test_every_function_has_its_own_role_from_its_own_policy_file(
    templates: dict[str, Template], stage: str
) -> None:
    template = templates[stage]
    config = json.loads((REPO / ".chalice" / "config.json").read_text())["stages"][stage]
    assert config["autogen_policy"] is False
    functions = resources_of(template, "AWS::Serverless::Function")
    roles = {name: role_of(template, name) for name in functions}
    assert len(set(roles.values())) == len(functions)  # nobody shares a role
    for chalice_name, settings in config["lambda_functions"].items():
        logical_id = function_logical_id(chalice_name)
        if logical_id not in functions:
            continue
        assert settings["iam_policy_file"] == f"policy-{stage}-{chalice_name.replace('_', '-')}.json"
        policy = json.loads((REPO / ".chalice" / settings["iam_policy_file"]).read_text())
        [attached] = template["Resources"][roles[logical_id]]["Properties"]["Policies"]
        assert attached["PolicyDocument"] == policy


def test_the_policies_of_the_two_stages_differ_only_in_the_stage_name() -> None:
    for dev in sorted((REPO / ".chalice").glob("policy-dev-*.json")):
        prod = dev.with_name(dev.name.replace("policy-dev-", "policy-prod-"))
        assert prod.read_text() == dev.read_text().replace("loket-dev-", "loket-prod-").replace(
            "/loket/dev/", "/loket/prod/"
        ), prod.name


def test_the_rollover_may_read_site_settings_and_write_day_counters_only(
    templates: dict[str, Template],
) -> None:
    template = templates["prod"]
    assert grants_of(template, role_of(template, "Rollover")) == {
        "GetItem": {"SitesTable"},
        "UpdateItem": {"DayCountersTable"},
    }


def test_the_authorizer_may_read_the_jwt_secret_and_touch_no_table(templates: dict[str, Template]) -> None:
    template = templates["prod"]
    role = role_of(template, "Bearer")
    assert grants_of(template, role) == {}
    ssm = [
        s
        for owner, s in statements_of(template)
        if owner == role and "ssm:GetParameter" in listed(s["Action"])
    ]
    [statement] = ssm
    assert statement["Resource"]["Fn::Sub"].endswith(":parameter/loket/prod/jwt-secret")


@pytest.mark.parametrize("stage", STAGES)
def test_secrets_are_ssm_parameters_named_in_the_environment_and_readable_only_by_name(
    templates: dict[str, Template], stage: str
) -> None:
    template = templates[stage]
    assert not resources_of(template, "AWS::SSM::Parameter")  # SecureStrings are made with the CLI
    named: set[str] = set()
    for function in resources_of(template, "AWS::Serverless::Function").values():
        env = function["Properties"]["Environment"]["Variables"]
        assert not set(SECRETS) & set(env), "a secret's value in the template"
        named |= {value for key, value in env.items() if key.endswith("_PARAMETER")}
    assert {f"/loket/{stage}/nik-hmac-key", f"/loket/{stage}/jwt-secret"} <= named
    readable = set()
    for _, statement in statements_of(template):
        if any(a.startswith("ssm:") for a in listed(statement["Action"])):
            assert listed(statement["Action"]) == ["ssm:GetParameter"]
            for resource in listed(statement["Resource"]):
                prefix = ":parameter"
                readable.add(resource["Fn::Sub"].split(prefix, 1)[1])
    assert readable <= named
    assert all(name.startswith(f"/loket/{stage}/") for name in readable)
