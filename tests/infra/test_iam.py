"""Least privilege: each function has its own role from its own policy file, generated from the
one declaration in infra/policies.py; no DynamoDB grant uses a wildcard, and secrets are SSM
parameters read by name."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from infra import package, policies
from infra.package import REPO, BuildError
from infra.policies import Grants, policy_files, stale
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
                if set(resource) == {"Fn::Sub"}:  # a table's index, by its name
                    index = re.fullmatch(r"\$\{(\w+)\.Arn\}/index/([\w-]+)", resource["Fn::Sub"])
                    assert index is not None, (owner, resource)
                    table = template["Resources"][index.group(1)]
                    names = [i["IndexName"] for i in table["Properties"].get("GlobalSecondaryIndexes", [])]
                    assert index.group(2) in names, (owner, resource)
                    continue
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
    whole_config = json.loads((REPO / ".chalice" / "config.json").read_text())
    generated = policy_files(whole_config)
    config = whole_config["stages"][stage]
    assert config["autogen_policy"] is False
    functions = resources_of(template, "AWS::Serverless::Function")
    roles = {name: role_of(template, name) for name in functions}
    assert len(set(roles.values())) == len(functions)  # nobody shares a role
    for chalice_name, settings in config["lambda_functions"].items():
        logical_id = function_logical_id(chalice_name)
        if logical_id not in functions:
            continue
        assert settings["iam_policy_file"] == f"policy-{stage}-{chalice_name.replace('_', '-')}.json"
        policy = json.loads(generated[settings["iam_policy_file"]])
        [attached] = template["Resources"][roles[logical_id]]["Properties"]["Policies"]
        assert attached["PolicyDocument"] == policy


def test_the_policy_files_are_exactly_what_infra_policies_generates() -> None:
    config = json.loads((REPO / ".chalice" / "config.json").read_text())
    generated = policy_files(config)
    on_disk = {path.name: path.read_text() for path in (REPO / ".chalice").glob("policy-*.json")}
    assert on_disk == generated  # if not: python -m infra.policies
    assert stale() == []


def test_a_policy_file_edited_by_hand_or_left_over_is_reported_stale(tmp_path: Path) -> None:
    chalice = tmp_path / ".chalice"
    shutil.copytree(REPO / ".chalice", chalice)
    edited = chalice / "policy-prod-rollover.json"
    edited.write_text(edited.read_text().replace('"dynamodb:GetItem"', '"dynamodb:GetItem", "dynamodb:Scan"'))
    (chalice / "policy-prod-retired.json").write_text("{}")
    (chalice / "policy-dev-bearer.json").unlink()
    assert stale(chalice) == [
        "policy-dev-bearer.json",
        "policy-prod-retired.json",
        "policy-prod-rollover.json",
    ]
    policies.write(chalice)
    assert stale(chalice) == []
    assert sorted(p.name for p in chalice.glob("policy-*.json")) == sorted(
        p.name for p in (REPO / ".chalice").glob("policy-*.json")
    )


def test_make_package_refuses_policy_files_out_of_date_with_the_declaration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(REPO / ".chalice", tmp_path / ".chalice")
    (tmp_path / ".chalice" / "policy-dev-bearer.json").write_text("{}")
    monkeypatch.setattr(package, "REPO", tmp_path)
    with pytest.raises(BuildError, match=r"\.chalice/policy-dev-bearer\.json out of date"):
        package.build(["dev"], tmp_path / "dist", lambda_python="python3.12")


def test_a_grant_on_a_table_no_model_declares_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    config = json.loads((REPO / ".chalice" / "config.json").read_text())
    monkeypatch.setitem(policies.GRANTS, "bearer", Grants(tables=[("day-counter", ["GetItem"])]))
    with pytest.raises(ValueError, match="no table 'day-counter'"):
        policy_files(config)


def test_a_function_in_config_json_without_a_declaration_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    config = json.loads((REPO / ".chalice" / "config.json").read_text())
    monkeypatch.delitem(policies.GRANTS, "rollover")
    with pytest.raises(ValueError, match="must name the same functions"):
        policy_files(config)


def test_the_policies_of_the_two_stages_differ_only_in_the_stage_name() -> None:
    for dev in sorted((REPO / ".chalice").glob("policy-dev-*.json")):
        prod = dev.with_name(dev.name.replace("policy-dev-", "policy-prod-"))
        assert prod.read_text() == dev.read_text().replace("loket-dev-", "loket-prod-").replace(
            "/loket/dev/", "/loket/prod/"
        ), prod.name


def test_the_rollover_may_read_site_settings_write_day_counters_and_close_the_day_s_tickets_only(
    templates: dict[str, Template],
) -> None:
    template = templates["prod"]
    assert grants_of(template, role_of(template, "Rollover")) == {
        "GetItem": {"SitesTable"},
        "UpdateItem": {"DayCountersTable", "TicketsTable"},  # the ended day's booked: no-shows
        "Query": {"TicketsTable"},
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
