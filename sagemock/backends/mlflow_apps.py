"""MLflow apps: SageMaker's serverless MLflow, named by the ARN SageMaker makes for them.

A declared resource (`core.resource`) keyed by its ARN (`Arn`, `mlflow-app/app-<12 upper-case letters
and digits>`, the form real apps have), since an app's name need not be unique: Create, Describe,
List, Update and Delete are derived from the model; CreatePresignedMlflowAppUrl is written here.
An app walks Creating -> Created, Updating -> Updated and Deleting -> gone. No MLflow runs behind
it, as for the tracking servers (`mlflow.py`), whose shape this family mirrors.
"""
from __future__ import annotations

import string
from typing import Any

from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.errors import ConflictError, ServiceError, ValidationError
from ..core.lifecycle import GONE, Lifecycle
from ..core.resource import Resource, Rule, in_use, not_found

Document = dict[str, Any]
KIND = "mlflow-app"
ID_ALPHABET = string.ascii_uppercase + string.digits
#: The statuses no operation is in progress in: Update and Delete wait for these.
SETTLED = ("Created", "Updated", "CreateFailed", "UpdateFailed", "DeleteFailed")

LIFECYCLE = Lifecycle(
    resource_type=KIND,
    status_key="Status",
    status_shape="MlflowAppStatus",
    paths={"create": ("Creating", "Created"), "update": ("Updating", "Updated"), "delete": ("Deleting", GONE)},
    failure_paths={"create": ("Creating", "CreateFailed"), "update": ("Updating", "UpdateFailed")},
    failure_key=None,  # the Describe answer has no failure member
    name_key="Name",
    accepts={"update": ("Created", "Updated", "UpdateFailed"), "delete": SETTLED},
    stamps_modified=True,
)


def _app_id(params: Params, ctx: Context) -> str:
    """`app-` and 12 upper-case letters and digits (`mlflow-app/app-K53I5ZJMEUHZ` in public code)."""
    return "app-" + ctx.random_id(12, ID_ALPHABET)


def _refusal(trigger: str, status: str, accepted: tuple[str, ...]) -> ServiceError:
    """UpdateMlflowApp declares ConflictException for a busy app; DeleteMlflowApp declares none, so
    its refusal is a ValidationException."""
    message = (f"Cannot {trigger} the MLflow app while its status is {status}: it must be "
               f"{' or '.join(accepted)}.")
    return ConflictError(message) if trigger == "update" else ValidationError(message)


def _computed(document: Document, params: Params, ctx: Context) -> None:
    """The documented default: "If not specified, AutomaticModelRegistration defaults to
    AutoModelRegistrationDisabled" (CreateMlflowApp.ModelRegistrationMode)."""
    document.setdefault("ModelRegistrationMode", "AutoModelRegistrationDisabled")


def _default_for(document: Document, domain: Any) -> bool:
    """ListMlflowApps' `DefaultForDomainId`: the apps that domain lists as its default."""
    return domain in (document.get("DefaultDomainIdList") or [])


def _access_control(params: Params, ctx: Context) -> None:
    config = params.get("AccessControlConfiguration") or {}
    if config.get("Status") == "ENABLED" and not config.get("AdminPrincipalArn"):
        raise ValidationError("AccessControlConfiguration.AdminPrincipalArn is required to create an MLflow app "
                              "with fine-grained access control ENABLED.")


MLFLOW_APP = Resource(
    "MlflowApp",
    kind=KIND,
    # Describe, Update and Delete declare ResourceNotFound; AWS's wording is not published.
    missing=not_found("MLflow app {arn} does not exist."),
    duplicate=in_use("MLflow app {arn} already exists."),  # never raised: the ARN is made on Create
    lifecycle=LIFECYCLE,
    refusal=_refusal,
    generated=_app_id,
    named_by="Name",
    # ListMlflowApps.SortOrder: "By default, MLflow Apps are listed in Descending order by creation
    # time" (in words the model's default-reader does not parse).
    default_sort=("CreationTime", "Descending"),
    sort_members={"Name": "Name"},
    filters={"CreatedAfter": lambda document, value: document["CreationTime"] > value,
             "CreatedBefore": lambda document, value: document["CreationTime"] < value,
             "DefaultForDomainId": _default_for},
    rules=(Rule(_access_control, "CreateMlflowApp.AccessControlConfiguration: 'To enable FGAC when you create the "
                "app, set Status to ENABLED and specify an AdminPrincipalArn.'"),),
    waivers={"You must register each principal other than the Platform Admin": "MLflow's principals are not "
             "modelled: no MLflow runs behind the app"},
    on_create=_computed,
    example={"Name": "experiments", "ArtifactStoreUri": "s3://bucket/mlflow-app",
             "RoleArn": "arn:aws:iam::123456789012:role/mlflow"},
)


class MlflowApps(Backend):
    apps = MLFLOW_APP.table()

    @operation
    def create_presigned_mlflow_app_url(self, params: Params, ctx: Context) -> Document:
        """A one-time URL to the app's MLflow UI, in the form the tracking servers' URLs take
        (`https://<key>.<region>.experiments.sagemaker.aws.a2z.com/auth?authToken=<token>`)."""
        self.apps.require(ctx, params["Arn"])
        key = ctx.random_id(16)
        token = ctx.random_id(64, string.ascii_letters + string.digits)
        return {"AuthorizedUrl": f"https://{key}.{ctx.region}.experiments.sagemaker.aws.a2z.com/auth?authToken={token}"}
