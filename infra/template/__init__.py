"""The project's own CloudFormation resources, merged into chalice's SAM template.

`chalice package --merge-template` deep-merges a template over the one chalice generates:
keys given here win, everything else stays. `merge_template` builds that template for one
stage from three sources, so none of them can drift from the infrastructure:

- the tables: one per model in `chalicelib.store.models.MODELS`, named `{prefix}-{kind}`,
  keys and TTL read from the model;
- the functions: those chalice generated (read from its own template), each given a fixed
  name (`loket-<stage>-<function>`, which its policy file's log ARN names), the Lambda
  runtime, and alarms;
- the answers API Gateway and the WAF give by themselves: status and body read from the
  declaration of each error code (`chalicelib.core.errors.ERROR_CODES`).

One module per section: `stage` (what a stage is, how things are named), `functions`,
`tables`, `queues`, `bucket` (the import bucket), `api` (API Gateway, its answers, its logs),
`cognito` (the staff's user pool), `waf`, `alarms`, `outputs`.

IAM is not here: each function's policy is declared in infra/policies.py, which writes
`.chalice/policy-<stage>-<fn>.json` (chalice puts it in the template as written; its
`Fn::GetAtt`s name the tables and queues below).
"""

from __future__ import annotations

from infra.template.alarms import _alarms
from infra.template.api import (
    ACCESS_LOG_FIELDS,
    GATEWAY_RESPONSES,
    THROTTLE_BURST,
    THROTTLE_RATE_PER_SECOND,
    _api,
    access_log_format,
    gateway_responses,
)
from infra.template.bucket import _import_bucket
from infra.template.cognito import _staff_pool
from infra.template.functions import _functions, _functions_of
from infra.template.outputs import _outputs
from infra.template.queues import _queues
from infra.template.stage import (
    API_STAGE,
    LAMBDA_RUNTIME,
    REGION,
    StageConfig,
    Template,
    function_logical_id,
    function_name,
    import_bucket_name,
    table_logical_id,
)
from infra.template.tables import _tables
from infra.template.waf import (
    WAF_EXEMPT_PATH_SUFFIX,
    WAF_LIMIT_PER_IP_5_MIN,
    WAF_LOG_RETENTION_DAYS,
    WAF_WEBHOOK_LIMIT_PER_IP_5_MIN,
    _waf,
)

__all__ = [
    "ACCESS_LOG_FIELDS",
    "API_STAGE",
    "GATEWAY_RESPONSES",
    "LAMBDA_RUNTIME",
    "REGION",
    "THROTTLE_BURST",
    "THROTTLE_RATE_PER_SECOND",
    "WAF_EXEMPT_PATH_SUFFIX",
    "WAF_LIMIT_PER_IP_5_MIN",
    "WAF_LOG_RETENTION_DAYS",
    "WAF_WEBHOOK_LIMIT_PER_IP_5_MIN",
    "StageConfig",
    "Template",
    "access_log_format",
    "function_logical_id",
    "function_name",
    "gateway_responses",
    "import_bucket_name",
    "merge_template",
    "table_logical_id",
]


def merge_template(stage: StageConfig, chalice_template: Template) -> Template:
    """The template to merge over `chalice_template` (chalice's own, for the same stage)."""
    functions = _functions_of(stage, chalice_template)
    resources: Template = {}
    resources.update(_tables(stage))
    resources.update(_functions(stage, functions, chalice_template))
    resources.update(_queues(stage, functions))
    if "stage_import" in functions.values():
        resources.update(_import_bucket(stage))
    resources.update(_api(stage))
    resources.update(_staff_pool(stage))
    resources.update(_waf(stage))
    resources.update(_alarms(stage, functions, resources))
    return {
        "Parameters": {
            "AlarmEmail": {
                "Type": "String",
                "Default": "",
                "Description": "Where alarms are mailed (confirm the subscription mail); empty: none",
            }
        },
        "Conditions": {"HasAlarmEmail": {"Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]}},
        "Resources": resources,
        "Outputs": _outputs(resources),
    }
