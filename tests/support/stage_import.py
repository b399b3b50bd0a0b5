"""The stage import as a test drives it: the import bucket, the app's S3 handler and the public
API (`Imports`), and the captured S3 events of tests/fixtures/s3."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chalice.test import Client

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "s3"
HEADER = "nik,service,stage,updated_at"
IMPORT_BUCKET = "loket-imports"


@dataclass
class Imports:
    """The import bucket, the app's handler and the public API, as a test uses them."""

    client: Client
    s3: Any
    bucket: str
    admin_token: str
    logs: list[str] = field(default_factory=list)

    def put(self, name: str, content: str | bytes) -> str:
        key = f"imports/{name}"
        body = content.encode() if isinstance(content, str) else content
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=body)
        return key

    def invoke(self, event: dict[str, Any]) -> list[dict[str, Any]]:
        payload: list[dict[str, Any]] = self.client.lambda_.invoke("stage_import", event).payload
        return payload

    def run(self, name: str) -> dict[str, Any]:
        """Import `imports/<name>` as S3 would announce it; the run's summary."""
        [summary] = self.invoke(
            self.client.events.generate_s3_event(bucket=self.bucket, key=f"imports/{name}")
        )
        return summary

    def put_and_run(self, name: str, content: str | bytes) -> dict[str, Any]:
        self.put(name, content)
        return self.run(name)

    def rejected_bytes(self, name: str) -> bytes | None:
        try:
            obj = self.s3.get_object(Bucket=self.bucket, Key=f"imports-rejected/{name}")
        except self.s3.exceptions.NoSuchKey:
            return None
        data: bytes = obj["Body"].read()
        return data

    def rejected(self, name: str) -> list[list[str]] | None:
        """The rejected file's rows, header first, or None when there is none."""
        data = self.rejected_bytes(name)
        if data is None:
            return None
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))

    def stages(self, digits: str) -> dict[str, tuple[str, str]] | None:
        """service -> (stage, updated_at) as POST /v1/status shows it; None for 404."""
        response = self.client.http.post(
            "/v1/status",
            headers={"Content-Type": "application/json"},
            body=json.dumps({"nik": digits}).encode(),
        )
        if response.status_code == 404:
            return None
        assert response.status_code == 200, response.body
        body = json.loads(response.body)
        return {a["service"]: (a["stage"], a["updated_at"]) for a in body["applications"]}

    def audit(self) -> list[dict[str, Any]]:
        """Import entries of GET /v1/admin/audit, oldest first."""
        response = self.client.http.get(
            "/v1/admin/audit?limit=1000", headers={"Authorization": f"Bearer {self.admin_token}"}
        )
        assert response.status_code == 200, response.body
        entries = json.loads(response.body)["entries"]
        return [e for e in reversed(entries) if e["action"] == "application.import"]


def s3_event(name: str, bucket: str) -> dict[str, Any]:
    """A captured-shape S3 event from tests/fixtures/s3 with the bucket filled in."""
    event: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    for record in event["Records"]:
        record["s3"]["bucket"]["name"] = bucket
        record["s3"]["bucket"]["arn"] = f"arn:aws:s3:::{bucket}"
    return event
