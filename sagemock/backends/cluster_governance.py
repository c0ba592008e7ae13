"""HyperPod task governance: cluster policies (scheduler configs) and compute quotas.

Two declared resources (`core.resource`) over a HyperPod cluster, which each names by ARN and
which must exist (`references`). Their ids are twelve lower-case letters and digits SageMaker
makes (`generated=`), as their ARNs end (`cluster-scheduler-config/[a-z0-9]{12}`,
`compute-quota/[a-z0-9]{12}`). Both are versioned: Create makes version 1, each Update names the
version it was read at (`TargetVersion`) and makes the next, and Describe answers the current
version or, given `ClusterSchedulerConfigVersion` / `ComputeQuotaVersion`, an earlier one. Each
version's members are kept in the document's private `_versions`, so snapshots, the server and
Delete carry them with the resource.

Both walk Creating -> Created, Updating -> Updated and Deleting -> gone (SchedulerResourceStatus);
a planned failure ends in CreateFailed or UpdateFailed.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..core.backend import Backend, Params, operation
from ..core.context import LOWER_ALNUM, Context
from ..core.errors import ConflictError, ResourceNotFound
from ..core.lifecycle import GONE, Lifecycle
from ..core.resource import Answer, Resource, Rule, in_use, not_found

Document = dict[str, Any]

#: The statuses an Update is accepted from: a resource at rest (not being created, updated or
#: deleted). UpdateClusterSchedulerConfig and UpdateComputeQuota declare ConflictException.
_AT_REST = ("Created", "Updated", "CreateFailed", "UpdateFailed", "CreateRollbackFailed", "UpdateRollbackFailed")


def _lifecycle(kind: str) -> Lifecycle:
    return Lifecycle(
        resource_type=kind,
        status_key="Status",
        status_shape="SchedulerResourceStatus",
        paths={"create": ("Creating", "Created"), "update": ("Updating", "Updated"), "delete": ("Deleting", GONE)},
        failure_paths={"create": ("Creating", "CreateFailed"), "update": ("Updating", "UpdateFailed")},
        failure_key="FailureReason",
        name_key="Name",
        accepts={"update": _AT_REST},
    )


def _refusal(noun: str) -> Callable[[str, str, tuple[str, ...]], ConflictError]:
    def refuse(trigger: str, status: str, accepted: tuple[str, ...]) -> ConflictError:
        return ConflictError(f"Cannot {trigger} {noun} while it is in status {status}.")
    return refuse


def _new_id(params: Params, ctx: Context) -> str:
    """Twelve lower-case letters and digits, as the model's id patterns (`[a-z0-9]{12}`) say."""
    return ctx.random_id(12, LOWER_ALNUM)


class Versions:
    """The version history of one versioned resource: which members make a version, what its
    version member is called, and the rules and hooks that keep `_versions`."""

    def __init__(self, noun: str, id_key: str, version_key: str, members: tuple[str, ...], kind: str):
        self.noun, self.id_key, self.version_key, self.members, self.kind = noun, id_key, version_key, members, kind
        self.arn_key = id_key[:-len("Id")] + "Arn"

    def snapshot(self, document: Document) -> Document:
        kept = (*self.members, self.version_key, "LastModifiedTime", "LastModifiedBy")
        return {member: document[member] for member in kept if member in document}

    def on_create(self, document: Document, params: Params, ctx: Context) -> None:
        document[self.version_key] = 1
        document["_versions"] = [self.snapshot(document)]

    def on_update(self, document: Document, params: Params, ctx: Context) -> None:
        document[self.version_key] = int(document[self.version_key]) + 1
        document.setdefault("_versions", []).append(self.snapshot(document))

    def check_target(self, params: Params, ctx: Context) -> None:
        """TargetVersion is the version the caller read and means to change: any other answers
        ConflictException (the error Update declares), as a concurrent change would."""
        document = ctx.store.table(self.kind).find(ctx, params[self.id_key])
        if document is None:
            return  # the engine answers ResourceNotFound
        current = document[self.version_key]
        if params["TargetVersion"] != current:
            raise ConflictError(f"TargetVersion {params['TargetVersion']} does not match the current version "
                                f"{current} of {self.noun} {params[self.id_key]}.")

    def check_name(self, params: Params, ctx: Context) -> None:
        """Create's Name: "The name must be unique within the SageMaker AI HyperPod cluster
        specified by ClusterArn"; another cluster may use it. Create declares ConflictException."""
        table = ctx.store.table(self.kind)
        lifecycle = table.spec.lifecycle
        for document in table.named("Name", params["Name"]):
            if document.get("ClusterArn") == params["ClusterArn"] and \
                    (lifecycle is None or lifecycle.observe(document, ctx)):
                raise ConflictError(f"A {self.noun} named {params['Name']} already exists in cluster "
                                    f"{params['ClusterArn']}: {document[self.arn_key]}.")

    def describe(self, table: Any, params: Params, ctx: Context) -> Document:
        """The current version, or the earlier one the request names."""
        document: Document = table.require(ctx, params[self.id_key])
        wanted = params.get(self.version_key)
        if wanted is None or wanted == document[self.version_key]:
            return document
        found = next((kept for kept in document.get("_versions", ()) if kept[self.version_key] == wanted), None)
        if found is None:
            raise ResourceNotFound(f"Version {wanted} of {self.noun} {params[self.id_key]} does not exist.")
        return {**document, **found}


