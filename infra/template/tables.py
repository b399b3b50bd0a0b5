"""One DynamoDB table per model in `chalicelib.store.models.MODELS`, keys and TTL read from it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from infra.template.stage import StageConfig, Template, _keep_in_production, _tags, table_logical_id


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
