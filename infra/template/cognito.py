"""The staff's Cognito user pool: accounts an admin creates, the password policy, the groups
(`admin`, `staff`, `operator`) and the office page's app client. What they are is declared
once in chalicelib/core/staff.py; `make run` builds the same pool on moto (local/staff_pool.py)."""

from __future__ import annotations

from chalicelib.core.staff import (
    ACCESS_TOKEN_HOURS,
    AUTH_FLOWS,
    GROUPS,
    PASSWORD_POLICY,
    REFRESH_TOKEN_HOURS,
)
from infra.template.stage import StageConfig, Template, _keep_in_production

_DESCRIPTIONS = {
    "admin": "Quotas, the audit log, the report; everything staff do",
    "staff": "Desks: check-in, calls, the door reserve, application stages",
    "operator": "Village officers: tickets on residents' behalf",
}


def _staff_pool(stage: StageConfig) -> Template:
    keep = _keep_in_production(stage)
    resources: Template = {
        "StaffUserPool": {
            "Type": "AWS::Cognito::UserPool",
            "DeletionPolicy": keep,
            "UpdateReplacePolicy": keep,
            "Properties": {
                "UserPoolName": f"loket-{stage.name}-staff",
                "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": True},
                "Policies": {"PasswordPolicy": PASSWORD_POLICY},
                # No e-mail or phone is kept: an admin resets a forgotten password.
                "AccountRecoverySetting": {"RecoveryMechanisms": [{"Name": "admin_only", "Priority": 1}]},
                "MfaConfiguration": "OFF",
                "DeletionProtection": "ACTIVE" if stage.production else "INACTIVE",
                "UserPoolTags": {"app": "loket", "stage": stage.name},
            },
        },
        "StaffUserPoolClient": {
            "Type": "AWS::Cognito::UserPoolClient",
            "Properties": {
                "ClientName": f"loket-{stage.name}-kantor",
                "UserPoolId": {"Ref": "StaffUserPool"},
                "GenerateSecret": False,  # the server signs in for the page; no secret to keep
                "ExplicitAuthFlows": list(AUTH_FLOWS),
                "AccessTokenValidity": ACCESS_TOKEN_HOURS,
                "IdTokenValidity": ACCESS_TOKEN_HOURS,
                "RefreshTokenValidity": REFRESH_TOKEN_HOURS,
                "TokenValidityUnits": {"AccessToken": "hours", "IdToken": "hours", "RefreshToken": "hours"},
                "EnableTokenRevocation": True,
                "PreventUserExistenceErrors": "ENABLED",
            },
        },
    }
    for precedence, group in enumerate(GROUPS):
        resources[f"StaffGroup{group.capitalize()}"] = {
            "Type": "AWS::Cognito::UserPoolGroup",
            "Properties": {
                "UserPoolId": {"Ref": "StaffUserPool"},
                "GroupName": group,
                "Precedence": precedence,
                "Description": _DESCRIPTIONS[group],
            },
        }
    return resources


STAFF_POOL_VARIABLES = {
    "LOKET_COGNITO_USER_POOL_ID": {"Ref": "StaffUserPool"},
    "LOKET_COGNITO_CLIENT_ID": {"Ref": "StaffUserPoolClient"},
}
# The functions that read a staff member's token: the API (sessions) and the authorizer.
READ_STAFF_TOKENS = ("api_handler", "bearer")