# -- cluster policies (scheduler configs) -------------------------------------------------------

SCHEDULER_KIND = "cluster-scheduler-config"
SCHEDULER_VERSIONS = Versions("cluster policy", "ClusterSchedulerConfigId", "ClusterSchedulerConfigVersion",
                              ("SchedulerConfig", "Description"), SCHEDULER_KIND)
#: Create's Name, in the words of both operations' documentation.
UNIQUE_NAME = "The name must be unique within the SageMaker AI HyperPod"

GOVERNED_CLUSTER = {"InstanceGroups": [{
    "InstanceGroupName": "workers", "InstanceType": "ml.t3.medium", "InstanceCount": 1,
    "ExecutionRole": "arn:aws:iam::123456789012:role/hyperpod",
    "LifeCycleConfig": {"SourceS3Uri": "s3://bucket/lifecycle/", "OnCreate": "on_create.sh"}}]}


def _created_after(document: Document, value: Any) -> bool:
    return bool(document["CreationTime"] > value)


def _created_before(document: Document, value: Any) -> bool:
    return bool(document["CreationTime"] < value)


_CREATED = {"CreatedAfter": _created_after, "CreatedBefore": _created_before}

def _declare(noun: str, versions: Versions, example: Params, cluster: str,
             on_create: Callable[[Document, Params, Context], None] | None = None) -> Resource:
    """A governance resource over a cluster: a generated id, the cluster it names, its name unique
    there, versioned by `versions`. AWS's wording for a missing one or a name in use is not
    published; see docs/cluster-governance.md."""
    create, update = f"Create{noun}", f"Update{noun}"
    return Resource(
        noun,
        kind=versions.kind,
        missing=not_found(noun + " {arn} not found."),
        duplicate=in_use(noun + " {arn} already exists."),
        lifecycle=_lifecycle(versions.kind),
        refusal=_refusal(versions.noun),
        generated=_new_id,
        named_by="Name",
        references={"ClusterArn": "cluster"},
        # Neither List states a default order: newest first, as SageMaker's Lists do.
        default_sort=("CreationTime", "Descending"),
        filters=_CREATED,
        rules=(Rule(versions.check_name, f"{create}.Name: '{UNIQUE_NAME} cluster specified by ClusterArn'",
                    claims=(UNIQUE_NAME,)),
               Rule(versions.check_target, f"{update}.TargetVersion ('Target version'); {update} declares "
                    "ConflictException", on=("update",))),
        on_create=on_create or versions.on_create,
        on_update=versions.on_update,
        example={"Name": example.pop("Name"), "ClusterArn": Answer("CreateCluster", "ClusterArn"), **example},
        example_needs=(("CreateCluster", {"ClusterName": cluster, **GOVERNED_CLUSTER}),),
    )


CLUSTER_SCHEDULER_CONFIG = _declare("ClusterSchedulerConfig", SCHEDULER_VERSIONS, {
    "Name": "fair-share", "Description": "inference first",
    "SchedulerConfig": {"PriorityClasses": [{"Name": "inference", "Weight": 90}, {"Name": "training", "Weight": 10}],
                        "FairShare": "Enabled"}}, cluster="policed")


# -- compute quotas ---------------------------------------------------------------------------

QUOTA_KIND = "compute-quota"
QUOTA_VERSIONS = Versions("compute quota", "ComputeQuotaId", "ComputeQuotaVersion",
                          ("ComputeQuotaConfig", "ComputeQuotaTarget", "ActivationState", "Description"), QUOTA_KIND)


def _quota_created(document: Document, params: Params, ctx: Context) -> None:
    """ActivationState: "Default is Enabled"; then version 1."""
    document.setdefault("ActivationState", "Enabled")
    QUOTA_VERSIONS.on_create(document, params, ctx)


COMPUTE_QUOTA = _declare("ComputeQuota", QUOTA_VERSIONS, {
    "Name": "team-a", "Description": "team A's share",
    "ComputeQuotaConfig": {"ComputeQuotaResources": [{"InstanceType": "ml.t3.medium", "Count": 1}],
                           "ResourceSharingConfig": {"Strategy": "LendAndBorrow", "BorrowLimit": 50},
                           "PreemptTeamTasks": "LowerPriority"},
    "ComputeQuotaTarget": {"TeamName": "team-a", "FairShareWeight": 10}}, cluster="quota-holder",
    on_create=_quota_created)


class ClusterGovernance(Backend):
    scheduler_configs = CLUSTER_SCHEDULER_CONFIG.table()
    compute_quotas = COMPUTE_QUOTA.table()

    @operation
    def describe_cluster_scheduler_config(self, params: Params, ctx: Context) -> Document:
        return SCHEDULER_VERSIONS.describe(self.scheduler_configs, params, ctx)

    @operation
    def describe_compute_quota(self, params: Params, ctx: Context) -> Document:
        return QUOTA_VERSIONS.describe(self.compute_quotas, params, ctx)
