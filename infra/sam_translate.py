"""SAM to plain CloudFormation, offline, as CloudFormation's `AWS::Serverless-2016-10-31`
transform expands it, so that cfn-lint also checks what is really created.

Run by the checker venv's Python (it has aws-sam-translator; the dev venv does not):
    .venv-checkov/bin/python -m infra.sam_translate sam.json cloudformation.json
Imports nothing of the project's.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

UPLOADED_CODE = "s3://loket-artifacts/deployment.zip"  # what `aws cloudformation package` writes


class _NoManagedPolicies:
    """The translator asks IAM for managed policy names only when a function lists some."""

    def load(self) -> dict[str, str]:
        return {}


def translate(template: dict[str, Any]) -> dict[str, Any]:
    from samtranslator.translator.transform import transform

    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = UPLOADED_CODE
    expanded: dict[str, Any] = transform(template, {}, _NoManagedPolicies())
    return expanded


def main(argv: list[str]) -> int:
    source, target = Path(argv[0]), Path(argv[1])
    target.write_text(json.dumps(translate(json.loads(source.read_text())), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
