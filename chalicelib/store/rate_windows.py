"""The rate windows on DynamoDB: one item per client, route and minute, expired by TTL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.store.errors import dynamodb_errors
from chalicelib.store.models import RateWindowRecord


def _client() -> Any:
    """The botocore DynamoDB client that PynamoDB manages, shared by every model (`bind`)."""
    return RateWindowRecord._get_connection().connection.client


class DynamoRateWindows:
    """`ports.RateWindows` on the rate-limits table. Models must be bound (`models.bind`) first."""

    def count_hit(self, window_key: str, expires_at: datetime) -> int:
        """Count one request in a rate window; returns the window's count including this one."""
        # Every public request makes this call: straight to the botocore client PynamoDB
        # manages, with a fixed expression.
        with dynamodb_errors():
            response = _client().update_item(
                TableName=RateWindowRecord.Meta.table_name,
                Key={"window_key": {"S": window_key}},
                UpdateExpression="ADD #h :one SET #e = :e",
                ExpressionAttributeNames={"#h": "hits", "#e": "expires_at"},
                ExpressionAttributeValues={":one": {"N": "1"}, ":e": {"N": str(int(expires_at.timestamp()))}},
                ReturnValues="UPDATED_NEW",
            )
        return int(response["Attributes"]["hits"]["N"])
