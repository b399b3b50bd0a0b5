"""What one stage is and how its resources are named: shared by every section."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalice.utils import to_cfn_resource_name

Template = dict[str, Any]

# python3.11 (the local version, which chalice would pick) can no longer be created or updated
# in Lambda since 2026-07-31 / 2026-08-31; python3.12 is supported until 2028-10-31.
LAMBDA_RUNTIME = "python3.12"
REGION = "ap-southeast-3"
API_STAGE = "api"  # `api_gateway_stage` in .chalice/config.json


@dataclass(frozen=True)
class StageConfig:
    """What the merge template needs to know about one chalice stage."""

    name: str
    table_prefix: str
    log_retention_days: int
    function_names: tuple[str, ...]  # chalice names: keys of `lambda_functions` in config.json

    @property
    def production(self) -> bool:
        return self.name == "prod"

    @classmethod
    def from_config(cls, config: dict[str, Any], stage: str) -> StageConfig:
        settings = config["stages"][stage]
        env = {**config.get("environment_variables", {}), **settings.get("environment_variables", {})}
        return cls(
            name=stage,
            table_prefix=env["LOKET_TABLE_PREFIX"],
            log_retention_days=int(
                settings.get("log_retention_in_days", config.get("log_retention_in_days", 30))
            ),
            function_names=tuple(settings.get("lambda_functions", {})),
        )


def function_logical_id(name: str) -> str:
    """The logical id chalice gives the function it calls `name` in its SAM template."""
    return "APIHandler" if name == "api_handler" else to_cfn_resource_name(name)


def function_name(stage: str, name: str) -> str:
    """The Lambda function's own name, as the log ARN in its policy file spells it."""
    return f"loket-{stage}-{name.replace('_', '-')}"


def table_logical_id(kind: str) -> str:
    return "".join(part.capitalize() for part in kind.split("-")) + "Table"


def import_bucket_name(stage: str) -> dict[str, str]:
    """Bucket names are global: the account id makes this one unique to its account."""
    return {"Fn::Sub": f"loket-{stage}-imports-${{AWS::AccountId}}"}


def _keep_in_production(stage: StageConfig) -> str:
    return "Retain" if stage.production else "Delete"


def _tags(stage: StageConfig) -> list[dict[str, str]]:
    return [{"Key": "app", "Value": "loket"}, {"Key": "stage", "Value": stage.name}]
