"""Partner AI apps: Comet, Deepchecks, Fiddler and Lakera Guard, run by SageMaker for the account.

A declared resource (`core.resource`) keyed by the ARN SageMaker makes (`partner-app/app-<12
upper-case letters and digits>`, the model's pattern): Create, Describe, List, Update and Delete
are derived from the model; CreatePartnerAppPresignedUrl is written here. An app walks Creating ->
Available, Updating -> Available and Deleting -> gone. No partner software runs behind it: a test
checks what its code configured.
"""
from __future__ import annotations

import fnmatch
import string
from typing import Any

from ..core import tags
from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.errors import ConflictError, ServiceError, ValidationError
from ..core.lifecycle import GONE, Lifecycle
from ..core.resource import Resource, Rule, in_use, not_found

Document = dict[str, Any]
KIND = "partner-app"
ID_ALPHABET = string.ascii_uppercase + string.digits
#: The statuses no operation is in progress in: Update and Delete wait for these.
SETTLED = ("Available", "Failed", "UpdateFailed")

LIFECYCLE = Lifecycle(
    resource_type=KIND,
    status_key="Status",
    status_shape="PartnerAppStatus",
    paths={"create": ("Creating", "Available"), "update": ("Updating", "Available"), "delete": ("Deleting", GONE)},
    failure_paths={"create": ("Creating", "Failed"), "update": ("Updating", "UpdateFailed")},
    failure_key=None,  # the reason is in `Error`, set by `_entered`
    name_key="Name",
    accepts={"update": ("Available", "UpdateFailed"), "delete": SETTLED},
    stamps_modified=True,
    on_enter=lambda document, status, store, now: _entered(document, status),
)


def _entered(document: Document, status: str) -> None:
    """A failed app says why in `Error` (Code, Reason); one that works again has none."""
    if status in ("Failed", "UpdateFailed"):
        reason = document.pop("_failure_reason", None) or "The app could not be provisioned."
        document["Error"] = {"Code": "InternalFailure", "Reason": str(reason)[:256]}
    else:
        document.pop("Error", None)


def _app_id(params: Params, ctx: Context) -> str:
    """`app-` and 12 upper-case letters and digits (the ARN pattern `partner-app\\/app-[A-Z0-9]{12}`)."""
    return "app-" + ctx.random_id(12, ID_ALPHABET)


def _refusal(trigger: str, status: str, accepted: tuple[str, ...]) -> ServiceError:
    """UpdatePartnerApp and DeletePartnerApp declare ConflictException for an app that is busy."""
    return ConflictError(f"Cannot {trigger} the partner app while its status is {status}: it must be "
                         f"{' or '.join(accepted)}.")


def _idc(params: Params, ctx: Context) -> None:
    if params.get("AuthType") == "IDC" and not params.get("IdcConfig"):
        raise ValidationError("IdcConfig is required when AuthType is IDC.")


def _group_patterns(params: Params, ctx: Context) -> None:
    config = params.get("ApplicationConfig") or {}
    allowed = config.get("AssignedGroupPatterns") or []
    for assignment in config.get("RoleGroupAssignments") or []:
        for group in assignment["GroupPatterns"]:
            if not any(group == pattern or fnmatch.fnmatchcase(group, pattern) for pattern in allowed):
                raise ValidationError(f"The group pattern {group} of role {assignment['RoleName']} in "
                                      "RoleGroupAssignments matches no pattern in AssignedGroupPatterns.")


def _tags_checked(params: Params, ctx: Context) -> None:
    tags.check(params.get("Tags"))


def _computed(document: Document, params: Params, ctx: Context) -> None:
    """The documented default (EnableAutoMinorVersionUpgrade: "Default is FALSE"), and the app's URL."""
    document.setdefault("EnableAutoMinorVersionUpgrade", False)
    app_id = document["Arn"].rsplit("/", 1)[-1].lower()
    document["BaseUrl"] = f"https://{app_id}.{document['Type']}.{ctx.region}.partner-app.sagemaker.aws"


def _updated(document: Document, params: Params, ctx: Context) -> None:
    """An upgrade to `AppVersion` makes it the app's `Version`; `Tags` are added to the app's."""
    if params.get("AppVersion") is not None:
        document["Version"] = params["AppVersion"]
    if params.get("Tags"):
        tags.apply(ctx.store, document["Arn"], params["Tags"])


PARTNER_APP = Resource(
    "PartnerApp",
    kind=KIND,
    # Describe, Update and Delete declare ResourceNotFound; AWS's wording is not published.
    missing=not_found("Partner app {arn} does not exist."),
    duplicate=in_use("Partner app {arn} already exists."),  # never raised: the ARN is made on Create
    lifecycle=LIFECYCLE,
    refusal=_refusal,
    generated=_app_id,
    named_by="Name",
    # ListPartnerApps takes no SortBy and states no order: oldest first, as created.
    default_sort=("CreationTime", "Ascending"),
    rules=(
        Rule(_idc, "CreatePartnerApp.IdcConfig: 'Specify this parameter when AuthType is IDC.'; AuthType: 'IDC: "
             "... Specify the Identity Center instance to use in IdcConfig.'", on=("create", "update")),
        Rule(_group_patterns, "PartnerAppConfig.AssignedGroupPatterns", on=("create", "update"), claims=(
            "All groups specified in RoleGroupAssignments must match patterns in this list",)),
        Rule(_tags_checked, "UpdatePartnerApp.Tags: the tags every resource takes", on=("update",)),
    ),
    waivers={
        "This value must take the following format": "the model's pattern for MaintenanceWindowStart states it",
        "Must be one of the following": "the model's enum for Type states it",
        "Must be the same semantic version returned in the AvailableUpgrade field": "upgrades are not modelled: "
        "no AvailableUpgrade is offered, and AppVersion becomes the app's Version as given",
        "CreatePartnerApp.Tags": "the tags every resource takes (core.tags)",
        "UpdatePartnerApp.Tags": "the tags every resource takes (core.tags)",
    },
    on_create=_computed,
    on_update=_updated,
    ignores={"DescribePartnerApp": {"IncludeAvailableUpgrade": "upgrades are not modelled: no AvailableUpgrade "
                                                               "is ever offered"}},
    example={"Name": "evaluations", "Type": "comet", "ExecutionRoleArn": "arn:aws:iam::123456789012:role/partner",
             "Tier": "small", "AuthType": "IAM"},
)


class PartnerApps(Backend):
    apps = PARTNER_APP.table()

    @operation
    def create_partner_app_presigned_url(self, params: Params, ctx: Context) -> Document:
        """A one-time URL to the app, its base URL with a sign-in token (sagemock's form: AWS does
        not publish one)."""
        app = self.apps.require(ctx, params["Arn"])
        token = ctx.random_id(64, string.ascii_letters + string.digits)
        return {"Url": f"{app['BaseUrl']}/auth?authToken={token}"}
