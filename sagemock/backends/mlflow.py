"""MLflow tracking servers: SageMaker's managed MLflow, with the S3 bucket its artifacts go to.

A declared resource (`core.resource`): Create, Describe, List, Update, Delete, Start and Stop are
derived from the model; CreatePresignedMlflowTrackingServerUrl is written here. A server walks
Creating -> Created, Updating -> Updated, Stopping -> Stopped, Starting -> Started and Deleting ->
gone; it is active (`IsActive`) when it serves, and its URL (`https://t-<id>.<region>.experiments.
sagemaker.aws`) is fixed at creation. No MLflow runs behind it: a test points MLflow's client at
the server's ARN only to check what it was configured with.
"""
from __future__ import annotations

import string
from typing import Any

from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.errors import ConflictError, ServiceError
from ..core.lifecycle import GONE, Lifecycle
from ..core.resource import Resource, in_use, not_found
from ..core.state import Store

Document = dict[str, Any]
STATUS = "TrackingServerStatus"
KIND = "mlflow-tracking-server"
#: The statuses in which a server serves (IsActive "Active"); every other is "Inactive".
SERVING = ("Created", "Updated", "Started", "MaintenanceInProgress", "MaintenanceComplete", "MaintenanceFailed")
#: The statuses an operation in progress is not in: Update, Stop and Delete wait for these.
SETTLED = (*SERVING[:3], "MaintenanceComplete", "MaintenanceFailed", "UpdateFailed", "StartFailed")


def _entered(document: Document, status: str, store: Store, now: Any) -> None:
    document["IsActive"] = "Active" if status in SERVING else "Inactive"


LIFECYCLE = Lifecycle(
    resource_type=KIND,
    status_key=STATUS,
    status_shape=STATUS,
    paths={"create": ("Creating", "Created"), "update": ("Updating", "Updated"), "stop": ("Stopping", "Stopped"),
           "start": ("Starting", "Started"), "delete": ("Deleting", GONE)},
    failure_paths={"create": ("Creating", "CreateFailed"), "update": ("Updating", "UpdateFailed"),
                   "start": ("Starting", "StartFailed")},
    failure_key=None,  # the Describe answer has no failure member
    name_key="TrackingServerName",
    accepts={"update": SETTLED, "stop": SETTLED, "start": ("Stopped", "StopFailed"),
             "delete": (*SETTLED, "Stopped", "StopFailed", "CreateFailed", "DeleteFailed")},
    stamps_modified=True,
    on_enter=_entered,
)


def _refusal(trigger: str, status: str, accepted: tuple[str, ...]) -> ServiceError:
    """Update, Start, Stop and Delete declare ConflictException for a server that is busy."""
    return ConflictError(f"Cannot {trigger} the tracking server while its status is {status}: it must be "
                         f"{' or '.join(accepted)}.")


def _computed(document: Document, params: Params, ctx: Context) -> None:
    """What AWS fills in: the documented defaults, and the server's URL."""
    document.setdefault("TrackingServerSize", "Small")  # "The default ... size is 'Small'"
    document.setdefault("AutomaticModelRegistration", False)  # "defaults to False"
    document.setdefault("S3BucketOwnerAccountId", ctx.account)  # "Defaults to caller's account ID"
    document.setdefault("S3BucketOwnerVerification", True)  # "Defaults to True if not provided"
    document["TrackingServerUrl"] = f"https://t-{ctx.random_id(12)}.{ctx.region}.experiments.sagemaker.aws"
    document["IsActive"] = "Inactive"


TRACKING_SERVER = Resource(
    "MlflowTrackingServer",
    kind=KIND,
    # The operations declare ResourceNotFound and ResourceInUse; AWS's wording is not published.
    missing=not_found("Tracking server {arn} does not exist."),
    duplicate=in_use("Tracking server {arn} already exists."),
    lifecycle=LIFECYCLE,
    refusal=_refusal,
    # ListMlflowTrackingServers: "By default, tracking servers are listed in Descending order by
    # creation time" (in words the model's default-reader does not parse).
    default_sort=("CreationTime", "Descending"),
    filters={"CreatedAfter": lambda document, value: document["CreationTime"] > value,
             "CreatedBefore": lambda document, value: document["CreationTime"] < value,
             "TrackingServerStatus": lambda document, value: document[STATUS] == value,
             "MlflowVersion": lambda document, value: document.get("MlflowVersion") == value},
    on_create=_computed,
    example={"TrackingServerName": "experiments", "ArtifactStoreUri": "s3://bucket/mlflow",
             "RoleArn": "arn:aws:iam::123456789012:role/mlflow"},
)


class TrackingServers(Backend):
    servers = TRACKING_SERVER.table()

    @operation
    def create_presigned_mlflow_tracking_server_url(self, params: Params, ctx: Context) -> Document:
        """A one-time URL to the server's MLflow UI, in the form AWS hands out
        (`https://<key>.<region>.experiments.sagemaker.aws.a2z.com/auth?authToken=<token>`)."""
        self.servers.require(ctx, params["TrackingServerName"])
        key = ctx.random_id(16)
        token = ctx.random_id(64, string.ascii_letters + string.digits)
        return {"AuthorizedUrl": f"https://{key}.{ctx.region}.experiments.sagemaker.aws.a2z.com/auth?authToken={token}"}
