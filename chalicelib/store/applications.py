"""The applications on DynamoDB: one item per NIK keyed hash and service, "newer wins"."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.core.applications import Application, Service, Stage
from chalicelib.store.errors import conditional, dynamodb_errors
from chalicelib.store.keys import instant_key
from chalicelib.store.models import ApplicationRecord
from chalicelib.store.values import StoredApplication


def _client() -> Any:
    """The botocore DynamoDB client that PynamoDB manages, shared by every model (`bind`)."""
    return ApplicationRecord._get_connection().connection.client


class DynamoApplications:
    """`ports.Applications` on the applications table. Models must be bound (`models.bind`) first."""

    def applications_of(self, nik_key: str) -> list[Application]:
        # Every lookup makes this call: straight to the botocore client PynamoDB manages, with
        # a fixed expression. A NIK has at most four items (one page).
        with dynamodb_errors():
            page = _client().query(
                TableName=ApplicationRecord.Meta.table_name,
                KeyConditionExpression="#k = :k",
                ExpressionAttributeNames={"#k": "nik_key"},
                ExpressionAttributeValues={":k": {"S": nik_key}},
            )
        return [
            Application(
                Service(item["service"]["S"]),
                Stage(item["stage"]["S"]),
                datetime.fromisoformat(item["updated_at"]["S"]),
            )
            for item in page.get("Items", [])
        ]

    def record_application(
        self,
        nik_key: str,
        nik_last4: str,
        application: Application,
        recorded_by: str | None = None,
        recorded_at: datetime | None = None,
    ) -> bool:
        """Store `application` unless the stored one is as new or newer. True when it was stored."""
        # Straight to the botocore client, as `applications_of`: PynamoDB's `save` costs a
        # quarter more CPU a row, which the import's 100,000 rows pay (bench/stage_import.py).
        updated_ms = str(int(application.updated_at.timestamp() * 1000))
        item = {
            "nik_key": {"S": nik_key},
            "service": {"S": application.service.value},
            "stage": {"S": application.stage.value},
            "updated_at": {"S": application.updated_at.isoformat()},
            "updated_ms": {"N": updated_ms},
            "nik_last4": {"S": nik_last4},
        }
        if recorded_by is not None:
            item["recorded_by"] = {"S": recorded_by}
        if recorded_at is not None:
            item["recorded_at"] = {"S": instant_key(recorded_at)}
        return conditional(
            lambda: _client().put_item(
                TableName=ApplicationRecord.Meta.table_name,
                Item=item,
                ConditionExpression="attribute_not_exists(#k) OR #ms < :ms",
                ExpressionAttributeNames={"#k": "nik_key", "#ms": "updated_ms"},
                ExpressionAttributeValues={":ms": {"N": updated_ms}},
            )
        )

    def stored_application(self, nik_key: str, service: Service) -> StoredApplication | None:
        """A consistent read of one application, with who stored it and when."""
        with dynamodb_errors():
            try:
                record = ApplicationRecord.get(nik_key, service.value, consistent_read=True)
            except ApplicationRecord.DoesNotExist:
                return None
        return StoredApplication(
            Application(
                Service(record.service), Stage(record.stage), datetime.fromisoformat(record.updated_at)
            ),
            record.recorded_by,
            None if record.recorded_at is None else datetime.fromisoformat(record.recorded_at),
        )
