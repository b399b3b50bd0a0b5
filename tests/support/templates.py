"""Reading a packaged SAM template: its resources by type, and the identity policies in it
(statements, each role's DynamoDB grants)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

Template = dict[str, Any]


def resources_of(template: Template, resource_type: str) -> dict[str, Template]:
    return {name: r for name, r in template["Resources"].items() if r["Type"] == resource_type}


def statements_of(template: Template) -> Iterator[tuple[str, dict[str, Any]]]:
    """(owner, statement) for every identity policy in the template."""
    for name, resource in template["Resources"].items():
        properties = resource.get("Properties", {})
        documents = []
        if resource["Type"] == "AWS::IAM::Role":
            documents = [p["PolicyDocument"] for p in properties.get("Policies", [])]
        elif resource["Type"] in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            documents = [properties["PolicyDocument"]]
        for document in documents:
            statements = document["Statement"]
            for statement in statements if isinstance(statements, list) else [statements]:
                yield name, statement


def listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def grants_of(template: Template, role: str) -> dict[str, set[str]]:
    """DynamoDB action -> logical ids of the tables `role` may use it on."""
    grants: dict[str, set[str]] = {}
    for owner, statement in statements_of(template):
        if owner != role:
            continue
        for action in listed(statement["Action"]):
            if action.startswith("dynamodb:"):
                # A table's own ARN; its indexes' ARNs (Fn::Sub) come with it.
                tables = {r["Fn::GetAtt"][0] for r in listed(statement["Resource"]) if "Fn::GetAtt" in r}
                grants.setdefault(action.removeprefix("dynamodb:"), set()).update(tables)
    return grants


def role_of(template: Template, function: str) -> str:
    role: str = template["Resources"][function]["Properties"]["Role"]["Fn::GetAtt"][0]
    return role
